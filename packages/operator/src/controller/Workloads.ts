/**
 * Whether a Deployment or DaemonSet the operator applied has finished rolling out and its
 * pods are available, read from the object's status the way `kubectl rollout status`
 * does (observedGeneration first, then updated, then available counts). Pure.
 */
import type { Conditions } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"

export interface Verdict {
  readonly status: Conditions.Status
  readonly reason: Conditions.Reason
  readonly message: string
}

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const count = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0)

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
