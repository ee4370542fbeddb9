/**
 * The live layer's failures: every status to its KubeError reason with the Status message
 * verbatim, which calls are retried (429 for all verbs, 5xx and broken connections for
 * reads), the bounds on retries and waits, and client-side deadlines.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { delay, HttpResponse } from "msw"
import * as ApiResource from "../src/ApiResource.ts"
import { KubeClient } from "../src/KubeClient.ts"
import { KubeError, type Reason } from "../src/KubeError.ts"
import { configMap, kubeconfig, provideLive, status, useFakeApiServer } from "./support/FakeApiServer.ts"

const fake = useFakeApiServer()
const path = "/api/v1/namespaces/ns/configmaps/a"

const getError = Effect.gen(function*() {
  const client = yield* KubeClient
  return yield* Effect.flip(client.get(ApiResource.ConfigMap, "a", { namespace: "ns" }))
})

const createError = Effect.gen(function*() {
  const client = yield* KubeClient
  return yield* Effect.flip(client.create(ApiResource.ConfigMap, configMap("a", "")))
})

describe("KubeClient live: errors", () => {
  const cases: ReadonlyArray<readonly [number, string, Reason]> = [
    [400, "BadRequest", "BadRequest"],
    [401, "Unauthorized", "Unauthorized"],
    [403, "Forbidden", "Forbidden"],
    [404, "NotFound", "NotFound"],
    [409, "Conflict", "Conflict"],
    [409, "AlreadyExists", "AlreadyExists"],
    [410, "Expired", "Gone"],
    [422, "Invalid", "Invalid"]
  ]
  it.effect.each(cases)("%s %s becomes %s with the message verbatim", ([code, reason, expected]) =>
    Effect.gen(function*() {
      const message = `configmaps "a" says ${reason}: the object has been modified; please apply your changes`
      fake.route("post", "/api/v1/namespaces/ns/configmaps", () => status(code, reason, message))
      const error = yield* createError
      assert.strictEqual(error.reason, expected)
      assert.strictEqual(error.status, code)
      assert.strictEqual(error.message, message)
      assert.strictEqual(error.operation, "POST /api/v1/namespaces/ns/configmaps")
    }).pipe(provideLive()))

  it.live("500, 503, 504 after the bounded retries of a read: Internal, Unavailable, Timeout", () =>
    Effect.gen(function*() {
      const outcomes: Array<[Reason, number]> = []
      for (const code of [500, 503, 504]) {
        let attempts = 0
        fake.route("get", path, () => {
          attempts++
          return status(code, "InternalError", `failed ${code}`)
        })
        const error = yield* getError
        outcomes.push([error.reason, attempts])
      }
      assert.deepStrictEqual(outcomes, [["Internal", 3], ["Unavailable", 3], ["Timeout", 3]])
    }).pipe(provideLive({ retry: { retries: 2 } })))

  it.live("a 500 on GET is retried and then succeeds", () =>
    Effect.gen(function*() {
      fake.route("get", path, (_, n) => n < 2 ? status(500, "InternalError", "etcd leader changed") : HttpResponse.json(configMap("a", "1")))
      const client = yield* KubeClient
      const got = yield* client.get(ApiResource.ConfigMap, "a", { namespace: "ns" })
      assert.strictEqual(got.metadata.resourceVersion, "1")
      assert.strictEqual(fake.seen.length, 3)
    }).pipe(provideLive()))

  it.live("a write is not retried on 500 or a broken connection", () =>
    Effect.gen(function*() {
      fake.route("post", "/api/v1/namespaces/ns/configmaps", (_, n) =>
        n === 0 ? status(500, "InternalError", "boom") : HttpResponse.error())
      const first = yield* createError
      const second = yield* createError
      assert.deepStrictEqual([first.reason, second.reason, second.status], ["Internal", "Unavailable", 0])
      assert.strictEqual(fake.seen.length, 2)
    }).pipe(provideLive()))

  it.live("a reset connection on GET: retried, then Unavailable with status 0", () =>
    Effect.gen(function*() {
      fake.route("get", path, () => HttpResponse.error())
      const error = yield* getError
      assert.deepStrictEqual([error.reason, error.status, fake.seen.length], ["Unavailable", 0, 2])
    }).pipe(provideLive({ retry: { retries: 1 } })))

  it.live("429 with Retry-After: the wait is honoured, for a write too", () =>
    Effect.gen(function*() {
      fake.route("post", "/api/v1/namespaces/ns/configmaps", (_, n) =>
        n === 0
          ? HttpResponse.json({ kind: "Status", code: 429, reason: "TooManyRequests", message: "slow down" }, {
            status: 429,
            headers: { "Retry-After": "1" }
          })
          : HttpResponse.json(configMap("a", "1"), { status: 201 }))
      const client = yield* KubeClient
      const started = Date.now()
      yield* client.create(ApiResource.ConfigMap, configMap("a", ""))
      const waited = Date.now() - started
      assert.isAtLeast(waited, 950)
      assert.isBelow(waited, 3000)
      assert.strictEqual(fake.seen.length, 2)
    }).pipe(provideLive()))

  it.live("429: a long Retry-After is capped and the attempts are bounded", () =>
    Effect.gen(function*() {
      fake.route("get", path, () =>
        status(429, "TooManyRequests", "storage is (re)initializing", { details: { retryAfterSeconds: 3600 } }))
      const started = Date.now()
      const error = yield* getError
      assert.isBelow(Date.now() - started, 2000)
      assert.deepStrictEqual([error.reason, error.retryAfterSeconds, fake.seen.length], ["TooManyRequests", 3600, 4])
    }).pipe(provideLive({ retry: { retries: 3, maxDelay: "20 millis" } })))

  it.live("a client-side deadline is reason Timeout with status 0", () =>
    Effect.gen(function*() {
      fake.route("get", path, async () => {
        await delay(2000)
        return HttpResponse.json(configMap("a", "1"))
      })
      const error = yield* getError
      assert.deepStrictEqual([error.reason, error.status], ["Timeout", 0])
    }).pipe(provideLive({ timeout: "100 millis", retry: { retries: 0 } })))

  it.live("a 401 re-reads the credentials once and retries", () =>
    Effect.gen(function*() {
      fake.route("get", path, (_, n) => n === 0 ? status(401, "Unauthorized", "Unauthorized") : HttpResponse.json(configMap("a", "1")))
      const client = yield* KubeClient
      yield* client.get(ApiResource.ConfigMap, "a", { namespace: "ns" })
      assert.strictEqual(fake.seen.length, 2)
    }).pipe(provideLive()))

  it.live("a body that is not JSON is reason Protocol; a non-Status error body is quoted, bounded", () =>
    Effect.gen(function*() {
      fake.route("get", path, (_, n) =>
        n === 0
          ? new HttpResponse("<html>ok</html>", { status: 200 })
          : new HttpResponse(`<html>${"x".repeat(1000)}</html>`, { status: 404 }))
      const protocol = yield* getError
      const notFound = yield* getError
      assert.strictEqual(protocol.reason, "Protocol")
      assert.strictEqual(notFound.reason, "NotFound")
      assert.isTrue(notFound.message.startsWith("<html>xxx"))
      assert.isAtMost(notFound.message.length, 200)
    }).pipe(provideLive()))

  it.live("request bodies never appear in errors", () =>
    Effect.gen(function*() {
      fake.route("post", "/api/v1/namespaces/ns/secrets", (_, n) =>
        n === 0 ? status(422, "Invalid", "Secret is invalid") : HttpResponse.error())
      const client = yield* KubeClient
      const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" }, data: { license: "c2VjcmV0LXZhbHVl" } }
      const errors = [
        yield* Effect.flip(client.create(ApiResource.Secret, secret)),
        yield* Effect.flip(client.create(ApiResource.Secret, secret))
      ]
      for (const error of errors) {
        assert.instanceOf(error, KubeError)
        assert.notInclude(JSON.stringify(error), "c2VjcmV0LXZhbHVl")
        assert.notInclude(String(error), "c2VjcmV0LXZhbHVl")
      }
    }).pipe(provideLive()))

  it.live("a request Node refuses to send (a token with a newline) is BadRequest, without the token", () =>
    Effect.gen(function*() {
      const layer = KubeClient.layer({ kubeconfigData: kubeconfig.replace("token: abc", 'token: "abc\\nsecret-part"') })
      const error = yield* getError.pipe(Effect.provide(layer))
      assert.deepStrictEqual([error.reason, error.status, fake.seen.length], ["BadRequest", 0, 0])
      assert.notInclude(error.message, "secret-part")
    }))
})
