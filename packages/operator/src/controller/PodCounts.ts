/**
 * Counts for the WhatapAgent status (D7) and the missed-pod sweep (B4): pods (read as
 * metadata only) that the first enabled APM target matches, how many of them carry the
 * injection annotation, and how many were missed (created before the webhook existed, or
 * while it was down). First match wins, as in the webhook; system namespaces and the
 * operator's own are excluded (D6); terminating pods do not count. Pure.
 */
import { Naming, Selector, type WhatapAgent } from "@whatap-operator/core"
import { Result } from "effect"
import type { KubeObject } from "@whatap-operator/kube"

export interface Counts {
  readonly matchedPods: number
  readonly injectedPods: number
  readonly missedPods: number
}

interface CompiledTarget {
  readonly pods: Selector.Compiled
  readonly namespaces: Selector.CompiledNamespace
}

const compileTargets = (agent: WhatapAgent.WhatapAgent): ReadonlyArray<CompiledTarget> =>
  (agent.spec.features.apm?.instrumentation?.targets ?? []).flatMap((target) => {
    if (!target.enabled) return []
    const pods = Selector.forTarget(target.podSelector)
    const namespaces = Selector.fromNamespaceSelector(target.namespaceSelector)
    // An invalid selector is counted as matching nothing (the validator reports it as an
    // error); the webhook matches such a selector literally, as the Go operator did
    // (injector's Literal.ts), so its pods may still be injected.
    if (Result.isFailure(pods) || Result.isFailure(namespaces)) return []
    return [{ pods: Selector.compile(pods.success), namespaces: Selector.compileNamespace(namespaces.success) }]
  })

/** Undefined when APM instrumentation is off (no counts in the status then). */
export const count = (
  agent: WhatapAgent.WhatapAgent,
  operatorNamespace: string,
  pods: ReadonlyArray<KubeObject.KubeObject>,
  namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined
): Counts | undefined => {
  const instrumentation = agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return undefined
  const targets = compileTargets(agent)
  const excluded = new Set([...Naming.systemNamespaces, operatorNamespace])
  let matchedPods = 0
  let injectedPods = 0
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? ""
    if (excluded.has(namespace) || pod.metadata.deletionTimestamp !== undefined) continue
    const labels = pod.metadata.labels ?? {}
    const nsLabels = namespaceLabels(namespace)
    const matched = targets.some((t) => Selector.matches(t.pods, labels) && Selector.matchesNamespace(t.namespaces, namespace, nsLabels))
    if (!matched) continue
    matchedPods++
    if (pod.metadata.annotations?.[Naming.apmAnnotations.injected] === "true") injectedPods++
  }
  return { matchedPods, injectedPods, missedPods: matchedPods - injectedPods }
}
