/**
 * Slow clients: a request whose headers or body stall is answered 408 and closed once its
 * timeout has passed, within about a second (the server looks for them every second, not
 * at node's 30 s interval, which let a stalled client stay up to twice its timeout). With
 * timeouts of 1 s and 2 s, both answers come before the test's own 10 s limit; at node's
 * interval neither would. A connection that never starts its TLS handshake is closed with
 * the headers' timeout too.
 */
import { connect as connectTcp } from "node:net"
import { connect } from "node:tls"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Admission, AdmissionServer } from "../../src/index.ts"
import { pki } from "./support.ts"

/** Writes `sent` on a TLS connection that trusts `ca`, then reads until the server closes it. */
const stall = (port: number, ca: string, sent: string) =>
  Effect.callback<string>((resume) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: "127.0.0.1" }, () => socket.write(sent))
    let received = ""
    socket.setEncoding("utf8")
    socket.on("data", (chunk: string) => void (received += chunk))
    socket.on("close", () => resume(Effect.succeed(received)))
    socket.on("error", () => undefined)
    return Effect.sync(() => void socket.destroy())
  })

/** A server whose clients get 1 s for their headers (and TLS handshake) and 2 s for the whole request. */
const serve = (serving: Parameters<typeof AdmissionServer.serve>[0]["tls"]) =>
  AdmissionServer.serve({
    host: "127.0.0.1",
    port: 0,
    tls: serving,
    routes: { "/validate": (req) => Effect.succeed(Admission.allow(req.uid)) },
    clientTimeouts: { headers: "1 second", request: "2 seconds" }
  })

describe("AdmissionServer and slow clients", () => {
  it.live("stalled headers, and a stalled body, are answered 408 once their timeout has passed", () =>
    Effect.gen(function*() {
      const { ca, serving } = yield* pki
      const server = yield* serve(serving)
      const [headers, body] = yield* Effect.all([
        stall(server.port, ca.cert, "POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
        stall(server.port, ca.cert, "POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"apiVersion\"")
      ], { concurrency: "unbounded" })
      assert.match(headers, /^HTTP\/1\.1 408 /)
      assert.match(body, /^HTTP\/1\.1 408 /)
    }).pipe(Effect.scoped), { timeout: 10_000 })

  it.live("a TCP connection that never starts its TLS handshake is closed with the headers' timeout (node's default: 120 s)", () =>
    Effect.gen(function*() {
      const { serving } = yield* pki
      const server = yield* serve(serving)
      const closed = yield* Effect.callback<boolean>((resume) => {
        const socket = connectTcp({ host: "127.0.0.1", port: server.port })
        socket.on("close", () => resume(Effect.succeed(true)))
        socket.on("error", () => undefined)
        return Effect.sync(() => void socket.destroy())
      })
      assert.isTrue(closed)
    }).pipe(Effect.scoped), { timeout: 10_000 })
})
