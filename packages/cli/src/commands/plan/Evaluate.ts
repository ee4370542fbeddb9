/**
 * The plan itself, pure: every workload's pod template through the webhook's own
 * `Inject.mutate` twice, with the WhatapAgent in the cluster (before) and the one of the
 * file (after), in its namespace with the namespace's live labels. What differs is the
 * plan: workloads newly matched, no longer matched, or injected differently, with what
 * each of their pods will be charged more (or less) against a ResourceQuota. With the
 * file's CR, `Inject.explain` also tells which targets match a workload but never apply
 * to it because an earlier target matched first (first match wins).
 */
import { Naming, type WhatapAgent } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import { Redacted } from "effect"
import * as Resources from "./Resources.ts"
import * as Workloads from "./Workloads.ts"

export interface Side {
  readonly injected: boolean
  readonly target?: string | undefined
  readonly language?: string | undefined
  readonly version?: string | undefined
  /** Why not, when not injected (an `Inject` reason). */
  readonly reason?: string | undefined
  readonly message?: string | undefined
}

export type Kind = "matched" | "unmatched" | "changed"

export interface Change {
  readonly workload: Workloads.Workload
  readonly change: Kind
  readonly before: Side
  readonly after: Side
  readonly perPod: Resources.Usage
  /** `perPod` times the workload's pods. */
  readonly total: Resources.Usage
  /** The templates as the webhook leaves them, for the quota's per-container rules. */
  readonly beforePod: unknown
  readonly afterPod: unknown
}

export interface TargetUse {
  readonly index: number
  readonly name: string
  readonly enabled: boolean
  /** Workloads (labels) this target is the first match of. */
  readonly applies: ReadonlyArray<string>
  /** Workloads it matches too, and the earlier target that wins each. */
  readonly shadowed: ReadonlyArray<{ readonly workload: string; readonly by: string }>
}

export interface Plan {
  readonly changes: ReadonlyArray<Change>
  readonly unchanged: number
  readonly workloads: number
  readonly targets: ReadonlyArray<TargetUse>
}

export interface Input {
  readonly before: WhatapAgent.WhatapAgent | undefined
  readonly after: WhatapAgent.WhatapAgent | undefined
  readonly namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>
  readonly operatorNamespace: string
  readonly workloads: ReadonlyArray<Workloads.Workload>
}

/** The plan never prints a pod, so no credential is needed: the mutation gets empty ones. */
const credentials: Inject.Credentials = { license: Redacted.make(""), host: "", port: "" }

const contextOf = (input: Input, agent: WhatapAgent.WhatapAgent | undefined, namespace: string): Inject.Context => {
  const labels = input.namespaces.get(namespace)
  return { agent, namespace: labels === undefined ? undefined : { name: namespace, labels }, operatorNamespace: input.operatorNamespace, credentials }
}

const sideOf = (outcome: Inject.Outcome): Side =>
  outcome.injected
    ? { injected: true, target: outcome.target.name, language: outcome.language, version: outcome.version }
    : { injected: false, target: outcome.target?.name, reason: outcome.reason, message: outcome.message }

const kindOf = (before: Inject.Mutated, after: Inject.Mutated): Kind | undefined => {
  if (before.outcome.injected !== after.outcome.injected) return after.outcome.injected ? "matched" : "unmatched"
  return JSON.stringify(before.pod) === JSON.stringify(after.pod) ? undefined : "changed"
}

const compare = (input: Input, workload: Workloads.Workload): Change | undefined => {
  const before = Inject.mutate(workload.template, contextOf(input, input.before, workload.namespace))
  const after = Inject.mutate(workload.template, contextOf(input, input.after, workload.namespace))
  const change = kindOf(before, after)
  if (change === undefined) return undefined
  const perPod = Resources.difference(Resources.usage(after.pod), Resources.usage(before.pod))
  return {
    workload,
    change,
    before: sideOf(before.outcome),
    after: sideOf(after.outcome),
    perPod,
    total: Resources.scale(perPod, workload.pods),
    beforePod: before.pod,
    afterPod: after.pod
  }
}

const isExcluded = (namespace: string, operatorNamespace: string): boolean =>
  namespace === operatorNamespace || Naming.systemNamespaces.includes(namespace)

/** Per target of the file's CR: the workloads it applies to and those where it is shadowed. */
const targetUse = (input: Input, workloads: ReadonlyArray<Workloads.Workload>): ReadonlyArray<TargetUse> => {
  const targets = input.after?.spec.features.apm?.instrumentation?.targets ?? []
  const uses = targets.map((t, index) => ({ index, name: t.name, enabled: t.enabled, applies: new Array<string>(), shadowed: new Array<{ workload: string; by: string }>() }))
  for (const w of workloads) {
    const explained = Inject.explain(w.template, contextOf(input, input.after, w.namespace))
    const winner = explained.targets.find((t) => t.selected)
    for (const t of explained.targets) {
      if (t.verdict._tag !== "Matched") continue
      if (t.selected) uses[t.index]?.applies.push(Workloads.label(w))
      else uses[t.index]?.shadowed.push({ workload: Workloads.label(w), by: winner?.name ?? "" })
    }
  }
  return uses
}

/**
 * Workloads in the system namespaces and the operator's are left out: the webhook's
 * namespaceSelector (D6) keeps their pods from ever reaching it.
 */
export const plan = (input: Input): Plan => {
  const workloads = Workloads.sort(input.workloads.filter((w) => !isExcluded(w.namespace, input.operatorNamespace)))
  const changes = workloads.flatMap((w) => {
    const change = compare(input, w)
    return change === undefined ? [] : [change]
  })
  return { changes, unchanged: workloads.length - changes.length, workloads: workloads.length, targets: targetUse(input, workloads) }
}
