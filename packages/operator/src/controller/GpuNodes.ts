/**
 * The GPU nodes of the cluster as their labels describe them (PRODUCT B6): each node's
 * GPU Feature Discovery labels read with `NodeLabels.read` and summarised by the
 * planner (`Planner.plan`/`status`), with whether its dcgm-exporter is ready
 * (`ExporterPods.readiness`), for three uses: the `gpu` block of the WhatapAgent
 * status (at most `maxListed` nodes, by name, and a count of the rest), the sentence
 * `GpuMonitoringReady` adds ("3 GPU nodes (NVIDIA-H100-80GB-HBM3 x8; MIG single on 1;
 * dcgm-exporter ready on 3 of 3)"),
 * and whether the render may select the GPU nodes automatically (`detected`, see
 * `GpuNodeSelection`). Pure but for `NodeLabels.read`, whose failure is data here.
 */
import { Effect, Result } from "effect"
import type { GpuMonitoring, WhatapAgent } from "@whatap-operator/core"
import { NodeLabels, Planner } from "@whatap-operator/gpu"
import type { KubeObject } from "@whatap-operator/kube"
import * as GpuNodeSelection from "../render/GpuNodeSelection.ts"
import { isSplit } from "../render/NodeTopology.ts"

type Detected = GpuNodeSelection.GpuNodes

/** The status lists this many nodes: ~300 bytes each keeps the status far below etcd's object limit. */
export const maxListed = 50

/** A warning about one node, as the planner (or the label reader) words it. */
export interface Warning {
  readonly node: string
  readonly code: string
  readonly message: string
}

export interface Summary {
  /** Every GPU node, by name (the status lists the first `maxListed`). */
  readonly nodes: ReadonlyArray<WhatapAgent.GpuNodeStatus>
  readonly warnings: ReadonlyArray<Warning>
  readonly detected: Detected
}

/** Labels that say something about a node's NVIDIA GPUs: what a relabel must change to matter. */
const isGpuKey = (key: string): boolean => key.startsWith("nvidia.com/") || key === NodeLabels.keys.gkeAccelerator

const gpuLabels = (object: KubeObject.KubeObject | undefined): string =>
  JSON.stringify(Object.entries(object?.metadata.labels ?? {}).filter(([key]) => isGpuKey(key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

/**
 * Whether a Node change can change the GPU status or the render: its GPU labels differ
 * from the cached ones (an added or deleted GPU node included). Heartbeats and other
 * label changes are not worth a pass.
 */
export const relevant = (change: { readonly type: "upsert" | "delete"; readonly object: KubeObject.KubeObject; readonly previous?: KubeObject.KubeObject }): boolean =>
  change.type === "delete" ? gpuLabels(change.object) !== "[]" : gpuLabels(change.previous) !== gpuLabels(change.object)

interface Read {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly read: Result.Result<NodeLabels.GpuLabels, NodeLabels.NodeLabelsError>
}

/** A node whose labels name an NVIDIA GPU; one with unreadable NVIDIA labels counts too. */
const isGpuNode = (node: Read): boolean =>
  Result.isFailure(node.read) || NodeLabels.hasGpu(node.read.success) || node.read.success.product !== undefined

const marked = (node: Read): boolean => node.labels[NodeLabels.keys.present] === "true"

const layouts: Readonly<Record<Planner.Layout, WhatapAgent.GpuNodeStatus["migLayout"]>> = {
  "no-gpu": undefined,
  off: "disabled",
  all: "all",
  some: "some"
}

const line = (name: string, labels: NodeLabels.GpuLabels, gpu: GpuMonitoring.GpuMonitoringSpec) => {
  const input: Planner.Input = {
    labels,
    ...(gpu.groupLabel === undefined ? {} : { groupLabel: gpu.groupLabel }),
    ...(gpu.groupLabelAllowlistRegex === undefined ? {} : { groupLabelAllowlistRegex: gpu.groupLabelAllowlistRegex })
  }
  const plan = Planner.plan(input)
  const status = Planner.status(input, plan)
  const warnings = plan.notes.filter((n) => n.severity === "warning").map((n): Warning => ({ node: name, code: n.code, message: n.message }))
  const migLayout = layouts[status.layout]
  const node: WhatapAgent.GpuNodeStatus = {
    name,
    ...(status.gpus === undefined ? {} : { gpus: status.gpus }),
    models: status.models,
    ...(migLayout === undefined ? {} : { migLayout }),
    ...(status.migStrategy === undefined ? {} : { strategy: status.migStrategy }),
    ...(status.migConfigState === undefined ? {} : { configState: status.migConfigState }),
    migDevices: status.migDevices,
    warnings: warnings.map((w) => w.code)
  }
  return { node, warnings }
}

const unreadable = (name: string, error: NodeLabels.NodeLabelsError) => ({
  node: { name, models: [], migDevices: [], warnings: ["invalid-labels"] } satisfies WhatapAgent.GpuNodeStatus,
  warnings: [{ node: name, code: "invalid-labels", message: error.message }]
})

/** When some GPU nodes carry the selection label and others do not, the automatic selection stays off: say which. */
const unmarked = (gpuNodes: ReadonlyArray<Read>): ReadonlyArray<Warning> =>
  gpuNodes.some(marked)
    ? gpuNodes.filter((n) => !marked(n)).map((n): Warning => ({
      node: n.name,
      code: "not-selectable",
      message: `the node has NVIDIA GPU labels but not ${NodeLabels.keys.present}=true, so GPU nodes are not selected automatically and dcgm-exporter runs on every node; label it, or choose the GPU nodes with gpuMonitoring.nodeSelector`
    }))
    : []

/**
 * The GPU nodes among `nodes` (Node objects, metadata is enough), for GPU monitoring as
 * `gpu` configures it; `exporters` says by node name whether dcgm-exporter is ready there
 * (a node it does not name has no exporter pod).
 */
export const summarize = Effect.fn("GpuNodes.summarize")(function*(
  nodes: ReadonlyArray<KubeObject.KubeObject>,
  gpu: GpuMonitoring.GpuMonitoringSpec,
  exporters: ReadonlyMap<string, boolean> = new Map()
) {
  const reads: Array<Read> = []
  for (const node of nodes) {
    const labels = node.metadata.labels ?? {}
    reads.push({ name: node.metadata.name ?? "", labels, read: yield* Effect.result(NodeLabels.read(labels)) })
  }
  const gpuNodes = reads.filter(isGpuNode).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const lines = gpuNodes.map((n) => (Result.isFailure(n.read) ? unreadable(n.name, n.read.failure) : line(n.name, n.read.success, gpu)))
  const extra = isSplit(gpu) ? [] : unmarked(gpuNodes)
  // by node, so that many nodes without the present label stay linear
  const extraByNode = Map.groupBy(extra, (w) => w.node)
  const nodesOut = lines.map(({ node }): WhatapAgent.GpuNodeStatus => {
    const codes = (extraByNode.get(node.name) ?? []).map((w) => w.code)
    const ready = exporters.get(node.name)
    return {
      ...node,
      ...(codes.length === 0 ? {} : { warnings: [...node.warnings, ...codes] }),
      ...(ready === undefined ? {} : { exporterReady: ready })
    }
  })
  return {
    nodes: nodesOut,
    warnings: [...lines.flatMap((l) => l.warnings), ...extra],
    detected: { detected: gpuNodes.length > 0 && gpuNodes.every(marked) }
  } satisfies Summary
})

/** The status block: the first `maxListed` nodes and how many more there are. */
export const status = (summary: Summary): WhatapAgent.GpuStatus => {
  const listed = summary.nodes.slice(0, maxListed)
  const others = summary.nodes.length - listed.length
  return others > 0 ? { nodes: listed, otherNodes: others } : { nodes: listed }
}

/** How dcgm-exporter finds its nodes: the CR's selection, the automatic one, or every node (legacy). */
export type Selection = "spec" | "automatic" | "every-node"

export const selection = (gpu: GpuMonitoring.GpuMonitoringSpec, detected: Detected): Selection =>
  isSplit(gpu) ? "spec" : GpuNodeSelection.applies(gpu, detected) ? "automatic" : "every-node"

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** `NVIDIA-H100-80GB-HBM3 x16, Tesla-T4 x1`: GPUs per model where the labels count them. */
const models = (nodes: ReadonlyArray<WhatapAgent.GpuNodeStatus>): string => {
  const gpus = new Map<string, number>()
  for (const node of nodes) for (const model of node.models) gpus.set(model, (gpus.get(model) ?? 0) + (node.gpus ?? 0))
  const shown = [...gpus].slice(0, 3).map(([model, n]) => (n > 0 ? `${model} x${n}` : model))
  return [...shown, ...(gpus.size > 3 ? [`${gpus.size - 3} more models`] : [])].join(", ")
}

/** `MIG single on 1, mixed on 2`: nodes with MIG enabled, by strategy. */
const mig = (nodes: ReadonlyArray<WhatapAgent.GpuNodeStatus>): string => {
  const byStrategy = new Map<string, number>()
  for (const node of nodes) {
    if (node.migLayout !== "all" && node.migLayout !== "some") continue
    const key = node.strategy ?? "enabled"
    byStrategy.set(key, (byStrategy.get(key) ?? 0) + 1)
  }
  return byStrategy.size === 0 ? "" : `MIG ${[...byStrategy].map(([s, n]) => `${s} on ${n}`).join(", ")}`
}

const selections: Readonly<Record<Selection, string>> = {
  spec: "",
  automatic: `; dcgm-exporter on the nodes labelled ${NodeLabels.keys.present}=true (selected automatically)`,
  "every-node": "; dcgm-exporter on every node"
}

/** `dcgm-exporter ready on 2 of 3`, once some GPU node has an exporter pod (before that, the DaemonSet's verdict speaks). */
const exporters = (nodes: ReadonlyArray<WhatapAgent.GpuNodeStatus>): string =>
  nodes.every((n) => n.exporterReady === undefined)
    ? ""
    : `dcgm-exporter ready on ${nodes.filter((n) => n.exporterReady === true).length} of ${nodes.length}`

/** What `GpuMonitoringReady` says about the nodes: `2 GPU nodes (NVIDIA-H100-80GB-HBM3 x8; MIG mixed on 1; dcgm-exporter ready on 2 of 2)`. */
export const sentence = (summary: Summary, selection: Selection): string => {
  const nodes = summary.nodes
  if (nodes.length === 0) return `no node has NVIDIA GPU labels${selections[selection]}`
  const warned = nodes.filter((n) => n.warnings.length > 0).length
  const parts = [models(nodes), mig(nodes), warned === 0 ? "" : `${warned} with warnings`, exporters(nodes)].filter((p) => p !== "")
  return `${plural(nodes.length, "GPU node")}${parts.length === 0 ? "" : ` (${parts.join("; ")})`}${selections[selection]}`
}

/** `node/code` pairs of the stored status. */
const storedWarnings = (stored: WhatapAgent.GpuStatus | undefined): ReadonlySet<string> =>
  new Set((stored?.nodes ?? []).flatMap((n) => n.warnings.map((w) => `${n.name}/${w}`)))

/**
 * Warning Events for what is new since the stored status (`status.gpu` before this
 * pass): one per warning code, naming the nodes that now have it and the planner's
 * words for the first new one. A warning already in the stored status raises nothing,
 * so each appears once per change, also across operator restarts. Only listed nodes
 * are compared; nodes beyond them count in the message of a listed one's Event.
 */
export const newWarnings = (stored: WhatapAgent.GpuStatus | undefined, summary: Summary): ReadonlyArray<string> => {
  const before = storedWarnings(stored)
  const listed = new Set(summary.nodes.slice(0, maxListed).map((n) => n.name))
  const codes = [...new Set(summary.warnings.map((w) => w.code))].sort()
  return codes.flatMap((code) => {
    const all = summary.warnings.filter((w) => w.code === code)
    const [first] = all.filter((w) => listed.has(w.node) && !before.has(`${w.node}/${code}`))
    if (first === undefined) return []
    const names = all.slice(0, 5).map((w) => w.node).join(", ")
    const more = all.length > 5 ? ` and ${all.length - 5} more` : ""
    return [`${code} on ${plural(all.length, "GPU node")} (${names}${more}): ${first.node}: ${first.message}`]
  })
}

/** The reason of the Warning Events `newWarnings` words. */
export const warningReason = "GpuNodeWarning"
