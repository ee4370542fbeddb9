/**
 * The host names a serving certificate may carry: DNS names (RFC 1123 labels, an optional
 * leading `*.` wildcard) and IP addresses, and their SubjectAltName byte forms. IP
 * addresses are kept in one canonical text form (IPv6 compressed and lower case, as the
 * WHATWG URL serializer writes it) so what goes in compares equal to what `inspect` reads
 * back, whatever spelling the caller used.
 */
import { isIP } from "node:net"

/** RFC 1035 2.3.4: a name is at most 253 characters in text form, a label at most 63. */
const maxNameLength = 253
const label = /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/

export const isDnsName = (name: string): boolean => {
  if (name.length === 0 || name.length > maxNameLength) return false
  const labels = name.split(".")
  const rest = labels[0] === "*" && labels.length > 1 ? labels.slice(1) : labels
  return rest.every((l) => label.test(l))
}

/** `undefined` when `text` is not an IPv4 or IPv6 address (zone ids such as `%eth0` are refused). */
export const canonicalIp = (text: string): string | undefined => {
  const family = isIP(text)
  if (family === 4) return text.split(".").map((octet) => String(Number(octet))).join(".")
  if (family !== 6 || text.includes("%")) return undefined
  const url = `http://[${text}]/`
  return URL.canParse(url) ? new URL(url).hostname.slice(1, -1) : undefined
}

const ipv6Groups = (canonical: string): ReadonlyArray<number> => {
  const [head = "", tail] = canonical.split("::")
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => Number.parseInt(g, 16)))
  const left = parse(head)
  const right = tail === undefined ? [] : parse(tail)
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
}

/** The 4 or 16 octets of an `iPAddress` GeneralName; `undefined` for a non-address. */
export const ipToBytes = (text: string): Uint8Array | undefined => {
  const canonical = canonicalIp(text)
  if (canonical === undefined) return undefined
  if (isIP(canonical) === 4) return Uint8Array.from(canonical.split(".").map(Number))
  return Uint8Array.from(ipv6Groups(canonical).flatMap((g) => [g >> 8, g & 0xff]))
}

/** The canonical text of 4 or 16 octets; `undefined` for any other length. */
export const bytesToIp = (bytes: Uint8Array): string | undefined => {
  if (bytes.length === 4) return Array.from(bytes).join(".")
  if (bytes.length !== 16) return undefined
  const groups: Array<string> = []
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  return canonicalIp(groups.join(":"))
}
