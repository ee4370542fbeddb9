/**
 * Reads of the memory layer: list filters (namespace, label and field selectors,
 * metadata only) and watches (from now, from a resourceVersion out of the bounded
 * history, Gone after compaction or overflow, selector transitions, server timeout, open
 * until interrupted).
 */
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { ApiResource, KubeClient, KubeMemory, type WatchEvent, type WatchOptions } from "../src/index.ts"
import { configMap, withMemory } from "./memoryFixtures.ts"

const ns = { namespace: "ns" }

const describeEvent = (e: WatchEvent): string =>
  e.type === "BOOKMARK" ? `BOOKMARK ${e.resourceVersion}` : `${e.type} ${e.object.metadata.name}@${e.object.metadata.resourceVersion}`

/** Starts collecting `n` events of a watch; the subscription is registered when this returns. */
const collect = (options: WatchOptions, n: number) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const fiber = yield* kube.watch(ApiResource.ConfigMap, options).pipe(
      Stream.take(n),
      Stream.runCollect,
      Effect.map((events) => Chunk.toReadonlyArray(Chunk.fromIterable(events)).map(describeEvent)),
      Effect.forkChild({ startImmediately: true })
    )
    yield* Effect.yieldNow
    return fiber
  })

describe("memory layer: list", () => {
  it.effect("filters by namespace, labels and fields; answers the current resourceVersion", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* (yield* KubeMemory).seed([
        configMap("a", {}, { labels: { app: "x", tier: "web" } }),
        configMap("b", {}, { labels: { app: "y" } }),
        configMap("a", {}, { namespace: "other", labels: { app: "x" } })
      ])
      const names = (list: { readonly items: ReadonlyArray<{ readonly metadata: { readonly namespace?: string; readonly name?: string } }> }) =>
        list.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)
      assert.deepStrictEqual(names(yield* kube.list(ApiResource.ConfigMap)), ["ns/a", "ns/b", "other/a"])
      assert.deepStrictEqual(names(yield* kube.list(ApiResource.ConfigMap, ns)), ["ns/a", "ns/b"])
      assert.deepStrictEqual(names(yield* kube.list(ApiResource.ConfigMap, { labelSelector: "app=x" })), ["ns/a", "other/a"])
      assert.deepStrictEqual(names(yield* kube.list(ApiResource.ConfigMap, { labelSelector: "app in (x,y),!tier" })), ["ns/b", "other/a"])
      assert.deepStrictEqual(names(yield* kube.list(ApiResource.ConfigMap, { fieldSelector: "metadata.name=a,metadata.namespace!=ns" })), ["other/a"])
      const listed = yield* kube.list(ApiResource.ConfigMap, { fieldSelector: "metadata.name==b" })
      assert.deepStrictEqual([names(listed), listed.resourceVersion], [["ns/b"], "3"])
    })))

  it.effect("metadataOnly lists PartialObjectMetadata; bad selectors are 400s", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a", { secret: "x" }))
      const [item] = (yield* kube.list(ApiResource.ConfigMap, { metadataOnly: true })).items
      assert.deepStrictEqual([item?.apiVersion, item?.kind, item?.metadata.name, item?.["data"]], ["meta.k8s.io/v1", "PartialObjectMetadata", "a", undefined])
      const labels = yield* Effect.flip(kube.list(ApiResource.ConfigMap, { labelSelector: "a in (" }))
      assert.deepStrictEqual([labels.reason, labels.status], ["BadRequest", 400])
      const fields = yield* Effect.flip(kube.list(ApiResource.ConfigMap, { fieldSelector: "data.x=1" }))
      assert.strictEqual(fields.message, "field label not supported: data.x")
      const pods = yield* kube.list(ApiResource.Pod, { fieldSelector: "spec.nodeName=n1" })
      assert.deepStrictEqual(pods.items, [])
    })))
})

describe("memory layer: watch", () => {
  it.effect("from \"\": the current objects as ADDED, then every change", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      const fiber = yield* collect({ resourceVersion: "", ...ns }, 4)
      yield* kube.create(ApiResource.ConfigMap, configMap("b"))
      yield* kube.patch(ApiResource.ConfigMap, "a", { type: "merge", body: { data: { k: "v" } } }, ns)
      yield* kube.delete(ApiResource.ConfigMap, "b", ns)
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["ADDED a@1", "ADDED b@2", "MODIFIED a@3", "DELETED b@4"])
    })))

  it.effect("from a resourceVersion: only what came after it, replayed from history", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      const { resourceVersion } = yield* kube.list(ApiResource.ConfigMap)
      yield* kube.create(ApiResource.ConfigMap, configMap("b"))
      yield* kube.create(ApiResource.Secret, { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" } })
      yield* kube.update(ApiResource.ConfigMap, yield* kube.get(ApiResource.ConfigMap, "a", ns))
      yield* kube.delete(ApiResource.ConfigMap, "a", ns)
      const fiber = yield* collect({ resourceVersion }, 2)
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["ADDED b@2", "DELETED a@4"])
    })))

  it.effect("a resourceVersion older than the history is Gone (compaction, or more than historyLimit changes)", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      yield* kube.create(ApiResource.ConfigMap, configMap("b"))
      yield* memory.compact
      const gone = yield* Effect.flip(Stream.runCollect(kube.watch(ApiResource.ConfigMap, { resourceVersion: "1" })))
      assert.deepStrictEqual([gone.reason, gone.status, gone.message], ["Gone", 410, "too old resource version: 1"])
      const current = yield* collect({ resourceVersion: "2" }, 1)
      yield* kube.delete(ApiResource.ConfigMap, "a", ns)
      assert.deepStrictEqual(yield* Fiber.join(current), ["DELETED a@3"])
      yield* memory.seed(Array.from({ length: 1001 }, (_, i) => configMap(`c${i}`)))
      const overflow = yield* Effect.flip(Stream.runCollect(kube.watch(ApiResource.ConfigMap, { resourceVersion: "3" })))
      assert.strictEqual(overflow.reason, "Gone")
      const fiber = yield* collect({ resourceVersion: "4" }, 1)
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["ADDED c1@5"])
    })))

  it.effect("label selectors: starting to match is ADDED, stopping is DELETED", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const fiber = yield* collect({ resourceVersion: "0", labelSelector: "watched=yes" }, 3)
      yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      const label = (value: string | null) => kube.patch(ApiResource.ConfigMap, "a", { type: "merge", body: { metadata: { labels: { watched: value } } } }, ns)
      yield* label("yes")
      yield* label("still")
      yield* label("yes")
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["ADDED a@2", "DELETED a@3", "ADDED a@4"])
    })))

  it.effect("metadataOnly watches carry PartialObjectMetadata", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.ConfigMap, configMap("a", { k: "v" }))
      const [event] = yield* Stream.runCollect(kube.watch(ApiResource.ConfigMap, { resourceVersion: "0", metadataOnly: true }).pipe(Stream.take(1)))
      assert.deepStrictEqual(event?.type === "ADDED" ? [event.object.kind, event.object["data"]] : [], ["PartialObjectMetadata", undefined])
    })))

  it.effect("the stream stays open until interrupted, or ends after timeoutSeconds", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const open = yield* kube.watch(ApiResource.ConfigMap, { resourceVersion: "0" }).pipe(Stream.runDrain, Effect.forkChild({ startImmediately: true }))
      const timed = yield* kube.watch(ApiResource.ConfigMap, { resourceVersion: "0", timeoutSeconds: 30 }).pipe(
        Stream.runCollect,
        Effect.forkChild({ startImmediately: true })
      )
      yield* kube.create(ApiResource.ConfigMap, configMap("a"))
      yield* TestClock.adjust("29 seconds")
      assert.isUndefined(timed.pollUnsafe())
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(timed)).length, 1)
      yield* TestClock.adjust("1 hour")
      assert.isUndefined(open.pollUnsafe())
      yield* Fiber.interrupt(open)
    })))

  it.effect("a deletion held by a finalizer is MODIFIED, then DELETED when released", () =>
    withMemory(Effect.gen(function*() {
      const kube = yield* KubeClient
      const memory = yield* KubeMemory
      yield* kube.create(ApiResource.ConfigMap, configMap("a", {}, { finalizers: ["x/y"] }))
      const fiber = yield* collect({ resourceVersion: "1" }, 2)
      yield* kube.delete(ApiResource.ConfigMap, "a", ns)
      yield* kube.patch(ApiResource.ConfigMap, "a", { type: "json", body: [{ op: "remove", path: "/metadata/finalizers" }] }, ns)
      assert.deepStrictEqual(yield* Fiber.join(fiber), ["MODIFIED a@2", "DELETED a@3"])
      yield* memory.failNext({ verb: "watch", reason: "Unavailable" })
      const failed = yield* Effect.flip(Stream.runCollect(kube.watch(ApiResource.ConfigMap, { resourceVersion: "0" })))
      assert.strictEqual(failed.reason, "Unavailable")
    })))
})
