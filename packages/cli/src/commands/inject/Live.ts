/**
 * `explain --pod NAME` (B1, live): the pod, its namespace's labels and (without
 * `--agent`) the WhatapAgent `whatap`, read from the cluster of `--kubeconfig`/`--context`
 * with the operator's own client, so the webhook's functions explain a pod that exists.
 * The objects are handed on as JSON text, which the file readers of `inject`/`explain`
 * read like any YAML. Loaded only when `--pod` is given (the Kubernetes client is large).
 */
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError } from "@whatap-operator/kube"
import { Effect, Option } from "effect"
import type * as Args from "../../Args.ts"
import * as Cluster from "../../Cluster.ts"
import { Io, IoError } from "../../Io.ts"
import * as Progress from "../../Progress.ts"

export interface Objects {
  /** `pod/NS/NAME` and the pod as JSON text. */
  readonly pod: { readonly file: string; readonly text: string }
  /** The namespace's labels as the API server has them (`kubernetes.io/metadata.name` included). */
  readonly namespaceLabels: Readonly<Record<string, string>>
  /** `whatapagent/whatap` and the CR as JSON text; undefined when the cluster has none. */
  readonly agent: { readonly file: string; readonly text: string } | undefined
  /** The cluster does not serve WhatapAgents at all (the CRD is missing). */
  readonly crdMissing: boolean
}

const failed = (what: string) => (e: KubeError) => new IoError({ message: `cannot read ${what}: ${Cluster.describe(e)}` })

const orNone = <A>(read: Effect.Effect<A, KubeError>) =>
  read.pipe(Effect.map(Option.some), Effect.catchTag("KubeError", (e) => (e.reason === "NotFound" ? Effect.succeed(Option.none<A>()) : Effect.fail(e))))

export const read = (parsed: Args.Parsed, name: string, namespace: string, withAgent: boolean): Effect.Effect<Objects, IoError, Io> =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const pod = yield* orNone(kube.get(ApiResource.Pod, name, { namespace })).pipe(Effect.mapError(failed(`pod ${namespace}/${name}`)))
    if (Option.isNone(pod)) return yield* new IoError({ message: `pod ${namespace}/${name} not found` })
    const ns = yield* orNone(kube.get(ApiResource.Namespace, namespace)).pipe(Effect.mapError(failed(`namespace ${namespace}`)))
    const { stored: agent, crdMissing } = withAgent
      ? yield* Cluster.currentAgent.pipe(Effect.mapError(failed(`WhatapAgent ${Naming.agentName}`)))
      : { stored: Option.none(), crdMissing: false }
    return {
      pod: { file: `pod/${namespace}/${name}`, text: JSON.stringify(pod.value, null, 1) },
      namespaceLabels: Option.match(ns, { onNone: () => ({}), onSome: (n) => n.metadata.labels ?? {} }),
      agent: Option.match(agent, { onNone: () => undefined, onSome: (a) => ({ file: `whatapagent/${Naming.agentName}`, text: JSON.stringify(a, null, 1) }) }),
      crdMissing
    }
  }).pipe(
    Effect.provide(Cluster.layer(parsed)),
    Progress.during(`reading pod ${namespace}/${name}${withAgent ? `, its namespace and the WhatapAgent ${Naming.agentName}` : " and its namespace"}`)
  )
