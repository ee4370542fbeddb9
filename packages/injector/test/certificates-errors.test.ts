/**
 * Every CertificateError reason a caller can meet, and that no error carries private key
 * material, whichever way a key is wrong.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Certificates } from "../src/index.ts"
import { day, reasonOf, t0 } from "./support/pki.ts"

const slow = { timeout: 60_000 }
const dns = { dnsNames: ["a.example"] }

/** Every base64 line of a PEM body: none of them may show up in an error. */
const bodyLines = (pem: string) => pem.split("\n").filter((l) => l.length > 0 && !l.startsWith("-----"))

/** A PEM whose first body line (the outer DER header) is changed: the armour is right, the key does not parse. */
const corrupt = (pem: string) => {
  const lines = pem.split("\n")
  lines[1] = (lines[1] ?? "").replace(/[A-Za-z]/g, (c) => (c === "A" ? "B" : "A"))
  return lines.join("\n")
}

describe("issuer checks", () => {
  it.effect("an expired CA", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa({ validity: "10 days" })
      yield* TestClock.setTime(t0 + 11 * day)
      assert.strictEqual(yield* reasonOf(Certificates.issueServing(ca, dns)), "Expired")
    }), slow)

  it.effect("a CA that is not valid yet", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const early = Certificates.issueServing(ca, { ...dns, now: new Date(t0 - 2 * 3_600_000) })
      assert.strictEqual(yield* reasonOf(early), "NotYetValid")
    }), slow)

  it.effect("a serving certificate used as CA", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const serving = yield* Certificates.issueServing(ca, dns)
      assert.strictEqual(yield* reasonOf(Certificates.issueServing(serving, dns)), "NotCa")
    }), slow)

  it.effect("a CA certificate with somebody else's key", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const [ca, other] = yield* Effect.all([Certificates.generateCa(), Certificates.generateCa()])
      const error = yield* Effect.flip(Certificates.issueServing({ cert: ca.cert, key: other.key }, dns))
      assert.strictEqual(error.reason, "KeyMismatch")
      assert.include(error.message, "CN=whatap-webhook-ca")
      for (const line of bodyLines(other.key)) assert.notInclude(error.message, line)
    }), slow)
})

describe("unparsable input", () => {
  it.effect("a certificate that is not PEM", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      assert.strictEqual(yield* reasonOf(Certificates.issueServing({ cert: "garbage", key: ca.key }, dns)), "InvalidPem")
      assert.strictEqual(yield* reasonOf(Certificates.inspect(ca.key)), "InvalidPem")
      assert.strictEqual(yield* reasonOf(Certificates.verifies("garbage", ca.cert)), "InvalidPem")
      assert.strictEqual(yield* reasonOf(Certificates.verifies(ca.cert, "")), "InvalidPem")
    }), slow)

  it.effect("a corrupted or misplaced key is reported without any of its bytes", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const broken = corrupt(ca.key)
      assert.notStrictEqual(broken, ca.key)
      const errors = yield* Effect.all([
        Effect.flip(Certificates.issueServing({ cert: ca.cert, key: broken }, dns)),
        Effect.flip(Certificates.keyMatches(ca.cert, broken)),
        Effect.flip(Certificates.keyMatches(ca.cert, ca.cert)),
        Effect.flip(Certificates.inspect(ca.key))
      ])
      for (const error of errors) {
        assert.strictEqual(error.reason, "InvalidPem")
        const shown = `${error.message} ${String(error)} ${JSON.stringify(error)}`
        for (const line of [...bodyLines(ca.key), ...bodyLines(broken)]) assert.notInclude(shown, line)
      }
    }), slow)
})

describe("options", () => {
  it.effect.each([
    [{ dnsNames: ["under_score.example"] }, "InvalidName"],
    [{ dnsNames: ["-a.example"] }, "InvalidName"],
    [{ dnsNames: [] }, "InvalidName"],
    [{}, "InvalidName"],
    [{ dnsNames: Array.from({ length: 101 }, (_, i) => `n${i}.example`) }, "InvalidName"],
    [{ dnsNames: ["a.example"], commonName: "" }, "InvalidName"],
    [{ dnsNames: ["a.example"], commonName: "x".repeat(65) }, "InvalidName"],
    [{ dnsNames: ["a.example"], commonName: "a\nb" }, "InvalidName"],
    [{ ipAddresses: ["1.2.3"] }, "InvalidIpAddress"],
    [{ ipAddresses: ["fe80::1%eth0"] }, "InvalidIpAddress"],
    [{ dnsNames: ["a.example"], validity: 0 }, "InvalidValidity"],
    [{ dnsNames: ["a.example"], validity: "-1 days" }, "InvalidValidity"],
    [{ dnsNames: ["a.example"], validity: "Infinity" }, "InvalidValidity"]
  ] as const)("%j -> %s", ([options, reason]) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" })
      assert.strictEqual(yield* reasonOf(Certificates.issueServing(ca, options)), reason)
    }), slow)

  it.effect("a CA validity may reach the year 9999 but not beyond", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      // The Go operator's 1000 years still encode (as GeneralizedTime).
      const longLived = yield* Certificates.generateCa({ validity: `${1000 * 365} days`, keyAlgorithm: "ecdsa-p256" })
      assert.strictEqual((yield* Certificates.inspect(longLived.cert)).notAfter.getUTCFullYear(), 3026)
      assert.strictEqual(yield* reasonOf(Certificates.generateCa({ validity: `${8000 * 366} days` })), "InvalidValidity")
      assert.strictEqual(yield* reasonOf(Certificates.generateCa({ commonName: "" })), "InvalidName")
    }), slow)
})
