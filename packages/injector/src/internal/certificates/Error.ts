/**
 * The one error of certificate handling. Messages name what was wrong and with which
 * input (a certificate's subject, a DNS name), never the bytes of a private key: a key
 * that does not parse is reported as "the private key does not parse", without the
 * parser's own message, which could quote the input.
 */
import { Schema } from "effect"

export const Reason = Schema.Literals([
  "InvalidPem", // a certificate or key that node:crypto cannot parse
  "UnsupportedKey", // a key that is neither RSA (>= 2048 bits) nor ECDSA P-256
  "KeyMismatch", // a private key that does not belong to the certificate
  "NotCa", // an issuer certificate without basicConstraints CA:true
  "Expired", // an issuer certificate past its notAfter
  "NotYetValid", // an issuer certificate before its notBefore
  "InvalidName", // a common name or DNS name that cannot go into a certificate
  "InvalidIpAddress", // an IP SAN that is not an IPv4 or IPv6 address
  "InvalidValidity", // a validity that is not a positive finite duration, or ends after year 9999
  "KeyGeneration", // node:crypto failed to generate a key pair
  "Signing" // node:crypto failed to sign
])
export type Reason = typeof Reason.Type

export class CertificateError extends Schema.TaggedError<CertificateError>()("CertificateError", {
  reason: Reason,
  message: Schema.String
}) {}

export const fail = (reason: Reason, message: string): CertificateError => new CertificateError({ reason, message })
