/**
 * MIG-aware GPU monitoring settings for one node (PRODUCT B6), pure: from the node's GFD
 * labels and/or its nvidia-smi inventory, the dcgm-exporter device mode, host-engine
 * mode, metric set and pod-attribution settings to use, with notes that say why; and
 * the per-node GPU summary the WhatapAgent status reports.
 *
 * dcgm-exporter's `-d` (spec 6.2): `f` monitors, per GPU, its GPU instances when MIG is
 * on and the whole GPU when it is off; `g` only whole GPUs; `i` only GPU instances. `f`
 * is therefore right for every layout (NVIDIA recommends it for both MIG strategies):
 * `i` alone would skip a MIG GPU whose instances are being recreated and every whole GPU
 * of a mixed node, `g` alone every instance. Collecting both `g` and `i` takes two
 * exporters on a shared host engine, which on mixed-MIG nodes wedged the driver (Go
 * operator #19), so the planner keeps the embedded host engine and says so.
 *
 * Under MIG, NVML has no utilization rates, so `DCGM_FI_DEV_GPU_UTIL` and
 * `DCGM_FI_DEV_MEM_COPY_UTIL` stay empty (dcgm-exporter#216, #430, #105, #50); the
 * profiling fields `DCGM_FI_PROF_GR_ENGINE_ACTIVE` and `DCGM_FI_PROF_DRAM_ACTIVE`, in the
 * default list, measure the same per instance.
 */
import { GpuMonitoring } from "@whatap-operator/core"
import { Schema } from "effect"
import * as Csv from "./Csv.ts"
import * as Gpu from "./Gpu.ts"
import { layoutOf, notesOf, resourceNames } from "./internal/planRules.ts"
import * as NodeLabels from "./NodeLabels.ts"

/** What the plan is based on: the labels, the nvidia-smi inventory, or both (it wins). */
export interface Input {
  readonly labels?: NodeLabels.GpuLabels
  readonly inventory?: Gpu.Inventory
  /** The WhatapAgent's `gpuMonitoring.groupLabel` and `groupLabelAllowlistRegex`. */
  readonly groupLabel?: string
  readonly groupLabelAllowlistRegex?: string
}

export const Layout = Schema.Literals(["no-gpu", "off", "all", "some"])
/** `off`/`all`/`some`: Gpu.MigLayout; `no-gpu`: no NVIDIA GPU on the node. */
export type Layout = typeof Layout.Type

export const NoteCode = Schema.Literals([
  "no-gpu",
  "mig-utilization",
  "mixed-utilization",
  "mixed-host-engine",
  "whole-gpu-metrics",
  "mig-config-changing",
  "mig-config-failed",
  "mig-invalid",
  "mig-mode-pending",
  "mig-without-instances",
  "mig-profiles-unknown",
  "labels-disagree",
  "mixed-models",
  "profiling-unavailable",
  "attribution-limits"
])
export type NoteCode = typeof NoteCode.Type

export const Note = Schema.Struct({
  code: NoteCode,
  severity: Schema.Literals(["info", "warning"]),
  message: Schema.String
})
export type Note = typeof Note.Type

export const Attribution = Schema.Struct({
  /** dcgm-exporter `--kubernetes-gpu-id-type`: `device-name` on GKE, whose device plugin names devices itself. */
  gpuIdType: Schema.Literals(["uid", "device-name"]),
  /** Extended resources a pod must request (in limits) for its GPU series to carry the pod. */
  resourceNames: Schema.Array(Schema.String),
  groupLabel: Schema.optionalKey(Schema.String),
  /** `DCGM_EXPORTER_KUBERNETES_POD_LABEL_ALLOWLIST_REGEX` for the group label. */
  podLabelAllowlistRegex: Schema.optionalKey(Schema.String)
})
export type Attribution = typeof Attribution.Type

export const Plan = Schema.Struct({
  /** Whether the node needs a dcgm-exporter at all. */
  exporter: Schema.Boolean,
  layout: Layout,
  devices: GpuMonitoring.Devices,
  hostEngine: Schema.Literals(["embedded", "sidecar"]),
  /** Fields of Csv.defaults that would stay empty on this node. */
  removeFields: Schema.Array(Schema.String),
  attribution: Attribution,
  notes: Schema.Array(Note)
})
export type Plan = typeof Plan.Type

/** Fields whose NVML source does not exist on a MIG GPU. */
export const migUnsupportedFields: ReadonlyArray<string> = ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL"]

/** Go's `regexp.QuoteMeta`, as the Go operator builds the default allow-list (spec 4.7.1). */
export const quoteMeta = (text: string): string => text.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")

const attribution = (input: Input, layout: Layout): Attribution => {
  const group = input.groupLabel === undefined || input.groupLabel === "" ? undefined : input.groupLabel
  const regex = input.groupLabelAllowlistRegex !== undefined && input.groupLabelAllowlistRegex !== ""
    ? input.groupLabelAllowlistRegex
    : group === undefined ? undefined : `^(${quoteMeta(group)})$`
  return {
    gpuIdType: input.labels?.gkeAccelerator === undefined ? "uid" : "device-name",
    resourceNames: resourceNames(input, layout),
    ...(group === undefined ? {} : { groupLabel: group }),
    ...(regex === undefined ? {} : { podLabelAllowlistRegex: regex })
  }
}

/** The recommended settings for one node. */
export const plan = (input: Input): Plan => {
  const layout = layoutOf(input)
  return {
    exporter: layout !== "no-gpu",
    layout,
    devices: "f",
    hostEngine: "embedded",
    removeFields: layout === "all" ? migUnsupportedFields : [],
    attribution: attribution(input, layout),
    notes: notesOf(input, layout)
  }
}

/** The metrics CSV groups the plan recommends: the defaults without what stays empty. */
export const metrics = (recommended: Plan): ReadonlyArray<Csv.Group> => Csv.without(Csv.defaults, recommended.removeFields)

export const NodeStatus = Schema.Struct({
  /** Physical GPUs; absent when only `single`-strategy labels are known (they count MIG devices). */
  gpus: Schema.optionalKey(Schema.Int),
  models: Schema.Array(Schema.String),
  layout: Layout,
  migStrategy: Schema.optionalKey(NodeLabels.MigStrategy),
  migConfigState: Schema.optionalKey(Schema.String),
  migDevices: Schema.Array(Schema.Struct({ profile: Schema.String, count: Schema.Int })),
  devices: GpuMonitoring.Devices,
  warnings: Schema.Int
})
export type NodeStatus = typeof NodeStatus.Type

const physicalGpus = (input: Input): number | undefined =>
  input.inventory !== undefined ? input.inventory.gpus.length
    : input.labels?.migStrategy === "single" && input.labels.singleProfile !== undefined ? undefined
    : input.labels?.count

const migDevices = (input: Input): ReadonlyArray<{ readonly profile: string; readonly count: number }> => {
  if (input.inventory !== undefined) return Gpu.migDeviceCounts(input.inventory)
  const labels = input.labels
  if (labels?.migStrategy === "single" && labels.singleProfile !== undefined && labels.singleProfile !== "INVALID") {
    return [{ profile: labels.singleProfile, count: labels.count ?? 0 }]
  }
  return (labels?.migProfiles ?? []).filter((p) => p.count > 0).map(({ profile, count }) => ({ profile, count }))
}

/** The node's line in the WhatapAgent status: model, count, MIG layout and strategy. */
export const status = (input: Input, recommended: Plan): NodeStatus => {
  const gpus = physicalGpus(input)
  const models = input.inventory !== undefined ? Gpu.models(input.inventory) : input.labels?.model === undefined ? [] : [input.labels.model]
  return {
    ...(gpus === undefined ? {} : { gpus }),
    models,
    layout: recommended.layout,
    ...(input.labels?.migStrategy === undefined ? {} : { migStrategy: input.labels.migStrategy }),
    ...(input.labels?.migConfigState === undefined ? {} : { migConfigState: input.labels.migConfigState }),
    migDevices: migDevices(input),
    devices: recommended.devices,
    warnings: recommended.notes.filter((n) => n.severity === "warning").length
  }
}
