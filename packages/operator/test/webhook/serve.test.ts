/**
 * `Webhook.serve` against the in-memory API server and a real TLS listener on loopback:
 * a webhook Secret without a usable certificate keeps the replica unready with the reason
 * (it used to report ready while nothing listened), and serving starts, without a restart,
 * once the Secret holds a good certificate; a usable Secret is served at once.
 */
import { connect } from "node:tls"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Ref, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, KubeMemory, type KubeObject } from "@whatap-operator/kube"
import * as Config from "../../src/Config.ts"
import { EventRecorder } from "../../src/controller/Events.ts"
import * as WebhookSecret from "../../src/controller/WebhookSecret.ts"
import * as WebhookTls from "../../src/controller/WebhookTls.ts"
import * as Webhook from "../../src/webhook/Webhook.ts"

const namespace = Naming.defaultNamespace
const endpoint = { mode: "url", baseUrl: "https://127.0.0.1:9443" } as const

const layer = (port: number) =>
  Layer.mergeAll(
    Config.OperatorConfig.layer({ ...Config.defaults(namespace, "unit-test"), webhook: endpoint, webhookServer: { host: "127.0.0.1", port } }),
    EventRecorder.layerNoop
  ).pipe(Layer.provideMerge(KubeClient.layerMemory))

/** Whether a TLS handshake with 127.0.0.1:port completes. */
const handshake = (port: number) =>
  Effect.callback<boolean>((resume) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      socket.end()
      resume(Effect.succeed(true))
    })
    socket.once("error", () => resume(Effect.succeed(false)))
  })

const freePort = Effect.callback<number>((resume) => {
  import("node:net").then(({ createServer }) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0)))
    })
  })
})

const goodSecret = Effect.map(
  WebhookTls.fresh({ namespace, endpoint, validity: WebhookTls.defaultValidity, trusted: () => false }),
  (material) => WebhookSecret.secretObject(namespace, material.tls)
)

const until = <A>(check: Effect.Effect<A, unknown>) =>
  check.pipe(Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo({ duration: "10 seconds" }))))

const run = (seeded: KubeObject.KubeObject, body: (state: Ref.Ref<Webhook.Serving>, port: number) => Effect.Effect<void, unknown, KubeClient | KubeMemory>) =>
  Effect.gen(function*() {
    const port = yield* freePort
    yield* Effect.gen(function*() {
      yield* (yield* KubeMemory).seed([seeded])
      const state = yield* Ref.make(Webhook.notServedYet)
      const fiber = yield* Effect.forkScoped(Webhook.serve(state))
      yield* body(state, port)
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.scoped, Effect.provide(layer(port)))
  })

describe("Webhook.serve", () => {
  it.live("a Secret without a usable certificate: unready with the reason, then served once it is repaired", () =>
    run({ apiVersion: "v1", kind: "Secret", metadata: { name: Naming.webhook.secret, namespace }, data: {} }, (state, port) =>
      Effect.gen(function*() {
        const waiting = yield* until(Effect.filterOrFail(Ref.get(state), (s) => s.why.includes("holds no usable certificate"), (s) => new Error(s.why)))
        assert.isFalse(waiting.serving)
        assert.include(waiting.why, `Secret ${namespace}/${Naming.webhook.secret} holds no usable certificate (it lacks one of cert.pem, key.pem, tls.crt, tls.key)`)
        assert.isFalse(yield* handshake(port), "nothing listens")
        // a key that does not belong to the certificate is no better
        const good = yield* goodSecret
        const other = yield* goodSecret
        const data = good["data"] as Record<string, string>
        const kube = yield* KubeClient
        yield* kube.patch(ApiResource.Secret, Naming.webhook.secret, { type: "merge", body: { data: { ...data, "tls.key": (other["data"] as Record<string, string>)["tls.key"] } } }, { namespace })
        const mismatched = yield* until(Effect.filterOrFail(Ref.get(state), (s) => !s.why.includes("lacks one of"), (s) => new Error(s.why)))
        assert.isFalse(mismatched.serving)
        assert.include(mismatched.why, "holds no usable certificate")
        assert.include(mismatched.why, "does not belong")
        // repaired: served without a restart
        yield* kube.patch(ApiResource.Secret, Naming.webhook.secret, { type: "merge", body: { data } }, { namespace })
        yield* until(Effect.filterOrFail(Ref.get(state), (s) => s.serving, (s) => new Error(s.why)))
        assert.isTrue(yield* handshake(port))
      })))

  it.live("a port that cannot be bound is fatal, not a wait", () =>
    Effect.flatMap(goodSecret, (secret) =>
      Effect.gen(function*() {
        const port = yield* freePort
        const { createServer } = yield* Effect.promise(() => import("node:net"))
        const taken = createServer()
        yield* Effect.callback<void>((resume) => void taken.listen(port, "127.0.0.1", () => resume(Effect.void)))
        const failure = yield* Effect.gen(function*() {
          yield* (yield* KubeMemory).seed([secret])
          const state = yield* Ref.make(Webhook.notServedYet)
          return yield* Effect.flip(Webhook.serve(state))
        }).pipe(Effect.scoped, Effect.provide(layer(port)), Effect.ensuring(Effect.sync(() => taken.close())))
        assert.include(failure.message, "cannot serve the admission webhooks")
        assert.include(failure.message, `cannot listen on 127.0.0.1:${port}`)
      })))

  it.live("a usable Secret is served at once", () =>
    Effect.flatMap(goodSecret, (secret) =>
      run(secret, (state, port) =>
        Effect.gen(function*() {
          yield* until(Effect.filterOrFail(Ref.get(state), (s) => s.serving, (s) => new Error(s.why)))
          assert.isTrue(yield* handshake(port))
        }))))
})
