/**
 * The one YAML reader in pieces: the splitter (any chunking gives the same documents as
 * reading the whole text), the reader's values and positions against an independent
 * reference (the `yaml` package) on every fixture and sample, aliases and merge keys,
 * and the unclosed-bracket finder.
 */
import { readdirSync, readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from "yaml"
import * as Reader from "../src/commands/validate/Reader.ts"
import { documents, type Path } from "../src/commands/validate/Source.ts"
import { type Piece, splitter } from "../src/commands/validate/Split.ts"
import { unclosedFlow } from "../src/commands/validate/Syntax.ts"
import { repoRoot } from "./support/run.ts"

const paths = (value: unknown, prefix: Path = []): ReadonlyArray<Path> => {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))]
  if (typeof value === "object" && value !== null) {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
  }
  return [prefix]
}

/** The `yaml` package's position for a path: the key of a map entry, the start of a list item. */
const reference = (text: string) => {
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, { lineCounter: lines })
  return docs.map((doc) => (path: Path) => {
    let node: unknown = doc.contents
    let offset = doc.contents?.range[0] ?? 0
    for (const segment of path) {
      if (isSeq(node) && typeof segment === "number") {
        const item: unknown = node.items[segment]
        if (!(isMap(item) || isSeq(item) || isScalar(item)) || item.range === undefined || item.range === null) break
        offset = item.range[0]
        node = item
      } else if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment))
        if (pair === undefined || !isScalar(pair.key) || !pair.key.range) break
        offset = pair.key.range[0]
        node = pair.value
      } else break
    }
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  })
}

const dirs = ["packages/cli/test/fixtures/", "packages/cli/test/fixtures/inject/", "deploy/samples/", "packages/core/test/fixtures/"]
const files = dirs.flatMap((dir) => readdirSync(`${repoRoot}${dir}`).filter((f) => f.endsWith(".yaml")).map((f) => `${dir}${f}`))

describe("the reader == the yaml package, on every fixture and sample", () => {
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(`${repoRoot}${file}`, "utf8")
      const ours = [...documents(text)].filter((d) => d._tag !== "Empty")
      const theirs = parseAllDocuments(text)
      const locate = reference(text)
      const parsed = ours.filter((d) => d._tag === "Parsed")
      if (theirs.some((d) => d.errors.length > 0)) return assert.isTrue(ours.some((d) => d._tag === "Invalid"))
      const expected = theirs.map((d, i) => ({ value: d.toJS() as unknown, locate: locate[i] })).filter((d) => d.value !== null)
      assert.strictEqual(parsed.length, expected.length)
      parsed.forEach((doc, i) => {
        assert.deepStrictEqual(doc.value, expected[i]?.value)
        for (const path of [...paths(doc.value), ["no", "such", "path"], ["spec", "missing"]]) {
          assert.deepStrictEqual(doc.locate(path), expected[i]?.locate?.(path), JSON.stringify(path))
        }
      })
    })
  }
})

const read = (pieces: ReadonlyArray<Piece>) =>
  pieces.flatMap(Reader.read).map((d) => (d._tag === "Parsed" ? { _tag: d._tag, value: d.value, at: d.position } : d))

/** Text that stresses the splitter: markers, near-markers, directives, comments, block scalars. */
const fragment = fc.constantFrom(
  "a: 1\n", "---\n", "--- x\n", "...\n", "----\n", "--- |\n  ---x\n", "%YAML 1.2\n---\n", "# c\n", "\n", "b: [1,\n  2]\n",
  "s: |\n  [not\n  --- inside\n", "k: \"q\n  --x\"\n", "- i\n", "...\n# after end\n", "c: {d: e}\n", "t: 'x\n  ...y'\n"
)

describe("the splitter", () => {
  it("cuts into pieces that add up to the input and read as the whole input does, however it arrives", () => {
    fc.assert(fc.property(fc.array(fragment, { maxLength: 30 }), fc.array(fc.nat(40), { maxLength: 10 }), (parts, cuts) => {
      const text = parts.join("")
      const whole = splitter()
      const once = [...whole.push(text, []), ...whole.end()]
      const split = splitter()
      const pieces: Array<Piece> = []
      let at = 0
      for (const n of cuts) {
        pieces.push(...split.push(text.slice(at, at + n), []))
        at = Math.min(text.length, at + n)
      }
      pieces.push(...split.push(text.slice(at), []), ...split.end())
      assert.strictEqual(pieces.map((p) => p.text).join(""), text)
      assert.deepStrictEqual(read(pieces), read(once))
      // a valid stream reads the same as one piece (an invalid one may stop at another place)
      const single = read([{ text, line: 1, invalid: [] }])
      if (!single.some((d) => d._tag === "Invalid")) assert.deepStrictEqual(read(pieces).filter((d) => d._tag !== "Empty"), single.filter((d) => d._tag !== "Empty"))
    }), { numRuns: 300 })
  })

  it("numbers lines across pieces", () => {
    const split = splitter()
    const pieces = [...split.push("a: 1\n---\nb: 2\n...\n# x\n---\n", []), ...split.push("c: 3\n", []), ...split.end()]
    assert.deepStrictEqual(pieces.map((p) => p.line), [1, 2, 5])
  })

  it("skips a document over the limit, keeping its size and the lines after it", () => {
    const split = splitter(100)
    const pieces = [...split.push(`a: ${"x".repeat(150)}\n`, []), ...split.push(`${"y".repeat(300)}\n---\nb: 1\n`, []), ...split.end()]
    assert.deepStrictEqual(pieces.map((p) => [p.line, p.oversized ?? 0, p.text]), [[1, 455, ""], [3, 0, "---\nb: 1\n"]])
  })
})

describe("aliases and merge keys", () => {
  it("resolve, with positions in the text they came from", () => {
    const [doc] = [...documents("base: &b\n  x: 1\nderived:\n  <<: *b\n  y: 2\nlist: [*b]\n")]
    if (doc?._tag !== "Parsed") return assert.fail("expected a parsed document")
    assert.deepStrictEqual(doc.value, { base: { x: 1 }, derived: { x: 1, y: 2 }, list: [{ x: 1 }] })
    assert.deepStrictEqual(doc.locate(["derived", "x"]), { line: 2, column: 3 })
    assert.deepStrictEqual(doc.locate(["derived", "y"]), { line: 5, column: 3 })
    assert.deepStrictEqual(doc.locate(["list", 0, "x"]), { line: 2, column: 3 })
  })

  it("a billion-laughs stream is one finding", () => {
    const lol = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n")
    const [doc] = [...documents(lol)]
    assert.strictEqual(doc?._tag, "Invalid")
  })
})

describe("unclosedFlow", () => {
  const cases: ReadonlyArray<readonly [string, number | undefined]> = [
    ["a: [1, 2\n", 3],
    ["a: [1, 2]\n", undefined],
    ["a: {b: [1]\n", 3],
    ["- [x\n", 2],
    ["a: b[0]\n", undefined],
    ["a: \"[\"\n", undefined],
    ["a: '[''['\n", undefined],
    ["a: x # [\n", undefined],
    ["s: |\n  [a\n  {b\n", undefined],
    ["a: &x [1\n", 6],
    ["a: !!seq [1\n", 9],
    ["[a, [b\n", 0]
  ]
  for (const [text, expected] of cases) it(JSON.stringify(text), () => assert.strictEqual(unclosedFlow(text), expected))
})
