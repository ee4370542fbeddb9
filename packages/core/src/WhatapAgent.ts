/**
 * The cluster-scoped `WhatapAgent` resource: credentials, the three feature blocks
 * (APM instrumentation, OpenAgent, K8s agents) and the status the controller writes.
 * Decoded values carry the CRD defaults (see `Decode.ts`).
 */
import { Effect, Schema } from "effect"
import { about, Int64, opt } from "./internal/Field.ts"
import { ApmSpec } from "./Instrumentation.ts"
import { K8sAgentSpec } from "./K8sAgent.ts"
import { Condition, ObjectMeta } from "./KubeTypes.ts"
import { OpenAgentSpec } from "./OpenAgent.ts"
import { apiVersion } from "./Resource.ts"

export const Features = Schema.Struct({
  apm: opt(ApmSpec.pipe(about("APM auto-instrumentation through the mutating admission webhook"))),
  openAgent: opt(OpenAgentSpec.pipe(about("The OpenAgent (Prometheus-style scraper) and its inline scrape targets"))),
  k8sAgent: opt(K8sAgentSpec.pipe(about("Kubernetes agents: master agent, node agent and GPU monitoring")))
}).annotate({ description: "The monitoring to run; an absent or disabled block installs nothing (and removes what it installed)" })
export type Features = typeof Features.Type

/**
 * The license key: a plain string in the CRD and on the wire, a `Redacted` once decoded,
 * so logging or printing a decoded CR shows `<redacted:license>`. Only the render of the
 * agents' env unwraps it (`Redacted.value`).
 */
export const License = Schema.RedactedFromValue(
  Schema.String.pipe(about("WhaTap license key; when absent the agents read WHATAP_LICENSE from the Secret whatap-credentials")),
  { label: "license" }
)

/**
 * `license`/`host`/`port` as literal values; when absent the agents read the Secret
 * `whatap-credentials`. `port` is a string in the Go CRD, so `port: 6600` is rejected.
 */
export const WhatapAgentSpec = Schema.Struct({
  license: opt(License),
  host: opt(Schema.String.pipe(about("WhaTap collector host(s); when absent WHATAP_HOST comes from the Secret whatap-credentials"))),
  port: opt(Schema.String.pipe(about("WhaTap collector port as a string; when absent WHATAP_PORT comes from the Secret whatap-credentials"))),
  features: Features
}).annotate({ description: "Credentials and the features to run" })
export type WhatapAgentSpec = typeof WhatapAgentSpec.Type

const PodCount = Int64.check(Schema.isGreaterThanOrEqualTo(0))

/** Pods seen by the APM webhook and the missed-pod sweep (D7, B4). */
export const InstrumentationStatus = Schema.Struct({
  matchedPods: PodCount.pipe(about("Running pods that match an enabled instrumentation target")),
  injectedPods: PodCount.pipe(about("Matching pods that carry the APM agent")),
  missedPods: PodCount.pipe(about("Matching pods that were never injected (created before the webhook, or while it was down)"))
})
export type InstrumentationStatus = typeof InstrumentationStatus.Type

const Count = PodCount

/** One GPU node as its GPU Feature Discovery labels describe it, and whether its dcgm-exporter is ready (B6). */
export const GpuNodeStatus = Schema.Struct({
  name: Schema.String.pipe(about("The node name")),
  gpus: opt(Count.pipe(about("Physical GPUs (nvidia.com/gpu.count); absent under mig.strategy single, whose count is of MIG devices"))),
  models: Schema.Array(Schema.String).pipe(about("GPU models (nvidia.com/gpu.product without the MIG suffix)")),
  // Not "off": YAML 1.1 readers (Go's, kubectl's) take a bare off in the CRD for false.
  migLayout: opt(Schema.Literals(["disabled", "all", "some"]).pipe(about("MIG enabled on no GPU (disabled), on all or on some of them; absent when the labels could not be read"))),
  strategy: opt(Schema.Literals(["none", "single", "mixed"]).pipe(about("nvidia.com/mig.strategy"))),
  configState: opt(Schema.String.pipe(about("nvidia.com/mig.config.state of the MIG Manager (pending, rebooting, success, failed)"))),
  migDevices: Schema.Array(
    Schema.Struct({
      profile: Schema.String.pipe(about("MIG profile, for example 1g.10gb")),
      count: Count.pipe(about("MIG devices of this profile on the node"))
    })
  ).pipe(about("MIG devices per profile")),
  warnings: Schema.Array(Schema.String).pipe(about("Codes of the warnings about this node (each one is also a Warning Event on the WhatapAgent)")),
  exporterReady: opt(Schema.Boolean.pipe(about("Whether the dcgm-exporter container of the node agent pod on this node is ready; absent when no node agent pod with dcgm-exporter runs on the node")))
})
export type GpuNodeStatus = typeof GpuNodeStatus.Type

/** The GPU nodes the operator found, when GPU monitoring is enabled (B6). */
export const GpuStatus = Schema.Struct({
  nodes: Schema.Array(GpuNodeStatus).pipe(about("GPU nodes by name, at most 50")),
  otherNodes: opt(Count.pipe(about("GPU nodes beyond the listed ones")))
})
export type GpuStatus = typeof GpuStatus.Type

/** Conditions per component (see `Conditions.ts`) and the generation they describe. */
export const WhatapAgentStatus = Schema.Struct({
  conditions: opt(
    Schema.Array(Condition).pipe(
      about("Ready, then one condition per component: MasterAgentReady, NodeAgentReady, OpenAgentReady, GpuMonitoringReady, InstrumentationReady, WebhookCertificateValid")
    )
  ),
  observedGeneration: opt(Int64.pipe(about("The generation of the spec the conditions describe"))),
  instrumentation: opt(InstrumentationStatus.pipe(about("APM injection counts, refreshed by the missed-pod sweep"))),
  gpu: opt(GpuStatus.pipe(about("GPU nodes found from their labels, while GPU monitoring is enabled")))
}).annotate({ description: "Written by the operator: conditions, APM injection counts and GPU nodes" })
export type WhatapAgentStatus = typeof WhatapAgentStatus.Type

/**
 * The Go CRD does not require `spec` (a `-spec:` typo passes the API server), so an
 * absent spec decodes as the Go zero value, `features: {}`: nothing enabled. The decoder
 * warns about it (rule `empty-spec`) instead of rejecting what the Go operator accepts.
 */
export const WhatapAgent = Schema.Struct({
  apiVersion: Schema.Literal(apiVersion),
  kind: Schema.Literal("WhatapAgent"),
  metadata: ObjectMeta,
  spec: WhatapAgentSpec.pipe(Schema.withDecodingDefaultKey(Effect.succeed({ features: {} }))),
  status: opt(WhatapAgentStatus)
})
export type WhatapAgent = typeof WhatapAgent.Type
