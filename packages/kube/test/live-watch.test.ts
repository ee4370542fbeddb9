/**
 * The live layer's watch: the query it sends, NDJSON lines to WatchEvents (split lines,
 * BOOKMARK, ERROR), how a watch ends (server end, 410, a cut connection, a silent server),
 * and that stopping the stream closes the connection.
 */
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream } from "effect"
import { HttpResponse } from "msw"
import * as ApiResource from "../src/ApiResource.ts"
import { KubeClient, type WatchEvent } from "../src/KubeClient.ts"
import { beforeCut, configMap, provideLive, status, useFakeApiServer, watchBody } from "./support/FakeApiServer.ts"

const fake = useFakeApiServer()
const collection = "/api/v1/namespaces/ns/configmaps"

const collect = (stream: Stream.Stream<WatchEvent, unknown>) =>
  Effect.map(Stream.runCollect(stream), (events) => Chunk.toReadonlyArray(Chunk.fromIterable(events)))

describe("KubeClient live: watch", () => {
  it.live("sends the watch query and parses events, including lines split across chunks", () =>
    Effect.gen(function*() {
      fake.route("get", collection, () =>
        watchBody([
          { type: "ADDED", object: configMap("a", "11") },
          { raw: `{"type":"MODIFIED","obj` },
          { pause: 20 },
          { raw: `ect":${JSON.stringify(configMap("a", "12"))}}\n\n` },
          { type: "BOOKMARK", resourceVersion: "13" },
          { type: "DELETED", object: configMap("a", "14") }
        ]))
      const client = yield* KubeClient
      const events = yield* collect(client.watch(ApiResource.ConfigMap, {
        namespace: "ns",
        resourceVersion: "10",
        labelSelector: "app=x",
        timeoutSeconds: 60
      }))
      assert.deepStrictEqual(events, [
        { type: "ADDED", object: configMap("a", "11") },
        { type: "MODIFIED", object: configMap("a", "12") },
        { type: "BOOKMARK", resourceVersion: "13" },
        { type: "DELETED", object: configMap("a", "14") }
      ])
      const [request] = fake.seen
      assert.strictEqual(
        request?.url.search,
        "?labelSelector=app%3Dx&watch=1&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=60"
      )
      assert.strictEqual(request?.headers.get("accept"), "application/json")
    }).pipe(provideLive()))

  it.live("a metadata-only watch asks for PartialObjectMetadata", () =>
    Effect.gen(function*() {
      fake.route("get", "/api/v1/pods", () => watchBody([]))
      const client = yield* KubeClient
      yield* collect(client.watch(ApiResource.Pod, { resourceVersion: "1", metadataOnly: true, allowWatchBookmarks: false }))
      const [request] = fake.seen
      assert.strictEqual(
        request?.headers.get("accept"),
        "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
      )
      assert.strictEqual(request?.url.search, "?watch=1&resourceVersion=1")
    }).pipe(provideLive()))

  it.live("an ERROR event with a 410 Status fails the stream with Gone after the earlier events", () =>
    Effect.gen(function*() {
      fake.route("get", collection, () =>
        watchBody([
          { type: "ADDED", object: configMap("a", "11") },
          { type: "ERROR", code: 410, reason: "Expired", message: "too old resource version: 5 (11)" }
        ]))
      const client = yield* KubeClient
      const seen: Array<WatchEvent> = []
      const error = yield* Effect.flip(
        Stream.runForEach(client.watch(ApiResource.ConfigMap, { namespace: "ns", resourceVersion: "5" }), (e) =>
          Effect.sync(() => seen.push(e)))
      )
      assert.strictEqual(seen.length, 1)
      assert.deepStrictEqual([error.reason, error.status, error.message], ["Gone", 410, "too old resource version: 5 (11)"])
    }).pipe(provideLive()))

  it.live("a 410 answer to the watch request is Gone; other ERROR codes keep their reason", () =>
    Effect.gen(function*() {
      fake.route("get", collection, (_, n) =>
        n === 0
          ? status(410, "Expired", "too old")
          : watchBody([{ type: "ERROR", code: 500, reason: "InternalError", message: "etcd" }]))
      const client = yield* KubeClient
      const watch = client.watch(ApiResource.ConfigMap, { namespace: "ns", resourceVersion: "5" })
      const gone = yield* Effect.flip(Stream.runDrain(watch))
      const internal = yield* Effect.flip(Stream.runDrain(watch))
      assert.deepStrictEqual([gone.reason, internal.reason, internal.message], ["Gone", "Internal", "etcd"])
    }).pipe(provideLive()))

  it.live("a connection cut mid-stream is an Unavailable KubeError, after the events before the cut", () =>
    Effect.gen(function*() {
      fake.route("get", collection, () => watchBody([{ type: "ADDED", object: configMap("a", "11") }, beforeCut, { cut: true }]))
      const client = yield* KubeClient
      const seen: Array<WatchEvent> = []
      const error = yield* Effect.flip(
        Stream.runForEach(client.watch(ApiResource.ConfigMap, { namespace: "ns", resourceVersion: "5" }), (e) =>
          Effect.sync(() => seen.push(e)))
      )
      assert.strictEqual(seen.length, 1)
      assert.deepStrictEqual([error.reason, error.status], ["Unavailable", 0])
    }).pipe(provideLive()))

  it.live("a line that is not an event fails with Protocol", () =>
    Effect.gen(function*() {
      fake.route("get", collection, () => watchBody([{ raw: "not json\n" }]))
      const client = yield* KubeClient
      const error = yield* Effect.flip(Stream.runDrain(client.watch(ApiResource.ConfigMap, { namespace: "ns", resourceVersion: "5" })))
      assert.strictEqual(error.reason, "Protocol")
    }).pipe(provideLive()))

  it.live("stopping the stream aborts the request", () => {
    let cancelled = false
    return Effect.gen(function*() {
      fake.route("get", collection, () => {
        const encoder = new TextEncoder()
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(encoder.encode(`${JSON.stringify({ type: "ADDED", object: configMap("a", "1") })}\n`)),
          cancel: () => {
            cancelled = true
          }
        })
        return new HttpResponse(body)
      })
      const client = yield* KubeClient
      const first = yield* collect(Stream.take(client.watch(ApiResource.ConfigMap, { namespace: "ns", resourceVersion: "0" }), 1))
      assert.strictEqual(first.length, 1)
      yield* Effect.sleep("50 millis")
      assert.isTrue(cancelled)
    }).pipe(provideLive())
  })
  it.live("interrupting a watch that waits for its response headers aborts the request", () =>
    Effect.gen(function*() {
      fake.route("get", collection, ({ signal }) =>
        new Promise<Response>((resolve) => signal.addEventListener("abort", () => resolve(HttpResponse.error()))))
      const client = yield* KubeClient
      const fiber = yield* Effect.forkChild(Stream.runDrain(client.watch(ApiResource.ConfigMap, { namespace: "ns", resourceVersion: "0" })))
      yield* Effect.sleep("50 millis")
      assert.strictEqual(fake.seen[0]?.signal.aborted, false)
      yield* Fiber.interrupt(fiber)
      yield* Effect.sleep("50 millis")
      assert.strictEqual(fake.seen[0]?.signal.aborted, true)
    }).pipe(provideLive()))
})
