/**
 * The workloads of a cluster whose pods the APM webhook will see: Deployments,
 * StatefulSets, DaemonSets, ReplicaSets and Jobs that no other workload owns, and
 * CronJobs, each with its pod template and how many pods it runs (what a ResourceQuota
 * is charged for). The webhook only sees pods when they are created, so a template is
 * what the next pods of the workload will be. Bare pods are left out: nothing re-creates
 * them, so a CR change never reaches them.
 */
import { ApiResource, type KubeObject } from "@whatap-operator/kube"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const count = (u: unknown, fallback: number): number => (typeof u === "number" && Number.isInteger(u) && u >= 0 ? u : fallback)

/** batch/v1 is not in kube's table (the operator never touches it); the API path is built the same way. */
export const Job: ApiResource.ApiResource = { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true }
export const CronJob: ApiResource.ApiResource = { group: "batch", version: "v1", kind: "CronJob", plural: "cronjobs", namespaced: true }

interface Kind {
  readonly resource: ApiResource.ApiResource
  readonly template: ReadonlyArray<string>
  /** Pods the workload runs, for the quota: replicas, scheduled DaemonSet pods, Job parallelism. */
  readonly pods: (object: Json) => number
}

const spec = (object: Json): Json => (isRecord(object["spec"]) ? object["spec"] : {})
const status = (object: Json): Json => (isRecord(object["status"]) ? object["status"] : {})
const jobSpec = (object: Json): Json => {
  const template = spec(object)["jobTemplate"]
  return isRecord(template) && isRecord(template["spec"]) ? template["spec"] : {}
}

export const kinds: ReadonlyArray<Kind> = [
  { resource: ApiResource.Deployment, template: ["spec", "template"], pods: (o) => count(spec(o)["replicas"], 1) },
  { resource: ApiResource.StatefulSet, template: ["spec", "template"], pods: (o) => count(spec(o)["replicas"], 1) },
  { resource: ApiResource.DaemonSet, template: ["spec", "template"], pods: (o) => count(status(o)["desiredNumberScheduled"], 0) },
  { resource: ApiResource.ReplicaSet, template: ["spec", "template"], pods: (o) => count(spec(o)["replicas"], 1) },
  { resource: Job, template: ["spec", "template"], pods: (o) => count(spec(o)["parallelism"], 1) },
  { resource: CronJob, template: ["spec", "jobTemplate", "spec", "template"], pods: (o) => count(jobSpec(o)["parallelism"], 1) }
]

export interface Workload {
  readonly kind: string
  readonly namespace: string
  readonly name: string
  /** The pod template as raw JSON (what `Inject.mutate` takes). */
  readonly template: unknown
  readonly pods: number
}

const valueAt = (value: unknown, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value)

/** Owned by a workload of the list (a Deployment's ReplicaSets, a CronJob's Jobs): counted through the owner. */
const isOwned = (object: KubeObject.KubeObject): boolean =>
  (object.metadata.ownerReferences ?? []).some((ref) => ref.controller === true && kinds.some((k) => k.resource.kind === ref.kind))

/** The workloads of one kind's list, in the order the API server listed them. */
export const fromList = (kind: Kind, items: ReadonlyArray<KubeObject.KubeObject>): ReadonlyArray<Workload> =>
  items.filter((o) => !isOwned(o)).flatMap((o) => {
    const template = valueAt(o, kind.template)
    return isRecord(template)
      ? [{ kind: kind.resource.kind, namespace: o.metadata.namespace ?? "", name: o.metadata.name ?? "", template, pods: kind.pods(o) }]
      : []
  })

/** `deployment shop/orders`, as `whatapctl inject` names them. */
export const label = (w: Pick<Workload, "kind" | "namespace" | "name">): string => `${w.kind.toLowerCase()} ${w.namespace}/${w.name}`

/** Sorted by namespace, kind, name: the plan reads the same whatever order the API server lists in. */
export const sort = (workloads: ReadonlyArray<Workload>): ReadonlyArray<Workload> =>
  [...workloads].sort((a, b) => a.namespace.localeCompare(b.namespace, "en") || a.kind.localeCompare(b.kind, "en") || a.name.localeCompare(b.name, "en"))
