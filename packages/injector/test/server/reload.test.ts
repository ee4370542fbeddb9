/**
 * Certificate rotation without restart (PRODUCT D2) and load: after `reload` a new
 * connection verifies only with the new CA while an established keep-alive connection
 * keeps working; a bad pair is refused and the old certificate stays; 100 parallel
 * requests all get their own answer.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Agent } from "node:https"
import { Admission, AdmissionServer } from "../../src/index.ts"
import { answer, call, decodeReview, keepAliveAgent, pki, request, reviewBody, slow } from "./support.ts"

const routes: Record<string, AdmissionServer.Handler> = {
  "/validate": (req) => Effect.succeed(Admission.allow(req.uid, { warnings: [`saw ${req.name ?? ""}`] }))
}

const freshConnection = (ca: string, port: number) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new Agent({ keepAlive: false, ca })),
    (agent) => call(agent, port, { body: reviewBody(request()) }),
    (agent) => Effect.sync(() => agent.destroy())
  )

describe("AdmissionServer.reload", () => {
  it.live("serves the new certificate to new connections and keeps established ones", () =>
    Effect.gen(function*() {
      const old = yield* pki
      const next = yield* pki
      const server = yield* AdmissionServer.serve({ host: "127.0.0.1", port: 0, tls: old.serving, routes })
      const established = yield* keepAliveAgent(old.ca.cert)
      const before = yield* answer(established, server.port, { body: reviewBody(request()) })

      yield* server.reload(next.serving)

      const kept = yield* answer(established, server.port, { body: reviewBody(request()) })
      assert.strictEqual(kept.status, 200)
      assert.strictEqual(kept.localPort, before.localPort, "the established connection goes on")
      const withNew = yield* freshConnection(next.ca.cert, server.port)
      assert.isTrue("status" in withNew && withNew.status === 200, JSON.stringify(withNew))
      assert.deepStrictEqual(yield* freshConnection(old.ca.cert, server.port), { error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })
    }), slow)

  it.live("refuses a key that does not belong to the certificate, or unreadable PEM, and keeps serving", () =>
    Effect.gen(function*() {
      const { ca, serving } = yield* pki
      const other = yield* pki
      const server = yield* AdmissionServer.serve({ host: "127.0.0.1", port: 0, tls: serving, routes })
      const mismatch = yield* Effect.flip(server.reload({ cert: other.serving.cert, key: serving.key }))
      assert.deepStrictEqual([mismatch._tag, mismatch.reason], ["AdmissionServerError", "Certificate"])
      assert.match(mismatch.message, /does not belong/)
      const garbage = yield* Effect.flip(server.reload({ cert: "not a certificate", key: "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----" }))
      assert.strictEqual(garbage.reason, "Certificate")
      assert.notInclude(garbage.message, "secret")
      const still = yield* freshConnection(ca.cert, server.port)
      assert.isTrue("status" in still && still.status === 200, JSON.stringify(still))
    }), slow)

  it.live("refuses to start with a mismatched pair or a taken port", () =>
    Effect.gen(function*() {
      const { serving } = yield* pki
      const other = yield* pki
      const mismatch = yield* Effect.flip(AdmissionServer.serve({ host: "127.0.0.1", port: 0, tls: { cert: serving.cert, key: other.serving.key }, routes }))
      assert.strictEqual(mismatch.reason, "Certificate")
      const { port } = yield* AdmissionServer.serve({ host: "127.0.0.1", port: 0, tls: serving, routes })
      const taken = yield* Effect.flip(AdmissionServer.serve({ host: "127.0.0.1", port, tls: serving, routes }))
      assert.strictEqual(taken.reason, "Listen")
    }), slow)

  it.live("reports a client that does not trust the served CA", () =>
    Effect.gen(function*() {
      const { serving } = yield* pki
      const other = yield* pki
      const codes: Array<string> = []
      const server = yield* AdmissionServer.serve({
        host: "127.0.0.1", port: 0, tls: serving, routes, onTlsError: (code) => Effect.sync(() => void codes.push(code))
      })
      assert.deepStrictEqual(yield* freshConnection(other.ca.cert, server.port), { error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })
      yield* Effect.sleep("50 millis")
      // node's client hangs up without an alert (ECONNRESET here); Go's sends one (bad certificate)
      assert.strictEqual(codes.length, 1, codes.join())
      assert.match(codes[0] ?? "", /^[A-Z_]+$/)
    }), slow)
})

describe("AdmissionServer under load", () => {
  it.live("answers 100 parallel requests, each with its own uid", () =>
    Effect.gen(function*() {
      const { ca, serving } = yield* pki
      const server = yield* AdmissionServer.serve({ host: "127.0.0.1", port: 0, tls: serving, routes })
      const agent = yield* Effect.acquireRelease(
        Effect.sync(() => new Agent({ keepAlive: true, maxSockets: 16, ca: ca.cert })),
        (a) => Effect.sync(() => a.destroy())
      )
      const replies = yield* Effect.forEach(Array.from({ length: 100 }, (_, i) => i), (i) =>
        Effect.flatMap(
          answer(agent, server.port, { body: reviewBody(request({ uid: `uid-${i}`, name: `n${i}` })) }),
          decodeReview
        ), { concurrency: "unbounded" })
      assert.deepStrictEqual(
        replies.map((r) => [r.response.uid, r.response.warnings]),
        Array.from({ length: 100 }, (_, i) => [`uid-${i}`, [`saw n${i}`]])
      )
    }), slow)
})
