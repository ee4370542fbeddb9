/**
 * Differential test against gopkg.in/yaml.v2 v2.4.0 itself: fixtures/yamlv2-golden.json
 * records what yaml.v2's Marshal writes for ~5,900 values (every ASCII character in
 * several positions, YAML 1.1 keywords in all casings, numbers in every form Go's
 * strconv accepts, timestamps, indicators, breaks, unicode, strings around the
 * 80-column fold, a seeded random batch, nested collections), each as a root, a
 * mapping value, a sequence item, a mapping key and deep inside a nested document.
 * Regenerate with test/yamlv2/regenerate.sh (needs Go).
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as Yaml from "../../src/render/scrape/Yaml.ts"

type Input = string | number | boolean | ReadonlyArray<Input> | { readonly $map: ReadonlyArray<readonly [string, Input]> }

interface Entry {
  readonly value: Input
  readonly root: string
  readonly map: string
  readonly seq: string
  readonly key?: string
  readonly nested: string
}

const golden: ReadonlyArray<Entry> = JSON.parse(
  readFileSync(new URL("../fixtures/yamlv2-golden.json", import.meta.url), "utf8")
)

const toValue = (input: Input): Yaml.Value => {
  if (typeof input !== "object") return input
  if (Array.isArray(input)) return input.map(toValue)
  return Yaml.mapping(("$map" in input ? input.$map : []).map(([k, v]) => [k, toValue(v)] as const))
}

const documents = (entry: Entry): ReadonlyArray<readonly [string, string | undefined, string]> => {
  const v = toValue(entry.value)
  const inner = Yaml.mapping([["k", v], ["z", [v]]])
  return [
    ["root", entry.root, Yaml.stringify(v)],
    ["map", entry.map, Yaml.stringify(Yaml.mapping([["k", v]]))],
    ["seq", entry.seq, Yaml.stringify([v])],
    ["key", entry.key, typeof v === "string" ? Yaml.stringify(Yaml.mapping([[v, "v"]])) : ""],
    ["nested", entry.nested, Yaml.stringify(Yaml.mapping([["a", Yaml.mapping([["b", [inner]]])]]))]
  ]
}

describe("Yaml.stringify agrees with gopkg.in/yaml.v2 v2.4.0 (golden corpus)", () => {
  it("has a corpus worth the name", () => {
    assert.isAbove(golden.length, 5000)
    const styles = (marker: RegExp) => golden.filter((e) => marker.test(e.map)).length
    assert.isAbove(styles(/^k: "/), 300) // double-quoted
    assert.isAbove(styles(/^k: '/), 300) // single-quoted
    assert.isAbove(styles(/^k: \|/), 100) // literal
    assert.isAbove(golden.filter((e) => e.map.split("\n").length > 3 && !e.map.includes("|")).length, 20) // folded
  })

  it("writes every document exactly as yaml.v2 does", () => {
    const mismatches: Array<string> = []
    for (const entry of golden) {
      for (const [shape, expected, actual] of documents(entry)) {
        if (expected !== undefined && expected !== actual) {
          mismatches.push(`${shape} of ${JSON.stringify(entry.value)}: Go ${JSON.stringify(expected)}, ours ${JSON.stringify(actual)}`)
        }
      }
    }
    assert.deepStrictEqual(mismatches.slice(0, 20), [])
  })
})

describe("Yaml.sorted", () => {
  it("orders keys as Go's sort.Strings (UTF-8 bytes), not by UTF-16 code units", () => {
    const keys = Yaml.sorted([["\u{ff61}", 1], ["\u{1f600}", 2], ["b", 3], ["B", 4], ["", 5], ["ba", 6]]).entries.map(([k]) => k)
    assert.deepStrictEqual(keys, ["", "B", "b", "ba", "\u{ff61}", "\u{1f600}"])
  })
})
