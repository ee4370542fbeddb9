/**
 * One API call as the live client makes it: each attempt bounded by a deadline and reported
 * to the `observe` hook, a 401 answered by re-reading the credentials once, and the retry
 * policy of `retry.ts` around it all. Watches share the opening (deadline, hook, retries)
 * and then hand the open response to the stream.
 */
import type * as http from "node:http"
import { Clock, Duration, Effect, Exit, Option, type Scope } from "effect"
import type { ApiResource } from "../ApiResource.ts"
import { KubeError } from "../KubeError.ts"
import type { Endpoint } from "./config.ts"
import { isSuccess, open, operationOf, readBody, type Request, type Response, send, statusError } from "./http.ts"
import * as Retry from "./retry.ts"

/** The Kubernetes verb of a call, as the API server's audit log and metrics name it. */
export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "apply" | "delete"

/** What `observe` hears after each HTTP attempt (a retried call is several). */
export interface RequestEvent {
  readonly verb: Verb
  readonly resource: ApiResource
  readonly namespace?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
  /** HTTP status; 0 when no response arrived (connection failure, deadline). */
  readonly status: number
  /** Until the whole body was read; for a watch, until its response headers arrived. */
  readonly durationMs: number
}

export interface CallOptions {
  /** Deadline of each attempt of a non-watch call, and of a watch's response headers. */
  readonly timeout: Duration.Duration
  readonly retry?: Retry.RetryOptions | undefined
  /** A bound on a response body (a list of a big cluster is the largest). */
  readonly maxResponseBytes: number
  readonly observe?: ((event: RequestEvent) => Effect.Effect<void>) | undefined
}

export interface Call {
  readonly verb: Verb
  readonly resource: ApiResource
  readonly namespace?: string | undefined
  readonly name?: string | undefined
  readonly subresource?: string | undefined
  readonly request: Request
}

const isRead = (verb: Verb): boolean => verb === "get" || verb === "list" || verb === "watch"

const timeoutError = (operation: string, timeout: Duration.Duration): KubeError =>
  new KubeError({
    reason: "Timeout",
    operation,
    message: `no response within ${Duration.format(timeout)}`,
    status: 0
  })

export interface Caller {
  /** Succeeds with a 2xx response; a non-2xx is a KubeError with the Status' reason and message. */
  readonly perform: (call: Call) => Effect.Effect<Response, KubeError>
  /** A 2xx response whose body is still to be read; the scope owns the connection. */
  readonly openStream: (call: Call) => Effect.Effect<http.IncomingMessage, KubeError, Scope.Scope>
}

const statusOfExit = <A>(exit: Exit.Exit<A, KubeError>, statusOf: (a: A) => number): number =>
  Exit.isSuccess(exit)
    ? statusOf(exit.value)
    : Option.match(Exit.findErrorOption(exit), { onNone: () => 0, onSome: (e) => e.status })

/** Runs one attempt and tells `observe` how it went. */
const observed = <A, R>(options: CallOptions, call: Call, statusOf: (a: A) => number) =>
(self: Effect.Effect<A, KubeError, R>): Effect.Effect<A, KubeError, R> => {
  const observe = options.observe
  if (observe === undefined) return self
  return Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const exit = yield* Effect.exit(self)
    const end = yield* Clock.currentTimeMillis
    yield* observe({
      verb: call.verb,
      resource: call.resource,
      namespace: call.namespace,
      name: call.name,
      subresource: call.subresource,
      status: statusOfExit(exit, statusOf),
      durationMs: end - start
    })
    return yield* exit
  })
}

const deadline = <A, R>(options: CallOptions, operation: string, self: Effect.Effect<A, KubeError, R>) =>
  Effect.timeoutOrElse(self, { duration: options.timeout, orElse: () => Effect.fail(timeoutError(operation, options.timeout)) })

/** Around all attempts: a 401 re-reads the credentials once (a rotated token), then the retry policy. */
const retried = <A, R>(endpoint: Endpoint, options: CallOptions, call: Call, self: Effect.Effect<A, KubeError, R>) =>
  Effect.catchIf(self, (e) => e.status === 401, () => Effect.andThen(endpoint.refreshHeaders, self)).pipe(
    Effect.retry(Retry.schedule(options.retry, isRead(call.verb)))
  )

const attempt = (endpoint: Endpoint, options: CallOptions, call: Call): Effect.Effect<Response, KubeError> => {
  const operation = operationOf(call.request)
  return deadline(options, operation, send(endpoint, call.request, options.maxResponseBytes)).pipe(
    observed(options, call, (response: Response) => response.status),
    Effect.flatMap((response) =>
      isSuccess(response.status) ? Effect.succeed(response) : Effect.fail(statusError(operation, response))
    )
  )
}

const openAttempt = (
  endpoint: Endpoint,
  options: CallOptions,
  call: Call
): Effect.Effect<http.IncomingMessage, KubeError, Scope.Scope> => {
  const operation = operationOf(call.request)
  return Effect.gen(function*() {
    const response = yield* deadline(options, operation, open(endpoint, call.request)).pipe(
      observed(options, call, (response: http.IncomingMessage) => response.statusCode ?? 0)
    )
    const status = response.statusCode ?? 0
    if (isSuccess(status)) return response
    const body = yield* deadline(options, operation, readBody(response, operation, options.maxResponseBytes))
    return yield* statusError(operation, { status, headers: response.headers, body })
  })
}

export const makeCaller = (endpoint: Endpoint, options: CallOptions): Caller => ({
  perform: (call) => retried(endpoint, options, call, attempt(endpoint, options, call)),
  openStream: (call) => retried(endpoint, options, call, openAttempt(endpoint, options, call))
})
