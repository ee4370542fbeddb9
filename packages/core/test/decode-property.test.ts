/**
 * `Decode.resource` keeps its invariants on arbitrary input (random values, random JSON,
 * valid samples with random subtrees replaced or removed): it returns (a defect would
 * throw; the library has no catch-all), its findings are well formed, none is an
 * internal failure, and a value exists exactly when there is no error.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import fc from "fast-check"
import { Decode, Finding } from "../src/index.ts"
import { type Json, mutation } from "./support/mutate.ts"

const invariants = (input: unknown): void => {
  const result = Decode.resource(input)
  assert.isTrue(Array.isArray(result.findings))
  for (const finding of result.findings) {
    assert.isTrue(finding.severity === "error" || finding.severity === "warning")
    assert.isTrue(typeof finding.message === "string" && finding.message.length > 0)
    assert.notMatch(finding.message, /internal|failed without|undefined is not|Cannot read|is not a function|Maximum call stack/i)
    assert.isTrue(finding.path.every((s) => typeof s === "string" || typeof s === "number"))
  }
  // A value exists exactly when there is no error.
  assert.strictEqual(Option.isSome(result.value), !Finding.hasErrors(result.findings))
  if (Option.isSome(result.value)) assert.deepStrictEqual(Option.some(result.value.value.kind), result.kind)
}

describe("Decode.resource never throws", () => {
  it("on fc.anything()", () => {
    fc.assert(fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true, withBigInt: true }), (u) => invariants(u)), { numRuns: 500 })
  })

  it("on fc.jsonValue()", () => {
    fc.assert(fc.property(fc.jsonValue(), (u) => invariants(u)), { numRuns: 500 })
  })

  it("on objects that look like resources", () => {
    const kinds = fc.constantFrom("WhatapAgent", "WhatapPodMonitor", "WhatapServiceMonitor", "WhatapStaticEndpoint", "Pod")
    const doc = fc.record({
      apiVersion: fc.constantFrom("monitoring.whatap.com/v2alpha1", "v1"),
      kind: kinds,
      metadata: fc.oneof(fc.record({ name: fc.string() }), fc.jsonValue()),
      spec: fc.jsonValue()
    }, { requiredKeys: ["kind"] })
    fc.assert(fc.property(doc, (u) => invariants(u)), { numRuns: 500 })
  })

  it("on valid samples with random subtrees replaced or removed", () => {
    fc.assert(fc.property(mutation, (u) => invariants(u)), { numRuns: 500 })
  })

  it("on unusual keys and deep nesting", () => {
    invariants(JSON.parse("{\"__proto__\": {\"kind\": \"WhatapAgent\"}, \"kind\": \"WhatapAgent\", \"apiVersion\": \"monitoring.whatap.com/v2alpha1\", \"metadata\": {\"name\": \"x\"}, \"spec\": {\"__proto__\": 1, \"features\": {}}}"))
    let deep: Json = {}
    for (let i = 0; i < 2000; i++) deep = { spec: deep }
    invariants(deep)
  })

  it("rejects hostile nesting with a clear error instead of overflowing the stack", () => {
    let deep: Json = []
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const result = Decode.resource({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", spec: deep })
    assert.deepStrictEqual(result.findings.map((f) => f.message), ["document nests deeper than 256 levels; no Kubernetes object does"])
  })

  it("nesting is counted per value: a scalar 256 levels down is read, 257 is too deep", () => {
    const at = (depth: number): Json => {
      let value: Json = "x"
      for (let i = 1; i < depth; i++) value = [value]
      return value
    }
    const messages = (depth: number) =>
      Decode.resource({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec: at(depth) }).findings.map((f) => f.message)
    assert.notInclude(messages(256), "document nests deeper than 256 levels; no Kubernetes object does")
    assert.include(messages(257), "document nests deeper than 256 levels; no Kubernetes object does")
  })
})
