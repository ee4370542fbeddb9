/**
 * The init container's resources fitted to the pod it joins. Resource claims: one that
 * names no entry of the pod's `resourceClaims` is left out. Pod-level resources
 * (`spec.resources`): the API server refuses a pod whose init
 * container asks for more cpu or memory than the pod as a whole (`must be greater than or
 * equal to aggregate container requests`; a container limit above the pod's), and it has
 * already filled the pod's requests in from its containers when the webhook sees the pod.
 * The init container runs before the app containers, next to the sidecars started before
 * it, so its cpu and memory are brought within the pod's (its request within what the
 * sidecars leave), with a warning (an InjectionAdjusted Event); a request the init
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

/**
 * What the pod's restartable init containers (sidecars, `restartPolicy: Always`) request of
 * `key`: they started before the agent's init container and still run while it does, so
 * the API server adds them to its request. A request a sidecar leaves out defaults to its limit.
 */
const sidecarRequests = (spec: object, key: string): ReadonlyArray<Value> => {
  const inits: unknown = Reflect.get(spec, "initContainers")
  if (!Array.isArray(inits)) return []
  return inits.flatMap((init: unknown) => {
    if (typeof init !== "object" || init === null || Reflect.get(init, "restartPolicy") !== "Always") return []
    const resources: unknown = Reflect.get(init, "resources")
    const value = quantityAt(listAt(resources, "requests"), key) ?? quantityAt(listAt(resources, "limits"), key)
    return value === undefined ? [] : [value]
  })
}

/** The pod's request of `key` less what its sidecars request (never below zero); undefined when the pod sets none. */
const roomLeft = (podRequests: Readonly<Record<string, unknown>>, spec: object, key: string): Value | undefined => {
  const request = quantityAt(podRequests, key)
  if (request === undefined) return undefined
  let room: Value = request
  for (const sidecar of sidecarRequests(spec, key)) room = Quantity.subtract(room, sidecar) ?? room
  return Quantity.compare(room, 0) === -1 ? "0" : room
}

/** `a` when it is no larger than `b` (or they cannot be compared), else `b`. */
const atMost = (a: Value, b: Value | undefined): Value => (b !== undefined && Quantity.compare(a, b) === 1 ? b : a)

/** The names of the pod's `spec.resourceClaims`, read as sent. */
const podClaims = (spec: object): ReadonlySet<string> => {
  const list: unknown = Reflect.get(spec, "resourceClaims")
  if (!Array.isArray(list)) return new Set()
  return new Set(list.flatMap((claim: unknown) => {
    const name: unknown = typeof claim === "object" && claim !== null ? Reflect.get(claim, "name") : undefined
    return typeof name === "string" ? [name] : []
  }))
}

/**
 * The init container's resources without the claims the pod does not declare: the API
 * server refuses a container claim that names no entry of the pod's `resourceClaims`, so
 * such a claim is left out, with a warning (an InjectionAdjusted Event).
 */
const withPodClaims = (
  chosen: KubeTypes.ResourceRequirements,
  spec: object,
  targetName: string
): { readonly resources: KubeTypes.ResourceRequirements; readonly warnings: ReadonlyArray<string> } => {
  const claims = chosen.claims ?? []
  if (claims.length === 0) return { resources: chosen, warnings: [] }
  const declared = podClaims(spec)
  const kept = claims.filter((claim) => declared.has(claim.name))
  if (kept.length === claims.length) return { resources: chosen, warnings: [] }
  const left = claims.filter((claim) => !declared.has(claim.name)).map((claim) => JSON.stringify(claim.name))
  const { claims: _dropped, ...rest } = chosen
  return {
    resources: kept.length === 0 ? rest : { ...rest, claims: kept },
    warnings: [`target ${JSON.stringify(targetName)}: init container claim ${left.join(", ")} left out: the pod declares no resourceClaims entry of that name`]
  }
}

const fitPodResources = (
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
    const capped = request === undefined ? undefined : atMost(request, roomLeft(podRequests, spec, key))
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

/**
 * The init container's resources fitted to the pod: claims it does not declare left out,
 * cpu and memory within its pod-level resources; with a warning for each adjustment.
 */
export const fit = (
  chosen: KubeTypes.ResourceRequirements,
  spec: object,
  targetName: string
): { readonly resources: KubeTypes.ResourceRequirements; readonly warnings: ReadonlyArray<string> } => {
  const claimed = withPodClaims(chosen, spec, targetName)
  const fitted = fitPodResources(claimed.resources, spec, targetName)
  return { resources: fitted.resources, warnings: [...claimed.warnings, ...fitted.warnings] }
}
