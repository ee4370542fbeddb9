/**
 * Patches of the memory layer: RFC 7386 merge patch, RFC 6902 JSON patch (every
 * operation, `test` included, all-or-nothing), the strategic merge patch without
 * directives, patches of the status subresource, and the resourceVersion precondition a
 * patch can carry.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ApiResource, KubeClient, KubeMemory } from "../src/index.ts"
import { get } from "./jsonEdit.ts"
import { configMap, deployment, withMemory } from "./memoryFixtures.ts"

const ns = { namespace: "ns" }

describe("memory layer: patch", () => {
  it.effect("merge patch: objects merge, null deletes, lists replace; the writer owns what it changed", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a", { keep: "1", drop: "2" }, { labels: { x: "1" } }))
      const patched = yield* kube.patch(ApiResource.ConfigMap, "a", {
        type: "merge",
        body: { data: { drop: null, add: "3" }, metadata: { finalizers: ["f"] } }
      }, { ...ns, fieldManager: "patcher" })
      assert.deepStrictEqual(patched.data, { keep: "1", add: "3" })
      assert.deepStrictEqual(patched.metadata.labels, { x: "1" })
      assert.deepStrictEqual(patched.metadata.finalizers, ["f"])
      const entry = patched.metadata.managedFields?.find((e) => e.manager === "patcher")
      assert.deepStrictEqual(entry?.fieldsV1, { "f:data": { "f:add": {} }, "f:metadata": { "f:finalizers": { ".": {}, "v:\"f\"": {} } } })
      const missing = yield* Effect.flip(kube.patch(ApiResource.ConfigMap, "zz", { type: "merge", body: {} }, ns))
      assert.strictEqual(missing.reason, "NotFound")
    })))

  it.effect("JSON patch applies add, remove, replace, move, copy and test in order", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a", { a: "1", b: "2" }, { annotations: { "x/y": "z" } }))
      const patched = yield* kube.patch(ApiResource.ConfigMap, "a", {
        type: "json",
        body: [
          { op: "test", path: "/data/a", value: "1" },
          { op: "add", path: "/data/c", value: "3" },
          { op: "remove", path: "/data/b" },
          { op: "replace", path: "/data/a", value: "one" },
          { op: "copy", from: "/data/c", path: "/data/d" },
          { op: "move", from: "/metadata/annotations/x~1y", path: "/metadata/annotations/moved" },
          { op: "add", path: "/metadata/finalizers", value: ["p"] },
          { op: "add", path: "/metadata/finalizers/-", value: "q" },
          { op: "add", path: "/metadata/finalizers/0", value: "o" }
        ]
      }, ns)
      assert.deepStrictEqual(patched.data, { a: "one", c: "3", d: "3" })
      assert.deepStrictEqual(patched.metadata.annotations, { moved: "z" })
      assert.deepStrictEqual(patched.metadata.finalizers, ["o", "p", "q"])
    })))

  it.effect("a failed JSON patch test (or a missing path) changes nothing and is Invalid", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      const created = yield* kube.create(ApiResource.ConfigMap, configMap("a", { a: "1" }))
      const failed = yield* Effect.flip(kube.patch(ApiResource.ConfigMap, "a", {
        type: "json",
        body: [{ op: "replace", path: "/data/a", value: "2" }, { op: "test", path: "/data/a", value: "1" }]
      }, ns))
      assert.deepStrictEqual([failed.reason, failed.status], ["Invalid", 422])
      assert.match(failed.message, /test failed/)
      const missing = yield* Effect.flip(kube.patch(ApiResource.ConfigMap, "a", { type: "json", body: [{ op: "remove", path: "/data/zz" }] }, ns))
      assert.strictEqual(missing.reason, "Invalid")
      const root = yield* Effect.flip(kube.patch(ApiResource.ConfigMap, "a", { type: "json", body: [{ op: "remove", path: "" }] }, ns))
      assert.strictEqual(root.reason, "Invalid")
      assert.deepStrictEqual(yield* memory.snapshot(), [created])
    })))

  it.effect("a resourceVersion in the patch is a precondition", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const created = yield* kube.create(ApiResource.ConfigMap, configMap("a", { a: "1" }))
      const version = created.metadata.resourceVersion ?? ""
      const ok = yield* kube.patch(ApiResource.ConfigMap, "a", { type: "merge", body: { metadata: { resourceVersion: version }, data: { a: "2" } } }, ns)
      assert.deepStrictEqual(ok.data, { a: "2" })
      const stale = yield* Effect.flip(kube.patch(ApiResource.ConfigMap, "a", { type: "merge", body: { metadata: { resourceVersion: version }, data: { a: "3" } } }, ns))
      assert.strictEqual(stale.reason, "Conflict")
    })))

  it.effect("strategic merge patch merges containers by name; directives are refused", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.Deployment, deployment("d", "img:1"))
      const patched = yield* kube.patch(ApiResource.Deployment, "d", {
        type: "strategic",
        body: { spec: { template: { spec: { containers: [{ name: "main", image: "img:2" }, { name: "side", image: "s:1" }] } } } }
      }, ns)
      assert.deepStrictEqual(get(patched, ["spec", "template", "spec", "containers"]), [
        { name: "main", image: "img:2" },
        { name: "side", image: "s:1" }
      ])
      const directive = yield* Effect.flip(kube.patch(ApiResource.Deployment, "d", { type: "strategic", body: { spec: { $patch: "replace" } } }, ns))
      assert.strictEqual(directive.reason, "Invalid")
    })))

  it.effect("a patch of the status subresource changes status only", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.Deployment, deployment("d", "img:1"))
      const patched = yield* kube.patch(ApiResource.Deployment, "d", {
        type: "merge",
        body: { spec: { replicas: 5 }, status: { readyReplicas: 1 } }
      }, { ...ns, subresource: "status", fieldManager: "controller" })
      assert.deepStrictEqual(patched.status, { readyReplicas: 1 })
      assert.strictEqual(get(patched, ["spec", "replicas"]), 1)
      assert.strictEqual(patched.metadata.generation, 1)
      const entry = patched.metadata.managedFields?.find((e) => e.manager === "controller")
      assert.strictEqual(entry?.subresource, "status")
      assert.deepStrictEqual(get(entry?.fieldsV1, ["f:status", "f:readyReplicas"]), {})
    })))
})
