/**
 * How Kubernetes merges the lists and maps of the built-in kinds the operator writes:
 * the structured-merge-diff schema facts (`x-kubernetes-list-type`, `-list-map-keys`,
 * `-map-type: atomic`, `+structType=atomic`) as one table keyed by path pattern, so the
 * apply checks (`ServerSideApply`) and the memory layer's server-side apply agree.
 *
 * A path is the field names from the object root, with `[]` for a list element
 * (`spec.template.spec.containers[].env`). A pattern matches the END of a path unless it
 * starts with `^`; `*` matches any one name. A list without a rule is atomic (replaced
 * as a whole and compared element by element), as are all lists of the WhaTap custom
 * resources, whose CRDs declare no list types.
 */
import { Resource } from "@whatap-operator/core"
import { isRecord } from "./internal/ssa/json.ts"

export type ListRule =
  | {
    readonly type: "map"
    readonly keys: ReadonlyArray<string>
    /** Values the server fills into a key field that was left out (a port's protocol). */
    readonly defaults?: Readonly<Record<string, string>>
  }
  | { readonly type: "set" }

interface Pattern {
  readonly pattern: string
  /** Only for these kinds; absent: every built-in kind. */
  readonly kinds?: ReadonlyArray<string>
}

interface ListEntry extends Pattern {
  readonly rule: ListRule
}

const map = (keys: ReadonlyArray<string>, defaults?: Readonly<Record<string, string>>): ListRule =>
  defaults === undefined ? { type: "map", keys } : { type: "map", keys, defaults }

const tcp = { protocol: "TCP" }

const containerLists = (container: string): ReadonlyArray<ListEntry> => [
  { pattern: `spec.${container}`, rule: map(["name"]) },
  { pattern: `spec.${container}[].env`, rule: map(["name"]) },
  { pattern: `spec.${container}[].ports`, rule: map(["containerPort", "protocol"], tcp) },
  { pattern: `spec.${container}[].volumeMounts`, rule: map(["mountPath"]) },
  { pattern: `spec.${container}[].volumeDevices`, rule: map(["devicePath"]) },
  { pattern: `spec.${container}[].resources.claims`, rule: map(["name"]) }
]

/** Associative and set lists (k8s.io/api `+listType=map|set`); every other list is atomic. */
export const lists: ReadonlyArray<ListEntry> = [
  ...["containers", "initContainers", "ephemeralContainers"].flatMap(containerLists),
  { pattern: "spec.volumes", rule: map(["name"]) },
  { pattern: "spec.imagePullSecrets", rule: map(["name"]) },
  { pattern: "spec.hostAliases", rule: map(["ip"]) },
  { pattern: "spec.topologySpreadConstraints", rule: map(["topologyKey", "whenUnsatisfiable"]) },
  { pattern: "spec.resourceClaims", rule: map(["name"]) },
  { pattern: "spec.schedulingGates", rule: map(["name"]) },
  { pattern: "spec.resources.claims", rule: map(["name"]) },
  { pattern: "^spec.ports", kinds: ["Service"], rule: map(["port", "protocol"], tcp) },
  { pattern: "^webhooks", kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], rule: map(["name"]) },
  { pattern: "metadata.ownerReferences", rule: map(["uid"]) },
  { pattern: "metadata.finalizers", rule: { type: "set" } },
  { pattern: "^status.conditions", kinds: ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Pod", "Node"], rule: map(["type"]) }
]

/** Maps and structs replaced as a whole (owned as one field, never merged key by key). */
export const atomicMaps: ReadonlyArray<Pattern> = [
  { pattern: "^spec.selector", kinds: ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Service"] },
  { pattern: "labelSelector" },
  { pattern: "namespaceSelector" },
  { pattern: "objectSelector" },
  { pattern: "valueFrom.fieldRef" },
  { pattern: "valueFrom.resourceFieldRef" },
  { pattern: "valueFrom.secretKeyRef" },
  { pattern: "valueFrom.configMapKeyRef" },
  { pattern: "nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution" },
  { pattern: "spec.imagePullSecrets[]" },
  { pattern: "metadata.ownerReferences[]" },
  { pattern: "^roleRef", kinds: ["RoleBinding", "ClusterRoleBinding"] }
]

/** Leaves that hold a resource quantity, compared by amount. */
export const quantities: ReadonlyArray<Pattern> = [
  { pattern: "resources.limits.*" },
  { pattern: "resources.requests.*" },
  { pattern: "emptyDir.sizeLimit" },
  { pattern: "spec.overhead.*" },
  { pattern: "^spec.hard.*", kinds: ["ResourceQuota"] }
]

const segmentsOf = (pattern: string): ReadonlyArray<string> =>
  pattern.replace(/^\^/, "").replaceAll("[]", ".[]").split(".")

const matches = (entry: Pattern, kind: string, path: ReadonlyArray<string>): boolean => {
  if (Resource.isKind(kind)) return false
  if (entry.kinds !== undefined && !entry.kinds.includes(kind)) return false
  const segments = segmentsOf(entry.pattern)
  if (entry.pattern.startsWith("^") && segments.length !== path.length) return false
  if (segments.length > path.length) return false
  const offset = path.length - segments.length
  return segments.every((s, i) => s === "*" ? path[offset + i] !== "[]" : s === path[offset + i])
}

/** The merge rule of the list at `path` of an object of `kind`; undefined: atomic. */
export const listRule = (kind: string, path: ReadonlyArray<string>): ListRule | undefined =>
  lists.find((entry) => matches(entry, kind, path))?.rule

export const isAtomicMap = (kind: string, path: ReadonlyArray<string>): boolean =>
  atomicMaps.some((entry) => matches(entry, kind, path))

/**
 * Atomic maps the API server stores as written (no defaults filled in): selectors. An
 * extra key in live is a change there, where in other maps it may be a server default
 * (a fieldRef's `apiVersion`).
 */
export const exactMaps: ReadonlyArray<Pattern> = atomicMaps.filter((entry) => /selector/i.test(entry.pattern))

export const isExactMap = (kind: string, path: ReadonlyArray<string>): boolean =>
  exactMaps.some((entry) => matches(entry, kind, path))

export const isQuantity = (kind: string, path: ReadonlyArray<string>): boolean =>
  quantities.some((entry) => matches(entry, kind, path))

/**
 * The key of one element of an associative list, defaults filled in, with its fields in
 * name order (as the API server writes `k:{...}`); undefined when a key field is missing.
 */
export const keyOf = (
  rule: Extract<ListRule, { type: "map" }>,
  item: unknown
): Readonly<Record<string, unknown>> | undefined => {
  if (!isRecord(item)) return undefined
  const entries = [...rule.keys].sort().map((field) => [field, item[field] ?? rule.defaults?.[field]] as const)
  return entries.every(([, value]) => value !== undefined) ? Object.fromEntries(entries) : undefined
}
