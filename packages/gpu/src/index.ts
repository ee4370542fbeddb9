/**
 * @whatap-operator/gpu: GPU monitoring pieces. The metrics CSV (Csv, DcgmField), the GPU
 * and MIG model (Gpu, Mig), readers of nvidia-smi output and of GPU Feature Discovery
 * node labels (NvidiaSmi, NvidiaSmiCommand, NodeLabels), the MIG-aware planner of
 * exporter settings and per-node status (Planner), none of which needs a cluster; and
 * the dcgm-exporter memory checker (MemoryCheck decides, MemoryChecker lists and deletes).
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
export * as MemoryCheck from "./MemoryCheck.ts"
export * as MemoryChecker from "./MemoryChecker.ts"
