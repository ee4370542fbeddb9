/**
 * Readiness probes for the components: plain HTTP for etcd, mutual TLS for the apiserver,
 * polled on a fixed schedule until they answer 200 or a deadline passes.
 */
import { request as httpRequest } from "node:http"
import { request as httpsRequest } from "node:https"
import { Duration, Effect, Schedule } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"

export interface Tls {
  readonly ca: string
  readonly cert: string
  readonly key: string
}

export interface Response {
  readonly status: number
  readonly body: string
}

/** One GET; connection errors are failures (the caller retries), HTTP errors are values. */
export const get = (url: string, tls?: Tls) =>
  Effect.callback<Response, ControlPlaneError>((resume, signal) => {
    const target = new URL(url)
    const options = { method: "GET", signal, ...(tls === undefined ? {} : tls) }
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(target, options, (res) => {
      let body = ""
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk))
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body })))
    })
    request.on("error", (error) => resume(Effect.fail(new ControlPlaneError({ step: url, message: error.message }))))
    request.end()
  })

/** Polls `check` every 200 ms until it succeeds; fails with `what` after `timeout`. */
export const until = <A, E, R>(what: string, timeout: Duration.Input, check: Effect.Effect<A, E, R>) =>
  check.pipe(
    Effect.retry(Schedule.spaced("200 millis")),
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () =>
        Effect.fail(new ControlPlaneError({
          step: what,
          message: `not ready after ${Duration.format(Duration.fromInputUnsafe(timeout))}`
        }))
    })
  )

/** Succeeds when GET `url` answers 200. */
export const ok = (url: string, tls?: Tls) =>
  get(url, tls).pipe(
    Effect.flatMap((res) =>
      res.status === 200
        ? Effect.succeed(res.body)
        : Effect.fail(new ControlPlaneError({ step: url, message: `HTTP ${res.status}: ${res.body.slice(0, 200)}` }))
    )
  )
