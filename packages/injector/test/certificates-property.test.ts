/**
 * Properties over generated SAN sets: whatever valid DNS names and IP addresses go into a
 * serving certificate come back out of `inspect` (de-duplicated, in order, IPs canonical),
 * node:crypto's own host check agrees, and the certificate verifies against its CA.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { X509Certificate } from "node:crypto"
import { Certificates } from "../src/index.ts"
import * as HostNames from "../src/internal/certificates/HostNames.ts"

const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/)
const dnsName = fc.tuple(fc.boolean(), fc.array(label, { minLength: 1, maxLength: 4 }))
  .map(([wildcard, labels]) => `${wildcard ? "*." : ""}${labels.join(".")}`)
const ipv4 = fc.ipV4()
const ipv6 = fc.ipV6()
const sans = fc.record({
  dnsNames: fc.array(dnsName, { minLength: 1, maxLength: 8 }),
  ipAddresses: fc.array(fc.oneof(ipv4, ipv6), { maxLength: 4 })
})

const unique = <A>(values: ReadonlyArray<A>): Array<A> => [...new Set(values)]

describe("SAN round trip", () => {
  it("random DNS name and IP address sets come back from inspect", async () => {
    const ca = await Effect.runPromise(Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" }))
    await fc.assert(fc.asyncProperty(sans, async (input) => {
      const result = await Effect.runPromise(Effect.flatMap(
        Certificates.issueServing(ca, { ...input, keyAlgorithm: "ecdsa-p256" }),
        (serving) => Effect.all({ info: Certificates.inspect(serving.cert), ok: Certificates.verifies(serving.cert, ca.cert), serving: Effect.succeed(serving) })
      ))
      assert.deepStrictEqual(result.info.dnsNames, unique(input.dnsNames))
      assert.deepStrictEqual(result.info.ipAddresses, unique(input.ipAddresses.map((ip) => HostNames.canonicalIp(ip) ?? ip)))
      assert.isTrue(result.ok)
      const x509 = new X509Certificate(result.serving.cert)
      for (const name of input.dnsNames.filter((n) => !n.startsWith("*."))) assert.isDefined(x509.checkHost(name), name)
      for (const ip of input.ipAddresses) assert.isDefined(x509.checkIP(ip), ip)
    }), { numRuns: 40 })
  }, 120_000)

  it("invalid DNS names are refused, never written", async () => {
    const ca = await Effect.runPromise(Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" }))
    const invalid = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !HostNames.isDnsName(s))
    await fc.assert(fc.asyncProperty(invalid, async (name) => {
      const error = await Effect.runPromise(Effect.flip(Certificates.issueServing(ca, { dnsNames: [name], keyAlgorithm: "ecdsa-p256" })))
      assert.strictEqual(error.reason, "InvalidName")
    }), { numRuns: 100 })
  }, 60_000)
})
