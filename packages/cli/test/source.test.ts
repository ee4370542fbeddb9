/**
 * The two YAML readers agree: the js-yaml event fast path yields the same values and
 * the same position for every path as the `yaml` package, on every fixture and sample.
 * Unusual streams (aliases, merge keys, syntax errors) take the `yaml` path.
 */
import { readdirSync, readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import * as Events from "../src/commands/validate/Events.ts"
import { composed, documents, type Path } from "../src/commands/validate/Source.ts"
import { repoRoot } from "./support/run.ts"

const paths = (value: unknown, prefix: Path = []): ReadonlyArray<Path> => {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))]
  if (typeof value === "object" && value !== null) {
    return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
  }
  return [prefix]
}

const dirs = ["packages/cli/test/fixtures/", "deploy/samples/", "packages/core/test/fixtures/"]
const files = dirs.flatMap((dir) => readdirSync(`${repoRoot}${dir}`).filter((f) => f.endsWith(".yaml")).map((f) => `${dir}${f}`))

describe("fast path == yaml package", () => {
  for (const file of files) {
    it(file, () => {
      const text = readFileSync(`${repoRoot}${file}`, "utf8")
      const fast = [...documents(text)]
      const slow = [...composed(text)]
      assert.strictEqual(fast.length, slow.length)
      fast.forEach((f, i) => {
        const s = slow[i]
        assert.strictEqual(f._tag, s?._tag)
        if (f._tag !== "Parsed" || s?._tag !== "Parsed") return
        assert.deepStrictEqual(f.value, s.value)
        assert.deepStrictEqual(f.position, s.position)
        for (const path of [...paths(f.value), ["no", "such", "path"], ["spec", "missing"]]) {
          assert.deepStrictEqual(f.locate(path), s.locate(path), JSON.stringify(path))
        }
      })
    })
  }

  it("quoted keys, tags, flow collections and CRLF line ends", () => {
    const text = "a:\r\n  \"q k\": 1\r\n  'b': !!str 2\r\n  c: {d: [1, {e: f}]}\r\n---\r\n- x\r\n-   y\r\n"
    const fast = [...documents(text)]
    const slow = [...composed(text)]
    fast.forEach((f, i) => {
      const s = slow[i]
      if (f._tag !== "Parsed" || s?._tag !== "Parsed") return assert.fail("expected parsed documents")
      for (const path of paths(f.value)) assert.deepStrictEqual(f.locate(path), s.locate(path), JSON.stringify(path))
    })
  })
})

describe("fallback to the yaml package", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["aliases", "a: &x {b: 1}\nc: *x\n"],
    ["merge keys", "a: &x {b: 1}\nc:\n  <<: *x\n"],
    ["syntax errors", "a: [1\n"],
    ["duplicate keys", "a: 1\na: 2\n"]
  ]
  for (const [what, text] of cases) {
    it(what, () => assert.isUndefined(Events.documents(text)))
  }
  it("merge keys still resolve, with positions", () => {
    const [doc] = [...documents("base: &b\n  x: 1\nderived:\n  <<: *b\n  y: 2\n")]
    if (doc?._tag !== "Parsed") return assert.fail("expected a parsed document")
    assert.deepStrictEqual(doc.value, { base: { x: 1 }, derived: { x: 1, y: 2 } })
    assert.deepStrictEqual(doc.locate(["derived", "x"]), { line: 2, column: 3 })
  })
  it("a billion-laughs stream is bounded", () => {
    const lol = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n")
    const [doc] = [...documents(lol)]
    assert.strictEqual(doc?._tag, "Invalid")
  })
})
