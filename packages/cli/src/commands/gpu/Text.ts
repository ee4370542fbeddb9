/**
 * The text report of `whatapctl gpu inspect`: the driver, each GPU with its memory and
 * MIG state and instances, then the recommended gpuMonitoring settings and the notes
 * behind them. Plain aligned text, the same bytes for the same input; control
 * characters a saved document carries (a name with ESC in it) are printed as escapes.
 */
import { type Gpu, type Mig, Planner } from "@whatap-operator/gpu"
import { printableLines } from "../../Printable.ts"

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

const memory = (used: number | undefined, total: number | undefined): string =>
  total === undefined ? "unknown" : used === undefined ? `${total} MiB (use not reported)` : `${used} of ${total} MiB used`

const migState = (gpu: Gpu.Gpu): string => {
  const pending = gpu.mig.pending === gpu.mig.current ? "" : ` (${gpu.mig.pending} after the next GPU reset)`
  const instances = gpu.mig.current === "enabled" ? `, ${plural(gpu.migDevices.length, "MIG device")}` : ""
  return `${gpu.mig.current}${pending}${instances}`
}

/** One aligned row per MIG device: index, GPU and compute instance, profile, memory, SMs. */
const migRows = (devices: ReadonlyArray<Mig.MigDevice>): ReadonlyArray<string> => {
  const cells = devices.map((d) => [
    `MIG ${d.index}`,
    `GI ${d.gpuInstanceId}`,
    `CI ${d.computeInstanceId}`,
    d.profile ?? "profile ?",
    memory(d.memoryUsedMiB, d.memoryTotalMiB),
    d.multiprocessors === undefined ? "" : plural(d.multiprocessors, "SM")
  ])
  const widths = cells.reduce<ReadonlyArray<number>>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [])
  return cells.map((row) => `    ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()}`)
}

const gpuLines = (gpu: Gpu.Gpu): ReadonlyArray<string> => [
  `GPU ${gpu.index}: ${gpu.name}`,
  `  UUID:    ${gpu.uuid}`,
  ...(gpu.pciBusId === undefined ? [] : [`  PCI:     ${gpu.pciBusId}`]),
  `  Memory:  ${memory(gpu.memoryUsedMiB, gpu.memoryTotalMiB)}`,
  `  MIG:     ${migState(gpu)}`,
  ...migRows(gpu.migDevices),
  ""
]

const devicesText: Readonly<Record<Planner.Layout, string>> = {
  "no-gpu": "f (no GPU here: no exporter needed)",
  off: "f (every GPU whole: MIG is off)",
  all: "f (the GPU instances of every MIG GPU)",
  some: "f (GPU instances on MIG GPUs, whole GPUs elsewhere)"
}

const metricsText = (plan: Planner.Plan): string => {
  const count = Planner.metrics(plan).reduce((sum, group) => sum + group.metrics.length, 0)
  return plan.removeFields.length === 0
    ? `the default list (${count} fields)`
    : `the default list without ${plan.removeFields.join(", ")} (${count} fields)`
}

const planLines = (plan: Planner.Plan): ReadonlyArray<string> => [
  "Recommended settings (gpuMonitoring):",
  `  devices:      ${devicesText[plan.layout]}`,
  `  hostEngine:   ${plan.hostEngine === "embedded" ? "embedded (hostEngine.enabled: false)" : "sidecar (hostEngine.enabled: true)"}`,
  `  metrics:      ${metricsText(plan)}`,
  `  attribution:  ${plan.attribution.resourceNames.length === 0 ? "none" : plan.attribution.resourceNames.join(", ")} (GPU id type ${plan.attribution.gpuIdType})`,
  ...(plan.notes.length === 0 ? [] : ["", "Notes:", ...plan.notes.map((n) => `  ${n.severity}: ${n.message}`)])
]

export const render = (inventory: Gpu.Inventory, plan: Planner.Plan): string =>
  printableLines([
    `Driver ${inventory.driverVersion}${inventory.cudaVersion === undefined ? "" : `, CUDA ${inventory.cudaVersion}`}, ${plural(inventory.gpus.length, "GPU")}`,
    "",
    ...inventory.gpus.flatMap(gpuLines),
    ...planLines(plan),
    ""
  ].join("\n"))
