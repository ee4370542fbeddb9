/**
 * The Kubernetes core/v1 and meta/v1 types that the WhaTap CRDs embed: env vars,
 * resource requirements, tolerations, object references, label selectors, object
 * metadata and status conditions. Field names, required keys and defaults follow the
 * upstream OpenAPI (Kubernetes 1.33) so the generated CRDs accept what the Go
 * operator's CRDs accept. Affinity and security contexts live in their own modules.
 */
import { Schema } from "effect"
import { Int64, Quantity, StringMap, atomicList, atomicObject, defaulted, opt } from "./Field.ts"

/** `name` defaults to "" upstream (k8s >= 1.30 marks it `+default=""`). */
const refName = Schema.String.pipe(defaulted(""))

export const LocalObjectReference = Schema.Struct({ name: refName }).annotate(atomicObject)
export type LocalObjectReference = typeof LocalObjectReference.Type

export const ConfigMapKeySelector = Schema.Struct({
  key: Schema.String,
  name: refName,
  optional: opt(Schema.Boolean)
}).annotate(atomicObject)

export const SecretKeySelector = Schema.Struct({
  key: Schema.String,
  name: refName,
  optional: opt(Schema.Boolean)
}).annotate(atomicObject)

export const ObjectFieldSelector = Schema.Struct({
  apiVersion: opt(Schema.String),
  fieldPath: Schema.String
}).annotate(atomicObject)

export const ResourceFieldSelector = Schema.Struct({
  containerName: opt(Schema.String),
  divisor: opt(Quantity),
  resource: Schema.String
}).annotate(atomicObject)

export const EnvVarSource = Schema.Struct({
  configMapKeyRef: opt(ConfigMapKeySelector),
  fieldRef: opt(ObjectFieldSelector),
  resourceFieldRef: opt(ResourceFieldSelector),
  secretKeyRef: opt(SecretKeySelector)
})

export const EnvVar = Schema.Struct({
  name: Schema.String,
  value: opt(Schema.String),
  valueFrom: opt(EnvVarSource)
})
export type EnvVar = typeof EnvVar.Type

export const ResourceClaim = Schema.Struct({
  name: Schema.String,
  request: opt(Schema.String)
})

export const ResourceList = Schema.Record(Schema.String, Quantity)
export type ResourceList = typeof ResourceList.Type

export const ResourceRequirements = Schema.Struct({
  claims: opt(Schema.Array(ResourceClaim).annotate({
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["name"]
  })),
  limits: opt(ResourceList),
  requests: opt(ResourceList)
})
export type ResourceRequirements = typeof ResourceRequirements.Type

export const Toleration = Schema.Struct({
  effect: opt(Schema.String),
  key: opt(Schema.String),
  operator: opt(Schema.String),
  tolerationSeconds: opt(Int64),
  value: opt(Schema.String)
})
export type Toleration = typeof Toleration.Type

/** metav1.LabelSelectorRequirement; the operator is a free string in the CRD. */
export const LabelSelectorRequirement = Schema.Struct({
  key: Schema.String,
  operator: Schema.String,
  values: opt(atomicList(Schema.String))
})
export type LabelSelectorRequirement = typeof LabelSelectorRequirement.Type

export const LabelSelector = Schema.Struct({
  matchExpressions: opt(atomicList(LabelSelectorRequirement)),
  matchLabels: opt(StringMap)
}).annotate(atomicObject)
export type LabelSelector = typeof LabelSelector.Type

/**
 * The parts of metav1.ObjectMeta the operator reads. The CRD declares `metadata` as a
 * bare object (the API server validates it itself), and the decoder never reports
 * unknown metadata fields.
 */
export const ObjectMeta = Schema.Struct({
  name: opt(Schema.String),
  generateName: opt(Schema.String),
  namespace: opt(Schema.String),
  uid: opt(Schema.String),
  resourceVersion: opt(Schema.String),
  generation: opt(Int64),
  creationTimestamp: opt(Schema.String),
  deletionTimestamp: opt(Schema.String),
  labels: opt(StringMap),
  annotations: opt(StringMap),
  finalizers: opt(Schema.Array(Schema.String))
}).annotate({ "whatap/opaqueObject": true })
export type ObjectMeta = typeof ObjectMeta.Type

/** metav1.Condition with the upstream validation (patterns and lengths). */
export const Condition = Schema.Struct({
  lastTransitionTime: Schema.String.annotate({ format: "date-time" }),
  message: Schema.String.check(Schema.isMaxLength(32768)),
  observedGeneration: opt(Int64.check(Schema.isGreaterThanOrEqualTo(0))),
  reason: Schema.String.check(
    Schema.isMaxLength(1024),
    Schema.isMinLength(1),
    Schema.isPattern(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
  ),
  status: Schema.Literals(["True", "False", "Unknown"]),
  type: Schema.String.check(
    Schema.isMaxLength(316),
    Schema.isPattern(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/)
  )
})
export type Condition = typeof Condition.Type

