/**
 * The Kubernetes core/v1 and meta/v1 types that the WhaTap CRDs embed: env vars,
 * resource requirements, tolerations, object references, label selectors, object
 * metadata and status conditions. Field names, required keys and defaults follow the
 * upstream OpenAPI (Kubernetes 1.33) so the generated CRDs accept what the Go
 * operator's CRDs accept. Affinity and security contexts live in their own modules.
 */
import { Schema } from "effect"
import { Int64, Quantity, StringMap, atomicList, atomicObject, defaulted, opt, selectorFields } from "./internal/Field.ts"

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

/** `resource.Quantity` (`"500m"`, `"1Gi"`, `2`): int-or-string in the CRD. */
export { Quantity }

export const ResourceList = Schema.Record(Schema.String, Quantity)
export type ResourceList = typeof ResourceList.Type

/** A `listType: map` list keyed by `name`: the API server refuses two items with one name. */
const uniqueNames = Schema.makeFilter((items: ReadonlyArray<{ readonly name: string }>) => {
  const seen = new Set<string>()
  return items.flatMap((item, i) => {
    if (!seen.has(item.name)) {
      seen.add(item.name)
      return []
    }
    return [{ path: [i], issue: `duplicate value: name ${JSON.stringify(item.name)} appears more than once` }]
  })
})

export const ResourceRequirements = Schema.Struct({
  claims: opt(Schema.Array(ResourceClaim).check(uniqueNames).annotate({
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

/** The operators of a structured label selector requirement (apimachinery's `LabelSelectorOperator`). */
export const labelSelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist"] as const

/**
 * A requirement's `operator` as the CRD stores it: a free string (upstream and the Go
 * CRDs have no enum), typed as the known operators or any other string. Decoding keeps
 * an unknown operator; the selector engine reports it and suggests the right spelling.
 */
export const LabelSelectorOperator: Schema.Codec<(typeof labelSelectorOperators)[number] | (string & {}), string> = Schema.String
export type LabelSelectorOperator = typeof LabelSelectorOperator.Type

/** metav1.LabelSelectorRequirement. */
export const LabelSelectorRequirement = Schema.Struct({
  key: Schema.String,
  operator: LabelSelectorOperator,
  values: opt(atomicList(Schema.String))
}).annotate({ [selectorFields]: ["key", "operator", "values"] })
export type LabelSelectorRequirement = typeof LabelSelectorRequirement.Type

export const LabelSelector = Schema.Struct({
  matchExpressions: opt(atomicList(LabelSelectorRequirement)),
  matchLabels: opt(StringMap)
}).annotate({ ...atomicObject, [selectorFields]: ["matchLabels", "matchExpressions"] })
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

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * The date-time forms the API server's OpenAPI `format: date-time` accepts (kube-openapi's
 * strfmt: RFC 3339 with optional fraction, or without a zone), with Go's range checks.
 */
const isDateTime = (text: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))?$/.exec(text)
  if (m === null) return false
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const zoneOk = m[7] === undefined || (Number(m[7]) <= 23 && Number(m[8]) <= 59)
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && hour <= 23 && minute <= 59 && second <= 59 && zoneOk
}

const dateTime = Schema.makeFilter((text: string) => (isDateTime(text) ? undefined : "expected an RFC 3339 date-time such as 2026-11-30T15:00:00Z"))

/** metav1.Condition with the upstream validation (patterns and lengths). */
export const Condition = Schema.Struct({
  lastTransitionTime: Schema.String.check(dateTime).annotate({ format: "date-time" }),
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

