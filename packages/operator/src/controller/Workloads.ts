/**
 * Whether a Deployment or DaemonSet the operator applied has finished rolling out and its
 * pods are available, read from the object's status the way `kubectl rollout status`
 * does (observedGeneration first, then updated, then available counts); and how far a
 * workload the rollout restart (B3) restarted has come, StatefulSets included. Pure.
 */
import type { Conditions } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"
import { count, record, text } from "./Json.ts"

export interface Verdict {
  readonly status: Conditions.Status
  readonly reason: Conditions.Reason
  readonly message: string
}

const name = (object: KubeObject.KubeObject): string => `${object.kind} ${object.metadata.name ?? ""}`

const observed = (object: KubeObject.KubeObject): boolean => {
  const status = record(object["status"])
  return status["observedGeneration"] !== undefined && count(status["observedGeneration"]) >= (object.metadata.generation ?? 0)
}

const deadlineExceeded = (object: KubeObject.KubeObject): boolean => {
  const conditions = record(object["status"])["conditions"]
  return Array.isArray(conditions) &&
    conditions.some((c) => record(c)["type"] === "Progressing" && record(c)["reason"] === "ProgressDeadlineExceeded")
}

export const deployment = (object: KubeObject.KubeObject): Verdict => {
  if (!observed(object)) return { status: "False", reason: "Progressing", message: `${name(object)}: waiting for the controller to observe the new generation` }
  const status = record(object["status"])
  const replicas = record(object["spec"])["replicas"] === undefined ? 1 : count(record(object["spec"])["replicas"])
  const updated = count(status["updatedReplicas"])
  const available = count(status["availableReplicas"])
  if (deadlineExceeded(object)) {
    return { status: "False", reason: "Unavailable", message: `${name(object)}: rollout exceeded its progress deadline (${available}/${replicas} available)` }
  }
  if (updated < replicas) return { status: "False", reason: "Progressing", message: `${name(object)}: ${updated}/${replicas} replicas updated` }
  // kubectl rollout status: an old replica still running (say, its new pod cannot be scheduled) is not rolled out
  const total = count(status["replicas"])
  if (total > updated) return { status: "False", reason: "Progressing", message: `${name(object)}: ${total - updated} old replicas are pending termination` }
  if (available < replicas) return { status: "False", reason: "Progressing", message: `${name(object)}: ${available}/${replicas} replicas available` }
  return { status: "True", reason: "Available", message: `${name(object)}: ${available}/${replicas} replicas available` }
}

export const daemonSet = (object: KubeObject.KubeObject): Verdict => {
  if (!observed(object)) return { status: "False", reason: "Progressing", message: `${name(object)}: waiting for the controller to observe the new generation` }
  const status = record(object["status"])
  const desired = count(status["desiredNumberScheduled"])
  const updated = count(status["updatedNumberScheduled"])
  const available = count(status["numberAvailable"])
  if (updated < desired) return { status: "False", reason: "Progressing", message: `${name(object)}: ${updated}/${desired} nodes updated` }
  if (available < desired) return { status: "False", reason: "Progressing", message: `${name(object)}: ${available}/${desired} nodes available` }
  return { status: "True", reason: "Available", message: `${name(object)}: ${available}/${desired} nodes available` }
}

/** The first not-ready verdict, else one True verdict naming every workload. */
export const all = (verdicts: ReadonlyArray<Verdict>): Verdict => {
  const failing = verdicts.find((v) => v.status !== "True")
  if (failing !== undefined) return failing
  return { status: "True", reason: "Available", message: verdicts.map((v) => v.message).join("; ") }
}

export type Progress =
  | { readonly _tag: "Rolling"; readonly message: string }
  | { readonly _tag: "Done" }
  | { readonly _tag: "Failed"; readonly message: string }

/** A StatefulSet's rolling-update partition, when it holds pods back. */
export const partitionOf = (workload: KubeObject.KubeObject): number | undefined => {
  const strategy = record(record(workload["spec"])["updateStrategy"])
  const partition = record(strategy["rollingUpdate"])["partition"]
  return typeof partition === "number" && partition > 0 ? partition : undefined
}

const rolling = (message: string): Progress => ({ _tag: "Rolling", message })

/**
 * How far a restarted Deployment, StatefulSet or DaemonSet has rolled out, read as `kubectl
 * rollout status` does (old replicas still terminating and a StatefulSet's partition
 * included). A Deployment paused after its restart will not roll: a failure of the restart too.
 */
export const progress = (kind: string, workload: KubeObject.KubeObject): Progress => {
  if (!observed(workload)) return rolling("waiting for its controller to observe the change")
  const spec = record(workload["spec"])
  const status = record(workload["status"])
  if (kind === "DaemonSet") {
    const desired = count(status["desiredNumberScheduled"])
    const updated = count(status["updatedNumberScheduled"])
    const available = count(status["numberAvailable"])
    if (updated < desired) return rolling(`${updated}/${desired} nodes updated`)
    return available < desired ? rolling(`${available}/${desired} nodes available`) : { _tag: "Done" }
  }
  const replicas = spec["replicas"] === undefined ? 1 : count(spec["replicas"])
  if (kind === "Deployment" && deadlineExceeded(workload)) return { _tag: "Failed", message: "its rollout exceeded its progress deadline" }
  if (kind === "Deployment" && spec["paused"] === true) return { _tag: "Failed", message: "its rollout was paused after the restart" }
  const updated = count(status["updatedReplicas"])
  if (kind === "StatefulSet") {
    const ready = count(status["readyReplicas"])
    if (ready < replicas) return rolling(`${ready}/${replicas} replicas ready`)
    const partition = partitionOf(workload)
    // kubectl: a partitioned roll out is complete once the pods above the partition are updated
    if (partition !== undefined) return updated < replicas - partition ? rolling(`${updated}/${replicas - partition} replicas above the partition updated`) : { _tag: "Done" }
    const current = text(status["currentRevision"])
    return current !== undefined && current !== text(status["updateRevision"]) ? rolling("the update revision is not current yet") : { _tag: "Done" }
  }
  if (updated < replicas) return rolling(`${updated}/${replicas} replicas updated`)
  const total = count(status["replicas"])
  if (total > updated) return rolling(`${total - updated} old replicas are pending termination`)
  const available = count(status["availableReplicas"])
  return available < replicas ? rolling(`${available}/${replicas} replicas available`) : { _tag: "Done" }
}
