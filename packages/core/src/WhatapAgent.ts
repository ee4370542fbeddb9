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
})
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
})
export type WhatapAgentSpec = typeof WhatapAgentSpec.Type

const PodCount = Int64.check(Schema.isGreaterThanOrEqualTo(0))

/** Pods seen by the APM webhook and the missed-pod sweep (D7, B4). */
export const InstrumentationStatus = Schema.Struct({
  matchedPods: PodCount.pipe(about("Running pods that match an enabled instrumentation target")),
  injectedPods: PodCount.pipe(about("Matching pods that carry the APM agent")),
  missedPods: PodCount.pipe(about("Matching pods that were never injected (created before the webhook, or while it was down)"))
})
export type InstrumentationStatus = typeof InstrumentationStatus.Type

/** Conditions per component (see `Conditions.ts`) and the generation they describe. */
export const WhatapAgentStatus = Schema.Struct({
  conditions: opt(Schema.Array(Condition)),
  observedGeneration: opt(Int64),
  instrumentation: opt(InstrumentationStatus.pipe(about("APM injection counts, refreshed by the missed-pod sweep")))
})
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
