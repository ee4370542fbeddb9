/** Label key and value syntax (`LabelSyntax`), with apimachinery's rules and wording. */
import { assert, describe, it } from "@effect/vitest"
import { LabelSyntax } from "../src/index.ts"
import { byteLength } from "../src/internal/Utf8.ts"

describe("LabelSyntax", () => {
  const validKeys = [
    "a", "A", "1", "app", "a-b_c.d", "MyName", "123-abc", "k".repeat(63),
    "example.com/app", "a/b", "sub.example-1.com/X.y_z", `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}/n`
  ]
  for (const key of validKeys) it(`accepts key ${JSON.stringify(key.slice(0, 40))}`, () => assert.deepStrictEqual(LabelSyntax.labelKeyErrors(key), []))

  it("a valid text's empty list cannot be changed by a caller (it is shared between calls)", () => {
    for (const errors of [LabelSyntax.labelKeyErrors("app"), LabelSyntax.labelValueErrors("web"), LabelSyntax.subdomainErrors("example.com"), LabelSyntax.dnsLabelErrors("shop")]) {
      assert.throws(() => (errors as Array<string>).push("x"))
      assert.deepStrictEqual(errors, [])
    }
    assert.deepStrictEqual(LabelSyntax.labelKeyErrors("app"), [])
  })

  const invalidKeys: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
    ["", ["name part must be non-empty", "name part must consist of"]],
    ["-a", ["name part must consist of"]],
    ["a-", ["name part must consist of"]],
    ["a b", ["name part must consist of"]],
    ["k".repeat(64), ["name part must be no more than 63 characters"]],
    ["/a", ["prefix part must be non-empty"]],
    ["a/", ["name part must be non-empty", "name part must consist of"]],
    ["Example.com/a", ["prefix part a lowercase RFC 1123 subdomain must consist of"]],
    ["a_b/c", ["prefix part a lowercase RFC 1123 subdomain"]],
    [`${"p".repeat(254)}/a`, ["prefix part must be no more than 253 characters"]],
    [`-${"p".repeat(254)}/a`, ["prefix part must be no more than 253 characters", "prefix part a lowercase RFC 1123 subdomain"]],
    ["a/b/c", ["a valid label key must consist of"]],
    ["ü", ["name part must consist of"]]
  ]
  for (const [key, prefixes] of invalidKeys) {
    it(`rejects key ${JSON.stringify(key.slice(0, 40))}`, () => {
      const errors = LabelSyntax.labelKeyErrors(key)
      assert.strictEqual(errors.length, prefixes.length, errors.join(" | "))
      prefixes.forEach((p, i) => assert.isTrue(errors[i]?.startsWith(p), errors[i]))
    })
  }

  it("uses apimachinery's exact message text", () => {
    assert.deepStrictEqual(LabelSyntax.labelKeyErrors("-x"), [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    ])
    assert.deepStrictEqual(LabelSyntax.labelValueErrors("x-"), [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    ])
  })

  it("checks values", () => {
    for (const v of ["", "a", "1.2.3", "A_b-C.d", "v".repeat(63)]) assert.isTrue(LabelSyntax.isLabelValue(v), v)
    for (const v of ["-a", "a.", "a b", "a/b", "ü"]) assert.isFalse(LabelSyntax.isLabelValue(v), v)
    assert.deepStrictEqual(LabelSyntax.labelValueErrors("v".repeat(64)), ["must be no more than 63 characters"])
    assert.strictEqual(LabelSyntax.labelValueErrors("-".repeat(64)).length, 2)
  })

  it("counts length in UTF-8 bytes, as Go does", () => {
    assert.strictEqual(byteLength("aü€😀"), 1 + 2 + 3 + 4)
    assert.isTrue(LabelSyntax.labelValueErrors("ü".repeat(32)).includes("must be no more than 63 characters"))
  })
})
