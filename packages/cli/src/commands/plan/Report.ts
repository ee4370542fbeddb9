/**
 * The plan as text (people, PR comments) and JSON (`-o json`, tools). Workloads come
 * sorted by namespace, kind and name, targets in the CR's order and quotas by namespace
 * and name, so the same cluster and CR give the same bytes.
 */
import { printableData } from "../../Printable.ts"
import * as Style from "../../Style.ts"
import type * as Evaluate from "./Evaluate.ts"
import * as Quota from "./Quota.ts"
import * as Quantity from "./Quantity.ts"
import * as Resources from "./Resources.ts"
import * as Workloads from "./Workloads.ts"

export interface Header {
  /** The file the new CR comes from. */
  readonly file: string
  readonly name: string
  /** Whether a WhatapAgent of that name is in the cluster now. */
  readonly current: boolean
  /** The file's CR opts in to the rollout restart (B3), at most this many at once; undefined: it does not. */
  readonly rolloutRestart?: { readonly maxConcurrent: number } | undefined
}

const restartedKinds: ReadonlyArray<string> = ["Deployment", "StatefulSet", "DaemonSet"]

/**
 * The changed workloads the opt-in rollout restart would restart once the CR is applied: a
 * Deployment, StatefulSet or DaemonSet newly matched, or matched with another language or
 * agent version (what its pods' annotations show); not those no longer matched, nor Jobs.
 */
export const restarts = (plan: Evaluate.Plan): ReadonlyArray<string> =>
  plan.changes.filter((c) =>
    restartedKinds.includes(c.workload.kind) && c.workload.pods > 0 && c.after.injected &&
    (c.change === "matched" || c.after.language !== c.before.language || c.after.version !== c.before.version)
  ).map((c) => Workloads.label(c.workload))

const restartLines = (header: Header, plan: Evaluate.Plan): ReadonlyArray<string> => {
  if (header.rolloutRestart === undefined) return []
  const listed = restarts(plan)
  return listed.length === 0
    ? []
    : [
      `rollout restart (on, at most ${header.rolloutRestart.maxConcurrent} at once): once the CR is applied the operator would restart ${plural(listed.length, "workload")} (paused or OnDelete ones excepted, and only where the chart value rolloutRestart.enabled grants it):`,
      ...listed.map((l) => `  ${l}`)
    ]
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

export const sideText = (s: Evaluate.Side): string =>
  s.injected
    ? `injected by target ${s.target ?? ""} (${s.language ?? ""} ${s.version ?? ""})`
    : `not injected (${s.reason ?? ""}${s.target === undefined ? "" : `, target ${s.target}`})`

const marks: Readonly<Record<Evaluate.Kind, string>> = { matched: "+", unmatched: "-", changed: "~" }

const changeLines = (c: Evaluate.Change, palette: Style.Palette): ReadonlyArray<string> => {
  const paint = c.change === "matched" ? palette.green : c.change === "unmatched" ? palette.red : palette.yellow
  const head = `  ${paint(`${marks[c.change]} ${Workloads.label(c.workload)}`)} (${plural(c.workload.pods, "pod")}): ${sideText(c.after)}; was ${sideText(c.before)}`
  const perPod = Resources.describe(c.perPod)
  return perPod === "" ? [head] : [head, `      per pod: ${perPod}`]
}

const targetLine = (t: Evaluate.TargetUse, palette: Style.Palette): string => {
  const id = `  ${String(t.index + 1).padStart(2)} ${t.name}`
  if (!t.enabled) return `${id}: disabled`
  const applies = t.applies.length === 0 ? "applies to no workload" : `applies to ${plural(t.applies.length, "workload")}`
  if (t.shadowed.length === 0) return `${id}: ${applies}`
  const shadowed = t.shadowed.map((s) => `${s.workload} (by ${s.by})`).join(", ")
  return `${id}: ${applies}; ${palette.yellow("shadowed")} for ${shadowed}: an earlier target matched first`
}

const quotaLines = (result: Quota.Result, palette: Style.Palette): ReadonlyArray<string> => [
  ...result.checks.map((c) =>
    `  ${c.namespace}/${c.quota} ${c.resource}: used ${c.used} ${c.added} = ${c.after} of ${c.hard}: ${c.exceeds ? palette.red("exceeds the quota") : "fits"}`),
  ...result.refusals.map((r) =>
    `  ${r.namespace}/${r.quota} ${r.resource}: ${palette.red("pods refused")}: ${r.workload}: container ${r.containers.join(", ")} sets no ${r.resource} (give the target initContainerResources)`)
]

/** The plan for a terminal: names, targets and messages from the CR and the cluster with their control characters escaped, never raw. */
export const text = (header: Header, plan: Evaluate.Plan, quotas: Quota.Result, palette: Style.Palette): string =>
  styled(printableData(header), printableData(plan), printableData(quotas), palette)

const styled = (header: Header, plan: Evaluate.Plan, quotas: Quota.Result, palette: Style.Palette): string => {
  const current = header.current ? `the cluster's WhatapAgent/${header.name}` : `no WhatapAgent/${header.name} in the cluster`
  const lines = [
    palette.bold(`plan: WhatapAgent/${header.name} of ${header.file} against ${current}`),
    `workloads: ${plural(plan.workloads, "workload")} evaluated: ${plural(plan.changes.length, "change")}, ${plan.unchanged} unchanged`,
    ...plan.changes.flatMap((c) => changeLines(c, palette)),
    ...restartLines(header, plan),
    ...(plan.targets.length === 0 ? [] : ["targets (first match wins):", ...plan.targets.map((t) => targetLine(t, palette))]),
    ...(quotas.checks.length + quotas.refusals.length === 0 ? [] : ["resource quotas (once every pod of the changed workloads is re-created):", ...quotaLines(quotas, palette)])
  ]
  return `${lines.join("\n")}\n`
}

const usageJson = (u: Resources.Usage) =>
  Object.fromEntries(Resources.tracked.filter((k) => !Quantity.isZero(u[k])).map((k) => [k, Quantity.format(u[k], k)]))

export const json = (header: Header, plan: Evaluate.Plan, quotas: Quota.Result): string =>
  `${JSON.stringify({
    agent: header.name,
    file: header.file,
    current: header.current,
    workloads: plan.workloads,
    unchanged: plan.unchanged,
    changes: plan.changes.map((c) => ({
      kind: c.workload.kind,
      namespace: c.workload.namespace,
      name: c.workload.name,
      pods: c.workload.pods,
      change: c.change,
      before: c.before,
      after: c.after,
      perPod: usageJson(c.perPod),
      total: usageJson(c.total)
    })),
    targets: plan.targets,
    rolloutRestart: header.rolloutRestart === undefined
      ? { enabled: false }
      : { enabled: true, maxConcurrent: header.rolloutRestart.maxConcurrent, restarts: restarts(plan) },
    quotas: quotas.checks,
    refusals: quotas.refusals,
    fails: Quota.fails(quotas)
  }, null, 2)}\n`
