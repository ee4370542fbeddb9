/**
 * The strict decoder's fast path (internal/exact.ts) against Effect's own decoder: it may
 * give up on anything, but whatever it returns must be exactly what Effect's strict
 * decoding succeeds with (same values, same key order, same license), and on valid
 * resources it must not give up (else the shortcut is never taken).
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Exit, Redacted, Schema } from "effect"
import fc from "fast-check"
import { schemas } from "../src/internal/document.ts"
import * as Exact from "../src/internal/exact.ts"
import * as Resource from "../src/Resource.ts"
import { corpus, type Json, mutationOf, paths, setAt } from "./support/mutate.ts"

const strict = { errors: "all", onExcessProperty: "error" } as const

/** A value as nested entries in own-key order, prototypes named and licenses opened, for deepStrictEqual. */
const canonical = (u: unknown): unknown => {
  if (Redacted.isRedacted(u)) return { redacted: canonical(Redacted.value(u)) }
  if (Array.isArray(u)) return { array: u.map(canonical), keys: Object.keys(u).length }
  if (typeof u === "object" && u !== null) {
    const proto: unknown = Object.getPrototypeOf(u)
    return { proto: proto === null ? "null" : proto === Object.prototype ? "Object" : "other", entries: Object.entries(u).map(([k, v]) => [k, canonical(v)]) }
  }
  return Object.is(u, -0) ? "-0" : u
}

const schemaOf = (input: unknown): Schema.Decoder<unknown> | undefined => {
  const kind = typeof input === "object" && input !== null ? (input as { kind?: unknown }).kind : undefined
  return Resource.isKind(kind) ? schemas[kind] : undefined
}

/**
 * Checks one input, made afresh for each decoder (an input may change as it is read);
 * says whether the fast path decoded it.
 */
const agreesFresh = (schema: Schema.Decoder<unknown>, make: () => unknown): boolean => {
  const fast = Exact.decode(schema, make())
  const slow = Schema.decodeUnknownExit(schema)(make(), strict)
  if (fast === Exact.invalid) return false
  assert.isTrue(Exit.isSuccess(slow), `the fast path accepted what Effect refuses: ${JSON.stringify(make())?.slice(0, 300)}`)
  if (Exit.isSuccess(slow)) assert.deepStrictEqual(canonical(fast), canonical(slow.value))
  return true
}

const agrees = (schema: Schema.Decoder<unknown>, input: unknown): boolean => agreesFresh(schema, () => input)

/** A scalar like the one it replaces: the same JSON type, so the types still fit and the filters decide. */
const sameType = (value: Json): fc.Arbitrary<Json> => {
  if (typeof value === "string") {
    return fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "0", "-1", "1.5", "500m", "1Gi", "1e3", "abc", "A-b_c", "x".repeat(300), "10.0.0.1:99999"))
  }
  if (typeof value === "number") {
    return fc.oneof(fc.integer(), fc.double({ noNaN: false }), fc.constantFrom(-1, 0, -0, 0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.POSITIVE_INFINITY))
  }
  return typeof value === "boolean" ? fc.boolean() : fc.constant(value)
}

/** A document of the corpus with one to three scalars replaced by others of their type. */
const retyped = fc.constantFrom(...corpus).chain((doc) => {
  const scalars = paths(doc).filter((p) => {
    const value = p.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], doc)
    return value === null || typeof value !== "object"
  })
  if (scalars.length === 0) return fc.constant<Json | undefined>(doc)
  const edit = fc.constantFrom(...scalars).chain((p) =>
    sameType(p.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], doc) as Json).map((v) => [p, v] as const))
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) =>
    edits.reduce<Json | undefined>((acc, [p, v]) => (acc === undefined ? acc : setAt(acc, p, v)), doc))
})

const check = (input: unknown): void => {
  const schema = schemaOf(input)
  if (schema !== undefined) agrees(schema, input)
  else for (const s of Object.values(schemas)) agrees(s, input)
}

describe("the fast path of strict decoding", () => {
  it("decodes every valid resource Effect's arbitrary generates, to the same value", () => {
    for (const [kind, schema] of Object.entries(schemas)) {
      const values = Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(schema), { count: 150, seed: kind }))
      for (const value of values) {
        const input: unknown = Schema.encodeUnknownSync(schema)(value)
        assert.isTrue(agrees(schema, input), `${kind}: the fast path gave up on ${JSON.stringify(input).slice(0, 300)}`)
      }
    }
  })

  it("decodes the valid samples and fixtures, and never accepts a rejected one", () => {
    let decoded = 0
    for (const doc of corpus) {
      const schema = schemaOf(doc)
      if (schema === undefined) continue
      const valid = Exit.isSuccess(Schema.decodeUnknownExit(schema)(doc, strict))
      const fast = agrees(schema, doc)
      assert.strictEqual(fast, valid, JSON.stringify(doc).slice(0, 200))
      if (fast) decoded++
    }
    assert.isAbove(decoded, 5)
  })

  it("agrees on samples and fixtures with random subtrees replaced or removed", () => {
    fc.assert(fc.property(mutationOf(corpus), (u) => check(u)), { numRuns: 2000 })
  })

  it("agrees on samples and fixtures with scalars replaced by others of their type (the filters decide)", () => {
    fc.assert(fc.property(retyped, (u) => check(u)), { numRuns: 3000 })
  })

  it("agrees on objects that change while they are read, hidden keys, proxies and a polluted prototype", () => {
    const monitor = schemas.WhatapStaticEndpoint
    const doc = (spec: unknown) => ({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapStaticEndpoint", metadata: { name: "m", namespace: "n" }, spec })
    const hidden = (object: object, key: string, value: unknown) => Object.defineProperty(object, key, { value, enumerable: false })
    const makers: ReadonlyArray<() => unknown> = [
      () => doc(hidden({ endpoints: [{ address: "a:1" }] }, "jobLabel", "app")),
      () => doc({ endpoints: [hidden({ address: "a:1" }, "addNodeLabel", true)] }),
      () => hidden({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapStaticEndpoint", metadata: { name: "m" } }, "spec", { endpoints: [{ address: "a:1" }] }),
      () => {
        const spec: Record<string, unknown> = { get endpoints() { spec["jobLabel"] = "late"; return [] } }
        return doc(spec)
      },
      () => {
        const endpoint: Record<string, unknown> = { get address() { endpoint["addNodeLabel"] = true; return "a:1" } }
        return doc({ endpoints: [endpoint] })
      },
      () => {
        const items: Array<unknown> = [undefined, { address: "b:1" }]
        Object.defineProperty(items, 0, { get() { items.length = 1; return { address: "a:1" } }, enumerable: true, configurable: true })
        return doc({ endpoints: items })
      },
      () => {
        const items: Array<unknown> = []
        Object.defineProperty(items, 0, { get() { if (items.length === 1) items.push({ address: "b:1" }); return { address: "a:1" } }, enumerable: true, configurable: true })
        return doc({ endpoints: items })
      },
      () => doc(new Proxy(Object.assign(Object.create(null), { endpoints: [{ address: "a:1" }] }), { get: (o, k) => (k === "jobLabel" ? "app" : o[k]) }))
    ]
    for (const make of makers) agreesFresh(monitor, make)
    const polluted = Object.prototype as Record<string, unknown>
    try {
      polluted["jobLabel"] = "polluted"
      agreesFresh(monitor, () => doc({ endpoints: [{ address: "a:1" }] }))
    } finally {
      delete polluted["jobLabel"]
    }
    assert.isTrue(agreesFresh(monitor, () => doc({ endpoints: [{ address: "a:1" }] })))
  })

  it("agrees beyond these schemas: a record whose key has a filter", () => {
    const keyed = Schema.Record(Schema.String.check(Schema.isMinLength(2)), Schema.String)
    for (const input of [{ a: "x" }, { ab: "x" }]) agrees(keyed, input)
  })

  it("agrees on hostile values: odd keys, prototypes, accessors, symbols, sparse arrays, numbers", () => {
    const base = { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapPodMonitor", metadata: { name: "m", namespace: "n" } }
    const spec = (extra: object) => ({ ...base, spec: { selector: {}, endpoints: [{ port: "metrics" }], ...extra } })
    const withSymbol = spec({})
    Object.defineProperty(withSymbol, Symbol("x"), { value: 1, enumerable: true })
    const withHiddenKey = spec({})
    Object.defineProperty(withHiddenKey, "extra", { value: 1, enumerable: false })
    const getter = { ...base, get spec() { return { selector: {}, endpoints: [] } } }
    const throwing = { ...base, get spec(): unknown { throw new Error("boom") } }
    const proxy = new Proxy(spec({}), { ownKeys: () => { throw new Error("boom") } })
    const nullProto = Object.assign(Object.create(null), spec({}))
    const sparse = spec({ endpoints: [, { port: "metrics" }] }) // eslint-disable-line no-sparse-arrays
    const arrayProps = spec({ endpoints: Object.assign([{ port: "metrics" }], { extra: 1 }) })
    // a declared field on the prototype is present for Effect (`key in input`)
    const inherited = { ...base, spec: Object.assign(Object.create({ jobLabel: "app" }), { selector: {}, endpoints: [{ port: "metrics" }] }) }
    const cases: ReadonlyArray<unknown> = [
      inherited,
      JSON.parse(`{"apiVersion":"monitoring.whatap.com/v2alpha1","kind":"WhatapAgent","metadata":{"name":"whatap","labels":{"__proto__":"x"}},"spec":{"__proto__":{},"features":{}}}`),
      JSON.parse(`{"apiVersion":"monitoring.whatap.com/v2alpha1","kind":"WhatapAgent","metadata":{"name":"whatap","labels":{"__proto__":"x","constructor":"y"}},"spec":{"features":{}}}`),
      { ...base, kind: "WhatapAgent", metadata: { name: "whatap", toString: "x" }, spec: { features: {}, license: "KEY" } },
      { ...base, kind: "WhatapAgent", metadata: { name: "whatap" } },
      { ...base, kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features: {}, license: 5 } },
      { ...base, kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features: {}, license: "KEY" } },
      { ...base, kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { license: "KEY", features: { k8sAgent: { masterAgent: { enabled: true } } } } },
      withSymbol, withHiddenKey, getter, throwing, proxy, nullProto, sparse, arrayProps,
      spec({ endpoints: [{ port: "metrics", interval: new String("30s") }] }),
      spec({ endpoints: [{ targetPort: Number.NaN }] }), spec({ endpoints: [{ targetPort: -0 }] }), spec({ endpoints: [{ targetPort: 1e400 }] }),
      spec({ endpoints: [{ targetPort: 2 ** 31 }] }), spec({ sampleLimit: undefined }), spec({ endpoints: undefined }),
      { ...base, metadata: new Date(0), spec: { selector: {}, endpoints: [] } }
    ]
    let decoded = 0
    for (const input of cases) {
      const schema = schemaOf(input)
      if (schema !== undefined && agrees(schema, input)) decoded++
    }
    assert.isAbove(decoded, 3)
  })
})
