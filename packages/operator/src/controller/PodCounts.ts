/**
 * Counts for the WhatapAgent status (D7) and the missed-pod sweep (B4): pods (read as
 * metadata only) that the first enabled APM target matches, how many of them carry the
 * injection annotation, and how many were missed (created before the webhook existed, or
 * while it was down), the first of them by name. First match wins, as in the webhook;
 * system namespaces (unless opted in) and the operator's own are excluded (D6);
 * terminating pods do not count. Pure.
 */
import { type Instrumentation, Naming, type WhatapAgent } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"

export interface Counts {
  readonly matchedPods: number
  readonly injectedPods: number
  readonly missedPods: number
}

/** The counts, and the first missed pods by namespace and name (`ns/name`), for the condition and the Event. */
export interface Sweep extends Counts {
  readonly missed: ReadonlyArray<string>
}

/** How many missed pods are named; the count says how many there are in all. */
export const listedMissed = 5

/** The three counts the status holds. */
export const countsOf = (sweep: Sweep | undefined): Counts | undefined =>
  sweep === undefined ? undefined : { matchedPods: sweep.matchedPods, injectedPods: sweep.injectedPods, missedPods: sweep.missedPods }

/** A live pod that the first enabled APM target applies to, with that target. */
export interface Matched {
  readonly pod: KubeObject.KubeObject
  readonly namespace: string
  readonly target: Instrumentation.TargetSpec
}

/**
 * The pods an enabled target applies to, as the webhook decides it (first match wins; a
 * selector that is not valid syntax is matched literally there, as the Go operator did, so
 * it is here): terminating pods, the operator's namespace and system namespaces that did
 * not opt in (D6) left out. Shared by the counts and the rollout restart (B3).
 */
export function* matched(
  instrumentation: Instrumentation.InstrumentationSpec,
  operatorNamespace: string,
  pods: ReadonlyArray<KubeObject.KubeObject>,
  namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
): Generator<Matched> {
  const targetOf = Inject.firstMatchingTarget(instrumentation.targets ?? [])
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? ""
    if (pod.metadata.deletionTimestamp !== undefined) continue
    const nsLabels = namespaceLabels(namespace)
    if (Inject.isExcluded(namespace, nsLabels ?? {}, operatorNamespace)) continue
    const target = targetOf(pod.metadata.labels ?? {}, namespace, nsLabels)
    if (target !== undefined) yield { pod, namespace, target }
  }
}

/** Undefined when APM instrumentation is off (no counts in the status then). */
export const count = (
  agent: WhatapAgent.WhatapAgent,
  operatorNamespace: string,
  pods: ReadonlyArray<KubeObject.KubeObject>,
  namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
): Sweep | undefined => {
  const instrumentation = agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return undefined
  let matchedPods = 0
  let injectedPods = 0
  const missed: Array<string> = []
  for (const { pod, namespace } of matched(instrumentation, operatorNamespace, pods, namespaceLabels)) {
    matchedPods++
    if (pod.metadata.annotations?.[Naming.apmAnnotations.injected] === "true") injectedPods++
    else missed.push(`${namespace}/${pod.metadata.name ?? ""}`)
  }
  missed.sort()
  return { matchedPods, injectedPods, missedPods: matchedPods - injectedPods, missed: missed.slice(0, listedMissed) }
}
