/**
 * The desired state of one WhatapAgent: every object the operator creates for it (spec
 * section 4, plus the install-bundle objects of D9), as a pure function of the CR, the
 * operator namespace, the monitor CRs and the webhook endpoint/certificates. No IO, no
 * clock, inputs never mutated (D4), output sorted and byte-for-byte stable (D3). Applying,
 * pruning and status are the controller's job; `managed` tells it which objects belong to
 * the CR at all, so a disabled component's objects can be deleted.
 *
 * One module per component: `WebhookPlumbing`, `MasterAgent`, `NodeAgent` (with
 * `NodeTopology` and `GpuSidecars`), `DcgmService`, `OpenAgent`, `Bundle`. The Node
 * labels enter only as the `gpuNodes` fact (B6, `GpuNodeSelection`).
 * apiserver/etcd/scheduler monitoring renders nothing: the Go operator's installers for
 * them are no-ops (spec 4.8), so their toggles have no objects to create or remove.
 */
import type { KubeTypes, WhatapAgent } from "@whatap-operator/core"
import type { ApiResource, KubeObject } from "@whatap-operator/kube"
import * as Bundle from "./Bundle.ts"
import * as DcgmService from "./DcgmService.ts"
import * as GpuNodeSelection from "./GpuNodeSelection.ts"
import * as MasterAgent from "./MasterAgent.ts"
import * as NodeAgent from "./NodeAgent.ts"
import * as OpenAgent from "./OpenAgent.ts"
import type { Monitors } from "./scrape/ScrapeConfig.ts"
import * as WebhookPlumbing from "./WebhookPlumbing.ts"

export type { Monitors }
export type GpuNodes = GpuNodeSelection.GpuNodes

export type Component = "webhook" | "masterAgent" | "nodeAgent" | "gpuMonitoring" | "openAgent" | "bundle"

/** The order of `render` and `managed`: plumbing first, then what the agents need, then the agents. */
export const components: ReadonlyArray<Component> = ["webhook", "bundle", "masterAgent", "nodeAgent", "gpuMonitoring", "openAgent"]

/**
 * How the API server reaches the webhook: the Service in front of the operator pods, or a
 * URL when the operator runs outside the cluster (`https://127.0.0.1:PORT`, never a
 * Service IP).
 */
export type WebhookEndpoint = { readonly mode: "service" } | { readonly mode: "url"; readonly baseUrl: string }

/** PEM text of the webhook CA and serving certificate. */
export interface WebhookTls {
  readonly caCert: string
  readonly caKey: string
  readonly tlsCert: string
  readonly tlsKey: string
  /**
   * Every CA the webhook configurations trust, PEMs concatenated; absent: `caCert` alone.
   * While a CA is replaced it holds the new and the old one (D2's overlap window).
   */
  readonly caBundle?: string | undefined
}

export interface Input {
  /** Decoded (CRD defaults applied); `metadata.uid` is the owner of every object when set. */
  readonly agent: WhatapAgent.WhatapAgent
  /** The operator namespace (NS of the spec). */
  readonly namespace: string
  readonly monitors: Monitors
  readonly webhook: {
    readonly endpoint: WebhookEndpoint
    /** Undefined: no Secret and no caBundle (the certificates are someone else's). */
    readonly tls: WebhookTls | undefined
    /** Replaces the default that keeps system namespaces out of injection (D6). */
    readonly namespaceSelector?: KubeTypes.LabelSelector
  }
  /**
   * What the cluster's Node labels say about its GPU nodes (B6, `GpuNodeSelection`).
   * Absent (an offline render): nothing is known, GPU monitoring renders as the Go
   * operator does.
   */
  readonly gpuNodes?: GpuNodes | undefined
}

export interface Desired {
  readonly component: Component
  readonly resource: ApiResource.ApiResource
  readonly object: KubeObject.KubeObject
  /** `createIfAbsent`: install-bundle objects (D9), never overwritten once they exist. */
  readonly policy: "apply" | "createIfAbsent"
}

export interface Managed {
  readonly component: Component
  readonly resource: ApiResource.ApiResource
  readonly namespace?: string
  readonly name: string
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const key = (component: Component, kind: string, namespace: string | undefined, name: string) =>
  [components.indexOf(component), kind, namespace ?? "", name] as const

const byKey = (a: ReturnType<typeof key>, b: ReturnType<typeof key>): number =>
  a[0] - b[0] || compare(a[1], b[1]) || compare(a[2], b[2]) || compare(a[3], b[3])

const desiredKey = (d: Desired) => key(d.component, d.resource.kind, d.object.metadata.namespace, d.object.metadata.name ?? "")

/**
 * The CR the components render: the input's, with the automatic GPU node selection
 * applied when it applies (`GpuNodeSelection.effective`).
 */
export const effectiveAgent = (input: Input): WhatapAgent.WhatapAgent => GpuNodeSelection.effective(input.agent, input.gpuNodes)

/** Every object for the CR, sorted by (component order, kind, namespace, name). */
export const render = (given: Input): ReadonlyArray<Desired> => {
  const input = { ...given, agent: effectiveAgent(given) }
  return [
    ...WebhookPlumbing.render(input),
    ...Bundle.render(input),
    ...MasterAgent.render(input),
    ...NodeAgent.render(input),
    ...DcgmService.render(input),
    ...OpenAgent.render(input)
  ].sort((a, b) => byKey(desiredKey(a), desiredKey(b)))
}

/**
 * Every object any component could render for this CR, whatever is enabled now: both
 * node-agent DaemonSets, the dcgm Service in its namespace (and in the operator namespace
 * when `k8sAgent.namespace` moved it), the bundle objects. The webhook Secret only when
 * `tls` is given: otherwise the certificates belong to someone else and must not be
 * pruned. A controller deletes only what carries this CR's controller reference, so a
 * user's own bundle objects are safe.
 */
export const managed = (input: Input): ReadonlyArray<Managed> =>
  [
    ...WebhookPlumbing.managed(input),
    ...Bundle.managed(input),
    ...MasterAgent.managed(input),
    ...NodeAgent.managed(input),
    ...DcgmService.managed(input),
    ...OpenAgent.managed(input)
  ].sort((a, b) => byKey(key(a.component, a.resource.kind, a.namespace, a.name), key(b.component, b.resource.kind, b.namespace, b.name)))

/**
 * What a pass deletes once it is no longer rendered: every `managed` object but the
 * install-bundle ones (D9), which a user may have edited (a start script, the metrics
 * CSV) and which the Go operator never deleted; switching a component off and on keeps
 * them as they are. They go with the CR (`managed`, at finalization).
 */
export const prunable = (input: Input): ReadonlyArray<Managed> => managed(input).filter((m) => m.component !== "bundle")
