/**
 * One HTTP exchange with the API server over `node:https` (or `node:http`), and the one
 * place where what went wrong on the wire becomes a `KubeError`: a status with its
 * Status body, a connection that failed or broke, a body that is too large.
 * Request bodies never appear in errors (they can hold Secret data).
 */
import type * as http from "node:http"
import { Effect, Option, Result, Schema, type Scope, Stream } from "effect"
import { fieldManager } from "../KubeClient.ts"
import { KubeError, reasonFor } from "../KubeError.ts"
import type { Endpoint } from "./config.ts"

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

export interface Request {
  readonly method: Method
  /** The API path without the server's own prefix, e.g. `/api/v1/namespaces/a/pods`. */
  readonly path: string
  readonly query?: URLSearchParams | undefined
  readonly accept?: string | undefined
  readonly contentType?: string | undefined
  readonly body?: string | undefined
}

export interface Response {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

/** What an error says was attempted: method and path, never the query's values or the body. */
export const operationOf = (request: Request): string => `${request.method} ${request.path}`

const urlOf = (server: URL, request: Request): URL => {
  const url = new URL(server.href)
  url.pathname = `${server.pathname.replace(/\/+$/, "")}${request.path}`
  url.search = request.query === undefined ? "" : request.query.toString()
  return url
}

/** Node's codes for a server certificate the configured CA does not vouch for. */
const untrusted = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_SIGNATURE_FAILURE"
])

/** The connection failed its TLS check of the server's certificate (not: the server did not answer). */
export const untrustedMessage = "the API server's certificate is not signed by the kubeconfig's certificate authority (x509: certificate signed by unknown authority)"

const describeCause = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  const code = "code" in cause && typeof cause.code === "string" ? cause.code : undefined
  // Node's own text suggests a Node flag, which is no advice for a kubeconfig's user
  if (code !== undefined && untrusted.has(code)) return `${code}: ${untrustedMessage}`
  return `${code === undefined ? "" : `${code}: `}${cause.message}`
}

/** Refused, reset, DNS, TLS: no (complete) answer from the server. */
export const connectionError = (operation: string, cause: unknown): KubeError =>
  new KubeError({ reason: "Unavailable", operation, message: describeCause(cause), status: 0 })

export const protocolError = (operation: string, message: string): KubeError =>
  new KubeError({ reason: "Protocol", operation, message, status: 0 })

const StatusBody = Schema.Struct({
  kind: Schema.optionalKey(Schema.String),
  message: Schema.optionalKey(Schema.String),
  reason: Schema.optionalKey(Schema.String),
  code: Schema.optionalKey(Schema.Number),
  details: Schema.optionalKey(Schema.Struct({ retryAfterSeconds: Schema.optionalKey(Schema.Number) }))
})
export type StatusBody = typeof StatusBody.Type

const decodeStatus = Schema.decodeUnknownOption(Schema.fromJsonString(StatusBody))

/** A bound on what an error quotes of a body that is not a Status (an HTML page of a proxy). */
const maxQuotedBody = 200

const retryAfterOf = (headers: http.IncomingHttpHeaders, status: Option.Option<StatusBody>): number | undefined => {
  const header = headers["retry-after"]
  const seconds = header === undefined ? Number.NaN : Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds
  return Option.getOrUndefined(status)?.details?.retryAfterSeconds
}

/** A non-2xx answer; the Status message is kept verbatim. */
export const statusError = (operation: string, response: Response): KubeError => {
  const status = decodeStatus(response.body)
  const body = Option.getOrUndefined(status)
  const message = body?.message ?? (response.body.trim().slice(0, maxQuotedBody) || `HTTP ${response.status}`)
  const retryAfterSeconds = retryAfterOf(response.headers, status)
  return new KubeError({
    reason: reasonFor(response.status, body?.reason),
    operation,
    message,
    status: response.status,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds })
  })
}

/** An ERROR event of a watch carries a Status object instead of a resource. */
export const statusObjectError = (operation: string, object: unknown): KubeError => {
  const body = Option.getOrUndefined(Schema.decodeUnknownOption(StatusBody)(object))
  const code = body?.code ?? 0
  return new KubeError({
    reason: code === 0 ? "Unknown" : reasonFor(code, body?.reason),
    operation,
    message: body?.message ?? "watch error event without a message",
    status: code
  })
}

const requestHeaders = (auth: Readonly<Record<string, string>>, request: Request): Record<string, string> => {
  const headers: Record<string, string> = { ...auth, Accept: request.accept ?? "application/json" }
  // What the API server's audit log shows as the client (read here: KubeClient imports this module).
  headers["User-Agent"] = fieldManager
  if (request.contentType !== undefined) headers["Content-Type"] = request.contentType
  if (request.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(request.body))
  return headers
}

type Exchange = { readonly req: http.ClientRequest; readonly res: http.IncomingMessage }

/**
 * Starts the request; `resume` hears the response headers or a connection failure. Node
 * throws at once on what cannot be sent (a header with a newline from a bad token file).
 */
const start = (
  endpoint: Endpoint,
  request: Request,
  headers: Record<string, string>,
  resume: (effect: Effect.Effect<Exchange, KubeError>) => void
): Result.Result<http.ClientRequest, KubeError> => {
  const operation = operationOf(request)
  return Result.try({
    try: () => {
      const options = { method: request.method, agent: endpoint.agent, headers }
      const req = endpoint.transport(urlOf(endpoint.server, request), options, (res) => {
        // Errors after the headers surface through the body's iterator; this listener only
        // keeps an unobserved one from becoming an uncaught exception.
        res.on("error", () => undefined)
        resume(Effect.succeed({ req, res }))
      })
      req.on("error", (cause) => resume(Effect.fail(connectionError(operation, cause))))
      req.end(request.body)
      return req
    },
    catch: (cause) =>
      new KubeError({ reason: "BadRequest", operation, message: `not sent: ${describeCause(cause)}`, status: 0 })
  })
}

/**
 * Sends the request and succeeds with the response once its headers arrive. The scope owns
 * the exchange: closing it before the body was read to its end destroys the socket, so an
 * interrupted call leaves nothing open; a fully read body returns the socket to the pool.
 */
export const open = (endpoint: Endpoint, request: Request): Effect.Effect<http.IncomingMessage, KubeError, Scope.Scope> =>
  Effect.flatMap(endpoint.headers, (auth) => {
    const exchange = Effect.callback<Exchange, KubeError>((resume) => {
      const started = start(endpoint, request, requestHeaders(auth, request), resume)
      if (Result.isFailure(started)) return resume(Effect.fail(started.failure))
      return Effect.sync(() => started.success.destroy())
    })
    return Effect.acquireRelease(
      exchange,
      ({ req, res }) => Effect.sync(() => (res.complete ? undefined : req.destroy())),
      { interruptible: true }
    ).pipe(Effect.map(({ res }) => res))
  })

/** The body as bytes; a broken connection fails with reason Unavailable. */
export const bodyStream = (response: http.IncomingMessage, operation: string): Stream.Stream<Uint8Array, KubeError> =>
  Stream.fromAsyncIterable<Uint8Array, KubeError>(response, (cause) => connectionError(operation, cause))

/** Reads a whole body, up to `maxBytes` (a bound against a runaway response). */
export const readBody = (
  response: http.IncomingMessage,
  operation: string,
  maxBytes: number
): Effect.Effect<string, KubeError> =>
  bodyStream(response, operation).pipe(
    Stream.runFoldEffect(
      () => ({ size: 0, chunks: new Array<Uint8Array>() }),
      (acc, chunk) => {
        const size = acc.size + chunk.byteLength
        if (size > maxBytes) return Effect.fail(protocolError(operation, `response larger than ${maxBytes} bytes`))
        acc.chunks.push(chunk)
        return Effect.succeed({ size, chunks: acc.chunks })
      }
    ),
    Effect.map(({ chunks }) => Buffer.concat(chunks).toString("utf8"))
  )

/** One complete exchange: status, headers and the whole body, whatever the status. */
export const send = (endpoint: Endpoint, request: Request, maxBytes: number): Effect.Effect<Response, KubeError> =>
  Effect.scoped(
    Effect.gen(function*() {
      const res = yield* open(endpoint, request)
      const body = yield* readBody(res, operationOf(request), maxBytes)
      return { status: res.statusCode ?? 0, headers: res.headers, body }
    })
  )

export const isSuccess = (status: number): boolean => status >= 200 && status < 300
