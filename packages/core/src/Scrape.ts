/**
 * The scrape vocabulary shared by OpenAgent inline targets and the three monitor CRDs:
 * endpoints, TLS, basic auth, authorization, relabelling, namespace and pod selectors.
 * `MetricRelabelConfig` keeps Prometheus' snake-case JSON keys (`source_labels`,
 * `target_label`), exactly as the Go types serialise them.
 */
import { Schema } from "effect"
import { Int64, StringMap, about, boolDefault, opt, selectorFields } from "./internal/Field.ts"
import { LabelSelectorOperator } from "./KubeTypes.ts"


/** A key of a Secret; `namespace` is optional (the CR's own namespace otherwise). */
export const SecretKeySelector = Schema.Struct({
  name: Schema.String.pipe(about("Secret name")),
  key: Schema.String.pipe(about("Key in the Secret")),
  namespace: opt(Schema.String.pipe(about("Secret namespace (default: the namespace of the resource)")))
})
export type SecretKeySelector = typeof SecretKeySelector.Type

/** File paths win over the secret variants at the agent. */
export const TLSConfig = Schema.Struct({
  insecureSkipVerify: opt(Schema.Boolean.pipe(about("Skip verification of the target's certificate"))),
  caSecret: opt(SecretKeySelector.pipe(about("CA certificate from a Secret"))),
  certSecret: opt(SecretKeySelector.pipe(about("Client certificate from a Secret"))),
  keySecret: opt(SecretKeySelector.pipe(about("Client key from a Secret"))),
  caFile: opt(Schema.String.pipe(about("CA certificate file in the OpenAgent pod; wins over caSecret"))),
  certFile: opt(Schema.String.pipe(about("Client certificate file; wins over certSecret"))),
  keyFile: opt(Schema.String.pipe(about("Client key file; wins over keySecret"))),
  serverName: opt(Schema.String.pipe(about("Server name for SNI and verification")))
})
export type TLSConfig = typeof TLSConfig.Type

export const BasicAuthConfig = Schema.Struct({
  username: opt(SecretKeySelector.pipe(about("User name from a Secret"))),
  password: opt(SecretKeySelector.pipe(about("Password from a Secret")))
})
export type BasicAuthConfig = typeof BasicAuthConfig.Type

/** `type` defaults to Bearer at the OpenAgent, not in the CRD. */
export const AuthorizationConfig = Schema.Struct({
  type: opt(Schema.String.pipe(about("Authorization scheme (the OpenAgent uses Bearer when empty)"))),
  credentials: opt(Schema.String.pipe(about("Credentials as a literal value"))),
  credentialsEnv: opt(Schema.String.pipe(about("Environment variable of the OpenAgent holding the credentials"))),
  credentialsFile: opt(Schema.String.pipe(about("File in the OpenAgent pod holding the credentials"))),
  credentialsSecret: opt(SecretKeySelector.pipe(about("Credentials from a Secret; the first non-empty source wins")))
})
export type AuthorizationConfig = typeof AuthorizationConfig.Type

/** Prometheus relabel rule; `modulus` is a uint64 in Go, an int64 in the CRD. */
export const MetricRelabelConfig = Schema.Struct({
  source_labels: opt(Schema.Array(Schema.String).pipe(about("Labels whose values are joined and matched"))),
  separator: opt(Schema.String.pipe(about("Separator of the joined values (default ;)"))),
  regex: opt(Schema.String.pipe(about("RE2 regular expression, anchored at both ends"))),
  modulus: opt(Int64.pipe(about("Modulus of the hash (action hashmod)"))),
  target_label: opt(Schema.String.pipe(about("Label the result is written to"))),
  replacement: opt(Schema.String.pipe(about("Replacement; $1 and named groups refer to the regex"))),
  action: opt(Schema.String.pipe(about("replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep, ...")))
})
export type MetricRelabelConfig = typeof MetricRelabelConfig.Type

/** `port` (a name or a number, as a string) for Pod/ServiceMonitor, `address` for static endpoints. */
export const Endpoint = Schema.Struct({
  port: opt(Schema.String.pipe(about("Port name or number (PodMonitor, ServiceMonitor)"))),
  address: opt(Schema.String.pipe(about("host:port (StaticEndpoints)"))),
  path: opt(Schema.String.pipe(about("HTTP path of the metrics (default /metrics)"))),
  interval: opt(Schema.String.pipe(about("Scrape interval, for example 30s"))),
  scheme: opt(Schema.String.pipe(about("http or https"))),
  tlsConfig: opt(TLSConfig.pipe(about("TLS settings for https"))),
  basicAuth: opt(BasicAuthConfig.pipe(about("HTTP basic authentication"))),
  authorization: opt(AuthorizationConfig.pipe(about("HTTP Authorization header"))),
  metricRelabelConfigs: opt(Schema.Array(MetricRelabelConfig).pipe(about("Relabelling of the scraped samples"))),
  params: opt(Schema.Record(Schema.String, Schema.Array(Schema.String)).pipe(about("URL query parameters"))),
  addNodeLabel: boolDefault(false, "Add the node name of the target as a label")
})
export type Endpoint = typeof Endpoint.Type

/**
 * WhaTap's own selector requirement: the metav1 shape without its server-side-apply
 * markers (the Go type is a separate struct). Operators are free strings in the CRD;
 * In, NotIn, Exists and DoesNotExist are honoured, others reported by the validator.
 */
export const SelectorRequirement = Schema.Struct({
  key: Schema.String.pipe(about("Label key")),
  operator: LabelSelectorOperator.pipe(about("In, NotIn, Exists or DoesNotExist")),
  values: opt(Schema.Array(Schema.String).pipe(about("Values for In and NotIn; empty for Exists and DoesNotExist")))
}).annotate({ [selectorFields]: ["key", "operator", "values"] })
export type SelectorRequirement = typeof SelectorRequirement.Type

/** Namespaces by name and/or by label. */
export const NamespaceSelector = Schema.Struct({
  matchNames: opt(Schema.Array(Schema.String).pipe(about("Namespace names"))),
  matchLabels: opt(StringMap.pipe(about("Namespace labels that must all match"))),
  matchExpressions: opt(Schema.Array(SelectorRequirement).pipe(about("Label requirements that must all hold")))
}).annotate({ [selectorFields]: ["matchNames", "matchLabels", "matchExpressions"] })
export type NamespaceSelector = typeof NamespaceSelector.Type

/** Pods by label: the JSON shape of metav1.LabelSelector. */
export const PodSelector = Schema.Struct({
  matchLabels: opt(StringMap.pipe(about("Labels that must all match"))),
  matchExpressions: opt(Schema.Array(SelectorRequirement).pipe(about("Label requirements that must all hold")))
}).annotate({ [selectorFields]: ["matchLabels", "matchExpressions"] })
export type PodSelector = typeof PodSelector.Type
