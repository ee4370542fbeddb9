/**
 * What Linux says about a process (the operator): resident memory now and at its peak
 * (`VmRSS`, `VmHWM` of /proc/<pid>/status) and the CPU time it used (utime + stime of
 * /proc/<pid>/stat). Linux only, like the control plane.
 */
import { spawnSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { Effect, Ref, Schedule, type Scope } from "effect"

export interface Memory {
  readonly rssBytes: number
  /** The kernel's high-water mark of the resident set since the process started. */
  readonly hwmBytes: number
}

const kib = (status: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1] ?? "0") * 1024

export const memory = (pid: number): Memory => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return { rssBytes: kib(status, "VmRSS"), hwmBytes: kib(status, "VmHWM") }
}

/** Clock ticks per second of /proc/<pid>/stat's times (`getconf CLK_TCK`, 100 on Linux). */
export const clockTicks = (): number => {
  const answer = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim())
  return Number.isFinite(answer) && answer > 0 ? answer : 100
}

/** User plus system CPU seconds the process has used so far. */
export const cpuSeconds = (pid: number, ticks: number = clockTicks()): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  // utime and stime are fields 14 and 15 of stat(5), so 11 and 12 after the state (field 3).
  return (Number(fields[11]) + Number(fields[12])) / ticks
}

/** Samples VmRSS every `everyMillis` for the life of the scope; the Ref holds the largest seen. */
export const samplePeak = (pid: number, everyMillis = 500): Effect.Effect<Ref.Ref<number>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const peak = yield* Ref.make(0)
    const tick = Effect.try(() => memory(pid).rssBytes).pipe(
      Effect.flatMap((rss) => Ref.update(peak, (max) => Math.max(max, rss))),
      // The process may have exited; the peak so far stays.
      Effect.ignore
    )
    yield* tick.pipe(Effect.repeat(Schedule.spaced(`${everyMillis} millis`)), Effect.forkScoped)
    return peak
  })
