/**
 * Field ownership rules of the memory layer's server-side apply beyond the recordings:
 * conflicts between appliers, shared ownership, force, set and atomic lists, quantities,
 * the status subresource, generation, request checks, and finalizers.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ApiResource, KubeClient, type KubeObject } from "../src/index.ts"
import { get, set } from "./jsonEdit.ts"
import { configMap, deployment, withMemory } from "./memoryFixtures.ts"

const applyCm = (object: KubeObject.KubeObject, fieldManager: string, force = false) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    return yield* kube.apply(ApiResource.ConfigMap, object, { force, fieldManager })
  })

const managersOf = (object: KubeObject.KubeObject): ReadonlyArray<string> =>
  (object.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}${e.subresource === undefined ? "" : `/${e.subresource}`}`)

describe("memory server-side apply: ownership", () => {
  it.effect("another value for a field someone else applied is a conflict; the same value is shared; force takes it", () =>
    withMemory(Effect.gen(function*() {
      yield* applyCm(configMap("a", { k: "1" }), "first")
      const conflict = yield* Effect.flip(applyCm(configMap("a", { k: "2" }), "second"))
      assert.strictEqual(conflict.message, `Apply failed with 1 conflict: conflict with "first" using v1: .data.k`)
      const shared = yield* applyCm(configMap("a", { k: "1", own: "x" }), "second")
      assert.deepStrictEqual(managersOf(shared), ["first/Apply", "second/Apply"])
      const taken = yield* applyCm(configMap("a", { k: "2", own: "x" }), "second", true)
      assert.deepStrictEqual(taken.data, { k: "2", own: "x" })
      assert.deepStrictEqual(managersOf(taken), ["second/Apply"], "first owned nothing else and is gone")
      const back = yield* Effect.flip(applyCm(configMap("a", { k: "1" }), "first"))
      assert.match(back.message, /conflict with "second"/)
    })))

  it.effect("every conflicting field is named", () =>
    withMemory(Effect.gen(function*() {
      yield* applyCm(configMap("a", { k: "1", l: "1" }), "first")
      const conflict = yield* Effect.flip(applyCm(configMap("a", { k: "2", l: "2" }), "second"))
      assert.strictEqual(conflict.message, [
        `Apply failed with 2 conflicts: conflict with "first" using v1: .data.k`,
        `conflict with "first" using v1: .data.l`
      ].join("\n"))
    })))

  it.effect("quantities that are the same amount do not conflict", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const withCpu = (cpu: unknown) =>
        set(deployment("d", "i"), ["spec", "template", "spec", "containers", 0, "resources"], { limits: { cpu } })
      yield* kube.apply(ApiResource.Deployment, withCpu("500m"), { force: false, fieldManager: "first" })
      const same = yield* kube.apply(ApiResource.Deployment, withCpu("0.5"), { force: false, fieldManager: "second" })
      assert.deepStrictEqual(get(same, ["spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"]), "0.5")
      const other = yield* Effect.flip(kube.apply(ApiResource.Deployment, withCpu("1"), { force: false, fieldManager: "third" }))
      assert.strictEqual(other.reason, "Conflict")
    })))

  it.effect("set lists are united across managers; atomic lists are replaced as a whole", () =>
    withMemory(Effect.gen(function*() {
      yield* applyCm(configMap("a", {}, { finalizers: ["x/mine"], annotations: { a: "1" } }), "first")
      const both = yield* applyCm(configMap("a", {}, { finalizers: ["x/theirs"] }), "second")
      assert.deepStrictEqual(both.metadata.finalizers, ["x/mine", "x/theirs"])
      const dropped = yield* applyCm(configMap("a", {}, { annotations: { a: "1" } }), "first")
      assert.deepStrictEqual(dropped.metadata.finalizers, ["x/theirs"])
      const kube = yield* KubeClient
      const tolerating = (keys: ReadonlyArray<string>) => ({
        ...deployment("d", "i"),
        spec: { template: { spec: { containers: [{ name: "main", image: "i" }], tolerations: keys.map((key) => ({ key, operator: "Exists" })) } } }
      })
      yield* kube.apply(ApiResource.Deployment, tolerating(["a", "b"]), { force: false, fieldManager: "first" })
      const replaced = yield* kube.apply(ApiResource.Deployment, tolerating(["c"]), { force: false, fieldManager: "first" })
      assert.deepStrictEqual(get(replaced, ["spec", "template", "spec", "tolerations"]), [{ key: "c", operator: "Exists" }])
    })))

  it.effect("null in an applied configuration means not set", () =>
    withMemory(Effect.gen(function*() {
      const applied = yield* applyCm({ ...configMap("a", { k: "1" }), binaryData: null }, "first")
      assert.isFalse(Object.hasOwn(applied, "binaryData"))
    })))
})

describe("memory server-side apply: registry rules", () => {
  it.effect("generation: 1 on create, +1 on a spec change, not on metadata; status in the intent is ignored", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const options = { force: true, fieldManager: "op" }
      const created = yield* kube.apply(ApiResource.Deployment, deployment("d", "i:1", { status: { replicas: 7 } }), options)
      assert.deepStrictEqual([created.metadata.generation, created.status], [1, undefined])
      const spec = yield* kube.apply(ApiResource.Deployment, deployment("d", "i:2"), options)
      assert.strictEqual(spec.metadata.generation, 2)
      const labelled = yield* kube.apply(ApiResource.Deployment, { ...deployment("d", "i:2"), metadata: { name: "d", namespace: "ns", labels: { a: "b" } } }, options)
      assert.strictEqual(labelled.metadata.generation, 2)
    })))

  it.effect("an apply to the status subresource changes status only, under its own entry", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.apply(ApiResource.Deployment, deployment("d", "i:1"), { force: true, fieldManager: "op" })
      const status = yield* kube.apply(
        ApiResource.Deployment,
        { ...deployment("d", "other"), status: { readyReplicas: 1 } },
        { force: true, fieldManager: "ctl", subresource: "status" }
      )
      assert.deepStrictEqual(status.status, { readyReplicas: 1 })
      assert.strictEqual(get(status, ["spec", "template", "spec", "containers", 0, "image"]), "i:1")
      assert.deepStrictEqual(managersOf(status), ["ctl/Apply/status", "op/Apply"], "same time: ordered by manager")
      const missing = yield* Effect.flip(kube.apply(ApiResource.Deployment, deployment("nope", "i"), { force: true, subresource: "status" }))
      assert.strictEqual(missing.reason, "NotFound")
    })))

  it.effect("request checks: stale resourceVersion, wrong kind, missing name", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const created = yield* applyCm(configMap("a", { k: "1" }), "op")
      yield* applyCm(configMap("a", { k: "2" }), "op")
      const stale = yield* Effect.flip(applyCm(configMap("a", { k: "3" }, { resourceVersion: created.metadata.resourceVersion ?? "" }), "op"))
      assert.strictEqual(stale.reason, "Conflict")
      const kind = yield* Effect.flip(kube.apply(ApiResource.Secret, configMap("a"), { force: true }))
      assert.strictEqual(kind.reason, "BadRequest")
      const name = yield* Effect.flip(applyCm(configMap("", {}, { name: undefined }), "op"))
      assert.strictEqual(name.reason, "BadRequest")
    })))

  it.effect("finalizers: none may be added while deleting; applying them away finishes the deletion", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* applyCm(configMap("a", {}, { finalizers: ["x/hold"] }), "op")
      yield* kube.delete(ApiResource.ConfigMap, "a", { namespace: "ns" })
      const more = yield* Effect.flip(applyCm(configMap("a", {}, { finalizers: ["x/hold", "x/more"] }), "op"))
      assert.strictEqual(more.reason, "Invalid")
      yield* applyCm(configMap("a", { k: "v" }), "op")
      const gone = yield* Effect.flip(kube.get(ApiResource.ConfigMap, "a", { namespace: "ns" }))
      assert.strictEqual(gone.reason, "NotFound")
    })))
})
