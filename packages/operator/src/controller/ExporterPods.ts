/**
 * Whether dcgm-exporter is ready on each GPU node (B6, `status.gpu.nodes[].exporterReady`),
 * read from the node-agent pods that carry it: the pods of `whatap-node-agent` or, in
 * split mode, `whatap-node-agent-gpu` in the operator's namespace, which the render
 * labels `whatap-gpu: "true"` next to their DaemonSet's `name`. The operator caches
 * exactly those pods (`selector`), with their status, so the cache holds at most one pod
 * per GPU node. A pod counts for the node it is bound to (`spec.nodeName`) when it has the
 * dcgm-exporter container; the node's exporter is ready when such a pod's container
 * status says so. Pure.
 */
import { Naming } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"

/**
 * The label selector of the pods the render gives the dcgm-exporter sidecar: the node
 * agent's DaemonSets (`name`, which no user pod label can override) with the GPU label.
 */
export const selector = `${Naming.labels.name} in (${Naming.nodeAgent.daemonSet},${Naming.nodeAgent.gpuDaemonSet}),${Naming.labels.gpu}=true`

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const list = (value: unknown): ReadonlyArray<Readonly<Record<string, unknown>>> => (Array.isArray(value) ? value.map(record) : [])

const exporter = Naming.gpu.exporterContainer

/** What a pod says about its node's exporter: the node and the container's readiness; undefined when it tells nothing. */
export const exporterOf = (pod: KubeObject.KubeObject | undefined): { readonly node: string; readonly ready: boolean } | undefined => {
  if (pod === undefined) return undefined
  const spec = record(pod["spec"])
  const node = spec["nodeName"]
  if (typeof node !== "string" || node === "") return undefined
  if (!list(spec["containers"]).some((c) => c["name"] === exporter)) return undefined
  const status = list(record(pod["status"])["containerStatuses"]).find((c) => c["name"] === exporter)
  return { node, ready: status?.["ready"] === true }
}

/**
 * Readiness by node name. Two pods on one node (a rollout, or the switch between one
 * DaemonSet and two) make the node ready when either's exporter is.
 */
export const readiness = (pods: ReadonlyArray<KubeObject.KubeObject>): ReadonlyMap<string, boolean> => {
  const byNode = new Map<string, boolean>()
  for (const pod of pods) {
    const found = exporterOf(pod)
    if (found !== undefined) byNode.set(found.node, (byNode.get(found.node) ?? false) || found.ready)
  }
  return byNode
}

const signature = (pod: KubeObject.KubeObject | undefined): string => {
  const found = exporterOf(pod)
  return found === undefined ? "" : `${found.node}/${found.ready}`
}

/**
 * Whether a pod change can change `exporterReady`: the pod's node or its exporter's
 * readiness differ from the cached ones (an added or deleted exporter pod included).
 * Other status updates of the pod are not worth a pass.
 */
export const relevant = (change: { readonly type: "upsert" | "delete"; readonly object: KubeObject.KubeObject; readonly previous?: KubeObject.KubeObject }): boolean =>
  change.type === "delete" ? signature(change.object) !== "" : signature(change.previous) !== signature(change.object)
