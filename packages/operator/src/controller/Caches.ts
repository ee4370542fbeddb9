/**
 * The operator's view of the cluster: one informer (list+watch cache) per kind it reads,
 * scoped as tightly as the work allows — owned objects in the operator namespace, the
 * three cluster-scoped objects by name, the dcgm-exporter Service by label in any
 * namespace, WhatapAgents and monitor CRs cluster-wide, pods and namespaces as metadata
 * only (the status counts), nodes as metadata only (their GPU labels: the GPU status and
 * the automatic GPU node selection, B6), and in full only the node-agent pods that carry
 * dcgm-exporter, by label in the operator namespace (one per GPU node: whether each
 * node's exporter is ready, B6). Reconciles read from here, not from the API server.
 */
import { Context, Effect, Layer, Option, type Scope, Stream } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, Informer, type KubeObject } from "@whatap-operator/kube"
import { OperatorConfig } from "../Config.ts"
import type { Ref } from "./Apply.ts"
import * as ExporterPods from "./ExporterPods.ts"

export interface Watched {
  /** `deployments in whatap-monitoring`, for health checks and logs. */
  readonly name: string
  readonly informer: Informer.Informer
}

export interface Shape {
  readonly agents: Informer.Informer
  readonly podMonitors: Informer.Informer
  readonly serviceMonitors: Informer.Informer
  readonly staticEndpoints: Informer.Informer
  readonly pods: Informer.Informer
  readonly namespaces: Informer.Informer
  readonly nodes: Informer.Informer
  /** The node-agent pods with dcgm-exporter, status included (`ExporterPods.selector`). */
  readonly exporterPods: Informer.Informer
  /** Owned objects and monitors: a change in any of them re-reconciles every WhatapAgent. */
  readonly dependents: ReadonlyArray<Watched>
  readonly all: ReadonlyArray<Watched>
  /** The cached object a managed reference points at (none when no informer covers it). */
  readonly lookup: (ref: Ref) => Effect.Effect<Option.Option<KubeObject.KubeObject>>
}

export class Caches extends Context.Service<Caches, Shape>()("@whatap-operator/operator/Caches") {
  static readonly layer = Layer.effect(Caches, Effect.suspend(() => make))
}

const byName = (name: string) => ({ fieldSelector: `metadata.name=${name}` })

interface Owned {
  readonly resource: ApiResource.ApiResource
  readonly namespaced: "operator" | "any" | "cluster"
  readonly watched: Watched
}

const make = Effect.gen(function*() {
  const config = yield* OperatorConfig
  const ns = config.namespace
  const watch = (name: string, resource: ApiResource.ApiResource, options: Informer.Options = {}) =>
    Effect.map(Informer.make(resource, options), (informer): Watched => ({ name, informer }))
  const inNamespace = (resource: ApiResource.ApiResource, extra: Informer.Options = {}) =>
    Effect.map(watch(`${resource.plural} in ${ns}`, resource, { namespace: ns, ...extra }), (watched): Owned => ({ resource, namespaced: "operator", watched }))
  const named = (resource: ApiResource.ApiResource, name: string) =>
    Effect.map(watch(`${resource.plural} named ${name}`, resource, byName(name)), (watched): Owned => ({ resource, namespaced: "cluster", watched }))

  const owned: ReadonlyArray<Owned> = yield* Effect.all([
    inNamespace(ApiResource.Deployment),
    inNamespace(ApiResource.DaemonSet),
    inNamespace(ApiResource.Service),
    inNamespace(ApiResource.ConfigMap),
    // Only the webhook certificate: the operator never reads the credentials Secret.
    inNamespace(ApiResource.Secret, byName(Naming.webhook.secret)),
    inNamespace(ApiResource.ServiceAccount),
    Effect.map(
      watch("dcgm-exporter services", ApiResource.Service, { labelSelector: `${Naming.labels.appName}=${Naming.gpu.appName}` }),
      (watched): Owned => ({ resource: ApiResource.Service, namespaced: "any", watched })
    ),
    named(ApiResource.ClusterRole, Naming.openAgent.clusterRole),
    named(ApiResource.ClusterRoleBinding, Naming.openAgent.clusterRoleBinding),
    named(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration),
    named(ApiResource.ValidatingWebhookConfiguration, Naming.webhook.validatingConfiguration)
  ])
  const [agents, podMonitors, serviceMonitors, staticEndpoints, pods, namespaces, nodes, exporterPods] = yield* Effect.all([
    watch("whatapagents", ApiResource.WhatapAgent),
    watch("whatappodmonitors", ApiResource.WhatapPodMonitor),
    watch("whatapservicemonitors", ApiResource.WhatapServiceMonitor),
    watch("whatapstaticendpoints", ApiResource.WhatapStaticEndpoint),
    watch("pods (metadata)", ApiResource.Pod, { metadataOnly: true, stripManagedFields: true }),
    watch("namespaces (metadata)", ApiResource.Namespace, { metadataOnly: true, stripManagedFields: true }),
    watch("nodes (metadata)", ApiResource.Node, { metadataOnly: true, stripManagedFields: true }),
    // Whole pods (the status), so only the few the operator renders with dcgm-exporter.
    watch(`dcgm-exporter pods in ${ns}`, ApiResource.Pod, { namespace: ns, labelSelector: ExporterPods.selector, stripManagedFields: true })
  ])

  const lookup = (ref: Ref): Effect.Effect<Option.Option<KubeObject.KubeObject>> => {
    const sameKind = owned.filter((o) => o.resource.kind === ref.resource.kind && o.resource.group === ref.resource.group)
    const source = ref.resource.namespaced
      ? sameKind.find((o) => o.namespaced === (ref.namespace === ns ? "operator" : "any")) ?? sameKind.find((o) => o.namespaced === "any")
      : sameKind.find((o) => o.namespaced === "cluster")
    if (source === undefined) return Effect.succeed(Option.none())
    return source.watched.informer.get(ref.namespace === undefined || !ref.resource.namespaced ? ref.name : `${ref.namespace}/${ref.name}`)
  }

  const dependents = [...owned.map((o) => o.watched), podMonitors, serviceMonitors, staticEndpoints]
  return Caches.of({
    agents: agents.informer,
    podMonitors: podMonitors.informer,
    serviceMonitors: serviceMonitors.informer,
    staticEndpoints: staticEndpoints.informer,
    pods: pods.informer,
    namespaces: namespaces.informer,
    nodes: nodes.informer,
    exporterPods: exporterPods.informer,
    dependents,
    all: [agents, ...dependents, pods, namespaces, nodes, exporterPods],
    lookup
  })
})

/** Waits until every informer has completed its first list. */
export const synced = Effect.flatMap(Effect.service(Caches), (caches) =>
  Effect.forEach(caches.all, (w) => w.informer.synced, { concurrency: "unbounded", discard: true }))

/** Every change of every dependent from now on, for the controller's triggers. */
export const dependentChanges: Effect.Effect<Stream.Stream<Informer.Change>, never, Caches | Scope.Scope> = Effect.gen(function*() {
  const caches = yield* Caches
  const streams = yield* Effect.forEach(caches.dependents, (w) => w.informer.subscribe)
  return Stream.mergeAll(streams, { concurrency: "unbounded" })
})
