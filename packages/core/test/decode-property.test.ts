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
import { documents, samplesDir, yamlFiles } from "./support/yaml.ts"

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

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

const samples: ReadonlyArray<Json> = yamlFiles(samplesDir).flatMap((f) => documents(samplesDir, f) as ReadonlyArray<Json>)

/** Every path to a node of a JSON value. */
const paths = (value: Json, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
  const here = [prefix]
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => paths(v, [...prefix, i])))
  if (value !== null && typeof value === "object") {
    return here.concat(Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k])))
  }
  return here
}

/** Replace (or, with `undefined`, remove) the node at `path`. */
const setAt = (value: Json, path: ReadonlyArray<string | number>, next: Json | undefined): Json | undefined => {
  const [head, ...rest] = path
  if (head === undefined) return next
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => (i === head ? (setAt(v, rest, next) === undefined ? [] : [setAt(v, rest, next) as Json]) : [v]))
  }
  if (value === null || typeof value !== "object") return value
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(value)) {
    if (k !== head) out[k] = v
    else {
      const replaced = setAt(v, rest, next)
      if (replaced !== undefined) out[k] = replaced
    }
  }
  return out
}

const mutation = fc.constantFrom(...samples).chain((sample) => {
  const all = paths(sample)
  return fc.tuple(
    fc.constant(sample),
    fc.array(fc.tuple(fc.constantFrom(...all), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })), { minLength: 1, maxLength: 4 })
  ).map(([s, edits]) => edits.reduce<Json | undefined>((acc, [p, v]) => (acc === undefined ? acc : setAt(acc, p, v as Json | undefined)), s))
})

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
