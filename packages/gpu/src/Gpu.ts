/**
 * What one node's NVIDIA driver reports: the driver and CUDA versions and every GPU with
 * its identity, frame-buffer memory, MIG mode and MIG devices. Readers (NvidiaSmi, later
 * NVML) produce an `Inventory`; the planner and `whatapctl gpu inspect` consume it.
 */
import { Schema } from "effect"
import * as Mig from "./Mig.ts"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const Gpu = Schema.Struct({
  /** Position in nvidia-smi's listing, which is the NVML/CUDA index order. */
  index: Count,
  /** `NVIDIA H100 80GB HBM3` */
  name: Schema.String,
  /** `GPU-168062df-...` */
  uuid: Schema.String,
  /** `00000000:00:06.0` */
  pciBusId: Schema.optionalKey(Schema.String),
  memoryTotalMiB: Count,
  /** Absent where the driver reports N/A (a MIG-enabled GPU on some drivers). */
  memoryUsedMiB: Schema.optionalKey(Count),
  mig: Mig.Modes,
  migDevices: Schema.Array(Mig.MigDevice)
})
export type Gpu = typeof Gpu.Type

export const Inventory = Schema.Struct({
  driverVersion: Schema.String,
  /** Absent on drivers that predate the field. */
  cudaVersion: Schema.optionalKey(Schema.String),
  gpus: Schema.Array(Gpu)
})
export type Inventory = typeof Inventory.Type

/**
 * How MIG divides the node's GPUs: `off` (no GPU in MIG mode), `all` (every GPU in MIG
 * mode: what the device plugin's `single` strategy requires), `some` (MIG GPUs next to
 * whole GPUs: only the `mixed` strategy exposes both).
 */
export const MigLayout = Schema.Literals(["off", "all", "some"])
export type MigLayout = typeof MigLayout.Type

export const isMigEnabled = (gpu: Gpu): boolean => gpu.mig.current === "enabled"

/** A GPU whose MIG mode changes at the next reset. */
export const isMigPending = (gpu: Gpu): boolean => gpu.mig.current !== gpu.mig.pending

export const migLayout = (inventory: Inventory): MigLayout => {
  const enabled = inventory.gpus.filter(isMigEnabled).length
  return enabled === 0 ? "off" : enabled === inventory.gpus.length ? "all" : "some"
}

/** The distinct GPU models, in order of first appearance. */
export const models = (inventory: Inventory): ReadonlyArray<string> => [...new Set(inventory.gpus.map((gpu) => gpu.name))]

/**
 * MIG devices per profile over all GPUs, sorted by profile; devices whose profile is
 * unknown (no `-lgi` output joined) count under `unknown`.
 */
export const migDeviceCounts = (inventory: Inventory): ReadonlyArray<{ readonly profile: string; readonly count: number }> => {
  const counts = new Map<string, number>()
  for (const device of inventory.gpus.flatMap((gpu) => gpu.migDevices)) {
    const profile = device.profile ?? "unknown"
    counts.set(profile, (counts.get(profile) ?? 0) + 1)
  }
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([profile, count]) => ({ profile, count }))
}

/**
 * The inventory with each MIG device's profile taken from the `-lgi` row of its GPU and
 * GPU instance. A device without a matching row keeps no profile (the listing was taken
 * at another moment, or for another GPU selection).
 */
export const withProfiles = (inventory: Inventory, instances: ReadonlyArray<Mig.GpuInstance>): Inventory => ({
  ...inventory,
  gpus: inventory.gpus.map((gpu) => ({
    ...gpu,
    migDevices: gpu.migDevices.map((device) => {
      const instance = instances.find((i) => i.gpu === gpu.index && i.id === device.gpuInstanceId)
      if (instance === undefined) return device
      const { index, gpuInstanceId, computeInstanceId, profile: _previous, ...rest } = device
      return { index, gpuInstanceId, computeInstanceId, profile: instance.profile, ...rest }
    })
  }))
})
