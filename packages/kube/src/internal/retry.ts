/**
 * Which failed calls the live client tries again by itself, and how long it waits.
 * A 429 means the server did not process the call, so every verb honours Retry-After; a
 * read is also retried on 5xx and on a connection that failed, with exponential backoff.
 * A write is otherwise not retried: the controller requeues and re-reads current state.
 */
import { Duration, Effect, Schedule } from "effect"
import type { KubeError } from "../KubeError.ts"

export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off (default 4). */
  readonly retries?: number | undefined
  /** First backoff of a read; it doubles with each retry, with jitter (default 200 ms). */
  readonly baseDelay?: Duration.Input | undefined
  /** The cap on each wait, a server's Retry-After included (default 10 s). */
  readonly maxDelay?: Duration.Input | undefined
}

export const defaults = { retries: 4, baseDelay: Duration.millis(200), maxDelay: Duration.seconds(10) } as const

const retriedReadStatus = new Set([500, 502, 503, 504])

/** Whether a failed call may be sent again; `idempotent` for GET and list (and a watch's opening). */
export const isRetriable = (error: KubeError, idempotent: boolean): boolean => {
  if (error.reason === "TooManyRequests") return true
  if (!idempotent) return false
  return retriedReadStatus.has(error.status) || (error.status === 0 && error.reason === "Unavailable")
}

/** The wait before the next attempt: the server's Retry-After on a 429 (capped), else the backoff. */
const delayFor = (error: KubeError, backoff: Duration.Duration, cap: Duration.Duration): Duration.Duration =>
  error.reason === "TooManyRequests" && error.retryAfterSeconds !== undefined
    ? Duration.min(Duration.seconds(error.retryAfterSeconds), cap)
    : backoff

export const schedule = (options: RetryOptions | undefined, idempotent: boolean) => {
  const retries = options?.retries ?? defaults.retries
  const cap = Duration.fromInputUnsafe(options?.maxDelay ?? defaults.maxDelay)
  const backoff = Schedule.min([Schedule.exponential(options?.baseDelay ?? defaults.baseDelay), Schedule.spaced(cap)])
  return Schedule.max([Schedule.jittered(backoff), Schedule.recurs(retries)]).pipe(
    Schedule.setInputType<KubeError>(),
    Schedule.while(({ input }) => isRetriable(input, idempotent)),
    Schedule.modifyDelay(({ input, duration }) => Effect.succeed(delayFor(input, duration, cap)))
  )
}
