/**
 * Invariants of ServerSideApply over generated objects (fast-check): an object is up to
 * date with itself even when it carries its own managedFields entry, changing any leaf
 * of the intent makes an apply needed, and `fieldsOf` round-trips through the flat
 * set form. Plus the quantity table and the edges of the managedFields walk.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { Option } from "effect"
import { KubeObject, ServerSideApply } from "../src/index.ts"
import * as FieldSet from "../src/internal/ssa/fieldSet.ts"
import * as Quantity from "../src/internal/ssa/quantity.ts"
import { set } from "./jsonEdit.ts"

const manager = "m"
const name = fc.stringMatching(/^[a-z]{1,4}$/)
const scalar = fc.oneof(name, fc.integer({ min: -1000, max: 1000 }), fc.boolean())

const { value: json } = fc.letrec<{ value: unknown; record: Record<string, unknown>; list: ReadonlyArray<unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("record"), tie("list")),
  record: fc.dictionary(name, tie("value"), { maxKeys: 3 }),
  list: fc.array(tie("value"), { maxLength: 3 })
}))

const container = fc.record({
  name,
  image: name,
  env: fc.uniqueArray(fc.record({ name, value: name }), { selector: (e) => e.name, maxLength: 3 }),
  ports: fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1, max: 5 }) }), { selector: (p) => p.containerPort, maxLength: 2 }),
  args: fc.array(name, { maxLength: 2 })
})

const object: fc.Arbitrary<KubeObject.KubeObject> = fc.record({
  apiVersion: fc.constant("apps/v1"),
  kind: fc.constant("DaemonSet"),
  metadata: fc.record({ name, namespace: name, labels: fc.dictionary(name, name, { maxKeys: 3 }) }),
  spec: fc.record({
    template: fc.record({ spec: fc.record({ containers: fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 3 }) }) }),
    extra: json
  })
})

const withEntry = (o: KubeObject.KubeObject): KubeObject.KubeObject => ({
  ...o,
  metadata: { ...o.metadata, managedFields: [{ manager, operation: "Apply", fieldsV1: ServerSideApply.fieldsOf(o) }] }
})

/** Every path to a string, number or boolean. */
const leaves = (value: unknown, path: ReadonlyArray<string | number> = []): ReadonlyArray<ReadonlyArray<string | number>> => {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]))
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
  return [path]
}

const changed = (v: unknown): unknown => (typeof v === "string" ? `${v}~` : typeof v === "number" ? v + 1 : !v)

const at = (value: unknown, path: ReadonlyArray<string | number>): unknown =>
  path.reduce<unknown>((node, step) => (typeof node === "object" && node !== null ? Reflect.get(node, step) : undefined), value)

describe("ServerSideApply properties", () => {
  it("an object is up to date with itself and its own managedFields", () => {
    fc.assert(fc.property(object, (o) => ServerSideApply.upToDate(o, withEntry(o), manager)), { numRuns: 300 })
  })

  it("changing any leaf of the intent makes an apply needed", () => {
    const withLeaf = object.chain((o) => {
      const paths = leaves(o).filter((p) => p[0] !== "apiVersion" && p[0] !== "kind")
      return fc.constantFrom(...paths).map((path) => ({ o, path }))
    })
    fc.assert(fc.property(withLeaf, ({ o, path }) => {
      const edited = set(o, path, changed(at(o, path)))
      return !ServerSideApply.upToDate(edited, withEntry(o), manager)
    }), { numRuns: 500 })
  })

  it("dropping any owned field from the intent makes an apply needed", () => {
    const live = object.map(withEntry).filter((o) => leaves(o.metadata.labels ?? {}).length > 0)
    fc.assert(fc.property(live, (o) => {
      const [first] = Object.keys(o.metadata.labels ?? {})
      const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => k !== first))
      const intent = { ...o, metadata: { name: o.metadata.name ?? "", labels } }
      return Option.getOrUndefined(ServerSideApply.diff(intent, o, manager))?.reason === "removed"
    }), { numRuns: 100 })
  })

  it("fieldsOf round-trips through the flat set form", () => {
    fc.assert(fc.property(object, (o) => {
      const tree = ServerSideApply.fieldsOf(o)
      return JSON.stringify(FieldSet.fromSet(FieldSet.toSet(tree))) === JSON.stringify(tree)
    }), { numRuns: 200 })
  })
})

describe("quantities", () => {
  const equal: ReadonlyArray<readonly [unknown, unknown]> = [
    ["0.5", "500m"], ["1Gi", "1073741824"], ["1Ki", "1024"], ["1k", "1000"], ["1e3", "1k"], ["1E3", "1000"],
    [0.1, "100m"], [1, "1"], ["1.5Gi", "1536Mi"], ["100u", "100000n"], ["1M", "1000k"], ["-1", "-1000m"], ["1E", "1000P"], [".5", "500m"]
  ]
  const different: ReadonlyArray<readonly [unknown, unknown]> = [
    ["1G", "1Gi"], ["1", "1.001"], ["1Ki", "1k"], ["1m", "1M"], ["abc", "abc "], ["", "0"], ["1", "-1"]
  ]
  it("equal amounts written differently are equal", () => {
    for (const [a, b] of equal) assert.isTrue(Quantity.equal(a, b), `${a} = ${b}`)
  })
  it("different amounts and non-quantities differ", () => {
    for (const [a, b] of different) assert.isFalse(Quantity.equal(a, b), `${a} != ${b}`)
    assert.isUndefined(Quantity.parse(`1${"0".repeat(80)}`))
    assert.isUndefined(Quantity.parse("1e99"))
  })
})

describe("the managedFields walk", () => {
  const base: KubeObject.KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "s", namespace: "n" },
    spec: { ports: [{ port: 80, protocol: "TCP", targetPort: 8080 }] }
  }
  const owning = (fieldsV1: Record<string, unknown>): KubeObject.KubeObject => ({
    ...base,
    metadata: { ...base.metadata, managedFields: [{ manager, operation: "Apply", fieldsV1 }] }
  })

  it("matches a k:{} element with the default protocol the intent left out", () => {
    const intent = set(base, ["spec", "ports"], [{ port: 80, targetPort: 8080 }])
    const live = owning({ "f:spec": { "f:ports": { "k:{\"port\":80,\"protocol\":\"TCP\"}": { ".": {}, "f:port": {} } } } })
    assert.isTrue(ServerSideApply.upToDate(intent, live, manager))
    const udp = set(base, ["spec", "ports"], [{ port: 80, protocol: "UDP", targetPort: 8080 }])
    assert.isFalse(ServerSideApply.upToDate(udp, set(live, ["spec", "ports", 1], { port: 80, protocol: "UDP", targetPort: 8080 }), manager))
  })

  it("reads an element it cannot parse as a reason to apply", () => {
    const live = owning({ "f:spec": { "k:{not json": {} } })
    assert.deepStrictEqual(Option.getOrUndefined(ServerSideApply.diff(base, live, manager)), { path: "spec[k:{not json]", reason: "removed" })
  })

  it("ignores entries of other managers, of Update operations and of subresources", () => {
    const owned = { "f:metadata": { "f:labels": { "f:gone": {} } } }
    const entries = [
      { manager: "other", operation: "Apply", fieldsV1: owned },
      { manager, operation: "Update", fieldsV1: owned },
      { manager, operation: "Apply", subresource: "status", fieldsV1: owned }
    ]
    assert.isTrue(ServerSideApply.upToDate(base, { ...base, metadata: { ...base.metadata, managedFields: entries } }, manager))
  })
})
