/**
 * A minimal DER (ITU-T X.690 Distinguished Encoding Rules) encoder and reader, covering
 * exactly the ASN.1 types an X.509 v3 certificate needs. It exists so the webhook
 * certificates are built without a third-party ASN.1 library: node:crypto makes keys and
 * signatures and parses finished certificates, but cannot build a TBSCertificate.
 *
 * The encoder trusts its caller (every OID is a module constant, every string was
 * validated before it gets here); an invalid OID is a defect. The reader is the opposite:
 * it takes bytes from outside, never throws, and answers `undefined` for anything that is
 * not well-formed DER in the subset it knows (single-byte tags, definite lengths of at
 * most 4 length bytes).
 */

export const Tag = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31
} as const

export const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Definite length: short form below 128, else 0x80|n followed by n big-endian bytes. */
export const length = (n: number): Uint8Array => {
  if (n < 0x80) return Uint8Array.of(n)
  const bytes: Array<number> = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
  return Uint8Array.of(0x80 | bytes.length, ...bytes)
}

export const tlv = (tag: number, content: Uint8Array): Uint8Array =>
  concat([Uint8Array.of(tag), length(content.length), content])

export const sequence = (...items: ReadonlyArray<Uint8Array>): Uint8Array => tlv(Tag.sequence, concat(items))

/** A SET OF with one member needs no DER sorting; names here have one attribute per RDN. */
export const set = (...items: ReadonlyArray<Uint8Array>): Uint8Array => tlv(Tag.set, concat(items))

export const boolean = (value: boolean): Uint8Array => tlv(Tag.boolean, Uint8Array.of(value ? 0xff : 0x00))

export const nullValue: Uint8Array = Uint8Array.of(Tag.null, 0x00)

/** Minimal two's complement: a positive value whose top bit would be set gets a 0x00 prefix. */
export const integer = (value: bigint): Uint8Array => {
  const bytes: Array<number> = []
  let v = value
  for (;;) {
    const byte = Number(v & 0xffn)
    bytes.unshift(byte)
    v >>= 8n
    const negative = (byte & 0x80) !== 0
    if ((v === 0n && !negative) || (v === -1n && negative)) break
  }
  return tlv(Tag.integer, Uint8Array.from(bytes))
}

/** An unsigned big-endian byte string (a serial number) as a non-negative INTEGER. */
export const unsignedInteger = (bytes: Uint8Array): Uint8Array =>
  integer(bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n))

const base128 = (arc: bigint): Array<number> => {
  const out = [Number(arc & 0x7fn)]
  for (let v = arc >> 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80)
  return out
}

/** OBJECT IDENTIFIER from dotted form; the first two arcs share one subidentifier (40·a + b). */
export const oid = (dotted: string): Uint8Array => {
  const arcs = dotted.split(".").map((arc) => (/^(0|[1-9][0-9]*)$/.test(arc) ? BigInt(arc) : -1n))
  const [first, second, ...rest] = arcs
  const valid = first !== undefined && second !== undefined && arcs.every((a) => a >= 0n) &&
    first <= 2n && (first === 2n || second < 40n)
  if (!valid) throw new RangeError(`not an object identifier: ${dotted}`)
  return tlv(Tag.oid, Uint8Array.from([first * 40n + second, ...rest].flatMap(base128)))
}

export const octetString = (content: Uint8Array): Uint8Array => tlv(Tag.octetString, content)

export const bitString = (content: Uint8Array, unusedBits = 0): Uint8Array =>
  tlv(Tag.bitString, concat([Uint8Array.of(unusedBits), content]))

/**
 * A NamedBitList (KeyUsage): bit 0 is the most significant bit of the first byte, and DER
 * drops trailing zero bits, so the encoding ends at the highest bit that is set.
 */
export const namedBits = (bits: ReadonlyArray<number>): Uint8Array => {
  if (bits.length === 0) return bitString(new Uint8Array(0))
  const highest = Math.max(...bits)
  const content = new Uint8Array(Math.floor(highest / 8) + 1)
  for (const bit of bits) content[bit >> 3] = (content[bit >> 3] ?? 0) | (0x80 >> (bit & 7))
  return bitString(content, 7 - (highest & 7))
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0x7f)

export const utf8String = (text: string): Uint8Array => tlv(Tag.utf8String, new TextEncoder().encode(text))

/** Caller guarantees ASCII (DNS names are validated before they get here). */
export const ia5String = (text: string): Uint8Array => tlv(Tag.ia5String, ascii(text))

const two = (n: number): string => String(n).padStart(2, "0")

/**
 * RFC 5280 4.1.2.5: UTCTime (YYMMDDHHMMSSZ) for 1950..2049, GeneralizedTime
 * (YYYYMMDDHHMMSSZ) otherwise, always UTC, no fractional seconds (they are truncated).
 */
export const time = (date: Date): Uint8Array => {
  const year = date.getUTCFullYear()
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}` +
    `${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`
  return year >= 1950 && year < 2050
    ? tlv(Tag.utcTime, ascii(`${two(year % 100)}${rest}`))
    : tlv(Tag.generalizedTime, ascii(`${String(year).padStart(4, "0")}${rest}`))
}

/** `[n] EXPLICIT`: a constructed context-specific tag wrapping a whole encoding. */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner)

/** `[n] IMPLICIT` over a primitive type: the context tag replaces the universal one. */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content)

// ---------------------------------------------------------------------------------------
// Reader

export interface Node {
  readonly tag: number
  /** The content octets (without tag and length). */
  readonly content: Uint8Array
  /** The whole encoding, tag and length included. */
  readonly encoded: Uint8Array
}

/** The element starting at `offset`, or `undefined` when the bytes there are not one. */
export const read = (bytes: Uint8Array, offset = 0): Node | undefined => {
  const tag = bytes[offset]
  const first = bytes[offset + 1]
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) return undefined
  let size = first
  let header = 2
  if (first >= 0x80) {
    const count = first & 0x7f
    if (count === 0 || count > 4 || offset + 2 + count > bytes.length) return undefined
    size = 0
    for (let i = 0; i < count; i++) size = size * 256 + (bytes[offset + 2 + i] ?? 0)
    header += count
  }
  const end = offset + header + size
  if (end > bytes.length) return undefined
  return { tag, content: bytes.subarray(offset + header, end), encoded: bytes.subarray(offset, end) }
}

/** The elements that exactly fill `content`, or `undefined` when they do not. */
export const children = (content: Uint8Array): ReadonlyArray<Node> | undefined => {
  const out: Array<Node> = []
  for (let offset = 0; offset < content.length;) {
    const node = read(content, offset)
    if (node === undefined) return undefined
    out.push(node)
    offset += node.encoded.length
  }
  return out
}

/** The single element that exactly fills `bytes` (nothing before or after it). */
export const readExact = (bytes: Uint8Array): Node | undefined => {
  const node = read(bytes)
  return node !== undefined && node.encoded.length === bytes.length ? node : undefined
}

export const equals = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])
