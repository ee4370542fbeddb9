/**
 * The namespaced monitor kinds that feed the OpenAgent scrape configuration:
 * `WhatapPodMonitor`, `WhatapServiceMonitor` (same shape: a pod/service selector,
 * optional namespace selector, endpoints) and `WhatapStaticEndpoint` (endpoints by
 * address, no selectors). They have no reconciler of their own; status is empty.
 */
import { Effect, Schema } from "effect"
import { about, opt } from "./internal/Field.ts"
import { LabelSelector, ObjectMeta } from "./KubeTypes.ts"
import { apiVersion } from "./Resource.ts"
import { Endpoint, MetricRelabelConfig, NamespaceSelector } from "./Scrape.ts"

/** An absent `namespaceSelector` means the monitor's own namespace. */
export const MonitorSpec = Schema.Struct({
  selector: LabelSelector.pipe(about("Pods or Services by label")),
  namespaceSelector: opt(NamespaceSelector.pipe(about("Namespaces to look in; absent means the namespace of the monitor itself"))),
  endpoints: Schema.Array(Endpoint).pipe(about("Endpoints to scrape on every selected object")),
  relabelConfigs: opt(Schema.Array(MetricRelabelConfig).pipe(about("Target relabelling"))),
  jobLabel: opt(Schema.String.pipe(about("Label whose value becomes the job name")))
}).annotate({ description: "What to scrape: the endpoints of the selected objects" })
export type MonitorSpec = typeof MonitorSpec.Type

export const StaticEndpointSpec = Schema.Struct({
  endpoints: Schema.Array(Endpoint).pipe(about("Addresses to scrape (endpoints[].address)")),
  relabelConfigs: opt(Schema.Array(MetricRelabelConfig).pipe(about("Target relabelling"))),
  jobLabel: opt(Schema.String.pipe(about("Label whose value becomes the job name")))
}).annotate({ description: "What to scrape: fixed addresses" })
export type StaticEndpointSpec = typeof StaticEndpointSpec.Type

export const MonitorStatus = Schema.Struct({}).annotate({
  description: "Always empty: the operator renders the monitor into the OpenAgent scrape configuration"
})
export type MonitorStatus = typeof MonitorStatus.Type

/**
 * The Go CRDs do not require `spec`: an absent one decodes as the Go zero value given
 * here in encoded form (no endpoints, so nothing is scraped), and the decoder warns.
 */
const resource = <K extends string, S extends Schema.Top>(kind: K, spec: S, zero: S["Encoded"]) =>
  Schema.Struct({
    apiVersion: Schema.Literal(apiVersion),
    kind: Schema.Literal(kind),
    metadata: ObjectMeta,
    spec: spec.pipe(Schema.withDecodingDefaultKey(Effect.succeed(zero))),
    status: opt(MonitorStatus)
  })

export const WhatapPodMonitor = resource("WhatapPodMonitor", MonitorSpec, { selector: {}, endpoints: [] })
export type WhatapPodMonitor = typeof WhatapPodMonitor.Type

export const WhatapServiceMonitor = resource("WhatapServiceMonitor", MonitorSpec, { selector: {}, endpoints: [] })
export type WhatapServiceMonitor = typeof WhatapServiceMonitor.Type

export const WhatapStaticEndpoint = resource("WhatapStaticEndpoint", StaticEndpointSpec, { endpoints: [] })
export type WhatapStaticEndpoint = typeof WhatapStaticEndpoint.Type
