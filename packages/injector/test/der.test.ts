/**
 * The DER encoder against the byte vectors of X.690 and RFC 5280 (length forms at their
 * boundaries, minimal two's-complement INTEGERs, OID subidentifiers, NamedBitLists,
 * UTCTime/GeneralizedTime), and the reader against the encoder and against malformed input.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as Der from "../src/internal/certificates/Der.ts"

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"))

describe("length", () => {
  it.each([
    [0, "00"], [1, "01"], [127, "7f"], [128, "8180"], [255, "81ff"], [256, "820100"],
    [65535, "82ffff"], [65536, "83010000"], [16777216, "8401000000"]
  ])("%i -> %s", (n, expected) => assert.strictEqual(hex(Der.length(n)), expected))

  it.each([127, 128, 255, 256, 65535, 65536])("a %i-byte OCTET STRING reads back whole", (n) => {
    const content = new Uint8Array(n).map((_, i) => i % 251)
    const encoded = Der.octetString(content)
    assert.strictEqual(encoded.length, 1 + Der.length(n).length + n)
    const node = Der.readExact(encoded)
    assert.isDefined(node)
    assert.strictEqual(node?.tag, Der.Tag.octetString)
    assert.isTrue(Der.equals(node?.content ?? new Uint8Array(), content))
  })
})

describe("integer", () => {
  it.each([
    [0n, "020100"], [1n, "020101"], [127n, "02017f"], [128n, "02020080"], [255n, "020200ff"],
    [256n, "02020100"], [32767n, "02027fff"], [32768n, "0203008000"], [-1n, "0201ff"],
    [-128n, "020180"], [-129n, "0202ff7f"], [-256n, "0202ff00"], [2n ** 127n, "021100" + "80" + "00".repeat(15)]
  ])("%s -> %s", (value, expected) => assert.strictEqual(hex(Der.integer(value)), expected))

  it("an unsigned byte string with the high bit set gets a 0x00 prefix, leading zeros go", () => {
    assert.strictEqual(hex(Der.unsignedInteger(bytes("ff00"))), "020300ff00")
    assert.strictEqual(hex(Der.unsignedInteger(bytes("7f00"))), "02027f00")
    assert.strictEqual(hex(Der.unsignedInteger(bytes("000001"))), "020101")
    assert.strictEqual(hex(Der.unsignedInteger(bytes("80" + "00".repeat(15)))), "021100" + "80" + "00".repeat(15))
  })

  it("is minimal two's complement for any value", () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }), (value) => {
      const node = Der.readExact(Der.integer(value))
      const content = node?.content ?? new Uint8Array()
      const unsigned = content.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n)
      const decoded = (content[0] ?? 0) & 0x80 ? unsigned - (1n << BigInt(8 * content.length)) : unsigned
      // Minimal: the first 9 bits are not all equal.
      const redundant = content.length > 1 &&
        ((content[0] === 0x00 && ((content[1] ?? 0) & 0x80) === 0) || (content[0] === 0xff && ((content[1] ?? 0) & 0x80) !== 0))
      return node?.tag === Der.Tag.integer && decoded === value && !redundant
    }), { numRuns: 500 })
  })
})

describe("oid", () => {
  it.each([
    ["2.5.4.3", "0603550403"],
    ["2.5.29.19", "0603551d13"],
    ["1.2.840.113549.1.1.11", "06092a864886f70d01010b"],
    ["1.2.840.10045.4.3.2", "06082a8648ce3d040302"],
    ["1.3.6.1.5.5.7.3.1", "06082b06010505070301"],
    ["2.999.3", "0603883703"], // X.690 8.19.5 example; the vectors agree with `openssl asn1parse -genstr OID:...`
    ["0.0", "060100"],
    ["1.39", "06014f"],
    ["2.25.329800735698586629295641978511506172918", "06146983f09da7ebcfdee0c7a1a7b2c0948cc8f9d776"]
  ])("%s -> %s", (dotted, expected) => assert.strictEqual(hex(Der.oid(dotted)), expected))

  it.each(["", "1", "3.1", "1.40", "0.40", "1.2.-3", "1..2", "1.02", "a.b"])("refuses %j", (dotted) => {
    assert.throws(() => Der.oid(dotted), RangeError)
  })
})

describe("bit strings and primitives", () => {
  it.each([
    [[5, 6], "03020106"], // keyCertSign + cRLSign
    [[0, 2], "030205a0"], // digitalSignature + keyEncipherment
    [[0], "03020780"],
    [[7], "03020001"],
    [[8], "0303070080"], // decipherOnly: the second byte, 7 unused bits
    [[], "030100"]
  ])("named bits %j -> %s", (bits, expected) => assert.strictEqual(hex(Der.namedBits(bits)), expected))

  it("encodes BOOLEAN, NULL, strings and context tags", () => {
    assert.strictEqual(hex(Der.boolean(true)), "0101ff")
    assert.strictEqual(hex(Der.boolean(false)), "010100")
    assert.strictEqual(hex(Der.nullValue), "0500")
    assert.strictEqual(hex(Der.utf8String("é")), "0c02c3a9")
    assert.strictEqual(hex(Der.ia5String("a.b")), "1603612e62")
    assert.strictEqual(hex(Der.explicit(0, Der.integer(2n))), "a003020102")
    assert.strictEqual(hex(Der.implicit(7, bytes("7f000001"))), "87047f000001")
    assert.strictEqual(hex(Der.sequence()), "3000")
    assert.strictEqual(hex(Der.set(Der.nullValue)), "31020500")
  })
})

describe("time", () => {
  const text = (encoded: Uint8Array) => Buffer.from(Der.readExact(encoded)?.content ?? []).toString("latin1")
  it.each([
    ["1950-01-01T00:00:00Z", Der.Tag.utcTime, "500101000000Z"],
    ["2026-11-25T08:09:05.999Z", Der.Tag.utcTime, "261125080905Z"],
    ["2049-12-31T23:59:59Z", Der.Tag.utcTime, "491231235959Z"],
    ["2050-01-01T00:00:00Z", Der.Tag.generalizedTime, "20500101000000Z"],
    ["1949-12-31T23:59:59Z", Der.Tag.generalizedTime, "19491231235959Z"],
    ["9999-12-31T23:59:59Z", Der.Tag.generalizedTime, "99991231235959Z"]
  ])("%s", (iso, tag, expected) => {
    const encoded = Der.time(new Date(iso))
    assert.strictEqual(encoded[0], tag)
    assert.strictEqual(text(encoded), expected)
  })
})

describe("reader", () => {
  it("reads nested structures back", () => {
    const encoded = Der.sequence(Der.integer(5n), Der.sequence(Der.oid("2.5.4.3"), Der.utf8String("x")))
    const top = Der.readExact(encoded)
    const items = Der.children(top?.content ?? new Uint8Array())
    assert.deepStrictEqual(items?.map((n) => n.tag), [Der.Tag.integer, Der.Tag.sequence])
    assert.deepStrictEqual(Der.children(items?.[1]?.content ?? new Uint8Array())?.map((n) => hex(n.encoded)), ["0603550403", "0c0178"])
  })

  it.each([
    ["empty", ""],
    ["truncated content", "300302"],
    ["truncated long length", "3082"],
    ["indefinite length", "30800000"],
    ["five length bytes", "30850000000001"],
    ["high tag number", "1f0100"]
  ])("refuses %s", (_, input) => assert.isUndefined(Der.read(bytes(input))))

  it("refuses trailing bytes", () => {
    assert.isUndefined(Der.readExact(bytes("050000")))
    assert.isUndefined(Der.children(bytes("0500ff")))
  })

  it("never throws on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
      const node = Der.read(input)
      return node === undefined || (node.encoded.length <= input.length && Der.children(node.content) !== null)
    }), { numRuns: 1000 })
  })
})
