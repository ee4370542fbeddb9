/**
 * Writes a WhatapAgent's status only when it differs from the stored one (a merge patch
 * of the status subresource; conditions are replaced as a list). Transition times are
 * carried over by `Status`, so equal means equal in every field and a steady cluster
 * sees no status writes at all (the Go operator wrote two per reconcile).
 */
import { Effect } from "effect"
import { Conditions, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import type { Counts } from "./PodCounts.ts"
import { canonical, record } from "./Json.ts"

export interface Desired {
  readonly conditions: ReadonlyArray<Conditions.Condition>
  readonly observedGeneration: number
  readonly instrumentation: Counts | undefined
  /** The GPU nodes (B6); undefined removes the block (GPU monitoring off). */
  readonly gpu: WhatapAgent.GpuStatus | undefined
}

/** The stored conditions (as written by this operator or another; malformed entries dropped). */
export const currentConditions = (agent: KubeObject.KubeObject): ReadonlyArray<Conditions.Condition> => {
  const list = record(agent["status"])["conditions"]
  if (!Array.isArray(list)) return []
  return list.flatMap((c): ReadonlyArray<Conditions.Condition> => {
    const r = record(c)
    const status = r["status"]
    if (typeof r["type"] !== "string" || typeof r["reason"] !== "string" || typeof r["lastTransitionTime"] !== "string") return []
    if (status !== "True" && status !== "False" && status !== "Unknown") return []
    return [{
      type: r["type"],
      status,
      reason: r["reason"],
      message: typeof r["message"] === "string" ? r["message"] : "",
      lastTransitionTime: r["lastTransitionTime"],
      ...(typeof r["observedGeneration"] === "number" ? { observedGeneration: r["observedGeneration"] } : {})
    }]
  })
}

const sameCounts = (a: unknown, b: Counts | undefined): boolean => {
  if (b === undefined) return a === undefined
  const r = record(a)
  return r["matchedPods"] === b.matchedPods && r["injectedPods"] === b.injectedPods && r["missedPods"] === b.missedPods
}

export const upToDate = (agent: KubeObject.KubeObject, desired: Desired): boolean => {
  const status = record(agent["status"])
  return Conditions.equal(currentConditions(agent), desired.conditions) &&
    status["observedGeneration"] === desired.observedGeneration &&
    sameCounts(status["instrumentation"], desired.instrumentation) &&
    canonical(status["gpu"]) === canonical(desired.gpu)
}

/** The patched object, or undefined when nothing needed writing (or the CR is gone). */
export const write = Effect.fn("StatusWriter.write")(function*(agent: KubeObject.KubeObject, desired: Desired) {
  if (upToDate(agent, desired)) return undefined
  const kube = yield* KubeClient
  return yield* kube.patch(ApiResource.WhatapAgent, agent.metadata.name ?? "", {
    type: "merge",
    body: {
      status: {
        conditions: desired.conditions,
        observedGeneration: desired.observedGeneration,
        // null removes the counts when instrumentation was switched off
        instrumentation: desired.instrumentation ?? null,
        // A merge patch merges objects: the absent otherNodes must be removed explicitly.
        gpu: desired.gpu === undefined ? null : { nodes: desired.gpu.nodes, otherNodes: desired.gpu.otherNodes ?? null }
      }
    }
  }, { subresource: "status" }).pipe(
    // the CR was deleted during the pass: there is no status left to write
    Effect.catchTag("KubeError", (error) => (error.reason === "NotFound" ? Effect.as(Effect.logDebug("WhatapAgent gone before its status was written"), undefined) : Effect.fail(error)))
  )
})
