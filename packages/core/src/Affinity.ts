/**
 * core/v1 Affinity as embedded in the WhaTap CRDs: node affinity (required node
 * selector terms and weighted preferences) and pod (anti-)affinity with every nested
 * term, including `matchLabelKeys`/`mismatchLabelKeys` (Kubernetes 1.33 schema).
 */
import { Schema } from "effect"
import { Int32, atomicList, atomicObject, opt } from "./internal/Field.ts"
import { LabelSelector } from "./KubeTypes.ts"

/** The operators of a node selector requirement (core/v1 `NodeSelectorOperator`). */
export const nodeSelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const

/**
 * A free string upstream and in the Go CRDs: decoding keeps any value, the validator
 * reports unknown ones. (The union is spelt inline so that types inferred from the model
 * elsewhere print as the union rather than naming this module.)
 */
export const NodeSelectorOperator: Schema.Codec<(typeof nodeSelectorOperators)[number] | (string & {}), string> = Schema.String
export type NodeSelectorOperator = typeof NodeSelectorOperator.Type

export const NodeSelectorRequirement = Schema.Struct({
  key: Schema.String,
  operator: NodeSelectorOperator,
  values: opt(atomicList(Schema.String))
})

export const NodeSelectorTerm = Schema.Struct({
  matchExpressions: opt(atomicList(NodeSelectorRequirement)),
  matchFields: opt(atomicList(NodeSelectorRequirement))
}).annotate(atomicObject)
export type NodeSelectorTerm = typeof NodeSelectorTerm.Type

export const NodeSelector = Schema.Struct({
  nodeSelectorTerms: atomicList(NodeSelectorTerm)
}).annotate(atomicObject)
export type NodeSelector = typeof NodeSelector.Type

export const PreferredSchedulingTerm = Schema.Struct({
  preference: NodeSelectorTerm,
  weight: Int32
})

export const NodeAffinity = Schema.Struct({
  preferredDuringSchedulingIgnoredDuringExecution: opt(atomicList(PreferredSchedulingTerm)),
  requiredDuringSchedulingIgnoredDuringExecution: opt(NodeSelector)
})
export type NodeAffinity = typeof NodeAffinity.Type

export const PodAffinityTerm = Schema.Struct({
  labelSelector: opt(LabelSelector),
  matchLabelKeys: opt(atomicList(Schema.String)),
  mismatchLabelKeys: opt(atomicList(Schema.String)),
  namespaceSelector: opt(LabelSelector),
  namespaces: opt(atomicList(Schema.String)),
  topologyKey: Schema.String
})
export type PodAffinityTerm = typeof PodAffinityTerm.Type

export const WeightedPodAffinityTerm = Schema.Struct({
  podAffinityTerm: PodAffinityTerm,
  weight: Int32
})

/** Pod affinity and pod anti-affinity share one shape. */
export const PodAffinity = Schema.Struct({
  preferredDuringSchedulingIgnoredDuringExecution: opt(atomicList(WeightedPodAffinityTerm)),
  requiredDuringSchedulingIgnoredDuringExecution: opt(atomicList(PodAffinityTerm))
})
export type PodAffinity = typeof PodAffinity.Type

export const Affinity = Schema.Struct({
  nodeAffinity: opt(NodeAffinity),
  podAffinity: opt(PodAffinity),
  podAntiAffinity: opt(PodAffinity)
})
export type Affinity = typeof Affinity.Type
