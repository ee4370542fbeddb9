/**
 * Which node-agent DaemonSets a WhatapAgent runs (spec 4.6.1): one, or in GPU split mode
 * (GPU monitoring with its own nodeSelector or required node affinity) the plain one plus
 * `whatap-node-agent-gpu`, and which of them carries the dcgm-exporter sidecar.
 */
import { Naming, type WhatapAgent } from "@whatap-operator/core"

export const splitMode = (agent: WhatapAgent.WhatapAgent): boolean => {
  const gpu = agent.spec.features.k8sAgent?.gpuMonitoring
  if (gpu === undefined || !gpu.enabled) return false
  const selector = gpu.nodeSelector !== undefined && Object.keys(gpu.nodeSelector).length > 0
  const affinity = gpu.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined
  return selector || affinity
}

export const nodeDaemonSets = (agent: WhatapAgent.WhatapAgent): { readonly all: ReadonlyArray<string>; readonly gpu: string } =>
  splitMode(agent)
    ? { all: [Naming.nodeAgent.daemonSet, Naming.nodeAgent.gpuDaemonSet], gpu: Naming.nodeAgent.gpuDaemonSet }
    : { all: [Naming.nodeAgent.daemonSet], gpu: Naming.nodeAgent.daemonSet }
