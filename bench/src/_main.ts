/**
 * Shared by the operator benchmarks: running an Effect program as a script (SIGINT,
 * SIGTERM and SIGHUP interrupt it, so every process its scope started is stopped and the
 * control plane's work directory removed), the `BENCH_*` settings, percentiles and the
 * formatting of figures. Benchmarks print figures; they never assert timings.
 */
import { Cause, Effect, Exit, Fiber } from "effect"

/** Runs `program`; a failure is printed and sets exit code 1, a signal interrupts it. */
export const runMain = <A, E>(program: Effect.Effect<A, E>): void => {
  const fiber = Effect.runFork(program)
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const
  const stop = () => void Effect.runFork(Fiber.interrupt(fiber))
  for (const signal of signals) process.once(signal, stop)
  fiber.addObserver((exit) => {
    for (const signal of signals) process.off(signal, stop)
    if (Exit.isFailure(exit)) {
      console.error(Cause.hasInterruptsOnly(exit.cause) ? "interrupted" : Cause.pretty(exit.cause))
      process.exitCode = 1
    }
  })
}

/** A positive number from the environment, or `fallback`. */
export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: expected a positive number`)
  return value
}

export const envString = (name: string, fallback: string): string => {
  const raw = process.env[name]
  return raw === undefined || raw.trim() === "" ? fallback : raw.trim()
}

export interface Summary {
  readonly count: number
  readonly min: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
  readonly mean: number
}

/** Nearest-rank percentiles: p99 of 100 samples is the 99th smallest, not an interpolation. */
export const summarize = (values: ReadonlyArray<number>): Summary => {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length)
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean
  }
}

export const ms = (value: number): string => `${value.toFixed(1)} ms`

export const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MiB`

export const seconds = (millis: number): string => `${(millis / 1000).toFixed(1)} s`

/** A console line prefixed with the elapsed time, for the progress of long runs. */
export const progress = (started: number) => (message: string) =>
  Effect.sync(() => console.log(`[${seconds(performance.now() - started).padStart(7)}] ${message}`))

/** Rows as a fixed-width table: the first column left-aligned, the others right-aligned. */
export const table = (rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = rows.reduce<Array<number>>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [])
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ")).join("\n")
}
