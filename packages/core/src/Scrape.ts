/**
 * The scrape vocabulary shared by OpenAgent inline targets and the three monitor CRDs:
 * endpoints, TLS, basic auth, authorization, relabelling, namespace and pod selectors.
 * `MetricRelabelConfig` keeps Prometheus' snake-case JSON keys (`source_labels`,
 * `target_label`), exactly as the Go types serialise them.
 */
import { Schema } from "effect"
import { Int64, StringMap, boolDefault, opt, selectorFields } from "./internal/Field.ts"
import { LabelSelectorOperator } from "./KubeTypes.ts"


/** A key of a Secret; `namespace` is optional (the CR's own namespace otherwise). */
export const SecretKeySelector = Schema.Struct({
  name: Schema.String,
  key: Schema.String,
  namespace: opt(Schema.String)
})
export type SecretKeySelector = typeof SecretKeySelector.Type

/** File paths win over the secret variants at the agent. */
export const TLSConfig = Schema.Struct({
  insecureSkipVerify: opt(Schema.Boolean),
  caSecret: opt(SecretKeySelector),
  certSecret: opt(SecretKeySelector),
  keySecret: opt(SecretKeySelector),
  caFile: opt(Schema.String),
  certFile: opt(Schema.String),
  keyFile: opt(Schema.String),
  serverName: opt(Schema.String)
})
export type TLSConfig = typeof TLSConfig.Type

export const BasicAuthConfig = Schema.Struct({
  username: opt(SecretKeySelector),
  password: opt(SecretKeySelector)
})
export type BasicAuthConfig = typeof BasicAuthConfig.Type

/** `type` defaults to Bearer at the OpenAgent, not in the CRD. */
export const AuthorizationConfig = Schema.Struct({
  type: opt(Schema.String),
  credentials: opt(Schema.String),
  credentialsEnv: opt(Schema.String),
  credentialsFile: opt(Schema.String),
  credentialsSecret: opt(SecretKeySelector)
})
export type AuthorizationConfig = typeof AuthorizationConfig.Type

/** Prometheus relabel rule; `modulus` is a uint64 in Go, an int64 in the CRD. */
export const MetricRelabelConfig = Schema.Struct({
  source_labels: opt(Schema.Array(Schema.String)),
  separator: opt(Schema.String),
  regex: opt(Schema.String),
  modulus: opt(Int64),
  target_label: opt(Schema.String),
  replacement: opt(Schema.String),
  action: opt(Schema.String)
})
export type MetricRelabelConfig = typeof MetricRelabelConfig.Type

/** `port` (a name or a number, as a string) for Pod/ServiceMonitor, `address` for static endpoints. */
export const Endpoint = Schema.Struct({
  port: opt(Schema.String),
  address: opt(Schema.String),
  path: opt(Schema.String),
  interval: opt(Schema.String),
  scheme: opt(Schema.String),
  tlsConfig: opt(TLSConfig),
  basicAuth: opt(BasicAuthConfig),
  authorization: opt(AuthorizationConfig),
  metricRelabelConfigs: opt(Schema.Array(MetricRelabelConfig)),
  params: opt(Schema.Record(Schema.String, Schema.Array(Schema.String))),
  addNodeLabel: boolDefault(false)
})
export type Endpoint = typeof Endpoint.Type

/**
 * WhaTap's own selector requirement: the metav1 shape without its server-side-apply
 * markers (the Go type is a separate struct). Operators are free strings in the CRD;
 * In, NotIn, Exists and DoesNotExist are honoured, others reported by the validator.
 */
export const SelectorRequirement = Schema.Struct({
  key: Schema.String,
  operator: LabelSelectorOperator,
  values: opt(Schema.Array(Schema.String))
}).annotate({ [selectorFields]: ["key", "operator", "values"] })
export type SelectorRequirement = typeof SelectorRequirement.Type

/** Namespaces by name and/or by label. */
export const NamespaceSelector = Schema.Struct({
  matchNames: opt(Schema.Array(Schema.String)),
  matchLabels: opt(StringMap),
  matchExpressions: opt(Schema.Array(SelectorRequirement))
}).annotate({ [selectorFields]: ["matchNames", "matchLabels", "matchExpressions"] })
export type NamespaceSelector = typeof NamespaceSelector.Type

/** Pods by label: the JSON shape of metav1.LabelSelector. */
export const PodSelector = Schema.Struct({
  matchLabels: opt(StringMap),
  matchExpressions: opt(Schema.Array(SelectorRequirement))
}).annotate({ [selectorFields]: ["matchLabels", "matchExpressions"] })
export type PodSelector = typeof PodSelector.Type
