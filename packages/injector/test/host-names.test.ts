/**
 * DNS-name validation and the IP address forms of a SubjectAltName: every spelling of an
 * address turns into the same octets and reads back as one canonical text.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as HostNames from "../src/internal/certificates/HostNames.ts"

const hex = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : Buffer.from(bytes).toString("hex"))

describe("isDnsName", () => {
  it.each([
    "a", "localhost", "whatap-admission-controller.whatap-monitoring.svc", "*.example.com", "x1.y-2.Z3",
    `${"a".repeat(63)}.com`, Array.from({ length: 4 }, () => "a".repeat(62)).join(".")
  ])("accepts %s", (name) => assert.isTrue(HostNames.isDnsName(name)))

  it.each([
    "", ".", "a.", ".a", "a..b", "-a", "a-", "under_score", "a b", "*", "a.*.b", "**.a", "é.com", "a/b",
    `${"a".repeat(64)}.com`, Array.from({ length: 5 }, () => "a".repeat(50)).join(".")
  ])("refuses %j", (name) => assert.isFalse(HostNames.isDnsName(name)))
})

describe("IP addresses", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1", "7f000001"],
    ["10.96.0.1", "10.96.0.1", "0a600001"],
    ["::1", "::1", "00".repeat(15) + "01"],
    ["0:0:0:0:0:0:0:1", "::1", "00".repeat(15) + "01"],
    ["2001:DB8:0:0:0:FF00:42:8329", "2001:db8::ff00:42:8329", "20010db8000000000000ff0000428329"],
    ["fe80::", "fe80::", "fe80" + "00".repeat(14)],
    ["::ffff:1.2.3.4", "::ffff:102:304", "00".repeat(10) + "ffff01020304"],
    ["::", "::", "00".repeat(16)]
  ])("%s -> %s", (input, canonical, octets) => {
    assert.strictEqual(HostNames.canonicalIp(input), canonical)
    assert.strictEqual(hex(HostNames.ipToBytes(input)), octets)
    assert.strictEqual(HostNames.bytesToIp(HostNames.ipToBytes(input) ?? new Uint8Array()), canonical)
  })

  it.each(["", "1.2.3", "1.2.3.256", "localhost", "fe80::1%eth0", "[::1]", "1::2::3", "::g"])("refuses %j", (input) => {
    assert.isUndefined(HostNames.canonicalIp(input))
    assert.isUndefined(HostNames.ipToBytes(input))
  })

  it("reads only 4 or 16 octets", () => {
    assert.isUndefined(HostNames.bytesToIp(new Uint8Array(5)))
    assert.isUndefined(HostNames.bytesToIp(new Uint8Array(0)))
  })

  it("any 16 octets round-trip through their canonical text", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (octets) => {
      const text = HostNames.bytesToIp(octets)
      return text !== undefined && hex(HostNames.ipToBytes(text)) === hex(octets) && HostNames.canonicalIp(text) === text
    }), { numRuns: 500 })
  })
})
