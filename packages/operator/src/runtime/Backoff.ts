/**
 * The per-key retry delay of the work queue: client-go's ItemExponentialFailureRateLimiter
 * with controller-runtime's defaults (5 ms, doubling per consecutive failure, at most
 * 1000 s). A pure function of the failure count and one random number, so the schedule is
 * table-testable and the queue draws the randomness from Effect's `Random`.
 *
 * Jitter is downward (`delay * (1 - jitter * random)`): keys that failed together (an API
 * server outage fails every reconcile at once) spread out instead of retrying in lockstep,
 * and the documented cap is never exceeded.
 */
import { Duration } from "effect"

export interface Options {
  /** Delay after the first failure (default 5 ms). */
  readonly base?: Duration.Input | undefined
  /** Upper bound of any delay (default 1000 s). */
  readonly max?: Duration.Input | undefined
  /** Fraction in [0, 1] taken off at random (default 0.1); 0 makes the schedule exact. */
  readonly jitter?: number | undefined
}

export const defaultBase: Duration.Duration = Duration.millis(5)
export const defaultMax: Duration.Duration = Duration.seconds(1000)
export const defaultJitter = 0.1

/**
 * Failures beyond this exponent are all at the cap; bounding the exponent keeps
 * `2 ** failures` finite whatever the count.
 */
const maxExponent = 64

/**
 * The delay before retry number `failures + 1` (`failures` = consecutive failures before
 * this one, 0 for the first). `random` is a number in [0, 1).
 */
export const delay = (options: Options, failures: number, random: number): Duration.Duration => {
  const base = Duration.toMillis(Duration.fromInputUnsafe(options.base ?? defaultBase))
  const max = Duration.toMillis(Duration.fromInputUnsafe(options.max ?? defaultMax))
  const jitter = Math.min(1, Math.max(0, options.jitter ?? defaultJitter))
  const exponent = Math.min(Math.max(0, Math.floor(failures)), maxExponent)
  const exact = Math.min(base * 2 ** exponent, max)
  const unit = Math.min(1, Math.max(0, random))
  return Duration.millis(exact * (1 - jitter * unit))
}
