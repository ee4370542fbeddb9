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
  targetName: Schema.String.pipe(about("Name of the target; the job name in the scrape configuration")),
  type: TargetType.pipe(about("What the target selects: Pods, Services (their endpoints) or static addresses")),
  enabled: requiredBool(true, "Scrape this target"),
  namespaceSelector: opt(NamespaceSelector.pipe(about("Namespaces to look in"))),
  selector: opt(PodSelector.pipe(about("Pods or Services by label"))),
  relabelConfigs: opt(Schema.Array(MetricRelabelConfig).pipe(about("Target relabelling"))),
  endpoints: opt(Schema.Array(Endpoint).pipe(about("Endpoints to scrape on every selected object")))
})
export type OpenAgentTargetSpec = typeof OpenAgentTargetSpec.Type

/** Image and security-context defaults are code defaults, applied by the reconciler. */
export const OpenAgentSpec = Schema.Struct({
  enabled: requiredBool(false, "Install the OpenAgent; false removes it"),
  targets: opt(Schema.Array(OpenAgentTargetSpec).pipe(about("Inline scrape targets, in addition to the monitor resources"))),
  imageName: opt(Schema.String.pipe(about("Image repository (default public.ecr.aws/whatap/open_agent)"))),
  imageVersion: opt(Schema.String.pipe(about("Image tag (default latest)"))),
  customImageFullName: opt(Schema.String.pipe(about("Full OpenAgent image reference; wins over imageName/imageVersion"))),
  labels: opt(StringMap.pipe(about("Labels added to the Deployment"))),
  annotations: opt(StringMap.pipe(about("Annotations added to the Deployment"))),
  podLabels: opt(StringMap.pipe(about("Labels added to the pod template"))),
  podAnnotations: opt(StringMap.pipe(about("Annotations added to the pod template"))),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference).pipe(about("Pull secrets of the OpenAgent pod (no fallback to k8sAgent.imagePullSecrets)"))),
  priorityClassName: opt(Schema.String.pipe(about("PriorityClass of the OpenAgent pod"))),
  nodeSelector: opt(StringMap.pipe(about("Node selector of the OpenAgent pod"))),
  affinity: opt(Affinity.pipe(about("Affinity of the OpenAgent pod"))),
  tolerations: opt(Schema.Array(Toleration).pipe(about("Tolerations of the OpenAgent pod"))),
  nodeName: opt(Schema.String.pipe(about("Pin the OpenAgent pod to one node"))),
  podSecurityContext: opt(PodSecurityContext.pipe(about("Security context of the OpenAgent pod (default: non-root user 1001, seccomp RuntimeDefault)"))),
  envs: opt(Schema.Array(EnvVar).pipe(about("Environment variables appended after WHATAP_LICENSE/HOST/PORT"))),
  disableForeground: boolDefault(false, "Run the agent in the background (container args -d)")
})
export type OpenAgentSpec = typeof OpenAgentSpec.Type
