/**
 * What a pod is charged against a ResourceQuota for CPU and memory, as the API server's
 * quota evaluator computes it: per resource, the larger of the sum over the app
 * containers and the largest init container (init containers run one after another).
 * A container's request defaults to its limit when only the limit is given, as the API
 * server defaults it; the injected init container sets limits only, for that reason.
 */
import * as Quantity from "./Quantity.ts"

export const tracked = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const
export type Tracked = (typeof tracked)[number]

export type Usage = Readonly<Record<Tracked, Quantity.Quantity>>

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const containers = (pod: unknown, field: string): ReadonlyArray<Json> => {
  const spec = isRecord(pod) && isRecord(pod["spec"]) ? pod["spec"] : {}
  const list = spec[field]
  return Array.isArray(list) ? list.filter(isRecord) : []
}

const split = (key: Tracked): readonly ["requests" | "limits", "cpu" | "memory"] =>
  [key.startsWith("requests") ? "requests" : "limits", key.endsWith("cpu") ? "cpu" : "memory"]

/** The container's value for `key`, undefined when it has none (a request falls back to the limit). */
export const containerValue = (container: Json, key: Tracked): Quantity.Quantity | undefined => {
  const resources = isRecord(container["resources"]) ? container["resources"] : {}
  const [kind, name] = split(key)
  const own = isRecord(resources[kind]) ? resources[kind][name] : undefined
  const limit = isRecord(resources["limits"]) ? resources["limits"][name] : undefined
  return Quantity.parse(own) ?? (kind === "requests" ? Quantity.parse(limit) : undefined)
}

const sum = (list: ReadonlyArray<Json>, key: Tracked): Quantity.Quantity =>
  list.reduce((acc, c) => Quantity.add(acc, containerValue(c, key) ?? Quantity.zero), Quantity.zero)

/** A usage with `of(key)` for every tracked key. */
const build = (of: (key: Tracked) => Quantity.Quantity): Usage =>
  ({ "requests.cpu": of("requests.cpu"), "requests.memory": of("requests.memory"), "limits.cpu": of("limits.cpu"), "limits.memory": of("limits.memory") })

export const none: Usage = build(() => Quantity.zero)

/** The pod's charge for every tracked resource (0 where nothing is set). */
export const usage = (pod: unknown): Usage => {
  const app = containers(pod, "containers")
  const init = containers(pod, "initContainers")
  return build((key) => init.reduce((acc, c) => Quantity.max(acc, containerValue(c, key) ?? Quantity.zero), sum(app, key)))
}

export const difference = (after: Usage, before: Usage): Usage => build((k) => Quantity.add(after[k], Quantity.negate(before[k])))

export const scale = (u: Usage, pods: number): Usage => build((k) => Quantity.times(u[k], pods))

export const total = (list: ReadonlyArray<Usage>): Usage => build((k) => list.reduce((acc, u) => Quantity.add(acc, u[k]), Quantity.zero))

export const isZero = (u: Usage): boolean => tracked.every((k) => Quantity.isZero(u[k]))

/** Names of the pod's containers (app and init) without a value for `key`: a quota on it refuses the pod. */
export const missing = (pod: unknown, key: Tracked): ReadonlyArray<string> =>
  [...containers(pod, "initContainers"), ...containers(pod, "containers")]
    .filter((c) => containerValue(c, key) === undefined)
    .map((c) => (typeof c["name"] === "string" ? c["name"] : "(unnamed)"))

/** `requests.cpu +200m, requests.memory +256Mi` (the non-zero ones). */
export const describe = (u: Usage): string =>
  tracked.filter((k) => !Quantity.isZero(u[k])).map((k) => `${k} ${Quantity.compare(u[k], Quantity.zero) > 0 ? "+" : ""}${Quantity.format(u[k], k)}`).join(", ")
