/**
 * The plan's changes against each namespace's ResourceQuotas: for every quota on CPU or
 * memory (`requests.cpu` or its alias `cpu`, `requests.memory`/`memory`, `limits.cpu`,
 * `limits.memory`), what is used now, what the changed workloads add once all their pods
 * are re-created, and whether that stays within `hard`. A quota on a resource also makes
 * the API server refuse any pod with a container that sets no value for it: when the
 * injection adds such a container (a target with `initContainerResources: {}`), the pods
 * of that workload would be refused, which is reported too. Scoped quotas are taken as
 * covering every pod (a plan errs on the side of a warning).
 */
import type { KubeObject } from "@whatap-operator/kube"
import type { Change } from "./Evaluate.ts"
import * as Quantity from "./Quantity.ts"
import * as Resources from "./Resources.ts"
import * as Workloads from "./Workloads.ts"

export interface Check {
  readonly namespace: string
  readonly quota: string
  /** The key of `spec.hard`. */
  readonly resource: string
  readonly hard: string
  readonly used: string
  readonly added: string
  readonly after: string
  readonly exceeds: boolean
}

export interface Refusal {
  readonly namespace: string
  readonly quota: string
  readonly resource: string
  readonly workload: string
  /** Containers the injection adds without a value for `resource`. */
  readonly containers: ReadonlyArray<string>
}

export interface Result {
  readonly checks: ReadonlyArray<Check>
  readonly refusals: ReadonlyArray<Refusal>
}

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** `spec.hard` keys that charge pods for a tracked resource. */
const keys: Readonly<Record<string, Resources.Tracked>> = {
  "requests.cpu": "requests.cpu",
  cpu: "requests.cpu",
  "requests.memory": "requests.memory",
  memory: "requests.memory",
  "limits.cpu": "limits.cpu",
  "limits.memory": "limits.memory"
}

const mapOf = (object: KubeObject.KubeObject, field: "spec" | "status", key: "hard" | "used"): Json => {
  const part = object[field]
  return isRecord(part) && isRecord(part[key]) ? part[key] : {}
}

const trackedOf = (quota: KubeObject.KubeObject): ReadonlyArray<readonly [string, Resources.Tracked]> =>
  Object.keys(mapOf(quota, "spec", "hard")).sort().flatMap((k) => {
    const tracked = keys[k]
    return tracked === undefined ? [] : [[k, tracked] as const]
  })

const checkOf = (quota: KubeObject.KubeObject, key: string, tracked: Resources.Tracked, added: Quantity.Quantity): Check | undefined => {
  const hard = Quantity.parse(mapOf(quota, "spec", "hard")[key])
  if (hard === undefined || Quantity.isZero(added)) return undefined
  const used = Quantity.parse(mapOf(quota, "status", "used")[key]) ?? Quantity.zero
  const after = Quantity.add(used, added)
  const show = (q: Quantity.Quantity) => Quantity.format(q, tracked)
  return {
    namespace: quota.metadata.namespace ?? "",
    quota: quota.metadata.name ?? "",
    resource: key,
    hard: show(hard),
    used: show(used),
    added: `${Quantity.compare(added, Quantity.zero) > 0 ? "+" : ""}${show(added)}`,
    after: show(after),
    exceeds: Quantity.compare(after, hard) > 0
  }
}

const refusalsOf = (quota: KubeObject.KubeObject, key: string, tracked: Resources.Tracked, changes: ReadonlyArray<Change>): ReadonlyArray<Refusal> =>
  changes.flatMap((c) => {
    const before = new Set(Resources.missing(c.beforePod, tracked))
    const added = Resources.missing(c.afterPod, tracked).filter((name) => !before.has(name))
    return added.length === 0
      ? []
      : [{ namespace: quota.metadata.namespace ?? "", quota: quota.metadata.name ?? "", resource: key, workload: Workloads.label(c.workload), containers: added }]
  })

export const check = (quotas: ReadonlyArray<KubeObject.KubeObject>, changes: ReadonlyArray<Change>): Result => {
  const checks: Array<Check> = []
  const refusals: Array<Refusal> = []
  const ordered = [...quotas].sort((a, b) => (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "", "en") || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "", "en"))
  for (const quota of ordered) {
    const here = changes.filter((c) => c.workload.namespace === quota.metadata.namespace)
    if (here.length === 0) continue
    const added = Resources.total(here.map((c) => c.total))
    for (const [key, tracked] of trackedOf(quota)) {
      const result = checkOf(quota, key, tracked, added[tracked])
      if (result !== undefined) checks.push(result)
      refusals.push(...refusalsOf(quota, key, tracked, here))
    }
  }
  return { checks, refusals }
}

export const fails = (result: Result): boolean => result.refusals.length > 0 || result.checks.some((c) => c.exceeds)
