/**
 * The small grammars behind the semantic rules, table-driven: Kubernetes quantities,
 * OCI image references, ports and host:port, durations and RE2 regexes.
 */
import { assert, describe, it } from "@effect/vitest"
import { durationError } from "../src/internal/validate/duration.ts"
import { nameError, referenceError, tagError } from "../src/internal/validate/imageRef.ts"
import { hostPortError, portOrNameError } from "../src/internal/validate/network.ts"
import * as Quantity from "../src/internal/validate/quantity.ts"
import { budgeted, maxCheckedCharacters, maxRemembered, re2Error } from "../src/internal/validate/regex.ts"
import { Validate } from "../src/index.ts"

const quantity = (text: string | number): Quantity.Quantity => {
  const result = Quantity.parse(text)
  if (!result.ok) throw new Error(result.message)
  return result.quantity
}

describe("quantities", () => {
  const valid = ["1", "0", "500m", "0.5", ".5", "1.", "+1", "-1", "1Ki", "256Mi", "2Gi", "1Ti", "1Pi", "1Ei", "1n", "1u", "1k", "1M", "1G", "1T", "1P", "1E", "1e3", "1E3", "1e-3", "1.5Gi"]
  const invalid = ["", "1Gx", "Gi", "1 Gi", "1gi", "1KB", "1.2.3", "--1", "1e", "0x10", "1ki", "one"]
  for (const text of valid) it(`accepts ${JSON.stringify(text)}`, () => assert.isTrue(Quantity.parse(text).ok))
  for (const text of invalid) it(`rejects ${JSON.stringify(text)}`, () => assert.isFalse(Quantity.parse(text).ok))

  const order: ReadonlyArray<readonly [string | number, string | number, number]> = [
    ["500m", "0.5", 0], ["1", "1000m", 0], ["1Ki", "1024", 0], ["1k", "1000", 0], ["1e3", "1k", 0],
    ["2", "500m", 1], ["1Gi", "1G", 1], ["100Mi", "1Gi", -1], ["1.5", "1500m", 0], [0.25, "250m", 0],
    ["1n", "0", 1], ["1u", "1000n", 0]
  ]
  for (const [a, b, expected] of order) {
    it(`compares ${a} and ${b}`, () => assert.strictEqual(Quantity.compare(quantity(a), quantity(b)), expected))
  }
  it("rejects absurd exponents instead of computing them", () => assert.isFalse(Quantity.parse("1e999999999").ok))

  it("a remembered result is the result: repeats, and texts forgotten past the cap, parse as the first time", () => {
    const texts = [...valid, ...invalid, ...Array.from({ length: Quantity.maxRemembered + 50 }, (_, i) => (i % 3 === 0 ? `${i}m` : i % 3 === 1 ? `${i}.5Gi` : `${i}x`))]
    for (const round of [0, 1]) {
      for (const text of texts) assert.deepStrictEqual(Quantity.parse(text), Quantity.parseText(text), `round ${round}: ${text}`)
    }
    assert.deepStrictEqual(Quantity.parse(0.25), Quantity.parseText("0.25"))
  })
})

describe("image references", () => {
  const valid = [
    "nginx", "nginx:1.25", "library/nginx", "docker.io/library/nginx:latest", "localhost:5000/app:v1",
    "public.ecr.aws/whatap/kube_agent:latest", "nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04",
    "registry.example.com:443/a/b/c", "app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "[::1]:5000/app", "a__b/c-d--e.f_g"
  ]
  const invalid = ["", "Nginx", "nginx:", ":tag", "https://docker.io/nginx", "nginx latest", "a//b", "app@sha256:abc", "-app", "app:-tag", "a/B/c"]
  for (const ref of valid) it(`accepts ${ref}`, () => assert.isUndefined(referenceError(ref)))
  for (const ref of invalid) it(`rejects ${JSON.stringify(ref)}`, () => assert.isString(referenceError(ref)))
  it("explains uppercase repositories", () => assert.include(referenceError("Public.ecr.aws/Whatap/x") ?? "", "lowercase"))
  it("explains URL schemes", () => assert.include(referenceError("https://x/y") ?? "", "scheme"))
  it("checks name and tag parts on their own", () => {
    assert.isUndefined(nameError("public.ecr.aws/whatap/kube_agent"))
    assert.isString(nameError("public.ecr.aws/whatap/kube_agent:latest"))
    assert.isUndefined(tagError("1.2.3-rc_1"))
    assert.isString(tagError(".hidden"))
    assert.isString(tagError("a".repeat(129)))
  })
})

describe("ports and addresses", () => {
  const ports: ReadonlyArray<readonly [string | number, boolean]> = [
    ["9100", true], [9100, true], ["1", true], ["65535", true], ["0", false], ["65536", false], [-1, false], [1.5, false],
    ["metrics", true], ["http-metrics", true], ["Metrics", false], ["123", true], ["-web", false], ["a--b", false],
    ["very-long-port-name", false], ["", false]
  ]
  for (const [port, ok] of ports) {
    it(`port ${JSON.stringify(port)} is ${ok ? "valid" : "invalid"}`, () => assert.strictEqual(portOrNameError(port) === undefined, ok))
  }
  const addresses: ReadonlyArray<readonly [string, boolean]> = [
    ["10.0.0.1:9100", true], ["db.example.com:5555", true], ["localhost:80", true], ["[::1]:9100", true],
    ["[fe80::1%eth0]:80", true], ["my_host.svc:9090", true], ["nohost", false], ["host:", false], [":80", false],
    ["http://x:9100", false], ["x:9100/metrics", false], ["::1:80", false], ["256.1.1.1:80", false], ["host:0", false],
    ["host:99999", false], ["host:http", false], ["-bad-.com:80", false]
  ]
  for (const [address, ok] of addresses) {
    it(`address ${JSON.stringify(address)} is ${ok ? "valid" : "invalid"}`, () => assert.strictEqual(hostPortError(address) === undefined, ok))
  }
})

describe("durations", () => {
  const valid = ["30s", "1m", "1h30m", "500ms", "1d", "2w", "1y", "1m30s", "1.5s", "100us", "2h45m0.5s"]
  const invalid = ["", "0", "0s", "-1s", "5 min", "30", "1x", "s", "1.5m30x", "1h-1m"]
  for (const text of valid) it(`accepts ${JSON.stringify(text)}`, () => assert.isUndefined(durationError(text)))
  for (const text of invalid) it(`rejects ${JSON.stringify(text)}`, () => assert.isString(durationError(text)))
})

describe("RE2 regexes", () => {
  const valid = ["apiserver_.*", "(?i)dcgm.*", "(?P<name>a+)b", "[[:alpha:]]+", "a\\z", "\\Qa.b\\E", "(?s:.)", "^(a|b)$", "a{2,3}", "", "a{1000}", "a{2,}", "[{1001}]", "[]{1001}]", "\\{1001}", "\\Q{1001}\\E"]
  // Go's own messages (regexp.Compile), as test/re2-golden.test.ts checks on 1,500 patterns
  const invalid: ReadonlyArray<readonly [string, string]> = [
    ["(a", "missing closing ): `(a`"], ["a)", "unexpected ): `a)`"], ["(?=a)", "lookahead"], ["(?<!a)b", "lookbehind"],
    ["(a)\\1", "backreferences"], ["[a", "missing closing ]: `[a`"], ["*a", "missing argument to repetition operator: `*`"],
    ["a{1001}", "invalid repeat count: `{1001}`"], ["(ab){2,1001}", "invalid repeat count: `{2,1001}`"],
    ["[a]{99999999999999999999}", "invalid repeat count: `{99999999999999999999}`"], ["\\Z", "invalid escape sequence: `\\Z`"], ["[]", "missing closing ]"]
  ]
  for (const text of valid) it(`accepts ${JSON.stringify(text)}`, () => assert.isUndefined(re2Error(text)))
  for (const [text, reason] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.include(re2Error(text) ?? "", reason))
  }
  it("does not treat an escaped backslash before a digit as a backreference", () => assert.isUndefined(re2Error("\\\\1")))

  it("checks at most a budget of characters per resource, and says so for the rest", () => {
    const check = budgeted(10)
    assert.isUndefined(check("a{2}b+"))
    assert.deepStrictEqual(check("(a"), { severity: "error", message: "invalid regex \"(a\": missing closing ): `(a`" })
    assert.deepStrictEqual(check("abcd"), { severity: "warning", message: "regex of 4 characters not checked: the validator checks at most 10 characters of regexes per resource" })
    assert.isUndefined(check("ab"))
  })

  it("a remembered verdict is the verdict: repeats, and patterns forgotten past the cap, check as the first time", () => {
    const patterns = Array.from({ length: maxRemembered + 10 }, (_, i) => (i % 2 === 0 ? `a{${i}}` : `(a${i}`))
    const expected = patterns.map((p) => re2Error(p))
    for (const round of [0, 1]) {
      const check = budgeted(Number.MAX_SAFE_INTEGER)
      patterns.forEach((p, i) => assert.strictEqual(check(p)?.message, expected[i], `round ${round}: ${p}`))
    }
    assert.isDefined(expected[1])
    assert.isUndefined(expected[0])
  })

  it("the budget covers every regex of a resource (a hostile CR of regexes is checked only up to it)", () => {
    const huge = "(?:ab|cd)".repeat(1000)
    const relabelConfigs = Array.from({ length: 40 }, () => ({ action: "keep", regex: huge }))
    const issues = Validate.document({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapStaticEndpoint", metadata: { name: "m", namespace: "n" }, spec: { endpoints: [{ address: "h:1" }], relabelConfigs } }).issues
    const unchecked = issues.filter((i) => i.rule === "regex" && i.severity === "warning").length
    assert.strictEqual(unchecked, 40 - Math.floor(maxCheckedCharacters / huge.length))
  })
})
