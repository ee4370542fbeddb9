/**
 * The X.509 v3 structures of RFC 5280 that the webhook certificates use, built with the
 * DER encoder: names, extensions, the TBSCertificate and the signed Certificate, and the
 * PEM armour around it. Extension order is fixed so two certificates made from the same
 * inputs differ only in key, serial and signature.
 */
import { Buffer } from "node:buffer"
import { Effect } from "effect"
import * as Der from "./Der.ts"
import type { CertificateError } from "./Error.ts"
import * as HostNames from "./HostNames.ts"
import * as Keys from "./Keys.ts"

export const oids = {
  commonName: "2.5.4.3",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1"
} as const

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
export const keyUsageBits = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6
} as const

export interface Extension {
  readonly oid: string
  readonly critical: boolean
  /** The DER of the extension's value; wrapped in the extnValue OCTET STRING here. */
  readonly value: Uint8Array
}

/** A Name with one RDN, the common name, as UTF8String (RFC 5280 4.1.2.6). */
export const name = (commonName: string): Uint8Array =>
  Der.sequence(Der.set(Der.sequence(Der.oid(oids.commonName), Der.utf8String(commonName))))

export const basicConstraints = (isCa: boolean): Extension => ({
  oid: oids.basicConstraints,
  critical: true,
  // cA DEFAULT FALSE: DER leaves a default value out, so a leaf is an empty SEQUENCE.
  value: isCa ? Der.sequence(Der.boolean(true)) : Der.sequence()
})

export const keyUsage = (bits: ReadonlyArray<number>): Extension => ({
  oid: oids.keyUsage,
  critical: true,
  value: Der.namedBits(bits)
})

export const extKeyUsageServerAuth: Extension = {
  oid: oids.extKeyUsage,
  critical: false,
  value: Der.sequence(Der.oid(oids.serverAuth))
}

/** dNSName is `[2] IA5String`, iPAddress is `[7] OCTET STRING`; callers pass validated names. */
export const subjectAltName = (dnsNames: ReadonlyArray<string>, ipAddresses: ReadonlyArray<Uint8Array>): Extension => ({
  oid: oids.subjectAltName,
  critical: false,
  value: Der.sequence(
    ...dnsNames.map((dns) => Der.implicit(2, Uint8Array.from(dns, (c) => c.charCodeAt(0)))),
    ...ipAddresses.map((ip) => Der.implicit(7, ip))
  )
})

export const subjectKeyIdentifier = (keyId: Uint8Array): Extension => ({
  oid: oids.subjectKeyIdentifier,
  critical: false,
  value: Der.octetString(keyId)
})

/** Only the keyIdentifier field (`[0] IMPLICIT OCTET STRING`), as Go and OpenSSL write it. */
export const authorityKeyIdentifier = (keyId: Uint8Array): Extension => ({
  oid: oids.authorityKeyIdentifier,
  critical: false,
  value: Der.sequence(Der.implicit(0, keyId))
})

const extension = (e: Extension): Uint8Array =>
  Der.sequence(Der.oid(e.oid), ...(e.critical ? [Der.boolean(true)] : []), Der.octetString(e.value))

export interface Template {
  readonly serial: Uint8Array
  /** DER of the issuer Name; for a self-signed certificate the subject's own. */
  readonly issuer: Uint8Array
  readonly subject: Uint8Array
  readonly notBefore: Date
  readonly notAfter: Date
  readonly publicKey: Uint8Array
  readonly extensions: ReadonlyArray<Extension>
}

export const tbsCertificate = (t: Template, signatureAlgorithm: Uint8Array): Uint8Array =>
  Der.sequence(
    Der.explicit(0, Der.integer(2n)), // version v3
    Der.unsignedInteger(t.serial),
    signatureAlgorithm,
    t.issuer,
    Der.sequence(Der.time(t.notBefore), Der.time(t.notAfter)),
    t.subject,
    t.publicKey,
    Der.explicit(3, Der.sequence(...t.extensions.map(extension)))
  )

/** The DER of the signed Certificate. */
export const sign = (t: Template, signer: Keys.Signer): Effect.Effect<Uint8Array, CertificateError> => {
  const tbs = tbsCertificate(t, signer.algorithmIdentifier)
  return Effect.map(
    Keys.signWith(signer, tbs),
    (signature) => Der.sequence(tbs, signer.algorithmIdentifier, Der.bitString(signature))
  )
}

/** RFC 7468 text: base64 in 64-character lines, with a trailing newline. */
export const pem = (label: string, der: Uint8Array): string => {
  const base64 = Buffer.from(der).toString("base64")
  const lines = base64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`
}

// ---------------------------------------------------------------------------------------
// Reading back the parts of a Certificate that node:crypto does not expose.

export interface Parsed {
  /** DER of the subject Name, byte for byte, to use as the issuer of what this one signs. */
  readonly subject: Uint8Array
  /** Extension OID (DER) to extnValue content. */
  readonly extensions: ReadonlyArray<{ readonly oid: Uint8Array; readonly value: Uint8Array }>
}

const parseExtensions = (wrapper: Der.Node | undefined): Parsed["extensions"] | undefined => {
  if (wrapper === undefined) return []
  const list = Der.readExact(wrapper.content)
  const items = list === undefined ? undefined : Der.children(list.content)
  if (items === undefined) return undefined
  const out: Array<{ oid: Uint8Array; value: Uint8Array }> = []
  for (const item of items) {
    const fields = Der.children(item.content)
    const id = fields?.[0]
    const value = fields?.[fields.length - 1]
    if (id === undefined || value === undefined || value.tag !== Der.Tag.octetString) return undefined
    out.push({ oid: id.encoded, value: value.content })
  }
  return out
}

/** `undefined` when `der` is not a Certificate in the shape RFC 5280 gives it. */
export const parse = (der: Uint8Array): Parsed | undefined => {
  const certificate = Der.readExact(der)
  const tbs = certificate === undefined ? undefined : Der.children(certificate.content)?.[0]
  const fields = tbs === undefined ? undefined : Der.children(tbs.content)
  if (fields === undefined) return undefined
  // version is `[0] EXPLICIT` with a default, so a v1 certificate starts at the serial.
  const start = fields[0]?.tag === 0xa0 ? 1 : 0
  const subject = fields[start + 4]
  const extensions = parseExtensions(fields.slice(start + 6).find((f) => f.tag === 0xa3))
  if (subject === undefined || extensions === undefined) return undefined
  return { subject: subject.encoded, extensions }
}

export const extensionValue = (parsed: Parsed, oid: string): Uint8Array | undefined => {
  const id = Der.oid(oid)
  return parsed.extensions.find((e) => Der.equals(e.oid, id))?.value
}

/** The SubjectKeyIdentifier's key id, when the certificate has one. */
export const keyIdOf = (parsed: Parsed): Uint8Array | undefined => {
  const value = extensionValue(parsed, oids.subjectKeyIdentifier)
  const node = value === undefined ? undefined : Der.readExact(value)
  return node?.tag === Der.Tag.octetString ? node.content : undefined
}

/** DNS names and IP addresses (canonical text) of the SubjectAltName, in certificate order. */
export const altNames = (parsed: Parsed): { dnsNames: Array<string>; ipAddresses: Array<string> } => {
  const value = extensionValue(parsed, oids.subjectAltName)
  const list = value === undefined ? undefined : Der.readExact(value)
  const names = (list === undefined ? undefined : Der.children(list.content)) ?? []
  const dnsNames = names.filter((n) => n.tag === 0x82).map((n) => Buffer.from(n.content).toString("latin1"))
  const ipAddresses = names.filter((n) => n.tag === 0x87).flatMap((n) => HostNames.bytesToIp(n.content) ?? [])
  return { dnsNames, ipAddresses }
}
