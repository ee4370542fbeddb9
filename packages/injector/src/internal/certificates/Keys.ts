/**
 * Keys and signatures through node:crypto: generating a key pair, the signature algorithm
 * a private key implies, signing, the key identifier, and the PEM form of private keys.
 * RSA keys are written as PKCS#1 (`RSA PRIVATE KEY`) and ECDSA keys as SEC 1
 * (`EC PRIVATE KEY`), the forms Go's crypto/x509 writes, so a Secret written by the Go
 * operator and one written here are read the same way by either.
 */
import { createHash, generateKeyPair, sign, type KeyObject } from "node:crypto"
import { Effect } from "effect"
import * as Der from "./Der.ts"
import { fail, type CertificateError } from "./Error.ts"

export type KeyAlgorithm = "rsa-2048" | "ecdsa-p256"

export interface KeyPair {
  readonly publicKey: KeyObject
  readonly privateKey: KeyObject
}

export const oids = {
  sha256WithRsa: "1.2.840.113549.1.1.11",
  ecdsaWithSha256: "1.2.840.10045.4.3.2"
} as const

/** Smallest RSA modulus accepted for an issuer key (NIST SP 800-131A). */
const minRsaBits = 2048

export const generate = (algorithm: KeyAlgorithm): Effect.Effect<KeyPair, CertificateError> =>
  Effect.callback<KeyPair, CertificateError>((resume) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      resume(error === null
        ? Effect.succeed({ publicKey, privateKey })
        : Effect.fail(fail("KeyGeneration", `generating a ${algorithm} key failed: ${error.message}`)))
    if (algorithm === "rsa-2048") generateKeyPair("rsa", { modulusLength: 2048, publicExponent: 0x10001 }, done)
    else generateKeyPair("ec", { namedCurve: "prime256v1" }, done)
  })

/** How a private key signs: the AlgorithmIdentifier that goes into the certificate. */
export interface Signer {
  readonly privateKey: KeyObject
  readonly algorithmIdentifier: Uint8Array
}

/** `undefined` for a key this module does not sign with (RSA-PSS, Ed25519, other curves, short RSA). */
export const signerFor = (privateKey: KeyObject): Signer | undefined => {
  const details = privateKey.asymmetricKeyDetails
  if (privateKey.asymmetricKeyType === "rsa" && (details?.modulusLength ?? 0) >= minRsaBits) {
    // RFC 4055: the parameters of sha256WithRSAEncryption are an explicit NULL.
    return { privateKey, algorithmIdentifier: Der.sequence(Der.oid(oids.sha256WithRsa), Der.nullValue) }
  }
  if (privateKey.asymmetricKeyType === "ec" && details?.namedCurve === "prime256v1") {
    // RFC 5758 3.2: ecdsa-with-SHA256 has no parameters at all.
    return { privateKey, algorithmIdentifier: Der.sequence(Der.oid(oids.ecdsaWithSha256)) }
  }
  return undefined
}

/** The signature over `data`: PKCS#1 v1.5 for RSA, a DER `Ecdsa-Sig-Value` for ECDSA. */
export const signWith = (signer: Signer, data: Uint8Array): Effect.Effect<Uint8Array, CertificateError> =>
  Effect.try({
    try: () => new Uint8Array(sign("sha256", data, signer.privateKey)),
    catch: () => fail("Signing", "signing the certificate failed")
  })

export const spki = (publicKey: KeyObject): Uint8Array => new Uint8Array(publicKey.export({ type: "spki", format: "der" }))

/**
 * RFC 5280 4.2.1.2 method (1), as Go computes it: SHA-1 of the subjectPublicKey bits of
 * the SubjectPublicKeyInfo (the BIT STRING content after its unused-bits octet).
 */
export const keyIdentifier = (publicKey: KeyObject): Uint8Array | undefined => {
  const info = Der.readExact(spki(publicKey))
  const fields = info === undefined ? undefined : Der.children(info.content)
  const bits = fields?.[1]
  if (bits === undefined || bits.tag !== Der.Tag.bitString || bits.content.length < 1) return undefined
  return new Uint8Array(createHash("sha1").update(bits.content.subarray(1)).digest())
}

/** PKCS#1 for RSA, SEC 1 for EC; both PEM with a trailing newline. */
export const privateKeyPem = (privateKey: KeyObject): string =>
  String(privateKey.export(privateKey.asymmetricKeyType === "ec"
    ? { type: "sec1", format: "pem" }
    : { type: "pkcs1", format: "pem" }))
