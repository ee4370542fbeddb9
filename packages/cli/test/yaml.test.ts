/**
 * The YAML whatapctl prints must read back as the same strings in a YAML 1.1 reader (go-yaml
 * v2, which kubectl, Helm and the API server use) and in a YAML 1.2 one. Here: the `yaml`
 * package in 1.1 and 1.2 mode and js-yaml read it back; go-yaml v2's own rules (its table of
 * fixed scalars, `strconv.ParseInt(s, 0, 64)` after `_` is removed, its float pattern, its
 * timestamps) are checked case by case. The e2e suite sends `render -o yaml` through the
 * real API server's reader.
 */
import { assert, describe, it } from "@effect/vitest"
import { Crd } from "@whatap-operator/core"
import { load } from "js-yaml"
import { parse, stringify as plainStringify } from "yaml"
import { jsonText } from "../src/Printable.ts"
import { readsAsNonString, stringify } from "../src/Yaml.ts"

/** Strings go-yaml v2 reads as something else when unquoted (resolve.go), with what it reads. */
const goNonStrings: ReadonlyArray<readonly [string, string]> = [
  ["yes", "bool"], ["Yes", "bool"], ["YES", "bool"], ["y", "bool"], ["Y", "bool"],
  ["no", "bool"], ["n", "bool"], ["N", "bool"], ["on", "bool"], ["On", "bool"], ["OFF", "bool"], ["off", "bool"],
  ["true", "bool"], ["False", "bool"], ["~", "null"], ["null", "null"], ["NULL", "null"],
  ["0X1F", "int (ParseInt base 0)"], ["0x1f", "int"], ["0o17", "int (ParseInt base 0)"], ["0O17", "int"],
  ["0B101", "int"], ["-0b101", "int"], ["0777", "int (octal)"], ["08", "float (not octal, then the float pattern)"],
  ["1_000", "int (underscores removed)"], ["+12", "int"], ["-0", "int"], ["99999999999999999999", "float (too large for ParseUint)"],
  ["1e3", "float"], ["1E+3", "float"], ["1.", "float"], ["-1.5e-3", "float"], [".5", "float"], [".5e3", "float"],
  [".inf", "float"], ["-.Inf", "float"], ["+.INF", "float"], [".NaN", "float"],
  ["2024-01-02", "timestamp"], ["2024-1-2", "timestamp"], ["2001-12-14t21:59:43.10-05:00", "timestamp"], ["2001-12-14 21:59:43.10", "timestamp"]
]

/** Strings also read otherwise by YAML 1.1 readers that go-yaml v2 keeps (quoted too, harmlessly); the `yaml` package's 1.1 floats take `e3` and `.`. */
const yaml11NonStrings: ReadonlyArray<string> = ["1:20", "190:20:30.15", "0b1_0", "<<", "e3", "E-3", ".", "+.", "-._"]

/** Strings every reader keeps as strings: they stay plain. */
const plainStrings: ReadonlyArray<string> = [
  "plain", "java", "1.2.3", "v1", "1a", "0x", "0xg", "1e", "..", "+", "a:b", "Infinity", "NaN", "nan",
  "yess", "ON_", "Null_", "1.2.3-beta", "10.96.0.1", "whatap-monitoring", "0.0.0.0/0", "-Xmx1g", "1Gi", "100m", "30s"
]

const roundTrips = (text: string): void => {
  const value = { [text]: text, list: [text], nested: { key: text } }
  const out = stringify(value)
  assert.deepStrictEqual(parse(out), value, `yaml 1.2: ${out}`)
  assert.deepStrictEqual(parse(out, { version: "1.1" }), value, `yaml 1.1: ${out}`)
  assert.deepStrictEqual(load(out), value, `js-yaml: ${out}`)
}

describe("Yaml.stringify", () => {
  it("quotes every string go-yaml v2 reads as a boolean, null, number or timestamp, as a value and as a key", () => {
    for (const [text, reads] of goNonStrings) {
      assert.isTrue(readsAsNonString(text), `${text} (go-yaml v2: ${reads})`)
      assert.include(stringify({ [text]: text }), `"${text}": "${text}"`, text)
      roundTrips(text)
    }
  })

  it("quotes YAML 1.1's base-60 numbers and the merge key too", () => {
    for (const text of yaml11NonStrings) {
      assert.isTrue(readsAsNonString(text), text)
      roundTrips(text)
    }
  })

  it("leaves strings every reader keeps as they are (no needless quotes)", () => {
    for (const text of plainStrings) {
      assert.isFalse(readsAsNonString(text), text)
      assert.strictEqual(stringify({ k: text }), `k: ${text}\n`, text)
      roundTrips(text)
    }
  })

  it("keeps numbers, booleans and null as they are", () => {
    const value = { int: 1, float: 1.5, yes: true, no: false, none: null, list: [0, -1, 1e21] }
    assert.deepStrictEqual(parse(stringify(value), { version: "1.1" }), value)
    assert.strictEqual(stringify({ a: true, b: 1 }), "a: true\nb: 1\n")
  })

  it("round-trips generated strings of YAML-significant characters through both YAML versions and js-yaml", () => {
    const alphabet = ["y", "Y", "e", "s", "n", "o", "O", "f", "F", "0", "1", "7", "8", "9", "x", "X", "b", "B", "_", ".", "+", "-", ":", "~", "E", "i", "I", "a", "N", "T", "t", "r", "u", " "]
    let seed = 12345
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (let i = 0; i < 5000; i++) {
      const length = 1 + next(8)
      let text = ""
      for (let j = 0; j < length; j++) text += alphabet[next(alphabet.length)] ?? ""
      roundTrips(text)
    }
  })

  it("writes characters a terminal acts on (C1 controls, NEL, bidi overrides, DEL, line separators) as escapes, values and keys unchanged", () => {
    const nasty = "A\u202eB\u0085C\u009b31m\u007fD\u2028E\u2066F"
    const value = { [nasty]: nasty, list: [nasty], plain: "ok" }
    const out = stringify(value)
    assert.notMatch(out, /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/)
    assert.include(out, "\\u202e")
    assert.deepStrictEqual(parse(out), value)
    assert.deepStrictEqual(parse(out, { version: "1.1" }), value)
    assert.deepStrictEqual(load(out), value)
    const json = jsonText(value)
    assert.notMatch(json, /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/)
    assert.deepStrictEqual(JSON.parse(json), value)
  })

  it("writes shared objects out in full, one line per scalar", () => {
    const shared = { a: "x".repeat(200) }
    const out = stringify({ first: shared, second: shared })
    assert.notInclude(out, "&")
    assert.notInclude(out, "*")
    assert.strictEqual(out.split("\n").filter((l) => l.includes("xxxx")).length, 2)
  })

  it("the generated CRDs hold no string a YAML 1.1 reader would misread (deploy/crds is written by core's script with the plain writer)", () => {
    for (const crd of Crd.generateAll()) assert.strictEqual(stringify(crd), plainStringify(crd, { lineWidth: 0, aliasDuplicateObjects: false }))
  })
})
