/**
 * The secret scan and redaction on hostile shapes: shared and self-containing values
 * (YAML aliases) are scanned once per object, and redaction stays linear however many
 * distinct license values an input carries.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Secrets from "../src/internal/secrets.ts"

describe("Secrets.values", () => {
  it("a value shared 2^64 ways (x: &a [*a, *a] nested 64 deep) is scanned once", () => {
    let node: unknown = { license: "LICENSE-deep" }
    for (let i = 0; i < 64; i++) node = [node, node]
    const started = performance.now()
    assert.deepStrictEqual(Secrets.values({ spec: node }), ["LICENSE-deep"])
    assert.isBelow(performance.now() - started, 1000)
  })

  it("a value that contains itself ends", () => {
    const cycle: Array<unknown> = [{ env: [{ name: "WHATAP_LICENSE", value: "LICENSE-cycle" }] }]
    cycle.push(cycle)
    assert.deepStrictEqual(Secrets.values(cycle), ["LICENSE-cycle"])
  })

  it("nesting far beyond any stack is scanned without recursion", () => {
    let node: unknown = { credentials: "bearer-token-deep" }
    for (let i = 0; i < 200_000; i++) node = { a: node }
    assert.deepStrictEqual(Secrets.values(node), ["bearer-token-deep"])
  })
})

describe("Secrets.redact", () => {
  it("replaces every spelling, overlapping ones included", () => {
    const [finding] = Secrets.redact([{ message: "got \"abc\\\"def\" and xabcdefy and bcd" }], ["abc\"def", "bcd", "abcdef"])
    assert.strictEqual(finding?.message, "got \"<redacted>\" and x<redacted>y and <redacted>")
  })

  it("20,000 distinct secrets and 20,000 findings: one pass per message, not one per secret", () => {
    const secrets = Array.from({ length: 20_000 }, (_, i) => `lic-${i.toString(36)}-x`)
    const findings = Array.from({ length: 20_000 }, (_, i) => ({ message: `value ${secrets[i] ?? ""} is not valid` }))
    const started = performance.now()
    const redacted = Secrets.redact(findings, secrets)
    assert.isBelow(performance.now() - started, 5000)
    assert.isTrue(redacted.every((f) => f.message === "value <redacted> is not valid"))
  })
})
