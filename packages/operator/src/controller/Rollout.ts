/**
 * B3, the opt-in rollout restart, as pure decisions (`Restarts.ts` acts on them): whether
 * a WhatapAgent asks for it, the hash of its instrumentation, which workloads own pods
 * that need a restart, whether a restarted workload has rolled out or is failing, and
 * whether a PodDisruptionBudget stands in the way.
 *
 * Whether it is on, and how many workloads may roll at once, is core's
 * `RolloutRestart.settings` of the WhatapAgent's annotations.
 *
 * A pod needs a restart when the first enabled target that applies to it (as the webhook
 * and the status counts read the selectors) would inject it and it was not injected
 * (missed: created before the webhook or while it was down), or was injected with
 * another language or agent version than that target now gives (stale). Pods the webhook
 * refused on purpose (`whatap-apm-injected: "false"` with a reason, D8) are left alone:
 * a restart would be refused the same way. A target's envs, config map or resources are
 * not visible on a pod, so changing only those restarts nothing.
 */
import { createHash } from "node:crypto"
import { Naming, Selector, type WhatapAgent } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import type { KubeObject } from "@whatap-operator/kube"
import { Result } from "effect"
import { canonical, count, type Json, list, record, text } from "./Json.ts"
import * as PodCounts from "./PodCounts.ts"
import * as Workloads from "./Workloads.ts"

/** The instrumentation spec as stored, hashed (key order does not matter): restarts are made for one hash. */
export const hash = (agent: KubeObject.KubeObject): string => {
  const instrumentation = record(record(record(record(agent["spec"])["features"])["apm"])["instrumentation"])
  return createHash("sha256").update(canonical(instrumentation)).digest("hex").slice(0, 16)
}

export type OwnerKind = "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet"

/** A workload by kind, namespace and name (a ReplicaSet until it is resolved to its Deployment). */
export interface Owner {
  readonly kind: OwnerKind
  readonly namespace: string
  readonly name: string
  /**
   * From the owner reference that names it (a pod's, or a ReplicaSet's for its Deployment):
   * a workload deleted and created again under its name is another one.
   */
  readonly uid?: string | undefined
}

export const key = (owner: Owner): string => `${owner.kind} ${owner.namespace}/${owner.name}`

export interface Candidate {
  readonly owner: Owner
  /** `ns/name` of its pods that need a restart, sorted. */
  readonly pods: ReadonlyArray<string>
  /** How many of them were not injected (the rest carry another language or agent version). */
  readonly missed: number
  /**
   * A pod made from a template restarted for this hash that was still not injected: the
   * restart did not help. (A stale pod made for this hash is no such sign: a namespace's
   * labels may have moved it to another target since.)
   */
  readonly restartedPod: RestartedPod | undefined
}

/** A missed pod made from a template restarted for this hash, and when it was created (epoch ms; NaN when unknown). */
export interface RestartedPod {
  readonly name: string
  readonly created: number
}

export interface Plan {
  /** By namespace, kind and name. */
  readonly candidates: ReadonlyArray<Candidate>
  /** Pods that need a restart no Deployment, StatefulSet or DaemonSet owns (`ns/name: why`), sorted. */
  readonly unrestartable: ReadonlyArray<string>
}

const ownerKinds: ReadonlyArray<string> = ["ReplicaSet", "StatefulSet", "DaemonSet"]

const controllerOf = (object: KubeObject.KubeObject): KubeObject.OwnerReference | undefined =>
  (object.metadata.ownerReferences ?? []).find((r) => r.controller === true)

const ownerOf = (controller: KubeObject.OwnerReference | undefined, namespace: string): Owner | undefined =>
  controller === undefined || !ownerKinds.includes(controller.kind) || !controller.apiVersion.startsWith("apps/")
    ? undefined
    : { kind: controller.kind as OwnerKind, namespace, name: controller.name, uid: controller.uid }

const byOwner = (a: Owner, b: Owner): number =>
  compare(a.namespace, b.namespace) || compare(a.kind, b.kind) || compare(a.name, b.name)

/** Of two missed pods made for the hash, the one created first (during the rollout, if either was). */
export const earliest = (a: RestartedPod | undefined, b: RestartedPod | undefined): RestartedPod | undefined =>
  a === undefined ? b : b === undefined || a.created <= b.created ? a : b

/** Which pods need a restart, grouped by the workload that owns them. */
export const plan = (
  agent: WhatapAgent.WhatapAgent,
  operatorNamespace: string,
  pods: ReadonlyArray<KubeObject.KubeObject>,
  namespaceLabels: (name: string) => Readonly<Record<string, string>> | undefined,
  instrumentationHash: string
): Plan => {
  const instrumentation = agent.spec.features.apm?.instrumentation
  if (instrumentation === undefined || !instrumentation.enabled) return { candidates: [], unrestartable: [] }
  const groups = new Map<string, { owner: Owner; pods: Array<string>; missed: number; restartedPod: RestartedPod | undefined }>()
  const unrestartable: Array<string> = []
  for (const { pod, namespace, target } of PodCounts.matched(instrumentation, operatorNamespace, pods, namespaceLabels)) {
    const annotations = pod.metadata.annotations ?? {}
    const controller = controllerOf(pod)
    const owner = ownerOf(controller, namespace)
    const madeForHash = annotations[Naming.rolloutRestart.restartedFor] === instrumentationHash
    const injected = annotations[Naming.apmAnnotations.injected]
    if (injected === "false" && annotations[Naming.apmAnnotations.reason] !== undefined) continue
    const stale = injected === "true" &&
      (annotations[Naming.apmAnnotations.language] !== target.language || annotations[Naming.apmAnnotations.version] !== Inject.agentVersion(target))
    if (injected === "true" && !stale) continue
    const name = `${namespace}/${pod.metadata.name ?? ""}`
    if (owner === undefined) {
      unrestartable.push(`${name}: ${controller === undefined ? "no controller owns it" : `owned by ${controller.kind} ${controller.name}, not a Deployment, StatefulSet or DaemonSet`}`)
      continue
    }
    const group = groups.get(key(owner)) ?? { owner, pods: [], missed: 0, restartedPod: undefined }
    group.pods.push(name)
    if (!stale) {
      group.missed++
      // the earliest such pod: one made during the rollout says the restart did not help
      if (madeForHash) group.restartedPod = earliest(group.restartedPod, { name, created: Date.parse(pod.metadata.creationTimestamp ?? "") })
    }
    groups.set(key(owner), group)
  }
  const candidates = [...groups.values()]
    .map((g): Candidate => ({ owner: g.owner, pods: g.pods.sort(), missed: g.missed, restartedPod: g.restartedPod }))
    .sort((a, b) => byOwner(a.owner, b.owner))
  return { candidates, unrestartable: unrestartable.sort() }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The Deployment that controls a ReplicaSet, if one does. */
export const deploymentOf = (replicaSet: KubeObject.KubeObject): Owner | undefined => {
  const ref = controllerOf(replicaSet)
  return ref !== undefined && ref.kind === "Deployment" && ref.apiVersion.startsWith("apps/")
    ? { kind: "Deployment", namespace: replicaSet.metadata.namespace ?? "", name: ref.name, uid: ref.uid }
    : undefined
}

const template = (workload: KubeObject.KubeObject): Json => record(record(workload["spec"])["template"])

/** The instrumentation hash the workload's pod template was last restarted for. */
export const restartedFor = (workload: KubeObject.KubeObject): string | undefined =>
  text(record(record(template(workload)["metadata"])["annotations"])[Naming.rolloutRestart.restartedFor])

export const templateLabels = (workload: KubeObject.KubeObject): Readonly<Record<string, string>> => {
  const labels = record(record(template(workload)["metadata"])["labels"])
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(labels)) if (typeof v === "string") out[k] = v
  return out
}

/** Why changing the pod template would not replace the workload's pods, if it would not. */
export const notRestartable = (kind: OwnerKind, workload: KubeObject.KubeObject): string | undefined => {
  const spec = record(workload["spec"])
  if (kind === "Deployment" && spec["paused"] === true) return "its rollout is paused"
  const partition = kind === "StatefulSet" ? Workloads.partitionOf(workload) : undefined
  const replicas = spec["replicas"] === undefined ? 1 : count(spec["replicas"])
  if (partition !== undefined && partition >= replicas) return `its partition (${partition}) holds every pod back`
  const strategy = text(record(spec[kind === "Deployment" ? "strategy" : "updateStrategy"])["type"])
  return strategy === "OnDelete" ? "its updateStrategy is OnDelete (pods change only when deleted)" : undefined
}

/** The strategic merge patch that restarts a workload's pods, recording the hash and the time. */
export const restartPatch = (instrumentationHash: string, now: string): unknown => ({
  spec: {
    template: {
      metadata: {
        annotations: { [Naming.rolloutRestart.restartedFor]: instrumentationHash, [Naming.rolloutRestart.restartedAt]: now }
      }
    }
  }
})

/** Container states that mean the restarted pods will not come up by waiting. */
const failingReasons: ReadonlyArray<string> = [
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError"
]

/** A container of a restarted pod restarts this often: a crash loop, even between back-offs. */
export const crashRestarts = 3

/**
 * The first pod made for this hash (sorted by name) whose init or app container crash-loops
 * or cannot start, as a sentence; undefined when none does.
 */
export const crashOf = (pods: ReadonlyArray<KubeObject.KubeObject>, instrumentationHash: string): string | undefined => {
  const restarted = pods
    .filter((p) => p.metadata.annotations?.[Naming.rolloutRestart.restartedFor] === instrumentationHash && p.metadata.deletionTimestamp === undefined)
    .sort((a, b) => compare(a.metadata.name ?? "", b.metadata.name ?? ""))
  for (const pod of restarted) {
    const status = record(pod["status"])
    for (const statuses of [status["initContainerStatuses"], status["containerStatuses"]]) {
      for (const c of list(statuses)) {
        const container = record(c)
        const waiting = text(record(record(container["state"])["waiting"])["reason"])
        const restarts = count(container["restartCount"])
        const name = `pod ${pod.metadata.namespace ?? ""}/${pod.metadata.name ?? ""}: container ${JSON.stringify(text(container["name"]) ?? "")}`
        if (waiting !== undefined && failingReasons.includes(waiting)) return `${name} is in ${waiting} (restarted ${restarts} times)`
        if (restarts >= crashRestarts) return `${name} restarted ${restarts} times`
      }
    }
  }
  return undefined
}

/**
 * A PodDisruptionBudget of the workload's namespace that selects its pods and allows no
 * disruption now (a budget the disruption controller has not counted yet allows none).
 */
export const blockingBudget = (budgets: ReadonlyArray<KubeObject.KubeObject>, labels: Readonly<Record<string, string>>): string | undefined => {
  for (const budget of [...budgets].sort((a, b) => compare(a.metadata.name ?? "", b.metadata.name ?? ""))) {
    const selector = Selector.fromLabelSelector(record(budget["spec"])["selector"])
    // a selector the API server accepted but this reader does not: assume it selects the pods
    const selects = Result.isFailure(selector) || Selector.matches(Selector.compile(selector.success), labels)
    if (!selects) continue
    const allowed = count(record(budget["status"])["disruptionsAllowed"])
    if (allowed < 1) return `PodDisruptionBudget ${budget.metadata.namespace ?? ""}/${budget.metadata.name ?? ""} allows no disruption now`
  }
  return undefined
}
