/**
 * Shared pieces of the certificate tests: a fixed instant for TestClock, the failure
 * reason of an effect, and the serial-number INTEGER of a certificate's DER.
 */
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import { X509Certificate } from "node:crypto"
import type { Certificates } from "../../src/index.ts"
import * as Der from "../../src/internal/certificates/Der.ts"

/** 2026-11-25T08:00:00Z: tests set TestClock here instead of starting at the epoch. */
export const t0 = Date.UTC(2026, 10, 25, 8, 0, 0)
export const hour = 3_600_000
export const day = 24 * hour

/** The reason of the CertificateError `self` fails with; a success fails the test. */
export const reasonOf = <A>(self: Effect.Effect<A, Certificates.CertificateError>) =>
  Effect.flip(self).pipe(
    Effect.map((error) => {
      assert.strictEqual(error._tag, "CertificateError")
      return error.reason
    })
  )

/** Content octets of the TBSCertificate's serialNumber INTEGER. */
export const serialOctets = (pem: string): Uint8Array => {
  const certificate = Der.readExact(new Uint8Array(new X509Certificate(pem).raw))
  const tbs = Der.children(certificate?.content ?? new Uint8Array())?.[0]
  const serial = Der.children(tbs?.content ?? new Uint8Array())?.[1]
  assert.strictEqual(serial?.tag, Der.Tag.integer)
  return serial?.content ?? new Uint8Array()
}
