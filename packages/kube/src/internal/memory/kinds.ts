/**
 * Per-kind behaviour of the API server's registry strategies that unit tests of a
 * controller can observe: which kinds have a status subresource (main-resource writes
 * leave status alone, status writes change nothing else) and which count
 * `metadata.generation` (1 on create, +1 when anything outside metadata and status changes).
 */
import { Resource } from "@whatap-operator/core"
import type { ApiResource } from "../../ApiResource.ts"

const withGeneration = new Set<string>([
  "apps/Deployment", "apps/DaemonSet", "apps/StatefulSet", "apps/ReplicaSet", "policy/PodDisruptionBudget",
  "apiextensions.k8s.io/CustomResourceDefinition",
  ...Resource.kinds.map((kind) => `${Resource.group}/${kind}`)
])

const withStatusOnly = new Set<string>(["/Pod", "/Service", "/Node", "/Namespace", "/ResourceQuota"])

const id = (resource: ApiResource): string => `${resource.group}/${resource.kind}`

export const hasGeneration = (resource: ApiResource): boolean => withGeneration.has(id(resource))

export const hasStatusSubresource = (resource: ApiResource): boolean =>
  withGeneration.has(id(resource)) || withStatusOnly.has(id(resource))

/** The store's key of a resource: one collection per group and plural. */
export const collectionOf = (resource: ApiResource): string => `${resource.group}/${resource.plural}`
