/**
 * The CA and serving certificates as node:crypto's X509Certificate sees them (PEM forms,
 * SANs, CA flag, validity from the Clock), and `inspect`, `verifies` and `keyMatches`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { X509Certificate, createPrivateKey } from "node:crypto"
import { Certificates } from "../src/index.ts"
import { day, hour, serialOctets, t0 } from "./support/pki.ts"

const slow = { timeout: 60_000 }
const namespace = "whatap-monitoring"
const svc = `whatap-admission-controller.${namespace}.svc`

const pemLines = (pem: string) => pem.trimEnd().split("\n")

describe("generateCa", () => {
  it.effect("writes a CERTIFICATE and a PKCS#1 RSA-2048 key, valid from now - 1h for 10 years", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const lines = pemLines(ca.cert)
      assert.strictEqual(lines[0], "-----BEGIN CERTIFICATE-----")
      assert.strictEqual(lines.at(-1), "-----END CERTIFICATE-----")
      assert.isTrue(lines.slice(1, -2).every((l) => l.length === 64))
      assert.strictEqual(pemLines(ca.key)[0], "-----BEGIN RSA PRIVATE KEY-----")
      const key = createPrivateKey(ca.key)
      assert.strictEqual(key.asymmetricKeyType, "rsa")
      assert.strictEqual(key.asymmetricKeyDetails?.modulusLength, 2048)

      const x509 = new X509Certificate(ca.cert)
      assert.isTrue(x509.ca)
      assert.strictEqual(x509.subject, "CN=whatap-webhook-ca")
      assert.strictEqual(x509.issuer, "CN=whatap-webhook-ca")
      assert.isTrue(x509.verify(x509.publicKey))
      assert.isTrue(x509.checkPrivateKey(key))
      assert.strictEqual(x509.validFromDate.getTime(), t0 - hour)
      assert.strictEqual(x509.validToDate.getTime(), t0 + 3650 * day)
      assert.isUndefined(x509.subjectAltName)
    }), slow)

  it.effect("takes the common name, validity and time it is given", () =>
    Effect.gen(function*() {
      const now = new Date("2031-02-03T04:05:06.789Z")
      const ca = yield* Certificates.generateCa({ commonName: "test-ca", validity: "30 days", now })
      const info = yield* Certificates.inspect(ca.cert)
      assert.strictEqual(info.subject, "CN=test-ca")
      assert.strictEqual(info.notBefore.toISOString(), "2031-02-03T03:05:06.000Z")
      assert.strictEqual(info.notAfter.toISOString(), "2031-03-05T04:05:06.000Z")
    }), slow)

  it.effect("uses GeneralizedTime past 2049", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2045, 0, 1))
      const info = yield* Effect.flatMap(Certificates.generateCa(), (ca) => Certificates.inspect(ca.cert))
      assert.strictEqual(info.notBefore.toISOString(), "2044-12-31T23:00:00.000Z")
      assert.strictEqual(info.notAfter.toISOString(), new Date(Date.UTC(2045, 0, 1) + 3650 * day).toISOString())
    }), slow)

  it.effect("serial numbers are random positive integers of at most 128 bits", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const cas = yield* Effect.all([Certificates.generateCa(), Certificates.generateCa(), Certificates.generateCa()])
      const serials = cas.map((ca) => new X509Certificate(ca.cert).serialNumber)
      assert.strictEqual(new Set(serials).size, 3)
      for (const ca of cas) {
        const octets = serialOctets(ca.cert)
        assert.strictEqual((octets[0] ?? 0) & 0x80, 0, "positive")
        assert.isTrue(octets.length === 16 || (octets.length === 17 && octets[0] === 0), `length ${octets.length}`)
        const value = BigInt(`0x${Buffer.from(octets).toString("hex")}`)
        assert.isTrue(value > 0n && value < 2n ** 128n)
      }
    }), slow)
})

describe("issueServing", () => {
  it.effect("serves the webhook Service names and loopback, signed by the CA, valid for a year", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const serving = yield* Certificates.issueServing(ca, Certificates.webhookNames(namespace, { loopback: true }))
      assert.strictEqual(pemLines(serving.key)[0], "-----BEGIN RSA PRIVATE KEY-----")
      assert.strictEqual(createPrivateKey(serving.key).asymmetricKeyDetails?.modulusLength, 2048)

      const x509 = new X509Certificate(serving.cert)
      const caX509 = new X509Certificate(ca.cert)
      assert.isFalse(x509.ca)
      assert.strictEqual(x509.subject, `CN=${svc}`)
      assert.strictEqual(x509.subjectAltName, `DNS:${svc}, DNS:${svc}.cluster.local, IP Address:127.0.0.1`)
      assert.strictEqual(x509.checkHost(svc), svc)
      assert.strictEqual(x509.checkHost(`${svc}.cluster.local`), `${svc}.cluster.local`)
      assert.isUndefined(x509.checkHost("whatap-admission-controller.other.svc"))
      assert.strictEqual(x509.checkIP("127.0.0.1"), "127.0.0.1")
      assert.isTrue(x509.checkIssued(caX509))
      assert.isTrue(x509.verify(caX509.publicKey))
      assert.deepStrictEqual(x509.keyUsage, ["1.3.6.1.5.5.7.3.1"])
      assert.strictEqual(x509.validFromDate.getTime(), t0 - hour)
      assert.strictEqual(x509.validToDate.getTime(), t0 + 365 * day)
    }), slow)

  it.effect("writes IPv4 and IPv6 SANs, de-duplicated, in canonical form", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" })
      const serving = yield* Certificates.issueServing(ca, {
        dnsNames: ["a.example", "a.example", "*.b.example"],
        ipAddresses: ["10.0.0.1", "0:0:0:0:0:0:0:1", "::1", "2001:DB8::1"],
        keyAlgorithm: "ecdsa-p256"
      })
      const info = yield* Certificates.inspect(serving.cert)
      assert.deepStrictEqual(info.dnsNames, ["a.example", "*.b.example"])
      assert.deepStrictEqual(info.ipAddresses, ["10.0.0.1", "::1", "2001:db8::1"])
      assert.strictEqual(info.subject, "CN=a.example")
      const x509 = new X509Certificate(serving.cert)
      assert.strictEqual(x509.checkIP("::1"), "::1")
      assert.strictEqual(x509.checkHost("x.b.example"), "*.b.example", "the wildcard matches")
    }), slow)

  it.effect("takes the first IP address as common name when there are no DNS names", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" })
      const serving = yield* Certificates.issueServing(ca, { ipAddresses: ["127.0.0.1"], keyAlgorithm: "ecdsa-p256" })
      assert.strictEqual(new X509Certificate(serving.cert).subject, "CN=127.0.0.1")
    }), slow)

  it.effect("never outlives its CA", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa({ validity: "30 days" })
      const serving = yield* Certificates.issueServing(ca, { dnsNames: ["a.example"], validity: "1000 days" })
      const [caInfo, info] = yield* Effect.all([Certificates.inspect(ca.cert), Certificates.inspect(serving.cert)])
      assert.strictEqual(info.notAfter.getTime(), caInfo.notAfter.getTime())
      assert.strictEqual(info.notAfter.getTime(), t0 + 30 * day)
    }), slow)

  it.effect("mixes key algorithms: an ECDSA CA signs an RSA serving key and the reverse", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ecCa = yield* Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" })
      assert.strictEqual(pemLines(ecCa.key)[0], "-----BEGIN EC PRIVATE KEY-----")
      assert.strictEqual(createPrivateKey(ecCa.key).asymmetricKeyDetails?.namedCurve, "prime256v1")
      const rsaServing = yield* Certificates.issueServing(ecCa, { dnsNames: ["a.example"] })
      assert.isTrue(yield* Certificates.verifies(rsaServing.cert, ecCa.cert))
      const rsaCa = yield* Certificates.generateCa()
      const ecServing = yield* Certificates.issueServing(rsaCa, { dnsNames: ["a.example"], keyAlgorithm: "ecdsa-p256" })
      assert.isTrue(yield* Certificates.verifies(ecServing.cert, rsaCa.cert))
      assert.isTrue(yield* Certificates.keyMatches(ecServing.cert, ecServing.key))
    }), slow)
})

describe("webhookNames", () => {
  it("names the Service in the namespace, and loopback only when asked", () => {
    assert.deepStrictEqual(Certificates.webhookNames("ns"), {
      commonName: "whatap-admission-controller.ns.svc",
      dnsNames: ["whatap-admission-controller.ns.svc", "whatap-admission-controller.ns.svc.cluster.local"],
      ipAddresses: []
    })
    assert.deepStrictEqual(Certificates.webhookNames("ns", { loopback: true }).ipAddresses, ["127.0.0.1"])
  })

  it("falls back to the Service name as common name when the full name is over 64 characters", () => {
    const names = Certificates.webhookNames("n".repeat(40))
    assert.strictEqual(names.commonName, "whatap-admission-controller")
    assert.strictEqual(names.dnsNames[0], `whatap-admission-controller.${"n".repeat(40)}.svc`)
  })
})

describe("inspect, verifies, keyMatches", () => {
  it.effect("inspect reports what node:crypto reports", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const info = yield* Certificates.inspect(ca.cert)
      const x509 = new X509Certificate(ca.cert)
      assert.deepStrictEqual(info, {
        subject: "CN=whatap-webhook-ca",
        issuer: "CN=whatap-webhook-ca",
        serialNumber: x509.serialNumber,
        notBefore: new Date(t0 - hour),
        notAfter: new Date(t0 + 3650 * day),
        dnsNames: [],
        ipAddresses: [],
        isCa: true,
        fingerprint: x509.fingerprint256
      })
    }), slow)

  it.effect("verifies checks issuer, signature and validity at the Clock's now", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const other = yield* Certificates.generateCa()
      const serving = yield* Certificates.issueServing(ca, { dnsNames: ["a.example"] })
      assert.isTrue(yield* Certificates.verifies(serving.cert, ca.cert))
      assert.isFalse(yield* Certificates.verifies(serving.cert, other.cert), "another CA with the same name")
      assert.isFalse(yield* Certificates.verifies(ca.cert, serving.cert), "a leaf is no CA")
      yield* TestClock.setTime(t0 - 2 * hour)
      assert.isFalse(yield* Certificates.verifies(serving.cert, ca.cert), "before notBefore")
      yield* TestClock.setTime(t0 + 364 * day)
      assert.isTrue(yield* Certificates.verifies(serving.cert, ca.cert))
      yield* TestClock.setTime(t0 + 366 * day)
      assert.isFalse(yield* Certificates.verifies(serving.cert, ca.cert), "serving certificate expired")
    }), slow)

  it.effect("keyMatches tells the certificate's own key from another", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(t0)
      const ca = yield* Certificates.generateCa()
      const serving = yield* Certificates.issueServing(ca, { dnsNames: ["a.example"] })
      assert.isTrue(yield* Certificates.keyMatches(serving.cert, serving.key))
      assert.isTrue(yield* Certificates.keyMatches(ca.cert, ca.key))
      assert.isFalse(yield* Certificates.keyMatches(serving.cert, ca.key))
    }), slow)
})
