/**
 * The API resources the operator talks to, by group/version/plural and scope, and the
 * URL paths they live at. One table, so a new kind is one line and every path is built
 * the same way.
 */
import { Resource } from "@whatap-operator/core"

export interface ApiResource {
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly plural: string
  readonly namespaced: boolean
}

const make = (group: string, version: string, kind: string, plural: string, namespaced: boolean): ApiResource => ({
  group,
  version,
  kind,
  plural,
  namespaced
})

export const Namespace = make("", "v1", "Namespace", "namespaces", false)
export const Pod = make("", "v1", "Pod", "pods", true)
export const Service = make("", "v1", "Service", "services", true)
export const ConfigMap = make("", "v1", "ConfigMap", "configmaps", true)
export const Secret = make("", "v1", "Secret", "secrets", true)
export const ServiceAccount = make("", "v1", "ServiceAccount", "serviceaccounts", true)
export const Event = make("", "v1", "Event", "events", true)
export const Node = make("", "v1", "Node", "nodes", false)
export const ResourceQuota = make("", "v1", "ResourceQuota", "resourcequotas", true)
export const Deployment = make("apps", "v1", "Deployment", "deployments", true)
export const DaemonSet = make("apps", "v1", "DaemonSet", "daemonsets", true)
export const StatefulSet = make("apps", "v1", "StatefulSet", "statefulsets", true)
export const ReplicaSet = make("apps", "v1", "ReplicaSet", "replicasets", true)
export const ClusterRole = make("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false)
export const ClusterRoleBinding = make("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false)
export const Role = make("rbac.authorization.k8s.io", "v1", "Role", "roles", true)
export const RoleBinding = make("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true)
export const MutatingWebhookConfiguration = make(
  "admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false
)
export const ValidatingWebhookConfiguration = make(
  "admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false
)
export const Lease = make("coordination.k8s.io", "v1", "Lease", "leases", true)
export const PodDisruptionBudget = make("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true)
export const CustomResourceDefinition = make(
  "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false
)
export const SelfSubjectAccessReview = make(
  "authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false
)

/**
 * Per-container CPU and memory of running pods, served by metrics-server through the
 * aggregation layer (`kubectl top pod`); memory is the container's working set.
 */
export const PodMetrics = make("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", true)

const whatap = (kind: Resource.Kind): ApiResource => {
  const names = Resource.byKind[kind]
  return make(Resource.group, Resource.version, kind, names.plural, names.scope === "Namespaced")
}

export const WhatapAgent = whatap("WhatapAgent")
export const WhatapPodMonitor = whatap("WhatapPodMonitor")
export const WhatapServiceMonitor = whatap("WhatapServiceMonitor")
export const WhatapStaticEndpoint = whatap("WhatapStaticEndpoint")

/** Every resource of this table, for lookups by kind (`byKind`). */
export const all: ReadonlyArray<ApiResource> = [
  Namespace, Pod, Service, ConfigMap, Secret, ServiceAccount, Event, Node, ResourceQuota,
  Deployment, DaemonSet, StatefulSet, ReplicaSet,
  ClusterRole, ClusterRoleBinding, Role, RoleBinding,
  MutatingWebhookConfiguration, ValidatingWebhookConfiguration, Lease, PodDisruptionBudget, CustomResourceDefinition,
  SelfSubjectAccessReview, PodMetrics,
  WhatapAgent, WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint
]

/** The resource of an object by its `apiVersion` and `kind`, when it is one of the table's. */
export const forObject = (apiVersion: string, kind: string): ApiResource | undefined =>
  all.find((r) => r.kind === kind && apiVersionOf(r) === apiVersion)

/** `v1`, `apps/v1`, `monitoring.whatap.com/v2alpha1`. */
export const apiVersionOf = (resource: ApiResource): string =>
  resource.group === "" ? resource.version : `${resource.group}/${resource.version}`

/** `/api/v1` or `/apis/apps/v1`. */
export const groupVersionPath = (resource: ApiResource): string =>
  resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`

/**
 * The collection path (`name` absent) or object path, with an optional subresource.
 * A namespaced resource without a namespace is the all-namespaces collection.
 */
export const path = (
  resource: ApiResource,
  options: { readonly namespace?: string | undefined; readonly name?: string | undefined; readonly subresource?: string | undefined }
): string => {
  const ns = resource.namespaced && options.namespace !== undefined && options.namespace !== ""
    ? `/namespaces/${encodeURIComponent(options.namespace)}`
    : ""
  const name = options.name === undefined ? "" : `/${encodeURIComponent(options.name)}`
  const sub = options.subresource === undefined ? "" : `/${options.subresource}`
  return `${groupVersionPath(resource)}${ns}/${resource.plural}${name}${sub}`
}

/** `deployments.apps`, `pods`: how RBAC rules and audit events name the resource. */
export const qualifiedName = (resource: ApiResource): string =>
  resource.group === "" ? resource.plural : `${resource.plural}.${resource.group}`
