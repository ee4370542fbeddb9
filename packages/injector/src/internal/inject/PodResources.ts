/**
 * Pod-level resources (`spec.resources`): the API server refuses a pod whose init
 * container asks for more cpu or memory than the pod as a whole (`must be greater than or
 * equal to aggregate container requests`; a container limit above the pod's), and it has
 * already filled the pod's requests in from its containers when the webhook sees the pod.
 * The init container runs alone, before the others, so its cpu and memory are brought
 * within the pod's, with a warning (an InjectionAdjusted Event); a request the init
 * container leaves out would default to its limit, so it is written out when that matters.
 */
import { type KubeTypes, Quantity } from "@whatap-operator/core"

type ResourceList = Record<string, string | number>
type Value = string | number

const fitted = ["cpu", "memory"] as const

const listAt = (resources: unknown, key: string): Readonly<Record<string, unknown>> => {
  const list: unknown = typeof resources === "object" && resources !== null ? Reflect.get(resources, key) : undefined
  return typeof list === "object" && list !== null && !Array.isArray(list) ? list as Readonly<Record<string, unknown>> : {}
}

const quantityAt = (list: Readonly<Record<string, unknown>>, key: string): Value | undefined => {
  const value = Object.hasOwn(list, key) ? list[key] : undefined
  return typeof value === "string" || typeof value === "number" ? value : undefined
}

/** `a` when it is no larger than `b` (or they cannot be compared), else `b`. */
const atMost = (a: Value, b: Value | undefined): Value => (b !== undefined && Quantity.compare(a, b) === 1 ? b : a)

export const fitPodResources = (
  chosen: KubeTypes.ResourceRequirements,
  spec: object,
  targetName: string
): { readonly resources: KubeTypes.ResourceRequirements; readonly warnings: ReadonlyArray<string> } => {
  const pod: unknown = Reflect.get(spec, "resources")
  if (typeof pod !== "object" || pod === null) return { resources: chosen, warnings: [] }
  const podRequests = listAt(pod, "requests")
  const podLimits = listAt(pod, "limits")
  const limits: ResourceList = { ...chosen.limits }
  const requests: ResourceList = { ...chosen.requests }
  const changes: Array<string> = []
  for (const key of fitted) {
    const limit = quantityAt(limits, key)
    const request = quantityAt(requests, key) ?? limit
    const newLimit = limit === undefined ? undefined : atMost(limit, quantityAt(podLimits, key))
    const capped = request === undefined ? undefined : atMost(request, quantityAt(podRequests, key))
    const newRequest = capped === undefined || newLimit === undefined ? capped : atMost(capped, newLimit)
    if (newLimit !== undefined && newLimit !== limit) {
      limits[key] = String(Quantity.canonical(newLimit))
      changes.push(`limits.${key} ${limits[key]}`)
    }
    if (newRequest !== undefined && newRequest !== request) {
      requests[key] = String(Quantity.canonical(newRequest))
      changes.push(`requests.${key} ${requests[key]}`)
    }
  }
  if (changes.length === 0) return { resources: chosen, warnings: [] }
  return {
    resources: { ...chosen, ...(Object.keys(limits).length === 0 ? {} : { limits }), ...(Object.keys(requests).length === 0 ? {} : { requests }) },
    warnings: [`target ${JSON.stringify(targetName)}: the init container's resources are brought within the pod-level resources (spec.resources): ${changes.join(", ")}`]
  }
}
