/**
 * Which node-agent DaemonSets a WhatapAgent runs (spec 4.6.1): one, or in GPU split mode
 * (GPU monitoring with its own nodeSelector or required node affinity) the plain one plus
 * `whatap-node-agent-gpu`, and which of them carries the dcgm-exporter sidecar.
 */
import { GpuMonitoring, Naming, type WhatapAgent } from "@whatap-operator/core"

/** The rule the render and the validator use (`GpuMonitoring.splitMode`). */
export const splitMode = (agent: WhatapAgent.WhatapAgent): boolean => GpuMonitoring.splitMode(agent.spec.features.k8sAgent?.gpuMonitoring).split

export const nodeDaemonSets = (agent: WhatapAgent.WhatapAgent): { readonly all: ReadonlyArray<string>; readonly gpu: string } =>
  splitMode(agent)
    ? { all: [Naming.nodeAgent.daemonSet, Naming.nodeAgent.gpuDaemonSet], gpu: Naming.nodeAgent.gpuDaemonSet }
    : { all: [Naming.nodeAgent.daemonSet], gpu: Naming.nodeAgent.daemonSet }
