/**
 * The rules behind Planner: the MIG layout a node's labels or inventory imply, the
 * extended resources its pods request, and the notes that explain the plan. Kept apart
 * so each rule is one small function with its reason next to it.
 */
import * as Gpu from "../Gpu.ts"
import * as Mig from "../Mig.ts"
import * as NodeLabels from "../NodeLabels.ts"
import type { Input, Layout, Note, NoteCode } from "../Planner.ts"

const labelLayout = (labels: NodeLabels.GpuLabels | undefined): Layout => {
  if (labels === undefined || !NodeLabels.hasGpu(labels)) return "no-gpu"
  if (labels.migStrategy === "single") {
    // GFD writes -MIG-<profile> only when every GPU is split alike, -MIG-INVALID when
    // MIG and whole GPUs (or empty MIG GPUs) are mixed, and no suffix when MIG is off.
    if (labels.singleProfile === undefined) return "off"
    return labels.singleProfile === "INVALID" ? "some" : "all"
  }
  // mixed: the labels count MIG devices, not the GPUs they sit on; whole GPUs may remain.
  if (labels.migStrategy === "mixed") return labels.migProfiles.some((p) => p.count > 0) ? "some" : "off"
  return "off"
}

/** The inventory, when there is one, is what the driver reports now: it wins over labels. */
export const layoutOf = (input: Input): Layout =>
  input.inventory === undefined ? labelLayout(input.labels)
    : input.inventory.gpus.length === 0 ? "no-gpu"
    : Gpu.migLayout(input.inventory)

const sorted = (names: Iterable<string>): ReadonlyArray<string> => [...new Set(names)].sort()

/**
 * `single` (and `none`) expose every device as `nvidia.com/gpu`; `mixed` exposes MIG
 * devices as `nvidia.com/mig-<profile>` next to whole GPUs. Without labels the strategy
 * is unknown, so a MIG node lists both forms.
 */
export const resourceNames = (input: Input, layout: Layout): ReadonlyArray<string> => {
  if (layout === "no-gpu") return []
  const strategy = input.labels?.migStrategy
  if (layout === "off" || strategy === "single" || strategy === "none") return ["nvidia.com/gpu"]
  const profiles = [
    ...(input.labels?.migProfiles ?? []).filter((p) => p.count > 0).map((p) => p.profile),
    ...(input.inventory?.gpus ?? []).flatMap((gpu) => gpu.migDevices.flatMap((d) => (d.profile === undefined ? [] : [d.profile])))
  ]
  // a name from a table row that is no profile (`MIG <x>`) makes no resource name
  return sorted(["nvidia.com/gpu", ...profiles.filter(Mig.isProfile).map(Mig.resourceName)])
}

const note = (code: NoteCode, severity: Note["severity"], message: string): Note => ({ code, severity, message })

const utilizationNotes = (layout: Layout): ReadonlyArray<Note> =>
  layout === "all"
    ? [
      note("mig-utilization", "info", "DCGM_FI_DEV_GPU_UTIL and DCGM_FI_DEV_MEM_COPY_UTIL stay empty on MIG GPUs and are left out; DCGM_FI_PROF_GR_ENGINE_ACTIVE and DCGM_FI_PROF_DRAM_ACTIVE measure the same per GPU instance"),
      note("whole-gpu-metrics", "info", "devices f reports each GPU instance; to also see every physical GPU whole, run exporters with devices g and i on a shared host engine (hostEngine.enabled)")
    ]
    : layout === "some"
    ? [
      note("mixed-utilization", "info", "DCGM_FI_DEV_GPU_UTIL is reported for the whole GPUs only; DCGM_FI_PROF_GR_ENGINE_ACTIVE compares MIG instances and whole GPUs alike"),
      note("mixed-host-engine", "info", "keep the embedded host engine on this node: with hostEngine.enabled, remote host-engine subscriptions wedged the driver on mixed-MIG nodes; if the sidecar must stay, set the exporter env DCGM_REMOTE_HOSTENGINE_INFO to \"\" (embedded mode)")
    ]
    : []

const labelNotes = (labels: NodeLabels.GpuLabels | undefined): ReadonlyArray<Note> => {
  if (labels === undefined) return []
  const out: Array<Note> = []
  const config = labels.migConfig === undefined ? "" : ` ${labels.migConfig}`
  if (labels.migConfigState === "pending" || labels.migConfigState === "rebooting") {
    out.push(note("mig-config-changing", "info", `MIG Manager is applying nvidia.com/mig.config${config} (${labels.migConfigState}); the MIG layout may change`))
  }
  if (labels.migConfigState === "failed") {
    out.push(note("mig-config-failed", "warning", `MIG Manager failed to apply nvidia.com/mig.config${config}; the GPUs keep their previous layout until the label changes`))
  }
  if (labels.migStrategy === "single" && labels.singleProfile === "INVALID") {
    out.push(note("mig-invalid", "warning", "GFD marks the node MIG-INVALID: mig.strategy single needs every GPU split into instances of one profile, so the device plugin offers no GPU; use the mixed strategy or repartition"))
  }
  return out
}

const gpuList = (gpus: ReadonlyArray<Gpu.Gpu>): string => gpus.map((gpu) => gpu.index).join(", ")

const inventoryNotes = (inventory: Gpu.Inventory | undefined): ReadonlyArray<Note> => {
  if (inventory === undefined) return []
  const out: Array<Note> = []
  const pending = inventory.gpus.filter(Gpu.isMigPending)
  if (pending.length > 0) out.push(note("mig-mode-pending", "warning", `GPU ${gpuList(pending)}: the MIG mode changes at the next GPU reset; plan again after it`))
  const empty = inventory.gpus.filter((gpu) => Gpu.isMigEnabled(gpu) && gpu.migDevices.length === 0)
  if (empty.length > 0) out.push(note("mig-without-instances", "warning", `GPU ${gpuList(empty)}: MIG is on but no GPU instance exists, so no pod can use it`))
  const models = Gpu.models(inventory)
  if (models.length > 1) out.push(note("mixed-models", "info", `GPU models differ (${models.join(", ")}); GFD labels one product per node, the metrics carry each GPU's model`))
  return out
}

/** MIG devices read from nvidia-smi -q -x alone carry no profile; without the labels' profiles the resource names lack them. */
const unnamedProfiles = (input: Input): ReadonlyArray<Note> => {
  const unnamed = (input.inventory?.gpus ?? []).filter((gpu) => gpu.migDevices.some((d) => d.profile === undefined))
  if (unnamed.length === 0 || (input.labels?.migProfiles ?? []).length > 0) return []
  return [note("mig-profiles-unknown", "info", `GPU ${gpuList(unnamed)}: the MIG devices' profiles are unknown (nvidia-smi -q -x does not name them; add the output of nvidia-smi mig -lgi), so the resource names may lack nvidia.com/mig-<profile>`)]
}

/** Labels and inventory that describe different layouts: the device plugin acts on the labels' strategy. */
const disagreement = (input: Input, layout: Layout): ReadonlyArray<Note> => {
  const strategy = input.labels?.migStrategy
  if (input.inventory === undefined || strategy === undefined) return []
  const says = strategy === "single" && layout !== "all" && layout !== "no-gpu"
    ? "mig.strategy single, but not every GPU has MIG on"
    : strategy === "none" && (layout === "all" || layout === "some")
    ? "mig.strategy none, but a GPU has MIG on: the device plugin offers its instances to no pod"
    : undefined
  return says === undefined ? [] : [note("labels-disagree", "warning", `node labels say ${says}`)]
}

const profilingNote = (input: Input): ReadonlyArray<Note> => {
  const names = [...(input.inventory === undefined ? [] : Gpu.models(input.inventory)), ...(input.labels?.model === undefined ? [] : [input.labels.model])]
  const consumer = names.find((name) => /geforce|titan/i.test(name))
  return consumer === undefined ? [] : [note("profiling-unavailable", "info", `DCGM profiling fields (DCGM_FI_PROF_*) need a data-center GPU; the exporter skips them on ${consumer}`)]
}

export const notesOf = (input: Input, layout: Layout): ReadonlyArray<Note> => {
  if (layout === "no-gpu") {
    return [note("no-gpu", "info", "no NVIDIA GPU on this node: it needs no dcgm-exporter (gpuMonitoring.nodeSelector keeps the exporter to GPU nodes)")]
  }
  const resources = resourceNames(input, layout).join(", ")
  return [
    ...utilizationNotes(layout),
    ...labelNotes(input.labels),
    ...inventoryNotes(input.inventory),
    ...unnamedProfiles(input),
    ...disagreement(input, layout),
    ...profilingNote(input),
    note("attribution-limits", "info", `GPU series name a pod only when it requests ${resources} in its limits`)
  ]
}
