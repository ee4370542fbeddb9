/**
 * The admission webhook's HTTPS endpoint as a scoped resource: one route per webhook path,
 * each a `Handler` from a decoded AdmissionReview request to a response. The listener, its
 * connections and the requests in flight end with the scope; `reload` swaps the served
 * certificate (PRODUCT D2: rotation without restart) with `setSecureContext`, so new
 * handshakes get the new certificate while established keep-alive connections go on.
 *
 * HTTP/1.1 only (ALPN offers nothing else), like the Go operator's default
 * `--enable-http2=false`, which it keeps because of HTTP/2 rapid reset (CVE-2023-44487).
 *
 * What the server answers itself, and why: what controller-runtime answers the Go
 * operator's webhooks, so a client sees the same answer from either. A request that is not
 * an AdmissionReview it can read (no body, a body over `maxBodyBytes`, a Content-Type other
 * than exactly `application/json`, not JSON, another version or kind, a field of the wrong
 * type) gets HTTP 200 with an untyped review (`Admission.unreadable`: no apiVersion or
 * kind, an empty uid, `allowed: false`, code 400 or 413). The API server cannot take that
 * for an answer, so it counts the call as failed and the webhook's failurePolicy decides
 * (`Ignore` admits): whether a pod may start without its agent is the configuration's
 * decision, not the server's. Fields a review leaves out or sets to `null` have Go's zero
 * values, as there (Body.ts). Beyond controller-runtime:
 *   404 unknown path (plain text);
 *   500 the handler failed, died, or ran past `timeBudget` (it is interrupted): an HTTP
 *   error, which the failurePolicy decides too (the Go handlers never fail).
 * Reviews are answered in their own version (`v1beta1` in `v1beta1`, as controller-runtime).
 * The connection stays open for the next request: a body the server does not want (an
 * early answer, or one over the limit) is read on and discarded, up to twice the limit in
 * all; past that, or when Content-Length already says so, the answer closes the connection
 * (closing with unread data would reset it, and the client could lose the answer itself).
 *
 * Bounds: the body at 7 MiB by default (as controller-runtime: object and oldObject of up
 * to 3 MiB each, the API server's own request limit, plus the rest of the review); each
 * handler at 8 s, under the API server's default webhook timeout of 10 s; a request's
 * TLS handshake and headers at 15 s and the whole request at 30 s (node's `handshakeTimeout`,
 * `headersTimeout`/`requestTimeout`, looked for every second: node's own 30 s interval let a
 * stalled client stay up to twice as long); an answer the client does not read within 30 s
 * is dropped with its connection. The body's JSON at `Body.maxValues` values.
 * Idle keep-alive connections are kept for 120 s, longer than the API server's idle timeout
 * (90 s, Go's transport default): a server that closes first races the API server's next
 * POST on that connection, which Go does not retry, and that call would fail.
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { createServer, type Server } from "node:https"
import type { AddressInfo } from "node:net"
import { Cause, Clock, Duration, Effect, Exit, FiberSet, Option, Schema, type Scope } from "effect"
import * as Admission from "./Admission.ts"
import * as Certificates from "./Certificates.ts"
import * as Body from "./internal/server/Body.ts"

export type Handler<R = never> = Admission.Handler<R>

export class AdmissionServerError extends Schema.TaggedError<AdmissionServerError>()("AdmissionServerError", {
  reason: Schema.Literals(["Certificate", "Listen"]),
  message: Schema.String
}) {}

export const defaultMaxBodyBytes = 7 * 1024 * 1024
export const defaultTimeBudget: Duration.Duration = Duration.seconds(8)
export const keepAliveTimeout: Duration.Duration = Duration.seconds(120)
export const headersTimeout: Duration.Duration = Duration.seconds(15)
export const requestTimeout: Duration.Duration = Duration.seconds(30)
/** An answer not taken by the client within this long is dropped with its connection. */
export const writeTimeout: Duration.Duration = Duration.seconds(30)
/** How often node looks for requests past those timeouts (at most; half the headers timeout when that is shorter). */
export const timeoutCheckInterval: Duration.Duration = Duration.seconds(1)
/** The `path` of metrics for requests to no route: raw paths would make unbounded label values. */
export const unmatchedPath = "unmatched"

/** `allowed`/`denied`: the handler's answer; `aborted`: the client hung up first; the rest are the server's own. */
export type Outcome =
  | "allowed"
  | "denied"
  | "not-found"
  | "unsupported-media-type"
  | "too-large"
  | "bad-request"
  | "handler-error"
  | "timeout"
  | "aborted"

export interface RequestEvent {
  /** The route, or `unmatchedPath`. */
  readonly path: string
  readonly status: number
  readonly outcome: Outcome
  readonly durationMs: number
}

export interface Options<R = never> {
  /** Undefined: every interface (IPv6 and IPv4 where the host has both). */
  readonly host: string | undefined
  /** 0 picks a free port. */
  readonly port: number
  readonly tls: Certificates.Pair
  /** Path (without query) -> handler. */
  readonly routes: Readonly<Record<string, Handler<R>>>
  readonly maxBodyBytes?: number
  readonly timeBudget?: Duration.Input
  /** A slow client's limits: the headers (default `headersTimeout`) and the whole request (default `requestTimeout`). */
  readonly clientTimeouts?: { readonly headers: Duration.Input; readonly request: Duration.Input }
  /** After each response is written (for Prometheus metrics). */
  readonly onRequest?: (event: RequestEvent) => Effect.Effect<void>
  /**
   * A failed TLS handshake, with node's error code: an API server whose caBundle does not
   * verify the served certificate hangs up with an alert (`ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE`
   * from Go's TLS stack), the first sign of a stale caBundle (peers' most common pain, P5).
   */
  readonly onTlsError?: (code: string) => Effect.Effect<void>
}

export interface Listening {
  readonly port: number
  readonly reload: (tls: Certificates.Pair) => Effect.Effect<void, AdmissionServerError>
}

interface Reply {
  readonly status: number
  readonly outcome: Outcome
  readonly body: string
  readonly json?: boolean
  readonly close?: boolean
}

const text = (status: number, outcome: Outcome, message: string): Reply => ({ status, outcome, body: `${message}\n` })

const pathOf = (url: string | undefined): string => (url ?? "/").split("?")[0] ?? "/"

const certificateError = (message: string) => new AdmissionServerError({ reason: "Certificate", message })

/** node's error code only: its messages can quote the PEM it could not read. */
const codeOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : "unknown error"

const unloadable = (error: unknown) => certificateError(`the serving certificate cannot be loaded (${codeOf(error)})`)

/** The pair must parse and belong together; node's own errors could quote PEM, so only a fixed message is kept. */
const checkPair = (tls: Certificates.Pair): Effect.Effect<void, AdmissionServerError> =>
  Certificates.keyMatches(tls.cert, tls.key).pipe(
    Effect.mapError((error) => certificateError(`the serving certificate cannot be used: ${error.message}`)),
    Effect.flatMap((matches) => matches ? Effect.void : Effect.fail(certificateError("the serving key does not belong to the certificate")))
  )

const secureOptions = (tls: Certificates.Pair) => ({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" as const, ALPNProtocols: ["http/1.1"] })

/** controller-runtime's answer to a request it could not read (see the module comment). */
const unreadable = (outcome: Outcome, code: number, message: string): Reply =>
  ({ status: 200, outcome, body: JSON.stringify(Admission.unreadable(code, message)), json: true })

const fromRejection = (rejection: Body.Rejection): Reply => {
  switch (rejection._tag) {
    case "TooLarge":
      return unreadable("too-large", 413, `request entity is too large; limit is ${rejection.limit} bytes`)
    case "Malformed":
    case "Unsupported":
      return unreadable("bad-request", 400, rejection.message)
  }
}

/** What controller-runtime says of a Content-Type it does not take; a header is echoed up to 100 characters. */
const unsupportedType = (contentType: string | undefined): Reply =>
  unreadable("unsupported-media-type", 400, `contentType=${Admission.truncate(contentType ?? "", 100)}, expected application/json`)

/** The handler's answer, or a 500 that the failurePolicy decides about; failures are logged here, at the edge. */
const runHandler = <R>(handler: Handler<R>, decoded: Body.Decoded, budget: Duration.Input, path: string) =>
  Effect.gen(function*() {
    const { request, version } = decoded
    const exit = yield* Effect.exit(Effect.timeoutOption(Effect.suspend(() => handler(request, { bytes: decoded.bytes })), budget))
    const log = Effect.annotateLogs({ path, uid: request.uid, operation: request.operation, kind: request.kind.kind })
    if (Exit.isFailure(exit)) {
      yield* Effect.logError("Admission handler failed").pipe(log, Effect.annotateLogs({ cause: Cause.pretty(exit.cause) }))
      return text(500, "handler-error", "the admission handler failed")
    }
    if (Option.isNone(exit.value)) {
      yield* Effect.logWarning("Admission handler exceeded its time budget").pipe(log)
      return text(500, "timeout", `the admission handler did not answer within ${Duration.format(Duration.fromInputUnsafe(budget))}`)
    }
    const response = { ...exit.value.value, uid: request.uid }
    const bounded = response.warnings === undefined ? response : { ...response, warnings: Admission.boundWarnings(response.warnings) }
    return { status: 200, outcome: response.allowed ? "allowed" : "denied", body: JSON.stringify(Admission.review(bounded, version)), json: true } satisfies Reply
  })

/** An answer given before the body was read: the body is drained, or the connection closed when it is far too large. */
const refuse = (req: IncomingMessage, limit: number, reply: Reply) =>
  Effect.sync((): Reply => {
    if (Body.declaredLength(req) > limit * Body.drainFactor) return { ...reply, close: true }
    Body.drain(req, limit, 0)
    return reply
  })

const answer = <R>(options: Options<R>, req: IncomingMessage, limit: number, budget: Duration.Input) =>
  Effect.gen(function*() {
    const path = pathOf(req.url)
    const handler = Object.hasOwn(options.routes, path) ? options.routes[path] : undefined
    if (handler === undefined) return [unmatchedPath, yield* refuse(req, limit, text(404, "not-found", "no admission webhook is served at this path"))] as const
    // controller-runtime's order: the body (empty, too large), then its type, then the review
    if (Body.declaredLength(req) > limit) return [path, yield* refuse(req, limit, fromRejection({ _tag: "TooLarge", limit }))] as const
    const body = yield* Effect.result(Body.read(req, limit))
    if (body._tag === "Failure") return [path, fromRejection(body.failure)] as const
    if (body.success.length === 0) return [path, fromRejection(Body.malformed("request body is empty"))] as const
    const contentType = req.headers["content-type"]
    if (!Body.isJson(contentType)) return [path, unsupportedType(contentType)] as const
    const request = yield* Effect.result(Body.decode(body.success))
    if (request._tag === "Failure") return [path, fromRejection(request.failure)] as const
    return [path, yield* runHandler(handler, request.success, budget, path)] as const
  })

/** Writes the answer; false when the client hung up before it could be written. */
const write = (res: ServerResponse, reply: Reply) =>
  Effect.sync((): boolean => {
    if (res.destroyed || res.headersSent) return false
    res.writeHead(reply.status, {
      "content-type": reply.json === true ? "application/json" : "text/plain; charset=utf-8",
      "content-length": String(Buffer.byteLength(reply.body)),
      "cache-control": "no-store",
      ...(reply.close === true ? { connection: "close" } : {})
    })
    res.end(reply.body)
    // a client that does not read its answer keeps neither the connection nor the answer's memory
    if (!res.writableFinished) {
      const stalled = setTimeout(() => res.destroy(), Duration.toMillis(writeTimeout))
      res.once("close", () => clearTimeout(stalled))
    }
    return true
  })

const serveRequest = <R>(options: Options<R>, req: IncomingMessage, res: ServerResponse) =>
  Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    const limit = options.maxBodyBytes ?? defaultMaxBodyBytes
    const [path, reply] = yield* answer(options, req, limit, options.timeBudget ?? defaultTimeBudget)
    const written = yield* write(res, reply)
    if (reply.outcome !== "allowed" && reply.outcome !== "denied" && reply.status !== 500) {
      yield* Effect.logDebug("Refused admission request").pipe(Effect.annotateLogs({ path, status: reply.status, reason: reply.body.trim() }))
    }
    const durationMs = (yield* Clock.currentTimeMillis) - started
    if (options.onRequest !== undefined) yield* options.onRequest({ path, status: reply.status, outcome: written ? reply.outcome : "aborted", durationMs })
  })

const tlsError = <R>(options: Options<R>, error: unknown) =>
  Effect.gen(function*() {
    const code = codeOf(error)
    yield* Effect.logWarning("TLS handshake with an admission client failed").pipe(Effect.annotateLogs({ code }))
    if (options.onTlsError !== undefined) yield* options.onTlsError(code)
  })

const listen = (server: Server, host: string | undefined, port: number) =>
  Effect.callback<number, AdmissionServerError>((resume) => {
    const onError = (error: Error) =>
      resume(Effect.fail(new AdmissionServerError({ reason: "Listen", message: `cannot listen on ${host ?? ""}:${port}: ${error.message}` })))
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      const address = server.address()
      resume(typeof address === "object" && address !== null
        ? Effect.succeed((address satisfies AddressInfo).port)
        : Effect.fail(new AdmissionServerError({ reason: "Listen", message: `no TCP address after listening on ${host ?? ""}:${port}` })))
    })
  })

const create = (tls: Certificates.Pair, timeouts: Options["clientTimeouts"]): Effect.Effect<Server, AdmissionServerError> =>
  Effect.try({
    try: () => {
      const headers = Duration.toMillis(Duration.fromInputUnsafe(timeouts?.headers ?? headersTimeout))
      const request = Duration.toMillis(Duration.fromInputUnsafe(timeouts?.request ?? requestTimeout))
      const connectionsCheckingInterval = Math.max(1, Math.min(Duration.toMillis(timeoutCheckInterval), Math.floor(headers / 2)))
      // a stalled TLS handshake is cut off with the headers' timeout (node's default is 120 s)
      const server = createServer({ ...secureOptions(tls), connectionsCheckingInterval, handshakeTimeout: headers })
      server.keepAliveTimeout = Duration.toMillis(keepAliveTimeout)
      server.headersTimeout = headers
      server.requestTimeout = request
      return server
    },
    catch: unloadable
  })

const close = (server: Server) =>
  Effect.callback<void>((resume) => {
    server.close(() => resume(Effect.void))
    server.closeAllConnections()
  })

/** Listen on `host:port` until the scope closes; see the module comment for what is answered how. */
export const serve: <R = never>(options: Options<R>) => Effect.Effect<Listening, AdmissionServerError, Scope.Scope | R> =
  Effect.fn("AdmissionServer.serve")(function*<R>(options: Options<R>) {
    yield* checkPair(options.tls)
    const run = yield* FiberSet.makeRuntime<R, void, never>()
    const server = yield* create(options.tls, options.clientTimeouts)
    server.on("request", (req: IncomingMessage, res: ServerResponse) => void run(serveRequest(options, req, res)))
    server.on("tlsClientError", (error: Error) => void run(tlsError(options, error)))
    const port = yield* Effect.acquireRelease(listen(server, options.host, options.port), () => close(server))
    const reload = Effect.fn("AdmissionServer.reload")(function*(tls: Certificates.Pair) {
      yield* checkPair(tls)
      yield* Effect.try({
        try: () => server.setSecureContext(secureOptions(tls)),
        catch: unloadable
      })
    })
    return { port, reload } satisfies Listening
  })
