/**
 * The one-pass reader (Quick.ts) against the full reader: wherever it takes a piece, the
 * full reader must read exactly one document from it, with the same value (key order,
 * prototypes and scalar types included) at the same position; where the full reader
 * finds anything wrong, the one-pass reader must have given up. Checked on every sample
 * and fixture, on hand-picked edge cases, and on thousands of random edits of them.
 */
import { readdirSync, readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { CORE_SCHEMA, mergeTag } from "js-yaml"
import * as Quick from "../src/commands/validate/Quick.ts"
import * as Reader from "../src/commands/validate/Reader.ts"
import { type Piece, splitter } from "../src/commands/validate/Split.ts"
import { repoRoot } from "./support/run.ts"

const dirs = ["packages/cli/test/fixtures/", "packages/cli/test/fixtures/inject/", "deploy/samples/", "packages/core/test/fixtures/", "packages/core/test/fixtures/valid/", "packages/core/test/fixtures/invalid/"]
const files = dirs.flatMap((dir) => {
  try {
    return readdirSync(`${repoRoot}${dir}`).filter((f) => f.endsWith(".yaml")).map((f) => `${dir}${f}`)
  } catch {
    return []
  }
})

const pieces = (text: string): ReadonlyArray<Piece> => {
  const split = splitter()
  return [...split.push(text, []), ...split.end()]
}

/** A value with its key order, prototypes and number kinds spelt out, so that equal means the same to every reader of it. */
const spelt = (value: unknown): unknown => {
  if (Array.isArray(value)) return { array: Object.getPrototypeOf(value) === Array.prototype, items: value.map(spelt) }
  if (typeof value === "object" && value !== null) {
    return {
      object: Object.getPrototypeOf(value) === Object.prototype,
      own: Reflect.ownKeys(value).map((k) => [String(k), Object.getOwnPropertyDescriptor(value, k)?.enumerable, spelt((value as Record<string | symbol, unknown>)[k])])
    }
  }
  if (typeof value === "number") return { number: Object.is(value, -0) ? "-0" : String(value) }
  return { [typeof value]: value }
}

type Path = ReadonlyArray<string | number>

/** Every path in a value, and for each one a key and an index that are not there. */
const paths = (value: unknown, prefix: Path = []): ReadonlyArray<Path> => {
  const own: ReadonlyArray<Path> = [prefix, [...prefix, "absent"], [...prefix, 99], [...prefix, "0"]]
  if (Array.isArray(value)) return [...own, ...value.flatMap((v, i) => paths(v, [...prefix, i]))]
  if (typeof value === "object" && value !== null) return [...own, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
  return own
}

const schema = CORE_SCHEMA.withTags(mergeTag)
const quickLocator = (text: string) => Quick.locator(text, (raw) => schema.resolveImplicitScalarTag(raw).value)

/** Paths the one-pass reader located itself, without the full reader (so that the comparison below is not vacuous). */
let locatedQuickly = 0

/** Whether the one-pass reader agrees with the full reader on `piece`; a reason when not. */
const disagreement = (piece: Piece): string | undefined => {
  const quick = Reader.quickly(piece)
  if (quick === undefined) return undefined
  const full = Reader.readFully(piece)
  if (full.length !== 1) return `the full reader read ${full.length} documents`
  const doc = full[0]
  if (doc?._tag !== "Parsed") return `the full reader found ${JSON.stringify(doc)}`
  if (JSON.stringify(spelt(doc.value)) !== JSON.stringify(spelt(quick.value))) {
    return `values differ: ${JSON.stringify(doc.value)} against ${JSON.stringify(quick.value)}`
  }
  const fast = Reader.read(piece)[0]
  if (fast?._tag !== "Parsed" || JSON.stringify(fast.position) !== JSON.stringify(doc.position)) return `positions differ: ${JSON.stringify(fast)} against ${JSON.stringify(doc.position)}`
  const own = quickLocator(piece.text)
  for (const path of paths(doc.value)) {
    const [ours, theirs] = [fast.locate(path), doc.locate(path)]
    if (ours.line !== theirs.line || ours.column !== theirs.column) return `${JSON.stringify(path)} located at ${JSON.stringify(ours)}, not ${JSON.stringify(theirs)}`
    if (own(path) !== undefined) locatedQuickly++
  }
  return undefined
}

type Edit = { readonly kind: string; readonly at: number; readonly text?: string; readonly count?: number; readonly by?: number; readonly to?: number }

const piece = (text: string): Piece => ({ text, line: 1, invalid: [] })

const corpus = files.map((file) => readFileSync(`${repoRoot}${file}`, "utf8"))
const corpusPieces = corpus.flatMap(pieces).filter((p) => p.text.trim() !== "")

describe("the one-pass reader == the full reader", () => {
  it("on every sample and fixture, and it takes the ordinary ones", () => {
    assert.isAbove(corpusPieces.length, 30)
    let taken = 0
    for (const p of corpusPieces) {
      assert.strictEqual(disagreement(p), undefined, p.text)
      if (Reader.quickly(p) !== undefined) taken++
    }
    // the samples are written as manifests usually are: most must not need the full reader
    assert.isAbove(taken / corpusPieces.length, 0.5, `${taken} of ${corpusPieces.length} pieces taken`)
    assert.isAbove(locatedQuickly, 1000)
    for (const file of readdirSync(`${repoRoot}deploy/samples/`).filter((f) => f.endsWith(".yaml"))) {
      const text = readFileSync(`${repoRoot}deploy/samples/${file}`, "utf8")
      if (/^[^#\n]*[&*!|>]|\t|<</m.test(text)) continue
      for (const p of pieces(text).filter((q) => q.text.trim() !== "")) assert.isDefined(Reader.quickly(p), `${file} line ${p.line}`)
    }
  })

  const taken: ReadonlyArray<readonly [string, unknown]> = [
    ["a: 1\n", { a: 1 }],
    ["---\na: b\n", { a: "b" }],
    ["--- # c\n# d\na:   b   # e\n", { a: "b" }],
    ["a:\n  b: [x, 'y''z', \"w\", {c: d, e: [1, 2.5, true, null, ~]}]\n", { a: { b: ["x", "y'z", "w", { c: "d", e: [1, 2.5, true, null, null] }] } }],
    ["a:\n- 1\n- b: c\n  d: e\n-\n  - x\nf: 0x1F\n", { a: [1, { b: "c", d: "e" }, ["x"]], f: 31 }],
    ["True: 1\nnull: 2\n", { true: 1, null: 2 }],
    ["a: 1e400\nb: .inf\nc: -.5\nd: 0o17\ne: +12\n", { a: "1e400", b: Infinity, c: -0.5, d: 15, e: 12 }],
    ["a: http://x:80/y#z\nb: a#b\nc: 10.0.0.1:9100\nd: -Xmx1g\n", { a: "http://x:80/y#z", b: "a#b", c: "10.0.0.1:9100", d: "-Xmx1g" }],
    ["a: {}\nb: []\nc: { }\nd: [ ]\ne: ''\nf: \"\"\ng:\n", { a: {}, b: [], c: {}, d: [], e: "", f: "", g: null }],
    ["# 한국어 주석\na: 한글 # 주석\nké: [é, \"😀\"]\nb: \u00a0x\u00a0\n", { a: "한글", ké: ["é", "😀"], b: "\u00a0x\u00a0" }],
    ["---\r\n# c\r\na: b  # c\r\nl:\r\n- x\r\n-\r\n  y: [1, \"z\"]\r\nm:\r\n\r\n", { a: "b", l: ["x", { y: [1, "z"] }], m: null }],
    ["1a: 2\n8080: x\ncollect[]:\n  - a b: c\n", { "1a": 2, "8080": "x", "collect[]": [{ "a b": "c" }] }],
    ["constructor: 1\nhasOwnProperty: 2\ntoString: [a]\n", { constructor: 1, hasOwnProperty: 2, toString: ["a"] }]
  ]
  for (const [text, expected] of taken) {
    it(`takes ${JSON.stringify(text)}`, () => {
      const quick = Reader.quickly(piece(text))
      assert.isDefined(quick)
      assert.deepStrictEqual(quick?.value, expected)
      assert.strictEqual(disagreement(piece(text)), undefined)
    })
  }

  const refused = [
    "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  x\n", "a: >\n  x\n", "a: b\n  c\n", "a: 'b\n  c'\n", "a: \"b\\n\"\n",
    "a: 1\na: 2\n", "<<: {a: 1}\n", "? a\n: b\n", "%YAML 1.2\n---\na: 1\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n", "a:\n---  b: c\n", "a: b\n... c: d\n",
    "a:\tb\n", "a: b\rc: d\n", "a: 'b\r\n  c'\r\n", "a: \u0085\n", "a: b\u2028\n", "a: \ufeffb\n", "a: \ud800\n", "- a\n", "a\n", "  a: 1\n", "a: [b,\n  c]\n", "a: [b, c,]\n", "a: {b}\n", "a: {b: c, b: d}\n",
    "a: [b: c]\n", "a: b: c\n", "a: b:\n", "a: - b\n", "a:\n- b\nc\n", "a: 1\n- b\n", "a:\n  b: 1\n   c: 2\n", "a:\n  - b\n   - c\n",
    "__proto__: 1\n", "a: \"b\"c\n", "a: [b]c\n", "a: 'b' # c\n  d: e\n", "\"a\": 1\n", "a : 1\n", "a: b #c\n d\n",
    "a: -\n", "a: @b\n", "a: `b\n", "a: %b\n", "a: {b: }\n", "a: [,]\n", "a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"
  ]
  it("gives up on everything outside its subset", () => {
    for (const text of refused) assert.isUndefined(Reader.quickly(piece(text)), JSON.stringify(text))
  })

  it("agrees on random edits of the samples and fixtures", () => {
    const alphabet = [..." \n:-#'\"[]{},&*!|>?<~%@`.0123456789aeflnrtuxyzAFNTY_/\\\t\r", "é", "한", "😀", "\u00a0", "\u0085", "\u2028", "\ufeff", "\ud800", "\u0000"]
    const edit = fc.oneof(
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 3 }).map((a) => a.join("")) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -3, max: 3 }) }),
      fc.record({ kind: fc.constant("line" as const), at: fc.nat(), to: fc.nat() })
    )
    const apply = (text: string, e: Edit): string => {
      const at = text.length === 0 ? 0 : e.at % text.length
      if (e.kind === "insert") return text.slice(0, at) + (e.text ?? "") + text.slice(at)
      if (e.kind === "delete") return text.slice(0, at) + text.slice(at + (e.count ?? 1))
      const lines = text.split("\n")
      const i = e.at % lines.length
      if (e.kind === "indent") {
        const line = lines[i] ?? ""
        lines[i] = (e.by ?? 0) >= 0 ? " ".repeat(e.by ?? 0) + line : line.replace(new RegExp(`^ {0,${-(e.by ?? 0)}}`), "")
        return lines.join("\n")
      }
      const [moved] = lines.splice(i, 1)
      lines.splice((e.to ?? 0) % (lines.length + 1), 0, moved ?? "")
      return lines.join("\n")
    }
    const taken = corpusPieces.filter((p) => Reader.quickly(p) !== undefined).map((p) => p.text)
    // and the same with CR LF line breaks, as editors on Windows write them
    const usable = [...taken, ...taken.map((t) => t.replaceAll("\n", "\r\n"))]
    let stillTaken = 0
    fc.assert(
      fc.property(fc.constantFrom(...usable), fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        const mutated = edits.reduce(apply, text)
        const reason = disagreement(piece(mutated))
        if (Reader.quickly(piece(mutated)) !== undefined) stillTaken++
        assert.strictEqual(reason, undefined, JSON.stringify(mutated))
      }),
      { numRuns: Number(process.env["QUICK_RUNS"] ?? 4000) }
    )
    // the edits must leave many pieces readable by both, or the comparison proves little
    assert.isAbove(stillTaken, 1000)
  }, 600_000)

  it("agrees on generated documents of the subset and near it, edited or not", () => {
    type Node = { readonly scalar: string } | { readonly map: ReadonlyArray<readonly [string, Node]> } | { readonly seq: ReadonlyArray<Node> }
    // mostly what the one-pass reader takes, some of what it must refuse
    const often = <T>(taken: ReadonlyArray<T>, refused: ReadonlyArray<T>): fc.Arbitrary<T> =>
      fc.oneof({ arbitrary: fc.constantFrom(...taken), weight: 12 }, { arbitrary: fc.constantFrom(...refused), weight: 1 })
    const scalar = often(
      ["a", "b c", "1", "-1", "0x1F", "0o7", "0b1", "1e3", "1e400", ".5", "+.inf", ".NaN", "null", "Null", "~", "true", "False", "yes", "on", "1_000", "12:30", "2001-12-14", "a#b", "-x", "é", "한글 값", "😀", "\u00a0x\u00a0", "'q'", "\"d\"", "'it''s'", "", "[]", "{}", "[a, 'b', \"c\"]", "{a: b, c: [d]}", "[{a: 1}, [2]]", "http://h:1/p"],
      ["a #b", "- x", "\u0085", "\u2028x", "a\ufeff", "\ud83d", "\"a\\nb\"", "&x a", "*x", "!!str 1", "|", "<<", "a: b", "[a, b,]", "{a: 1, a: 2}"]
    )
    const key = often(["a", "b", "c", "a b", "1", "true", "True", "null", "collect[]", "x.y/z", "-k", "a:b", "키", "ké"], ["~", "<<", "__proto__", "'q'", "\"d\"", "? k", "k "])
    const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar.map((scalar) => ({ scalar })),
        fc.array(fc.tuple(key, tie("node")), { maxLength: 4 }).map((map) => ({ map })),
        fc.array(tie("node"), { maxLength: 3 }).map((seq) => ({ seq }))
      )
    })).node
    const render = (n: Node, indent: number, step: number, compact: boolean, comment: boolean): ReadonlyArray<string> => {
      const sp = " ".repeat(indent)
      if ("scalar" in n) return [`${sp}${n.scalar}`]
      if ("map" in n) {
        if (n.map.length === 0) return [`${sp}{}`]
        return n.map.flatMap(([k, v]) =>
          "scalar" in v
            ? [`${sp}${k}: ${v.scalar}${comment ? " # c" : ""}`]
            : [`${sp}${k}:`, ...(comment ? [`${sp}  # c`] : []), ...render(v, "seq" in v && compact ? indent : indent + step, step, compact, comment)]
        )
      }
      if (n.seq.length === 0) return [`${sp}[]`]
      return n.seq.flatMap((item) => {
        if ("scalar" in item) return [`${sp}- ${item.scalar}`]
        const inner = render(item, indent + 2, step, compact, comment)
        return compact ? [`${sp}- ${(inner[0] ?? "").trimStart()}`, ...inner.slice(1)] : [`${sp}-`, ...inner]
      })
    }
    const document = fc.record({
      root: fc.array(fc.tuple(key, node), { minLength: 1, maxLength: 5 }),
      step: fc.constantFrom(2, 4),
      compact: fc.boolean(),
      comment: fc.boolean(),
      header: fc.constantFrom("", "---\n", "# head\n---\n", "--- # c\n"),
      crlf: fc.boolean()
    }).map(({ root, step, compact, comment, header, crlf }) => {
      const eol = crlf ? "\r\n" : "\n"
      return `${header.replaceAll("\n", eol)}${render({ map: root }, 0, step, compact, comment).join(eol)}${eol}`
    })
    let takenCount = 0
    const runs = Number(process.env["QUICK_RUNS"] ?? 4000)
    fc.assert(
      fc.property(document, fc.array(fc.tuple(fc.nat(), fc.constantFrom(" ", "\n", ":", "-", "#", "  ", "'", "[")), { maxLength: 2 }), (text, inserts) => {
        const mutated = inserts.reduce((t, [at, c]) => t.slice(0, at % (t.length + 1)) + c + t.slice(at % (t.length + 1)), text)
        if (Reader.quickly(piece(mutated)) !== undefined) takenCount++
        assert.strictEqual(disagreement(piece(mutated)), undefined, JSON.stringify(mutated))
      }),
      { numRuns: runs }
    )
    assert.isAbove(takenCount, runs / 20)
  }, 600_000)
})
