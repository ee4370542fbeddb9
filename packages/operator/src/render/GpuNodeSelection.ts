/**
 * Automatic selection of the GPU nodes (PRODUCT B6, a deliberate difference from the Go
 * operator). With GPU monitoring on and no `gpuMonitoring.nodeSelector` nor required
 * node affinity in the CR, the Go operator puts dcgm-exporter on every node (legacy
 * mode, spec 4.6.1). When the cluster's labels say which nodes have GPUs, this module
 * renders split mode instead, exactly as if the CR held the required node affinity
 * `nvidia.com/gpu.present In [true]` in `gpuMonitoring.affinity`: the DCGM sidecars go
 * to `whatap-node-agent-gpu` on the GPU nodes, and the plain DaemonSet gets the negated
 * term, so CPU-only nodes run no exporter.
 *
 * The decision is a fact passed into the render (`Render.Input.gpuNodes`), so the render
 * stays pure: the controller derives it from the Node labels (`GpuNodes.summarize`),
 * `whatapctl render` has no nodes and renders legacy mode unless told otherwise.
 *
 * The exporter's env is left as the CR says: the planner recommends `devices: f` (the
 * exporter's default, so no `DCGM_EXPORTER_DEVICES_STR`) and the embedded host engine for
 * every MIG layout, and builds the group-label allow-list as `GpuSidecars` already does,
 * so its recommendation would change nothing in the env; a CR's `devices` and
 * `hostEngine` stay as written.
 */
import type { Affinity, GpuMonitoring, WhatapAgent } from "@whatap-operator/core"
import { NodeLabels } from "@whatap-operator/gpu"
import { isSplit } from "./NodeTopology.ts"

export interface GpuNodes {
  /**
   * True when the GPU nodes can be told by `nvidia.com/gpu.present=true`: at least one
   * node carries it and every node whose labels name an NVIDIA GPU does.
   */
  readonly detected: boolean
}

/** The term a user would write to select the nodes the GPU Operator marks as GPU nodes. */
export const gpuNodeTerm: Affinity.NodeSelectorTerm = {
  matchExpressions: [{ key: NodeLabels.keys.present, operator: "In", values: ["true"] }]
}

/** Whether the automatic selection applies: GPU monitoring on, GPU nodes detected, no selection in the CR. */
export const applies = (gpu: GpuMonitoring.GpuMonitoringSpec, nodes: GpuNodes | undefined): boolean =>
  gpu.enabled && nodes?.detected === true && !isSplit(gpu)

const withTerm = (gpu: GpuMonitoring.GpuMonitoringSpec): GpuMonitoring.GpuMonitoringSpec => ({
  ...gpu,
  affinity: {
    ...gpu.affinity,
    nodeAffinity: {
      ...gpu.affinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [gpuNodeTerm] }
    }
  }
})

/**
 * The CR as the render treats it: when the selection applies, a copy whose
 * `gpuMonitoring.affinity` requires `gpuNodeTerm`; otherwise `agent` itself.
 */
export const effective = (agent: WhatapAgent.WhatapAgent, nodes: GpuNodes | undefined): WhatapAgent.WhatapAgent => {
  const k8s = agent.spec.features.k8sAgent
  if (k8s === undefined || !applies(k8s.gpuMonitoring, nodes)) return agent
  return {
    ...agent,
    spec: { ...agent.spec, features: { ...agent.spec.features, k8sAgent: { ...k8s, gpuMonitoring: withTerm(k8s.gpuMonitoring) } } }
  }
}
