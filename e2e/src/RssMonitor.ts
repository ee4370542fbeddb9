/**
 * Samples the resident memory of the running control-plane processes from /proc and keeps
 * the peak of their sum: the figure that says how much RAM a test run needs. Linux only;
 * elsewhere it reports nothing.
 */
import { readFileSync } from "node:fs"
import { Effect, Ref, Schedule } from "effect"
import * as Component from "./Component.ts"

export interface Peak {
  readonly totalBytes: number
  readonly perComponent: Readonly<Record<string, number>>
}

const rssBytes = (pid: number) =>
  Effect.try(() => readFileSync(`/proc/${pid}/status`, "utf8")).pipe(
    Effect.map((status) => Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? "0") * 1024),
    // The process may exit between listing and reading; it then uses no memory.
    Effect.orElseSucceed(() => 0)
  )

export const sample = Effect.gen(function*() {
  const perComponent: Record<string, number> = {}
  let totalBytes = 0
  for (const [pid, name] of Component.liveComponents()) {
    const bytes = yield* rssBytes(pid)
    perComponent[name] = bytes
    totalBytes += bytes
  }
  const peak: Peak = { totalBytes, perComponent }
  return peak
})

/** Starts sampling every 500 ms for the life of the scope; read the peak through the Ref. */
export const start = Effect.gen(function*() {
  const peak = yield* Ref.make<Peak>({ totalBytes: 0, perComponent: {} })
  const tick = sample.pipe(
    Effect.flatMap((now) => Ref.update(peak, (max) => (now.totalBytes > max.totalBytes ? now : max)))
  )
  yield* tick.pipe(Effect.repeat(Schedule.spaced("500 millis")), Effect.forkScoped)
  return peak
})

export const formatMiB = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`

export const format = (peak: Peak): string =>
  `${formatMiB(peak.totalBytes)} (` +
  Object.entries(peak.perComponent).map(([name, bytes]) => `${name} ${formatMiB(bytes)}`).join(", ") + ")"
