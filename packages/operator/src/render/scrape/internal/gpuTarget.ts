/**
 * The automatic GPU scrape target (spec 4.10): when GPU monitoring is on, OpenAgent
 * scrapes the dcgm-exporter sidecars of the node agent pods, unless a target already
 * covers them. The node agent is `whatap-node-agent-gpu` in split mode (GPU nodes
 * chosen by gpuMonitoring.nodeSelector or a required node affinity), else
 * `whatap-node-agent`.
 */
import type { K8sAgent, WhatapAgent } from "@whatap-operator/core"
import { Naming } from "@whatap-operator/core"
import { isSplit } from "../../NodeTopology.ts"
import * as Yaml from "../Yaml.ts"
import { relabel, type Target } from "./scrapeTargets.ts"

/**
 * Labels that identify the node agent pods (a selector on `tier: x` alone must not
 * suppress the GPU target). `app.kubernetes.io/instance` has no entry in core's Naming
 * because the operator never sets it; it only appears in user selectors.
 */
const identityKeys: ReadonlySet<string> = new Set([
  Naming.labels.name,
  Naming.labels.gpu,
  Naming.labels.app,
  Naming.labels.appName,
  "app.kubernetes.io/instance"
])

/**
 * Prometheus label names allow only [a-zA-Z0-9_]; the exporter exports pod labels sanitized.
 * One `_` per character (code point), as Go's regexp replaces runes, not UTF-16 halves.
 */
const sanitizeLabelName = (label: string): string => label.replace(/[^a-zA-Z0-9_]/gu, "_")

/**
 * A target already scrapes the GPU agents when it has the automatic target's name, or
 * selects pods by labels all of which the GPU agent pods carry, one of them an identity label.
 */
const covers = (target: Target, agentLabels: Readonly<Record<string, string>>): boolean => {
  if (target.targetName === Naming.gpu.autoTarget) return true
  const pairs = Object.entries(target.matchLabels)
  return (
    pairs.length > 0 &&
    pairs.every(([k, v]) => Object.hasOwn(agentLabels, k) && agentLabels[k] === v) &&
    pairs.some(([k]) => identityKeys.has(k))
  )
}

const metricRelabels = (k8s: K8sAgent.K8sAgentSpec): ReadonlyArray<Yaml.Value> => {
  const gpu = k8s.gpuMonitoring
  const cluster = gpu.clusterName ?? ""
  const group = gpu.groupLabel ?? ""
  return [
    relabel({ target_label: "wtp_src", replacement: "true", action: "replace" }),
    relabel({ source_labels: ["__name__"], regex: "DCGM.*", action: "keep" }),
    ...(cluster === "" ? [] : [relabel({ target_label: "cluster", replacement: cluster, action: "replace" })]),
    ...(group === ""
      ? []
      : [relabel({ source_labels: [sanitizeLabelName(group)], target_label: "whatap_kube_label_gpu_group", action: "replace" })]),
    ...(gpu.metricRelabelConfigs ?? []).map(relabel)
  ]
}

const endpoint = (k8s: K8sAgent.K8sAgentSpec): Yaml.Mapping => {
  const interval = k8s.gpuMonitoring.interval ?? ""
  return Yaml.sorted([
    ["port", String(Naming.gpu.metricsPort)],
    ["path", "/metrics"],
    ["interval", interval === "" ? Naming.gpu.defaultInterval : interval],
    ["scheme", "http"],
    ["addNodeLabel", true],
    ["metricRelabelConfigs", metricRelabels(k8s)]
  ])
}

/** The automatic target, or nothing when GPU monitoring is off or an emitted target covers the agents. */
export const gpuTarget = (
  agent: WhatapAgent.WhatapAgent,
  emitted: ReadonlyArray<Target>,
  namespace: string
): ReadonlyArray<Yaml.Mapping> => {
  const k8s = agent.spec.features.k8sAgent
  if (k8s === undefined || !k8s.gpuMonitoring.enabled) return []
  const agentName = isSplit(k8s.gpuMonitoring) ? Naming.nodeAgent.gpuDaemonSet : Naming.nodeAgent.daemonSet
  const agentLabels = { [Naming.labels.name]: agentName, [Naming.labels.gpu]: "true", ...k8s.nodeAgent.podLabels }
  if (emitted.some((target) => covers(target, agentLabels))) return []
  const relabels = k8s.gpuMonitoring.relabelConfigs ?? []
  const targetNamespace = k8s.namespace !== undefined && k8s.namespace !== "" ? k8s.namespace : namespace
  return [
    Yaml.sorted([
      ["targetName", Naming.gpu.autoTarget],
      ["type", "PodMonitor"],
      ["enabled", true],
      ["namespaceSelector", Yaml.mapping([["matchNames", [targetNamespace]]])],
      ["selector", Yaml.mapping([["matchLabels", Yaml.mapping([[Naming.labels.name, agentName]])]])],
      ...(relabels.length > 0 ? [["relabelConfigs", relabels.map(relabel)] as const] : []),
      ["endpoints", [endpoint(k8s)]]
    ])
  ]
}
