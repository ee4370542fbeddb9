/**
 * The informer over the live layer and a scripted fake API server: list then watch, resume
 * after a cut without relist, relist after 410 with deletes for what vanished, backoff after
 * broken connections, a 410 in the middle of a paginated relist, and the cache's views.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Option, Scope, Stream } from "effect"
import { HttpResponse } from "msw"
import * as ApiResource from "../src/ApiResource.ts"
import * as Informer from "../src/Informer.ts"
import { beforeCut, configMap, type Frame, listBody, provideLive, type Respond, status, useFakeApiServer, watchBody } from "./support/FakeApiServer.ts"

const fake = useFakeApiServer()
const collection = "/api/v1/namespaces/ns/configmaps"
const fast = { backoff: { base: "20 millis", max: "200 millis" } } as const

/**
 * The informer starts listing as it is made, before a test can subscribe to its changes:
 * the scripted lists wait until `collectChanges` has subscribed (or 1 s, for a test that
 * never does), so on a busy machine no change is published before anyone listens.
 */
let subscribed: () => void = () => {}

/** Lists and watches answered in turn; once the watches run out, a watch that stays open. */
const script = (lists: ReadonlyArray<Respond>, watches: ReadonlyArray<ReadonlyArray<Frame> | Respond>) => {
  let l = 0
  let w = 0
  const listening = new Promise<void>((resolve) => {
    subscribed = resolve
    setTimeout(resolve, 1000)
  })
  fake.route("get", collection, async (request, n) => {
    if (request.url.searchParams.get("watch") === null) {
      await listening
      return (lists[l++] ?? lists[lists.length - 1] ?? (() => status(500, "", "")))(request, n)
    }
    const next = watches[w++]
    if (next === undefined) return watchBody([], { hold: true })
    return typeof next === "function" ? next(request, n) : watchBody(next)
  })
}

const listOf = (items: Parameters<typeof listBody>[0], rv: string, next?: string): Respond => () => HttpResponse.json(listBody(items, rv, next))

const lists = () => fake.seen.filter((r) => r.url.searchParams.get("watch") === null)
const watchVersions = () =>
  fake.seen.filter((r) => r.url.searchParams.get("watch") === "1").map((r) => r.url.searchParams.get("resourceVersion"))

/** Subscribes at once and collects `n` changes as `type key rv` lines. */
const collectChanges = (informer: Informer.Informer, n: number) =>
  Effect.gen(function*() {
    const stream = yield* informer.subscribe
    subscribed()
    return yield* Effect.forkChild(
      Stream.runCollect(Stream.take(stream, n)).pipe(
        Effect.map((changes) =>
          Array.from(changes).map((c) =>
            `${c.type} ${c.key} ${c.object.metadata.resourceVersion}${c.previous === undefined ? "" : ` <- ${c.previous.metadata.resourceVersion}`}`
          )
        )
      )
    )
  })

const eventually = (check: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 300; i++) {
      if (yield* check) return
      yield* Effect.sleep("10 millis")
    }
    assert.fail("condition not reached within 3 s")
  })

describe("Informer", () => {
  it.live("lists, then watches from the list's resourceVersion; changes, list and get follow", () =>
    Effect.gen(function*() {
      script([listOf([configMap("a", "1"), configMap("b", "2")], "10")], [[
        { type: "ADDED", object: configMap("c", "11") },
        { type: "MODIFIED", object: configMap("a", "12") },
        { type: "DELETED", object: configMap("b", "13") }
      ]])
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", ...fast })
      const changes = yield* collectChanges(informer, 5)
      yield* informer.synced
      assert.deepStrictEqual(yield* Fiber.join(changes), [
        "upsert ns/a 1",
        "upsert ns/b 2",
        "upsert ns/c 11",
        "upsert ns/a 12 <- 1",
        "delete ns/b 13 <- 2"
      ])
      assert.deepStrictEqual((yield* informer.list).map((o) => o.metadata.name), ["a", "c"])
      assert.deepStrictEqual(yield* informer.get("ns/c"), Option.some(configMap("c", "11")))
      assert.isTrue(Option.isNone(yield* informer.get("ns/b")))
      // The server ended the first watch; the next one resumes where it stopped.
      yield* eventually(Effect.sync(() => watchVersions().length >= 2))
      assert.deepStrictEqual(watchVersions().slice(0, 2), ["10", "13"])
      assert.strictEqual(lists().length, 1)
      assert.strictEqual(lists()[0]?.url.searchParams.get("limit"), "500")
    }).pipe(Effect.scoped, provideLive()))
  it.live("a watch cut mid-stream resumes from the last resourceVersion: no relist, no duplicate, nothing lost", () =>
    Effect.gen(function*() {
      script([listOf([configMap("a", "1")], "10")], [
        [
          { type: "ADDED", object: configMap("b", "11") },
          { type: "BOOKMARK", resourceVersion: "12" },
          { type: "MODIFIED", object: configMap("a", "13") },
          beforeCut,
          { cut: true }
        ],
        [
          // A replay of what was already seen is silent.
          { type: "MODIFIED", object: configMap("a", "13") },
          { type: "ADDED", object: configMap("c", "14") }
        ]
      ])
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", ...fast })
      const changes = yield* collectChanges(informer, 4)
      assert.deepStrictEqual(yield* Fiber.join(changes), [
        "upsert ns/a 1",
        "upsert ns/b 11",
        "upsert ns/a 13 <- 1",
        "upsert ns/c 14"
      ])
      yield* eventually(Effect.sync(() => watchVersions().length >= 3))
      assert.deepStrictEqual(watchVersions(), ["10", "13", "14"])
      assert.strictEqual(lists().length, 1)
      const health = yield* informer.health
      assert.strictEqual(health.restarts, 1)
      assert.include(health.lastError ?? "", "Unavailable")
      assert.isTrue(health.synced)
    }).pipe(Effect.scoped, provideLive()))

  it.live("410 on the watch: relist, deletes for objects gone meanwhile, silence for unchanged ones", () =>
    Effect.gen(function*() {
      script([
        listOf([configMap("a", "1"), configMap("b", "2")], "10"),
        listOf([configMap("a", "1"), configMap("c", "15")], "20")
      ], [
        [{ type: "ERROR", code: 410, reason: "Expired", message: "too old resource version: 10 (18)" }]
      ])
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", ...fast })
      const changes = yield* collectChanges(informer, 4)
      assert.deepStrictEqual(yield* Fiber.join(changes), [
        "upsert ns/a 1",
        "upsert ns/b 2",
        "upsert ns/c 15",
        "delete ns/b 2 <- 2"
      ])
      yield* eventually(Effect.sync(() => watchVersions().length >= 2))
      assert.deepStrictEqual(watchVersions(), ["10", "20"])
      assert.strictEqual(lists().length, 2)
      const health = yield* informer.health
      assert.strictEqual(health.restarts, 1)
      assert.include(health.lastError ?? "", "Gone")
      assert.strictEqual(health.resourceVersion, "20")
    }).pipe(Effect.scoped, provideLive()))

  it.live("410 on a resumed watch relists at once, not after the backoff that grew meanwhile (a CRD deleted and created again)", () =>
    Effect.gen(function*() {
      const reset: Respond = () => HttpResponse.error()
      script([listOf([configMap("a", "1")], "10"), listOf([configMap("b", "21")], "30")], [
        reset,
        [{ type: "ERROR", code: 410, reason: "Expired", message: "too old resource version: 10 (25)" }]
      ])
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", backoff: { base: "1 second", max: "5 seconds" } })
      const changes = yield* collectChanges(informer, 3)
      const started = Date.now()
      assert.deepStrictEqual(yield* Fiber.join(changes), ["upsert ns/a 1", "upsert ns/b 21", "delete ns/a 1 <- 1"])
      // one backoff (0.8-1.2 s) after the reset; before the change the 410 waited the next one too (1.6-2.4 s more)
      assert.isBelow(Date.now() - started, 1800)
      assert.deepStrictEqual(watchVersions().slice(0, 2), ["10", "10"])
      assert.strictEqual(lists().length, 2)
    }).pipe(Effect.scoped, provideLive({ retry: { retries: 0 } })))

  it.live("broken connections: backoff growing between attempts, then recovery from the same resourceVersion", () =>
    Effect.gen(function*() {
      const reset: Respond = () => HttpResponse.error()
      script([listOf([configMap("a", "1")], "10")], [reset, reset, reset, [{ type: "ADDED", object: configMap("b", "11") }]])
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", backoff: { base: "50 millis", max: "1 second" } })
      const changes = yield* collectChanges(informer, 2)
      const started = Date.now()
      assert.deepStrictEqual(yield* Fiber.join(changes), ["upsert ns/a 1", "upsert ns/b 11"])
      // 50 + 100 + 200 ms of backoff, each within 0.8-1.2 for the jitter.
      assert.isAtLeast(Date.now() - started, 280)
      assert.deepStrictEqual(watchVersions().slice(0, 4), ["10", "10", "10", "10"])
      assert.strictEqual(lists().length, 1)
      const health = yield* informer.health
      assert.strictEqual(health.restarts, 3)
      assert.include(health.lastError ?? "", "Unavailable")
    }).pipe(Effect.scoped, provideLive({ retry: { retries: 0 } })))

  it.live("a 410 in the middle of a paginated relist starts the list over", () =>
    Effect.gen(function*() {
      let expired = false
      fake.route("get", collection, ({ url }) => {
        if (url.searchParams.get("watch") === "1") return watchBody([], { hold: true })
        if (url.searchParams.get("continue") === null) return HttpResponse.json(listBody([configMap("a", "1")], "10", "t1"))
        if (!expired) {
          expired = true
          return status(410, "Expired", "The provided continue parameter is too old")
        }
        return HttpResponse.json(listBody([configMap("b", "2")], "10"))
      })
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", pageSize: 1, ...fast })
      yield* informer.synced
      assert.deepStrictEqual(lists().map((r) => r.url.searchParams.get("continue")), [null, "t1", null, "t1"])
      assert.deepStrictEqual((yield* informer.list).map((o) => o.metadata.name), ["a", "b"])
      const health = yield* informer.health
      assert.strictEqual(health.restarts, 1)
      assert.include(health.lastError ?? "", "continue parameter is too old")
    }).pipe(Effect.scoped, provideLive()))

  it.live("health: not synced before the first list, watching while a watch is open", () =>
    Effect.gen(function*() {
      script([
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 100))
          return HttpResponse.json(listBody([], "10"))
        }
      ], [])
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", ...fast })
      assert.deepStrictEqual(yield* informer.health, { synced: false, watching: false, restarts: 0 })
      yield* informer.synced
      yield* eventually(Effect.map(informer.health, (h) => h.watching))
      assert.deepStrictEqual(yield* informer.health, { synced: true, watching: true, restarts: 0, resourceVersion: "10" })
    }).pipe(Effect.scoped, provideLive()))

  it.live("closing the informer's scope aborts its watch and ends its change streams", () =>
    Effect.gen(function*() {
      script([listOf([], "10")], [])
      const scope = yield* Scope.make()
      const informer = yield* Informer.make(ApiResource.ConfigMap, { namespace: "ns", ...fast }).pipe(Scope.provide(scope))
      const changes = yield* Effect.forkChild(Stream.runCollect(informer.changes))
      yield* eventually(Effect.map(informer.health, (h) => h.watching))
      yield* Scope.close(scope, Exit.void)
      yield* Fiber.join(changes)
      const watch = fake.seen.find((r) => r.url.searchParams.get("watch") === "1")
      yield* eventually(Effect.sync(() => watch?.signal.aborted === true))
    }).pipe(provideLive()))

  it.live("metadata-only, cluster-scoped, managedFields stripped", () =>
    Effect.gen(function*() {
      const node = {
        apiVersion: "meta.k8s.io/v1",
        kind: "PartialObjectMetadata",
        metadata: { name: "n1", resourceVersion: "3", managedFields: [{ manager: "kubelet" }] }
      }
      fake.route("get", "/api/v1/nodes", ({ url }) =>
        url.searchParams.get("watch") === "1"
          ? watchBody([], { hold: true })
          : HttpResponse.json({ kind: "PartialObjectMetadataList", metadata: { resourceVersion: "5" }, items: [node] }))
      const informer = yield* Informer.make(ApiResource.Node, { metadataOnly: true, stripManagedFields: true, ...fast })
      yield* informer.synced
      assert.deepStrictEqual(yield* informer.get("n1"), Option.some({ ...node, metadata: { name: "n1", resourceVersion: "3" } }))
      assert.strictEqual(
        fake.seen[0]?.headers.get("accept"),
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
      )
    }).pipe(Effect.scoped, provideLive()))
})
