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

describe("Secrets.replaced", () => {
  it("replaces license, credentials and license env values where values() finds them; nothing else; the input unchanged", () => {
    const input = {
      metadata: { name: "lic-1234" },
      spec: {
        license: "lic-1234",
        features: { k8sAgent: { masterAgent: { envs: [{ name: "WHATAP_LICENSE", value: "env-5678" }, { name: "OTHER", value: "env-5678" }] } } },
        endpoints: [{ authorization: { credentials: "tok-9999" } }]
      }
    }
    const before = JSON.stringify(input)
    assert.deepStrictEqual(Secrets.replaced(input, "X"), {
      metadata: { name: "lic-1234" },
      spec: {
        license: "X",
        features: { k8sAgent: { masterAgent: { envs: [{ name: "WHATAP_LICENSE", value: "X" }, { name: "OTHER", value: "env-5678" }] } } },
        endpoints: [{ authorization: { credentials: "X" } }]
      }
    })
    assert.strictEqual(JSON.stringify(input), before)
  })

  it("shared values stay shared, a cycle stays a cycle, __proto__ stays an own key", () => {
    const shared = { license: "lic-shared" }
    const cycle: Array<unknown> = [shared, shared]
    cycle.push(cycle)
    const hostile = JSON.parse('{"__proto__": {"license": "lic-proto"}}') as object
    const out = Secrets.replaced([cycle, hostile], "X") as [Array<unknown>, Record<string, unknown>]
    assert.strictEqual(out[0][0], out[0][1])
    assert.deepStrictEqual(out[0][0], { license: "X" })
    assert.strictEqual(out[0][2], out[0])
    assert.isTrue(Object.hasOwn(out[1], "__proto__"))
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(out[1], "__proto__")?.value, { license: "X" })
  })

  it("nesting far beyond any stack is copied without recursion", () => {
    let node: unknown = { credentials: "bearer-token-deep" }
    for (let i = 0; i < 200_000; i++) node = { a: node }
    let out = Secrets.replaced(node, "X") as { a?: unknown; credentials?: unknown }
    while (out.a !== undefined) out = out.a as typeof out
    assert.strictEqual(out.credentials, "X")
  })
})

describe("Secrets.redact", () => {
  it("replaces every spelling, overlapping ones included", () => {
    const [finding] = Secrets.redact([{ message: "got \"abc\\\"def\" and xabcdefy and bcd" }], ["abc\"def", "bcd", "abcdef"])
    assert.strictEqual(finding?.message, "got \"<redacted>\" and x<redacted>y and <redacted>")
  })

  it("a license of megabytes costs memory and time for its first characters only, and is still cut whole", () => {
    const license = `LIC-${"A".repeat(4_000_000)}`
    const started = performance.now()
    const redact = Secrets.redactor([license])
    assert.strictEqual(redact(`before ${license} after`), "before <redacted> after")
    // a copy cut short is cut as far as it goes; one that differs early keeps what differs
    assert.strictEqual(redact(`x ${license.slice(0, 5000)}B y`), "x <redacted>B y")
    assert.strictEqual(redact(`x ${license.slice(0, 100)} y`), `x ${license.slice(0, 100)} y`)
    // the text repeating the license's start: linear, one cut
    assert.strictEqual(redact("A".repeat(200_000) + license.slice(0, 300_000)), `${"A".repeat(200_000)}<redacted>`)
    assert.isBelow(performance.now() - started, 5000)
  })

  it("longer patterns with a shared start are each cut whole, the shorter too", () => {
    const common = "K".repeat(300)
    const redact = Secrets.redactor([`${common}-one`, `${common}-two-longer`, "short-secret"])
    assert.strictEqual(redact(`a ${common}-one b ${common}-two-longer c short-secret d`), "a <redacted> b <redacted> c <redacted> d")
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
