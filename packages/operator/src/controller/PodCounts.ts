/**
 * Counts for the WhatapAgent status (D7) and the missed-pod sweep (B4): pods (read as
 * metadata only) that the first enabled APM target matches, how many of them carry the
 * injection annotation, and how many were missed (created before the webhook existed, or
 * while it was down), the first of them by name. First match wins, as in the webhook;
 * system namespaces (unless opted in) and the operator's own are excluded (D6);
 * terminating pods do not count. Pure.
 */
import { Naming, type WhatapAgent } from "@whatap-operator/core"
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

/** Undefined when APM instrumentation is off (no counts in the status then). */
export const count = (
  agent: WhatapAgent.WhatapAgent,
  operatorNamespace: string,
  pods: ReadonlyArray<KubeObject.KubeObject>,
  namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
): Sweep | undefined => {
  const instrumentation = agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return undefined
  // the webhook's own matcher: a selector that is not valid syntax is matched literally
  // there, as the Go operator did, so it is counted the same way here
  const applies = Inject.targetMatcher(instrumentation.targets ?? [])
  let matchedPods = 0
  let injectedPods = 0
  const missed: Array<string> = []
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? ""
    if (pod.metadata.deletionTimestamp !== undefined) continue
    const nsLabels = namespaceLabels(namespace)
    if (Inject.isExcluded(namespace, nsLabels ?? {}, operatorNamespace)) continue
    if (!applies(pod.metadata.labels ?? {}, namespace, nsLabels)) continue
    matchedPods++
    if (pod.metadata.annotations?.[Naming.apmAnnotations.injected] === "true") injectedPods++
    else missed.push(`${namespace}/${pod.metadata.name ?? ""}`)
  }
  missed.sort()
  return { matchedPods, injectedPods, missedPods: matchedPods - injectedPods, missed: missed.slice(0, listedMissed) }
}
