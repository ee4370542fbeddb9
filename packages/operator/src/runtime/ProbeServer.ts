/**
 * The operator's plain-HTTP endpoints for the kubelet and Prometheus: `/healthz` (the
 * process and its runtime answer), `/readyz` (the watches are synced and running, or this
 * replica is a healthy standby) and `/metrics` (Prometheus text). A scoped resource: the
 * listener closes with the scope. Port 0 picks a free port (tests).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Exit, Schema, type Scope } from "effect"
import * as Prometheus from "./Prometheus.ts"

export class ProbeServerError extends Schema.TaggedError<ProbeServerError>()("ProbeServerError", {
  message: Schema.String
}) {}

export interface Readiness {
  readonly ready: boolean
  /** One line per check, e.g. `watch deployments: ok`. */
  readonly checks: ReadonlyArray<string>
}

export interface Options {
  /** Undefined: every interface (IPv6 and IPv4 where the host has both). */
  readonly host: string | undefined
  readonly port: number
  readonly readiness: Effect.Effect<Readiness>
}

export interface Listening {
  readonly port: number
}

const send = (res: ServerResponse, status: number, type: string, body: string): void => {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" })
  res.end(body)
}

const route = (req: IncomingMessage): Effect.Effect<readonly [number, string, string]> | undefined => {
  const path = (req.url ?? "/").split("?")[0]
  if (req.method !== "GET" && req.method !== "HEAD") return undefined
  switch (path) {
    case "/healthz":
      return Effect.succeed([200, "text/plain; charset=utf-8", "ok\n"] as const)
    case "/metrics":
      return Effect.map(Prometheus.scrape, (text) => [200, Prometheus.contentType, text] as const)
    default:
      return undefined
  }
}

const readyz = (readiness: Effect.Effect<Readiness>) =>
  Effect.map(readiness, (r) => [r.ready ? 200 : 503, "text/plain; charset=utf-8", `${[...r.checks, r.ready ? "ready" : "not ready"].join("\n")}\n`] as const)

const listen = (server: Server, host: string | undefined, port: number) =>
  Effect.callback<number, ProbeServerError>((resume) => {
    server.once("error", (error) => resume(Effect.fail(new ProbeServerError({ message: `cannot listen on ${host ?? ""}:${port}: ${error.message}` }))))
    server.listen(port, host, () => resume(Effect.succeed((server.address() as AddressInfo).port)))
  })

export const serve = (options: Options): Effect.Effect<Listening, ProbeServerError, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Effect.context<never>()
    const run = Effect.runPromiseExitWith(context)
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0]
      const handler = path === "/readyz" && req.method === "GET" ? readyz(options.readiness) : route(req)
      if (handler === undefined) return send(res, 404, "text/plain; charset=utf-8", "not found\n")
      void run(handler).then((exit) =>
        Exit.isSuccess(exit)
          ? send(res, exit.value[0], exit.value[1], exit.value[2])
          : send(res, 500, "text/plain; charset=utf-8", "internal error\n"))
    })
    const port = yield* Effect.acquireRelease(
      listen(server, options.host, options.port),
      () => Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
    )
    return { port }
  })
