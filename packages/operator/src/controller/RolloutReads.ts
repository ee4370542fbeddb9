/**
 * The rollout restart's reads of the cluster (`Restarts.ts`): the workload resource of an
 * owner, a ReplicaSet's Deployment (remembered by uid), a restarted workload's pods for
 * crash loops, and the plan's candidates grouped by workload.
 */
import { Effect, Result } from "effect"
import { Selector } from "@whatap-operator/core"
import { ApiResource, type KubeClient, type KubeError, type KubeObject } from "@whatap-operator/kube"
import * as Rollout from "./Rollout.ts"
import type { Memory } from "./RolloutMemory.ts"

const resources: Readonly<Record<Exclude<Rollout.OwnerKind, "ReplicaSet">, ApiResource.ApiResource>> = {
  Deployment: ApiResource.Deployment,
  StatefulSet: ApiResource.StatefulSet,
  DaemonSet: ApiResource.DaemonSet
}

export const resourceOf = (owner: Rollout.Owner): ApiResource.ApiResource =>
  owner.kind === "ReplicaSet" ? ApiResource.ReplicaSet : resources[owner.kind]

export const notFound = (e: KubeError) => e.reason === "NotFound"

/** The pods of one workload that need a restart. */
export interface Group {
  readonly owner: Rollout.Owner
  readonly pods: Array<string>
  missed: number
  restartedPod: Rollout.RestartedPod | undefined
}

type Resolved = Rollout.Owner | undefined | "unread" | "forbidden"

/** The Deployment of a ReplicaSet (remembered by uid): undefined when none controls it, "unread" on an API error. */
const deploymentOf = (kube: KubeClient["Service"], memory: Memory, replicaSet: Rollout.Owner): Effect.Effect<Resolved> =>
  Effect.gen(function*() {
    const live = yield* Effect.result(kube.get(ApiResource.ReplicaSet, replicaSet.name, { namespace: replicaSet.namespace }))
    if (Result.isFailure(live)) {
      if (live.failure.reason === "Forbidden") return "forbidden" as const
      if (!notFound(live.failure)) return "unread" as const
      // gone: its pods go with it; not read again
      if (replicaSet.uid !== undefined) memory.replicaSets.set(replicaSet.uid, null)
      return undefined
    }
    const owner = Rollout.deploymentOf(live.success)
    // a ReplicaSet's controller does not change; a replaced one has a new uid
    memory.replicaSets.set(replicaSet.uid ?? live.success.metadata.uid ?? "", owner ?? null)
    return owner
  })

/** A crash of the workload's pods made for this hash, read from its pods (by its selector). */
export const crashOf = (kube: KubeClient["Service"], owner: Rollout.Owner, workload: KubeObject.KubeObject, hash: string) =>
  Effect.gen(function*() {
    const selector = Selector.fromLabelSelector((workload["spec"] as { selector?: unknown } | undefined)?.selector)
    // apps/v1 workloads always have a selector; one that selects nothing has no pods to read
    if (Result.isFailure(selector) || selector.success._tag === "Nothing") return undefined
    const pods = yield* kube.list(ApiResource.Pod, { namespace: owner.namespace, labelSelector: Selector.format(selector.success) }).pipe(
      Effect.map((l) => l.items),
      Effect.orElseSucceed((): ReadonlyArray<KubeObject.KubeObject> => [])
    )
    return Rollout.crashOf(pods, hash)
  })

/**
 * The plan's candidates by workload, a ReplicaSet resolved to its Deployment (at most
 * `budget` ReplicaSets read; the rest count as unread, for the next pass); "forbidden" when
 * the RBAC refuses reading a ReplicaSet.
 */
export const candidatesOf = (kube: KubeClient["Service"], memory: Memory, plan: Rollout.Plan, budget: number) =>
  Effect.gen(function*() {
    const unrestartable = [...plan.unrestartable]
    let unread = 0
    const seen = new Set<string>()
    let resolutions = 0
    const candidates = new Map<string, Group>()
    for (const candidate of plan.candidates) {
      let owner: Rollout.Owner | undefined = candidate.owner
      if (candidate.owner.kind === "ReplicaSet") {
        if (candidate.owner.uid !== undefined) seen.add(candidate.owner.uid)
        const known = candidate.owner.uid === undefined ? undefined : memory.replicaSets.get(candidate.owner.uid)
        if (known === undefined && resolutions >= budget) {
          unread++
          continue
        }
        if (known === undefined) resolutions++
        const resolved = known !== undefined ? known ?? undefined : yield* deploymentOf(kube, memory, candidate.owner)
        if (resolved === "forbidden") return "forbidden" as const
        if (resolved === "unread") {
          unread++
          continue
        }
        owner = resolved
      }
      if (owner === undefined) {
        for (const pod of candidate.pods) unrestartable.push(`${pod}: owned by ReplicaSet ${candidate.owner.name}, which no Deployment controls`)
        continue
      }
      const k = Rollout.key(owner)
      const group = candidates.get(k) ?? { owner, pods: [], missed: 0, restartedPod: undefined }
      group.pods.push(...candidate.pods)
      group.missed += candidate.missed
      group.restartedPod = Rollout.earliest(group.restartedPod, candidate.restartedPod)
      candidates.set(k, group)
    }
    // a term's memory of ReplicaSets holds those its candidates still name
    for (const rs of memory.replicaSets.keys()) if (!seen.has(rs)) memory.replicaSets.delete(rs)
    return { candidates, unrestartable, unread }
  })
