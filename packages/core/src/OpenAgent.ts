/**
 * `features.openAgent`: the WhaTap OpenAgent Deployment (a Prometheus-style scraper)
 * and its inline scrape targets. `globalInterval`, `globalPath` and target-level
 * `metricRelabelConfigs` appear in the Go examples but are not part of the schema:
 * the API server prunes them, and the decoder warns about them.
 */
import { Schema } from "effect"
import { Affinity } from "./Affinity.ts"
import { about, boolDefault, opt, requiredBool, StringMap } from "./internal/Field.ts"
import { EnvVar, LocalObjectReference, Toleration } from "./KubeTypes.ts"
import { Endpoint, MetricRelabelConfig, NamespaceSelector, PodSelector } from "./Scrape.ts"
import { PodSecurityContext } from "./SecurityContext.ts"

export const TargetType = Schema.Literals(["ServiceMonitor", "PodMonitor", "StaticEndpoints"])
export type TargetType = typeof TargetType.Type

/** `enabled` is required by the CRD but defaults to true, so it may be omitted. */
export const OpenAgentTargetSpec = Schema.Struct({
  targetName: Schema.String,
  type: TargetType,
  enabled: requiredBool(true),
  namespaceSelector: opt(NamespaceSelector),
  selector: opt(PodSelector.pipe(about("Pods or Services by label"))),
  relabelConfigs: opt(Schema.Array(MetricRelabelConfig)),
  endpoints: opt(Schema.Array(Endpoint).pipe(about("Endpoints to scrape on every selected object")))
})
export type OpenAgentTargetSpec = typeof OpenAgentTargetSpec.Type

/** Image and security-context defaults are code defaults, applied by the reconciler. */
export const OpenAgentSpec = Schema.Struct({
  enabled: requiredBool(false),
  targets: opt(Schema.Array(OpenAgentTargetSpec)),
  imageName: opt(Schema.String),
  imageVersion: opt(Schema.String),
  customImageFullName: opt(Schema.String.pipe(about("Full OpenAgent image reference; wins over imageName/imageVersion"))),
  labels: opt(StringMap),
  annotations: opt(StringMap),
  podLabels: opt(StringMap),
  podAnnotations: opt(StringMap),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference)),
  priorityClassName: opt(Schema.String),
  nodeSelector: opt(StringMap),
  affinity: opt(Affinity),
  tolerations: opt(Schema.Array(Toleration)),
  nodeName: opt(Schema.String.pipe(about("Pin the OpenAgent pod to one node"))),
  podSecurityContext: opt(PodSecurityContext),
  envs: opt(Schema.Array(EnvVar)),
  disableForeground: boolDefault(false)
})
export type OpenAgentSpec = typeof OpenAgentSpec.Type
