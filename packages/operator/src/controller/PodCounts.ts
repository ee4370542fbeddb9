/**
 * Counts for the WhatapAgent status (D7) and the missed-pod sweep (B4): pods (read as
 * metadata only) that the first enabled APM target matches, how many of them carry the
 * injection annotation, and how many were missed (created before the webhook existed, or
 * while it was down). First match wins, as in the webhook; system namespaces and the
 * operator's own are excluded (D6); terminating pods do not count. Pure.
 */
import { Naming, type WhatapAgent } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"

export interface Counts {
  readonly matchedPods: number
  readonly injectedPods: number
  readonly missedPods: number
}

/** Undefined when APM instrumentation is off (no counts in the status then). */
export const count = (
  agent: WhatapAgent.WhatapAgent,
  operatorNamespace: string,
  pods: ReadonlyArray<KubeObject.KubeObject>,
  namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
): Counts | undefined => {
  const instrumentation = agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return undefined
  // the webhook's own matcher: a selector that is not valid syntax is matched literally
  // there, as the Go operator did, so it is counted the same way here
  const applies = Inject.targetMatcher(instrumentation.targets ?? [])
  const excluded = new Set([...Naming.systemNamespaces, operatorNamespace])
  let matchedPods = 0
  let injectedPods = 0
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? ""
    if (excluded.has(namespace) || pod.metadata.deletionTimestamp !== undefined) continue
    const labels = pod.metadata.labels ?? {}
    if (!applies(labels, namespace, namespaceLabels(namespace))) continue
    matchedPods++
    if (pod.metadata.annotations?.[Naming.apmAnnotations.injected] === "true") injectedPods++
  }
  return { matchedPods, injectedPods, missedPods: matchedPods - injectedPods }
}
