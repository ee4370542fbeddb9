/**
 * Robustness and global guarantees of `Validate.resource`: on any JSON it returns
 * well-formed findings (a defect would throw: the library has no catch-all, the CLI and
 * webhook edges do) and none of them is an internal failure dressed up as a finding;
 * every sample CR is free of errors; license values never reach a message.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { Decode, Finding, Validate } from "../src/index.ts"
import { documents, samplesDir, yamlFiles } from "./support/yaml.ts"

/** What a swallowed defect used to look like; the decoder's own schema fallback included. */
const internalFailure = /internal|failed without|undefined is not|Cannot read|is not a function|Maximum call stack/i

const wellFormed = (findings: ReadonlyArray<Finding.Finding>): boolean =>
  Array.isArray(findings) &&
  findings.every((f) =>
    (f.severity === "error" || f.severity === "warning") && typeof f.message === "string" && f.message.length > 0 &&
    !internalFailure.test(f.message) && Array.isArray(f.path))

const kinds = ["WhatapAgent", "WhatapPodMonitor", "WhatapServiceMonitor", "WhatapStaticEndpoint"] as const

/** JSON in the rough shape of a WhaTap resource, so the rules get past the kind check. */
const resourceLike = fc.record({
  apiVersion: fc.constant("monitoring.whatap.com/v2alpha1"),
  kind: fc.constantFrom(...kinds),
  metadata: fc.oneof(fc.jsonValue(), fc.record({ name: fc.string(), namespace: fc.string() })),
  spec: fc.oneof(
    fc.jsonValue(),
    fc.record({
      features: fc.dictionary(fc.constantFrom("apm", "openAgent", "k8sAgent"), fc.jsonValue()),
      selector: fc.jsonValue(),
      endpoints: fc.array(fc.dictionary(fc.constantFrom("port", "address", "interval", "tlsConfig", "authorization"), fc.jsonValue()))
    })
  )
})

describe("never throws and never reports an internal failure", () => {
  it("the check itself can fail", () => {
    assert.isFalse(wellFormed([Finding.error([], "internal decoder failure: TypeError")]))
    assert.isFalse(wellFormed([Finding.error([], "")]))
    assert.isTrue(wellFormed([Finding.error(["spec"], "expected object, got string \"x\"")]))
  })
  it("on arbitrary JSON", () => {
    fc.assert(fc.property(fc.jsonValue(), (json) => wellFormed(Validate.resource(json))), { numRuns: 500 })
  })
  it("on resource-shaped JSON", () => {
    fc.assert(fc.property(resourceLike, (json) => wellFormed(Validate.resource(json))), { numRuns: 500 })
  })
  it("on hostile keys and deep nesting", () => {
    let deep: unknown = { targets: [] }
    for (let i = 0; i < 5000; i++) deep = i % 2 === 0 ? { spec: deep } : { features: [deep], selector: { matchLabels: deep } }
    const hostile = JSON.parse('{"kind":"WhatapAgent","apiVersion":"monitoring.whatap.com/v2alpha1","__proto__":{"x":1},"constructor":1,"spec":{"features":{"k8sAgent":{"hasOwnProperty":1}}}}') as unknown
    assert.isTrue(wellFormed(Validate.resource({ kind: "WhatapAgent", spec: deep })))
    assert.isTrue(wellFormed(Validate.resource(hostile)))
  })
})

describe("samples", () => {
  for (const file of yamlFiles(samplesDir)) {
    it(`${file} has no errors`, () => {
      for (const doc of documents(samplesDir, file)) {
        const errors = Validate.resource(doc).filter((f) => f.severity === "error")
        assert.deepStrictEqual(errors.map((f) => `${Finding.formatPath(f.path)}: ${f.message}`), [])
      }
    })
  }
})

describe("secrets", () => {
  it("license values are redacted from every message", () => {
    const secret = "LICENSE-x9Y8-secret"
    const input = {
      apiVersion: "monitoring.whatap.com/v2alpha1",
      kind: "WhatapAgent",
      metadata: { name: secret },
      spec: {
        license: secret,
        port: secret,
        host: 42,
        features: {
          apm: { instrumentation: { targets: [{ name: "a", enabled: true, language: secret, envs: [{ name: "WHATAP_LICENSE", value: "ENV-LICENSE-777" }] }] } },
          k8sAgent: { masterAgent: { enabled: true, podLabels: { k: "ENV-LICENSE-777!" } }, nodeAgent: {}, gpuMonitoring: {} }
        }
      }
    }
    const messages = Validate.resource(input).map((f) => f.message).join("\n")
    assert.include(messages, "<redacted>")
    assert.notInclude(messages, secret)
    assert.notInclude(messages, "ENV-LICENSE-777")
  })

  const agent = (spec: Record<string, unknown>) =>
    ({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features: {}, ...spec } })

  it("a license of the wrong type (a number) is not echoed by the decoder or the validator", () => {
    const input = agent({ license: 123456789012345 })
    const decoded = Decode.resource(input).findings.map((f) => f.message).join("\n")
    const validated = Validate.resource(input).map((f) => f.message).join("\n")
    assert.include(validated, "expected string, got number <redacted>")
    assert.notInclude(decoded, "123456789012345")
    assert.notInclude(validated, "123456789012345")
  })

  it("a long license copied into another field is not echoed, not even cut short", () => {
    const secret = "LIC".repeat(30)
    const input = agent({ license: secret, features: { k8sAgent: { masterAgent: { enabled: secret } } } })
    const messages = Validate.resource(input).map((f) => f.message).join("\n")
    assert.include(messages, "expected boolean, got string \"<redacted>\"")
    assert.notInclude(messages, "LICLICLIC")
  })

  it("a literal bearer credential is redacted like the license", () => {
    const secret = "bearer-token-42"
    const endpoint = { port: "m", authorization: { credentials: secret }, scheme: secret }
    const input = { ...agent({}), kind: "WhatapPodMonitor", metadata: { name: "m", namespace: "n" }, spec: { selector: {}, endpoints: [endpoint] } }
    const messages = Validate.resource(input).map((f) => f.message).join("\n")
    assert.include(messages, "<redacted>")
    assert.notInclude(messages, secret)
  })
})

describe("rule ids", () => {
  it("every finding of Validate.document names a documented rule", () => {
    const report = Validate.document({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "x" }, spec: { port: "0", bogus: 1 } })
    assert.isTrue(report.issues.length >= 3)
    for (const issue of report.issues) assert.isString(Validate.rules[issue.rule])
  })
})
