/**
 * Building blocks every component's render shares: object metadata with the controller
 * owner reference, omitempty-style optional fields (Go's `json:",omitempty"`, so an
 * absent setting never shows up as `null`, `[]` or `{}`), sorted string maps (D3: the
 * CR's key order does not leak into the objects), and the container and pod fields the
 * Go operator sets to what the API server would default (spec 4.3), so a live object and
 * its render agree field by field.
 */
import { Quantity, Resource, type KubeTypes, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, type KubeObject } from "@whatap-operator/kube"

export type Json = { readonly [key: string]: unknown }
export type StringMap = { readonly [key: string]: string }

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === "" ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)

/** `{[key]: value}`, or nothing for an absent, empty-string, empty-array or empty-object value. */
export const field = (key: string, value: unknown): Json => (isEmpty(value) ? {} : { [key]: value })

/**
 * `{[key]: value}` whenever the CR has the value, `{}` included: a Go pointer to a struct
 * with omitempty (`affinity`, a container's `securityContext`) is written when non-nil,
 * however empty.
 */
export const pointer = (key: string, value: object | undefined): Json => (value === undefined || value === null ? {} : { [key]: value })

/**
 * A CR's affinity as the Go operator writes it: its typed corev1.Affinity drops every empty
 * list (each has omitempty but a NodeSelector's `nodeSelectorTerms`) and an empty
 * `matchLabels` map, and keeps empty structs (`nodeAffinity: {}`, a term's `preference: {}`).
 * The API server stores the same either way; written like Go's, the objects compare equal.
 */
const goAffinity = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(goAffinity)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const emptyList = Array.isArray(v) && v.length === 0 && k !== "nodeSelectorTerms"
    const emptyMap = k === "matchLabels" && typeof v === "object" && v !== null && Object.keys(v).length === 0
    if (!emptyList && !emptyMap) out[k] = goAffinity(v)
  }
  return out
}

/** `affinity` as `pointer` writes it, shaped as Go's typed Affinity marshals (`goAffinity`). */
export const affinity = (value: object | undefined): Json => pointer("affinity", value === undefined ? value : (goAffinity(value) as object))

/** Only `true` is written: a Go `bool` with omitempty (`hostPID`, `hostNetwork`). */
export const flag = (key: string, value: boolean | undefined): Json => (value === true ? { [key]: true } : {})

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The entries of every map in order, later maps winning, keys sorted; undefined when empty. */
export const sortedMap = (...maps: ReadonlyArray<StringMap | undefined>): StringMap | undefined => {
  const merged: Record<string, string> = {}
  for (const map of maps) for (const [k, v] of Object.entries(map ?? {})) merged[k] = v
  const entries = Object.entries(merged).sort(([a], [b]) => compare(a, b))
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

/** The controller reference to the CR, when it has a uid (a CR read from a file has none). */
export const ownerReferences = (agent: WhatapAgent.WhatapAgent): ReadonlyArray<KubeObject.OwnerReference> | undefined => {
  const { uid, name } = agent.metadata
  if (uid === undefined || uid === "") return undefined
  return [{ apiVersion: Resource.apiVersion, kind: "WhatapAgent", name: name ?? "", uid, controller: true, blockOwnerDeletion: true }]
}

export interface Meta {
  readonly name: string
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string
  readonly labels?: StringMap | undefined
  readonly annotations?: StringMap | undefined
}

export const metadata = (agent: WhatapAgent.WhatapAgent, meta: Meta): KubeObject.ObjectMeta => ({
  name: meta.name,
  ...field("namespace", meta.namespace),
  ...field("labels", sortedMap(meta.labels)),
  ...field("annotations", sortedMap(meta.annotations)),
  ...field("ownerReferences", ownerReferences(agent))
})

/** A complete object of `resource`: apiVersion and kind from the table, then metadata, then the body. */
export const object = (
  resource: ApiResource.ApiResource,
  metadata: KubeObject.ObjectMeta,
  body: Json
): KubeObject.KubeObject => ({
  apiVersion: ApiResource.apiVersionOf(resource),
  kind: resource.kind,
  metadata,
  ...body
})

const nameOf = (item: unknown): string | undefined =>
  typeof item === "object" && item !== null && "name" in item && typeof item.name === "string" ? item.name : undefined

/**
 * One entry per name, as server-side apply requires of a list keyed by name (a container's
 * `env`, a pod's `imagePullSecrets`): the API server refuses the whole request otherwise
 * ("duplicate entries for key"), where the Go operator's create or update was accepted. A
 * CR env named like one the operator sets (`WHATAP_HOST`), or named twice, would leave the
 * agent uninstalled. The entry kept for a name is its last one, where it stands: the value
 * the kubelet's environment ends with, its `$(NAME)` references resolved against the same
 * entries before it as with the duplicate.
 */
export const lastByName = <A>(list: ReadonlyArray<A>): ReadonlyArray<A> => {
  const last = new Map<string, number>()
  for (let i = 0; i < list.length; i++) {
    const name = nameOf(list[i])
    if (name !== undefined) last.set(name, i)
  }
  if (last.size === list.length) return list
  return list.filter((item, i) => {
    const name = nameOf(item)
    return name === undefined || last.get(name) === i
  })
}

/** Spec 4.3 rule 7: what every container the operator writes gets when it says nothing else. */
export const containerDefaults = (container: Json): Json => ({
  ...container,
  ...(Array.isArray(container["env"]) ? { env: lastByName(container["env"]) } : {}),
  imagePullPolicy: container["imagePullPolicy"] ?? "IfNotPresent",
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File"
})

/** Spec 4.3: pod fields set to the API server's defaults to avoid diff churn. */
export const podDefaults = {
  restartPolicy: "Always",
  terminationGracePeriodSeconds: 30,
  schedulerName: "default-scheduler"
} as const

export const deploymentDefaults = {
  replicas: 1,
  strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600
} as const

export const daemonSetDefaults = {
  updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
  revisionHistoryLimit: 10
} as const

/** Agents run as root unless the CR says otherwise (spec 4.5, 4.6.2; Go commit 8c66460). */
export const rootPodSecurityContext = { runAsUser: 0, runAsGroup: 0, fsGroup: 0, seccompProfile: { type: "RuntimeDefault" } } as const

/** A component's list, else the k8sAgent-level one (spec 4.5 imagePullSecrets). */
export const firstNonEmpty = <A>(...lists: ReadonlyArray<ReadonlyArray<A> | undefined>): ReadonlyArray<A> | undefined =>
  lists.find((list) => list !== undefined && list.length > 0)

/** `imagePullSecrets` once per name (see `lastByName`). */
export const pullSecrets = <A>(list: ReadonlyArray<A> | undefined): Json => field("imagePullSecrets", list === undefined ? undefined : lastByName(list))

/** `resources` without empty maps; undefined when nothing is left (see `containerResources`). */
export const prunedResources = (resources: KubeTypes.ResourceRequirements | undefined): Json | undefined => {
  if (resources === undefined) return undefined
  const out = {
    ...field("claims", resources.claims),
    ...field("limits", resources.limits === undefined ? undefined : sortedQuantities(resources.limits)),
    ...field("requests", resources.requests === undefined ? undefined : sortedQuantities(resources.requests))
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/**
 * A container's `resources`: `{}` when it has none. The Go operator's containers carry the
 * (struct, never omitted) field even when empty, and so does every container the API
 * server stores.
 */
export const containerResources = (resources: Json | undefined): Json => resources ?? {}

/**
 * Keys sorted, values as the API server stores them in a pod's resource list (core's
 * `Quantity.inResourceList`: Go's canonical text, rounded up to milli precision), so that
 * what is applied is what is read back.
 */
const sortedQuantities = (list: KubeTypes.ResourceList): KubeTypes.ResourceList =>
  Object.fromEntries(Object.entries(list).sort(([a], [b]) => compare(a, b)).map(([k, v]) => [k, Quantity.inResourceList(v)]))

export const configMapVolume = (name: string, configMap: string, defaultMode?: number): Json => ({
  name,
  configMap: { name: configMap, ...(defaultMode === undefined ? {} : { defaultMode }) }
})

export const hostPathVolume = (name: string, path: string, type?: string): Json => ({
  name,
  hostPath: { path, ...(type === undefined ? {} : { type }) }
})

export const emptyDirVolume = (name: string): Json => ({ name, emptyDir: {} })

/**
 * A CR's env var as the API server stores it: `value: ""` is dropped (Go omitempty), so
 * the rendered object and the live one compare equal.
 */
export const envVar = (env: KubeTypes.EnvVar): KubeTypes.EnvVar => ({
  name: env.name,
  ...(env.value === undefined || env.value === "" ? {} : { value: env.value }),
  ...(env.valueFrom === undefined ? {} : { valueFrom: env.valueFrom })
})

export const envVars = (envs: ReadonlyArray<KubeTypes.EnvVar> | undefined): ReadonlyArray<KubeTypes.EnvVar> =>
  (envs ?? []).map(envVar)

/** A CR's toleration without empty strings, as the API server stores it. */
export const toleration = (t: KubeTypes.Toleration): Json => ({
  ...field("key", t.key),
  ...field("operator", t.operator),
  ...field("value", t.value),
  ...field("effect", t.effect),
  ...(t.tolerationSeconds === undefined ? {} : { tolerationSeconds: t.tolerationSeconds })
})

export const tolerations = (list: ReadonlyArray<KubeTypes.Toleration> | undefined): ReadonlyArray<Json> =>
  (list ?? []).map(toleration)

export const fieldRefEnv = (name: string, fieldPath: string): KubeTypes.EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } })

/**
 * `WHATAP_MEM_LIMIT`: the container's memory limit in bytes, read by the start scripts.
 * `divisor: "0"` is how the Go operator's (zero) Quantity serialises and how the API
 * server stores it.
 */
export const memoryLimitEnv = (containerName: string): KubeTypes.EnvVar => ({
  name: "WHATAP_MEM_LIMIT",
  valueFrom: { resourceFieldRef: { containerName, resource: "limits.memory", divisor: "0" } }
})
