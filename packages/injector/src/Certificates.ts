/**
 * Webhook TLS material (PRODUCT D2): a self-signed CA and the serving certificates it
 * signs, as PEM, in the forms the Go operator writes (`CERTIFICATE`, RSA-2048 keys as
 * PKCS#1 `RSA PRIVATE KEY`), so a Secret written by either can be read by the other.
 * Unlike the Go operator (spec 2.3: 1000-year certificates, a new CA on every start) the
 * validity is bounded (CA 10 years, serving 1 year) because the certificates are persisted
 * and rotated; `inspect`, `verifies` and `keyMatches` are what a rotation decides with.
 *
 * Certificates are built with an own DER encoder (internal/certificates) and signed with
 * node:crypto; no third-party X.509 library. Time comes from Effect's Clock unless `now`
 * is given, so TestClock drives validity in tests. Keys never appear in errors or logs.
 */
import { randomBytes } from "node:crypto"
import { Naming } from "@whatap-operator/core"
import { Clock, Duration, Effect, Option, Schema } from "effect"
import { fail, type CertificateError } from "./internal/certificates/Error.ts"
import * as HostNames from "./internal/certificates/HostNames.ts"
import * as Issuer from "./internal/certificates/Issuer.ts"
import * as Keys from "./internal/certificates/Keys.ts"
import * as X509 from "./internal/certificates/X509.ts"

export { CertificateError, Reason } from "./internal/certificates/Error.ts"
export type { KeyAlgorithm } from "./internal/certificates/Keys.ts"

/** A certificate and its private key, both PEM; the field names are node:tls's. */
export const Pair = Schema.Struct({ cert: Schema.String, key: Schema.String })
export type Pair = typeof Pair.Type

export const defaultCaCommonName = "whatap-webhook-ca"
export const defaultCaValidity: Duration.Duration = Duration.days(3650)
export const defaultServingValidity: Duration.Duration = Duration.days(365)
/** notBefore lies this far in the past so a peer whose clock is behind accepts a fresh certificate. */
export const clockSkew: Duration.Duration = Duration.hours(1)
/** ub-common-name of RFC 5280 appendix A. */
export const maxCommonNameLength = 64
/** Bound on DNS names plus IP addresses of one serving certificate. */
export const maxAltNames = 100

export interface CaOptions {
  readonly commonName?: string
  readonly validity?: Duration.Input
  /** Instead of the Clock. */
  readonly now?: Date
  readonly keyAlgorithm?: Keys.KeyAlgorithm
}

export interface ServingOptions extends CaOptions {
  readonly dnsNames?: ReadonlyArray<string>
  /** IPv4 or IPv6, any spelling; written and read back in canonical form. */
  readonly ipAddresses?: ReadonlyArray<string>
}

export interface Info {
  readonly subject: string
  readonly issuer: string
  /** Upper-case hex, as node:crypto reports it. */
  readonly serialNumber: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly dnsNames: ReadonlyArray<string>
  /** Canonical text: dotted quad, or compressed lower-case IPv6. */
  readonly ipAddresses: ReadonlyArray<string>
  readonly isCa: boolean
  /** SHA-256 of the DER, colon-separated upper-case hex. */
  readonly fingerprint: string
}

/**
 * Names of the webhook Service (`<service>.<ns>.svc` and `.svc.cluster.local`), plus
 * 127.0.0.1 when the API server reaches the webhook by URL on loopback. The common name is
 * the Go operator's unless it would exceed 64 characters (a namespace longer than 31).
 */
export const webhookNames = (namespace: string, options: { readonly loopback?: boolean } = {}) => {
  const svc = `${Naming.webhook.service}.${namespace}.svc`
  return {
    commonName: svc.length <= maxCommonNameLength ? svc : Naming.webhook.service,
    dnsNames: [svc, `${svc}.cluster.local`],
    ipAddresses: options.loopback === true ? ["127.0.0.1"] : []
  }
}

const checkCommonName = (commonName: string): Effect.Effect<string, CertificateError> =>
  commonName.length === 0 || commonName.length > maxCommonNameLength || /\p{Cc}/u.test(commonName)
    ? Effect.fail(fail("InvalidName", `common name ${JSON.stringify(commonName)} must be 1 to ${maxCommonNameLength} characters without control characters`))
    : Effect.succeed(commonName)

const currentMillis = (now: Date | undefined): Effect.Effect<number> =>
  now === undefined ? Clock.currentTimeMillis : Effect.succeed(now.getTime())

/** The last instant X.509 can express (GeneralizedTime has four year digits). */
const latest = Date.UTC(9999, 11, 31, 23, 59, 59)

/** Whole seconds: DER times carry no fractions, and the certificate must say what we mean. */
const validityWindow = (now: number, validity: Duration.Input): Effect.Effect<{ notBefore: Date; notAfter: Date }, CertificateError> => {
  const millis = Option.map(Duration.fromInput(validity), Duration.toMillis)
  if (Option.isNone(millis) || !Number.isFinite(millis.value) || millis.value < 1000 || !Number.isFinite(now)) {
    return Effect.fail(fail("InvalidValidity", `validity must be a finite duration of at least one second`))
  }
  const notAfter = Math.floor((now + millis.value) / 1000) * 1000
  if (notAfter > latest) return Effect.fail(fail("InvalidValidity", `a certificate cannot be valid after the year 9999`))
  return Effect.succeed({ notBefore: new Date(Math.floor((now - Duration.toMillis(clockSkew)) / 1000) * 1000), notAfter: new Date(notAfter) })
}

/** Random and positive, 128 bits as Go's `rand.Int(rand.Reader, 1<<128)`; the low bit forced so it is never 0. */
const serialNumber = Effect.sync(() => {
  const bytes = new Uint8Array(randomBytes(16))
  bytes[15] = (bytes[15] ?? 0) | 1
  return bytes
})

const keyPair = (algorithm: Keys.KeyAlgorithm) =>
  Effect.flatMap(Keys.generate(algorithm), (keys) => {
    const keyId = Keys.keyIdentifier(keys.publicKey)
    const signer = Keys.signerFor(keys.privateKey)
    return keyId === undefined || signer === undefined
      ? Effect.fail(fail("KeyGeneration", `the generated ${algorithm} key cannot be used`))
      : Effect.succeed({ ...keys, keyId, signer })
  })

/** A self-signed CA: basicConstraints CA:true and keyUsage keyCertSign+cRLSign (both critical), subjectKeyIdentifier. */
export const generateCa = Effect.fn("Certificates.generateCa")(function*(options: CaOptions = {}) {
  const commonName = yield* checkCommonName(options.commonName ?? defaultCaCommonName)
  const window = yield* validityWindow(yield* currentMillis(options.now), options.validity ?? defaultCaValidity)
  const keys = yield* keyPair(options.keyAlgorithm ?? "rsa-2048")
  const subject = X509.name(commonName)
  const der = yield* X509.sign({
    serial: yield* serialNumber,
    issuer: subject,
    subject,
    ...window,
    publicKey: Keys.spki(keys.publicKey),
    extensions: [
      X509.basicConstraints(true),
      X509.keyUsage([X509.keyUsageBits.keyCertSign, X509.keyUsageBits.cRLSign]),
      X509.subjectKeyIdentifier(keys.keyId)
    ]
  }, keys.signer)
  return { cert: X509.pem("CERTIFICATE", der), key: Keys.privateKeyPem(keys.privateKey) } satisfies Pair
})

/** Validated, de-duplicated SANs (first occurrence wins, order kept). */
const altNames = (options: ServingOptions) => {
  const dnsNames = [...new Set(options.dnsNames ?? [])]
  const ips = [...new Set(options.ipAddresses ?? [])]
  const badName = dnsNames.find((n) => !HostNames.isDnsName(n))
  if (badName !== undefined) return Effect.fail(fail("InvalidName", `${JSON.stringify(badName)} is not a DNS name`))
  const badIp = ips.find((ip) => HostNames.ipToBytes(ip) === undefined)
  if (badIp !== undefined) return Effect.fail(fail("InvalidIpAddress", `${JSON.stringify(badIp)} is not an IP address`))
  const ipAddresses = [...new Set(ips.flatMap((ip) => HostNames.canonicalIp(ip) ?? []))]
  if (dnsNames.length + ipAddresses.length === 0 || dnsNames.length + ipAddresses.length > maxAltNames) {
    return Effect.fail(fail("InvalidName", `a serving certificate needs 1 to ${maxAltNames} DNS names and IP addresses`))
  }
  return Effect.succeed({ dnsNames, ipAddresses, ipBytes: ipAddresses.flatMap((ip) => HostNames.ipToBytes(ip) ?? []) })
}

/**
 * A serving certificate signed by `ca`: basicConstraints CA:false and keyUsage
 * digitalSignature (+keyEncipherment for RSA) critical, extKeyUsage serverAuth,
 * subjectAltName, subject and authority key identifiers. Its notAfter never passes the
 * CA's, since a certificate cannot outlive the chain it verifies through.
 */
export const issueServing = Effect.fn("Certificates.issueServing")(function*(ca: Pair, options: ServingOptions) {
  const now = yield* currentMillis(options.now)
  const issuer = yield* Issuer.load(ca, now)
  const names = yield* altNames(options)
  const commonName = yield* checkCommonName(options.commonName ?? names.dnsNames[0] ?? names.ipAddresses[0] ?? "")
  const window = yield* validityWindow(now, options.validity ?? defaultServingValidity)
  const keys = yield* keyPair(options.keyAlgorithm ?? "rsa-2048")
  const usage = keys.privateKey.asymmetricKeyType === "rsa"
    ? [X509.keyUsageBits.digitalSignature, X509.keyUsageBits.keyEncipherment]
    : [X509.keyUsageBits.digitalSignature]
  const der = yield* X509.sign({
    serial: yield* serialNumber,
    issuer: issuer.subject,
    subject: X509.name(commonName),
    notBefore: window.notBefore,
    notAfter: new Date(Math.min(window.notAfter.getTime(), issuer.certificate.validToDate.getTime())),
    publicKey: Keys.spki(keys.publicKey),
    extensions: [
      X509.basicConstraints(false),
      X509.keyUsage(usage),
      X509.extKeyUsageServerAuth,
      X509.subjectAltName(names.dnsNames, names.ipBytes),
      X509.subjectKeyIdentifier(keys.keyId),
      X509.authorityKeyIdentifier(issuer.keyId)
    ]
  }, issuer.signer)
  return { cert: X509.pem("CERTIFICATE", der), key: Keys.privateKeyPem(keys.privateKey) } satisfies Pair
})

/** What a certificate says, for rotation decisions and status; SANs read from the DER itself. */
export const inspect = Effect.fn("Certificates.inspect")(function*(pem: string) {
  const certificate = yield* Issuer.parseCertificate(pem, "certificate")
  const { dnsNames, ipAddresses } = X509.altNames(yield* Issuer.structureOf(certificate, "certificate"))
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.validFromDate,
    notAfter: certificate.validToDate,
    dnsNames,
    ipAddresses,
    isCa: certificate.ca,
    fingerprint: certificate.fingerprint256
  } satisfies Info
})

/**
 * Whether `cert` was issued and signed by `ca` (name, key identifier and signature), `ca`
 * is a CA, and both are valid at the Clock's now. Unparsable PEM fails with InvalidPem
 * instead of answering false, so a corrupted Secret is told apart from an expired one.
 */
export const verifies = Effect.fn("Certificates.verifies")(function*(certPem: string, caPem: string) {
  const certificate = yield* Issuer.parseCertificate(certPem, "certificate")
  const ca = yield* Issuer.parseCertificate(caPem, "CA certificate")
  const now = yield* Clock.currentTimeMillis
  const validNow = (c: typeof ca) => c.validFromDate.getTime() <= now && now <= c.validToDate.getTime()
  return ca.ca && certificate.checkIssued(ca) && certificate.verify(ca.publicKey) && validNow(certificate) && validNow(ca)
})

/** Whether `keyPem` is the private key of `certPem`'s public key. */
export const keyMatches = Effect.fn("Certificates.keyMatches")(function*(certPem: string, keyPem: string) {
  const certificate = yield* Issuer.parseCertificate(certPem, "certificate")
  const privateKey = yield* Issuer.parsePrivateKey(keyPem)
  return Issuer.keyMatches(certificate, privateKey)
})
