/**
 * The rollout restart's words (`Restarts.ts`): the RolloutRestart condition's message, its
 * Events and the halt for a refused call. Lists are cut at five names, so a message stays
 * short however many workloads wait.
 */
import type { Group } from "./RolloutReads.ts"

export const shown = (items: ReadonlyArray<string>, max = 5): string =>
  items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

/** A denied call: the chart value that grants the restart's ClusterRole is missing. */
export const rbacHalt = (what: string): string =>
  `the operator may not ${what}: install it with the chart value rolloutRestart.enabled=true, which grants that`

/** The Normal Event of a restart: how many of the workload's pods were missed or stale, and which. */
export const restarted = (key: string, group: Group): string => {
  const stale = group.pods.length - group.missed
  const what = [
    ...(group.missed > 0 ? [`${plural(group.missed, "pod was", "pods were")} not instrumented`] : []),
    ...(stale > 0 ? [`${plural(stale, "pod carries", "pods carry")} another language or agent version than the targets give`] : [])
  ].join(", ")
  return `restarted ${key}: ${what} (${shown(group.pods)})`
}

export const unread = (n: number): string => `${plural(n, "workload", "workloads")} could not be read or restarted yet (tried again)`

export interface Summary {
  readonly maxConcurrent: number
  readonly done: number
  readonly rolling: ReadonlyArray<string>
  readonly waiting: ReadonlyArray<string>
  readonly notes: ReadonlyArray<string>
  readonly unrestartable: ReadonlyArray<string>
  /** Restarted and rolled out for this instrumentation, yet some pods still not as the targets say. */
  readonly again: ReadonlyArray<string>
}

/** The condition's message, and whether it says Restarting (something rolls, waits or was not read) rather than Completed. */
export const summary = (s: Summary): { readonly restarting: boolean; readonly message: string } => {
  const tail = [
    ...(s.notes.length > 0 ? [`; ${shown(s.notes)}`] : []),
    ...(s.unrestartable.length > 0 ? [`; not restarted: ${shown([...s.unrestartable].sort())}`] : [])
  ].join("")
  const done = plural(s.done, "workload", "workloads")
  if (s.rolling.length > 0 || s.waiting.length > 0 || s.notes.some((n) => n.endsWith("(tried again)"))) {
    const rolling = s.rolling.length > 0 ? `; rolling: ${shown([...s.rolling].sort())}` : ""
    const queued = s.waiting.length > 0 ? `; waiting: ${shown(s.waiting)}` : ""
    return { restarting: true, message: `restarting workloads whose pods need instrumenting, at most ${s.maxConcurrent} at once: ${done} restarted and rolled out${rolling}${queued}${tail}` }
  }
  const rest = s.again.length === 0 ? "no pod waits for a restart" : `restarted once for it already, not again: ${shown(s.again)}`
  return { restarting: false, message: `${done} restarted and rolled out for this instrumentation; ${rest}${tail}` }
}
