/**
 * The memory layer's registry rules: server-owned metadata, resourceVersions, optimistic
 * concurrency, generation, the status subresource split, finalizers, dry runs, the call
 * log and fault injection.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ApiResource, KubeClient, KubeMemory } from "../src/index.ts"
import { remove } from "./jsonEdit.ts"
import { agent, configMap, deployment, withMemory } from "./memoryFixtures.ts"

describe("memory layer: create, get, update, delete", () => {
  it.effect("create fills uid, creationTimestamp and resourceVersion; get returns the same", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const created = yield* kube.create(ApiResource.ConfigMap, configMap("a", { k: "v" }, { uid: "client-set", resourceVersion: "99" }))
      assert.match(created.metadata.uid ?? "", /^[0-9a-f-]{36}$/)
      assert.notStrictEqual(created.metadata.uid, "client-set")
      assert.strictEqual(created.metadata.creationTimestamp, "1970-01-01T00:00:00Z")
      assert.strictEqual(created.metadata.resourceVersion, "1")
      assert.isUndefined(created.metadata.generation)
      assert.deepStrictEqual(yield* kube.get(ApiResource.ConfigMap, "a", { namespace: "ns" }), created)
      const second = yield* kube.create(ApiResource.ConfigMap, configMap("b"))
      assert.strictEqual(second.metadata.resourceVersion, "2")
      assert.notStrictEqual(second.metadata.uid, created.metadata.uid)
    })))

  it.effect("AlreadyExists, NotFound, and a namespace from the options or the object", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      const again = yield* Effect.flip(kube.create(ApiResource.ConfigMap, configMap("a")))
      assert.strictEqual(again.reason, "AlreadyExists")
      assert.strictEqual(again.message, `configmaps "a" already exists`)
      const missing = yield* Effect.flip(kube.get(ApiResource.ConfigMap, "nope", { namespace: "ns" }))
      assert.deepStrictEqual([missing.reason, missing.status, missing.message], ["NotFound", 404, `configmaps "nope" not found`])
      assert.strictEqual(missing.operation, "GET /api/v1/namespaces/ns/configmaps/nope")
      const other = yield* kube.create(ApiResource.ConfigMap, configMap("a", {}, { namespace: undefined }), { namespace: "other" })
      assert.strictEqual(other.metadata.namespace, "other")
      const mismatch = yield* Effect.flip(kube.create(ApiResource.ConfigMap, configMap("c"), { namespace: "x" }))
      assert.strictEqual(mismatch.reason, "BadRequest")
      const cluster = yield* kube.create(ApiResource.WhatapAgent, agent("whatap"))
      assert.isUndefined(cluster.metadata.namespace)
    })))

  it.effect("generateName gets a suffix; a missing name is Invalid", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const made = yield* kube.create(ApiResource.ConfigMap, configMap("", {}, { name: undefined, generateName: "gen-" }))
      assert.match(made.metadata.name ?? "", /^gen-[a-z0-9]{5}$/)
      const error = yield* Effect.flip(kube.create(ApiResource.ConfigMap, configMap("", {}, { name: undefined })))
      assert.strictEqual(error.reason, "Invalid")
    })))

  it.effect("update with a stale resourceVersion is a 409 Conflict; without one it wins; a no-op keeps the version", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const v1 = yield* kube.create(ApiResource.ConfigMap, configMap("a", { k: "1" }))
      const v2 = yield* kube.update(ApiResource.ConfigMap, { ...v1, data: { k: "2" } })
      assert.strictEqual(v2.metadata.resourceVersion, "2")
      const stale = yield* Effect.flip(kube.update(ApiResource.ConfigMap, { ...v1, data: { k: "3" } }))
      assert.deepStrictEqual([stale.reason, stale.status], ["Conflict", 409])
      assert.match(stale.message, /the object has been modified/)
      const unconditional = yield* kube.update(ApiResource.ConfigMap, { ...remove(v1, ["metadata", "resourceVersion"]), data: { k: "4" } })
      assert.strictEqual(unconditional.metadata.resourceVersion, "3")
      const same = yield* kube.update(ApiResource.ConfigMap, unconditional)
      assert.strictEqual(same.metadata.resourceVersion, "3")
      assert.strictEqual(same.metadata.uid, v1.metadata.uid)
      const absent = yield* Effect.flip(kube.update(ApiResource.ConfigMap, configMap("zzz")))
      assert.strictEqual(absent.reason, "NotFound")
    })))

  it.effect("generation starts at 1 and counts spec changes only, for kinds with a status subresource", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const d1 = yield* kube.create(ApiResource.Deployment, deployment("d", "img:1", { status: { replicas: 9 } }))
      assert.strictEqual(d1.metadata.generation, 1)
      assert.isUndefined(d1.status, "status is dropped on create")
      const labelled = yield* kube.update(ApiResource.Deployment, { ...d1, metadata: { ...d1.metadata, labels: { x: "y" } } })
      assert.strictEqual(labelled.metadata.generation, 1)
      const scaled = yield* kube.patch(ApiResource.Deployment, "d", { type: "merge", body: { spec: { replicas: 3 } } }, { namespace: "ns" })
      assert.strictEqual(scaled.metadata.generation, 2)
      const withStatus = yield* kube.update(ApiResource.Deployment, { ...scaled, status: { replicas: 3 } }, { subresource: "status" })
      assert.deepStrictEqual(withStatus.status, { replicas: 3 })
      assert.strictEqual(withStatus.metadata.generation, 2)
    })))

  it.effect("status writes change only status; main-resource writes leave status alone", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const a = yield* kube.create(ApiResource.WhatapAgent, agent("whatap", { license: "x" }))
      const status = yield* kube.update(
        ApiResource.WhatapAgent,
        { ...a, spec: { license: "changed" }, status: { phase: "Ready" } },
        { subresource: "status" }
      )
      assert.deepStrictEqual([status.spec, status.status], [{ license: "x" }, { phase: "Ready" }])
      const main = yield* kube.update(ApiResource.WhatapAgent, { ...status, spec: { license: "y" }, status: { phase: "Lost" } })
      assert.deepStrictEqual([main.spec, main.status, main.metadata.generation], [{ license: "y" }, { phase: "Ready" }, 2])
      const cm = yield* kube.create(ApiResource.ConfigMap, { ...configMap("plain"), status: { kept: true } })
      assert.deepStrictEqual(cm.status, { kept: true }, "kinds without a status subresource store status like any field")
    })))

  it.effect("delete with finalizers marks the object; emptying them removes it", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("f", {}, { finalizers: ["example.com/hold"] }))
      yield* kube.delete(ApiResource.ConfigMap, "f", { namespace: "ns" })
      const marked = yield* kube.get(ApiResource.ConfigMap, "f", { namespace: "ns" })
      assert.strictEqual(marked.metadata.deletionTimestamp, "1970-01-01T00:00:00Z")
      yield* kube.delete(ApiResource.ConfigMap, "f", { namespace: "ns" })
      const added = yield* Effect.flip(kube.update(ApiResource.ConfigMap, {
        ...marked,
        metadata: { ...marked.metadata, finalizers: ["example.com/hold", "example.com/more"] }
      }))
      assert.strictEqual(added.reason, "Invalid")
      yield* kube.patch(ApiResource.ConfigMap, "f", { type: "merge", body: { metadata: { finalizers: null } } }, { namespace: "ns" })
      const gone = yield* Effect.flip(kube.get(ApiResource.ConfigMap, "f", { namespace: "ns" }))
      assert.strictEqual(gone.reason, "NotFound")
      const again = yield* Effect.flip(kube.delete(ApiResource.ConfigMap, "f", { namespace: "ns" }))
      assert.strictEqual(again.reason, "NotFound")
    })))

  it.effect("delete preconditions: a uid or resourceVersion that differs is a Conflict", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const a = yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      const wrongUid = yield* Effect.flip(kube.delete(ApiResource.ConfigMap, "a", { namespace: "ns", preconditions: { uid: "other" } }))
      assert.strictEqual(wrongUid.reason, "Conflict")
      const wrongVersion = yield* Effect.flip(kube.delete(ApiResource.ConfigMap, "a", { namespace: "ns", preconditions: { resourceVersion: "0" } }))
      assert.strictEqual(wrongVersion.reason, "Conflict")
      yield* kube.delete(ApiResource.ConfigMap, "a", { namespace: "ns", preconditions: { uid: a.metadata.uid ?? "" } })
      assert.deepStrictEqual(yield* (yield* KubeMemory).snapshot(ApiResource.ConfigMap), [])
    })))

  it.effect("dry runs answer as a write would and store nothing", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      const dry = yield* kube.create(ApiResource.ConfigMap, configMap("a"), { dryRun: true })
      assert.strictEqual(dry.metadata.name, "a")
      assert.deepStrictEqual(yield* memory.snapshot(), [])
      const real = yield* kube.create(ApiResource.ConfigMap, configMap("a", { k: "1" }))
      yield* kube.apply(ApiResource.ConfigMap, configMap("a", { k: "2" }), { force: true, dryRun: true })
      assert.deepStrictEqual(yield* memory.snapshot(), [real])
      assert.strictEqual(yield* memory.resourceVersion, "1")
    })))
})

describe("memory layer: control", () => {
  it.effect("calls and writes are logged in order; clearCalls starts a new count", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      yield* kube.create(ApiResource.ConfigMap, configMap("a"), { fieldManager: "test" })
      yield* kube.get(ApiResource.ConfigMap, "a", { namespace: "ns" })
      yield* kube.list(ApiResource.ConfigMap)
      yield* Effect.flip(kube.get(ApiResource.ConfigMap, "b", { namespace: "ns" }))
      yield* kube.delete(ApiResource.ConfigMap, "a", { namespace: "ns" })
      const calls = yield* memory.calls
      assert.deepStrictEqual(calls.map((c) => `${c.verb} ${c.resource} ${c.namespace ?? "-"}/${c.name ?? "-"}`), [
        "create configmaps ns/a", "get configmaps ns/a", "list configmaps -/-", "get configmaps ns/b", "delete configmaps ns/a"
      ])
      assert.strictEqual(calls[0]?.fieldManager, "test")
      assert.deepStrictEqual((yield* memory.writes).map((c) => c.verb), ["create", "delete"])
      yield* memory.clearCalls
      assert.deepStrictEqual(yield* memory.writes, [])
    })))

  it.effect("failNext fails matching calls the given number of times, then lets them through", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      yield* memory.failNext({ verb: "create", resource: ApiResource.Deployment, reason: "Unavailable", times: 2 })
      yield* kube.create(ApiResource.ConfigMap, configMap("unaffected"))
      const first = yield* Effect.flip(kube.create(ApiResource.Deployment, deployment("d", "i")))
      assert.deepStrictEqual([first.reason, first.status], ["Unavailable", 503])
      yield* Effect.flip(kube.create(ApiResource.Deployment, deployment("d", "i")))
      const made = yield* kube.create(ApiResource.Deployment, deployment("d", "i"))
      assert.strictEqual(made.metadata.name, "d")
      yield* memory.failNext({ reason: "Forbidden", message: "nope" })
      const any = yield* Effect.flip(kube.list(ApiResource.Pod))
      assert.deepStrictEqual([any.reason, any.message], ["Forbidden", "nope"])
      assert.strictEqual((yield* memory.writes).length, 4, "failed writes are still writes on the wire")
    })))

  it.effect("seed stores objects as created, keeps given metadata, and is not logged", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      yield* memory.seed([configMap("b"), configMap("a", {}, { uid: "fixed" }), deployment("d", "i"), agent("whatap")])
      const snapshot = yield* memory.snapshot()
      assert.deepStrictEqual(snapshot.map((o) => `${o.kind}/${o.metadata.name}`), [
        "ConfigMap/a", "ConfigMap/b", "Deployment/d", "WhatapAgent/whatap"
      ])
      assert.strictEqual(snapshot[0]?.metadata.uid, "fixed")
      assert.strictEqual(snapshot[2]?.metadata.generation, 1)
      assert.isUndefined(snapshot[3]?.metadata.namespace)
      assert.deepStrictEqual(yield* memory.calls, [])
      assert.strictEqual((yield* kube.list(ApiResource.ConfigMap)).resourceVersion, "4")
    })))
})
