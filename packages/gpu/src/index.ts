/**
 * @whatap-operator/gpu: GPU monitoring pieces that do not need a cluster. The metrics CSV
 * (Csv, DcgmField), the GPU and MIG model (Gpu, Mig), readers of nvidia-smi output and of
 * GPU Feature Discovery node labels (NvidiaSmi, NvidiaSmiCommand, NodeLabels), and the
 * MIG-aware planner of exporter settings and per-node status (Planner).
 */
export * as Csv from "./Csv.ts"
export * as DcgmField from "./DcgmField.ts"
export * as Gpu from "./Gpu.ts"
export * as Mig from "./Mig.ts"
export * as NodeLabels from "./NodeLabels.ts"
export * as NvidiaSmi from "./NvidiaSmi.ts"
export { NvidiaSmiCommand, NvidiaSmiCommandError } from "./NvidiaSmiCommand.ts"
export type { Options as NvidiaSmiCommandOptions, Reason as NvidiaSmiCommandReason, Shape as NvidiaSmiCommandShape } from "./NvidiaSmiCommand.ts"
export * as Planner from "./Planner.ts"
