/**
 * A real TLS handshake on 127.0.0.1: node:https serves the generated serving certificate,
 * and a client that trusts only the generated CA accepts it for the names in its SANs and
 * refuses it for any other name, from another CA, or without the CA.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { createServer, request } from "node:https"
import type { AddressInfo } from "node:net"
import { Certificates } from "../src/index.ts"

const slow = { timeout: 60_000 }
const svc = "whatap-admission-controller.ns.svc"

/** An HTTPS server on an ephemeral loopback port, closed with the test's scope. */
const serve = (pair: Certificates.Pair) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ close: () => Promise<void>; port: number }>((resolve) => {
        const server = createServer({ cert: pair.cert, key: pair.key }, (_, res) => res.end("ok"))
        server.listen(0, "127.0.0.1", () =>
          resolve({
            port: (server.address() as AddressInfo).port,
            close: () => new Promise((done) => server.close(() => done()))
          }))
      })
    ),
    (server) => Effect.promise(() => server.close())
  )

type Outcome = { readonly body: string } | { readonly error: string }

/** One GET over a fresh connection; `servername` is the name the client checks the certificate against. */
const get = (port: number, options: { readonly ca?: string; readonly servername?: string }) =>
  Effect.promise(() =>
    new Promise<Outcome>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/", agent: false, ...options }, (res) => {
        let body = ""
        res.on("data", (chunk: Buffer) => (body += chunk.toString()))
        res.on("end", () => resolve({ body }))
      })
      req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
      req.end()
    })
  )

describe("TLS handshake on loopback", () => {
  it.live.each(["rsa-2048", "ecdsa-p256"] as const)("a %s serving certificate is trusted through the CA only for its names", (algorithm) =>
    Effect.gen(function*() {
      const ca = yield* Certificates.generateCa({ keyAlgorithm: algorithm })
      const serving = yield* Certificates.issueServing(ca, {
        ...Certificates.webhookNames("ns", { loopback: true }),
        keyAlgorithm: algorithm
      })
      const { port } = yield* serve(serving)
      assert.deepStrictEqual(yield* get(port, { ca: ca.cert }), { body: "ok" }, "by IP 127.0.0.1")
      assert.deepStrictEqual(yield* get(port, { ca: ca.cert, servername: svc }), { body: "ok" })
      assert.deepStrictEqual(yield* get(port, { ca: ca.cert, servername: `${svc}.cluster.local` }), { body: "ok" })
      assert.deepStrictEqual(
        yield* get(port, { ca: ca.cert, servername: "not-in-the-sans.example" }),
        { error: "ERR_TLS_CERT_ALTNAME_INVALID" }
      )
      assert.deepStrictEqual(
        yield* get(port, { ca: ca.cert, servername: "whatap-admission-controller.other.svc" }),
        { error: "ERR_TLS_CERT_ALTNAME_INVALID" }
      )
    }), slow)

  it.live("refuses a certificate from another CA, and one without loopback for 127.0.0.1", () =>
    Effect.gen(function*() {
      const [ca, other] = yield* Effect.all([Certificates.generateCa(), Certificates.generateCa()])
      const serving = yield* Certificates.issueServing(ca, Certificates.webhookNames("ns"))
      const { port } = yield* serve(serving)
      assert.deepStrictEqual(yield* get(port, { ca: other.cert, servername: svc }), { error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })
      assert.deepStrictEqual(yield* get(port, { servername: svc }), { error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, "default roots")
      assert.deepStrictEqual(yield* get(port, { ca: ca.cert }), { error: "ERR_TLS_CERT_ALTNAME_INVALID" }, "no IP SAN")
      assert.deepStrictEqual(yield* get(port, { ca: ca.cert, servername: svc }), { body: "ok" })
    }), slow)
})
