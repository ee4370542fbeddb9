/**
 * Parsing PEM input through node:crypto, and loading a CA certificate and key as an
 * issuer: the checks that must pass before anything is signed with it (it parses, the key
 * is its key, it is a CA, it is valid now) and the bytes the issued certificate copies from
 * it (the subject Name, verbatim, and the key identifier).
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto"
import { Effect } from "effect"
import { fail, type CertificateError } from "./Error.ts"
import * as Keys from "./Keys.ts"
import * as X509 from "./X509.ts"

export interface Issuer {
  readonly certificate: X509Certificate
  readonly signer: Keys.Signer
  /** DER of the CA's subject Name, copied byte for byte as the issuer of what it signs. */
  readonly subject: Uint8Array
  /** The CA's SubjectKeyIdentifier, or the RFC 5280 method (1) hash when it has none. */
  readonly keyId: Uint8Array
}

export const parseCertificate = (pem: string, what: string): Effect.Effect<X509Certificate, CertificateError> =>
  Effect.try({
    try: () => new X509Certificate(pem),
    catch: (error) => fail("InvalidPem", `the ${what} does not parse: ${error instanceof Error ? error.message : String(error)}`)
  })

/** The parser's message is left out on purpose: it could quote the key. */
export const parsePrivateKey = (pem: string): Effect.Effect<KeyObject, CertificateError> =>
  Effect.try({
    try: () => createPrivateKey(pem),
    catch: () => fail("InvalidPem", "the private key does not parse")
  })

/** The parsed structure of a certificate node:crypto already accepted. */
export const structureOf = (certificate: X509Certificate, what: string): Effect.Effect<X509.Parsed, CertificateError> => {
  const parsed = X509.parse(new Uint8Array(certificate.raw))
  return parsed === undefined
    ? Effect.fail(fail("InvalidPem", `the ${what} is not an X.509 certificate this module can read (${certificate.subject})`))
    : Effect.succeed(parsed)
}

export const keyMatches = (certificate: X509Certificate, privateKey: KeyObject): boolean =>
  certificate.publicKey.equals(createPublicKey(privateKey))

const checkValidAt = (certificate: X509Certificate, now: number): Effect.Effect<void, CertificateError> => {
  if (now < certificate.validFromDate.getTime()) {
    return Effect.fail(fail("NotYetValid", `the CA certificate (${certificate.subject}) is not valid before ${certificate.validFromDate.toISOString()}`))
  }
  if (now > certificate.validToDate.getTime()) {
    return Effect.fail(fail("Expired", `the CA certificate (${certificate.subject}) expired at ${certificate.validToDate.toISOString()}`))
  }
  return Effect.void
}

export const load = Effect.fn("Certificates.loadIssuer")(function*(pair: { readonly cert: string; readonly key: string }, now: number) {
  const certificate = yield* parseCertificate(pair.cert, "CA certificate")
  const privateKey = yield* parsePrivateKey(pair.key)
  if (!keyMatches(certificate, privateKey)) {
    return yield* Effect.fail(fail("KeyMismatch", `the private key does not belong to the CA certificate (${certificate.subject})`))
  }
  if (!certificate.ca) {
    return yield* Effect.fail(fail("NotCa", `the certificate (${certificate.subject}) is not a CA (basicConstraints CA:false or absent)`))
  }
  yield* checkValidAt(certificate, now)
  const signer = Keys.signerFor(privateKey)
  if (signer === undefined) {
    return yield* Effect.fail(fail("UnsupportedKey", `the CA key is ${privateKey.asymmetricKeyType ?? "unknown"}; RSA of at least 2048 bits or ECDSA P-256 is needed`))
  }
  const parsed = yield* structureOf(certificate, "CA certificate")
  const keyId = X509.keyIdOf(parsed) ?? Keys.keyIdentifier(certificate.publicKey)
  if (keyId === undefined) {
    return yield* Effect.fail(fail("UnsupportedKey", `the CA public key of ${certificate.subject} cannot be read`))
  }
  return { certificate, signer, subject: parsed.subject, keyId } satisfies Issuer
})
