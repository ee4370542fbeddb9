/**
 * The Multi-Instance GPU model: a GPU's MIG mode, the GPU-instance profiles it offers
 * (`nvidia-smi mig -lgip`), the GPU instances created on it (`nvidia-smi mig -lgi`) and
 * the MIG devices (a compute instance inside a GPU instance) that `nvidia-smi -q -x`
 * lists under `<mig_devices>`. The XML carries no profile name; joining the devices
 * with the `-lgi` rows on (GPU, GPU instance id) supplies it.
 */
import { Schema } from "effect"

/** `<current_mig>`: Enabled, Disabled, or N/A on a GPU that cannot partition. */
export const MigMode = Schema.Literals(["enabled", "disabled", "unsupported"])
export type MigMode = typeof MigMode.Type

export const Modes = Schema.Struct({
  current: MigMode,
  /** The mode after the next GPU reset; differs from `current` while a change is pending. */
  pending: MigMode
})
export type Modes = typeof Modes.Type

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** One `<mig_device>`: a compute instance of a GPU instance, as CUDA and the device plugin see it. */
export const MigDevice = Schema.Struct({
  /** The MIG device index on its GPU. */
  index: Count,
  gpuInstanceId: Count,
  computeInstanceId: Count,
  /** GPU-instance profile, e.g. `1g.10gb`, when `-lgi` output was joined in. */
  profile: Schema.optionalKey(Schema.String),
  memoryTotalMiB: Schema.optionalKey(Count),
  memoryUsedMiB: Schema.optionalKey(Count),
  multiprocessors: Schema.optionalKey(Count)
})
export type MigDevice = typeof MigDevice.Type

/** One profile of `nvidia-smi mig -lgip` (two table lines). */
export const GpuInstanceProfile = Schema.Struct({
  gpu: Count,
  /** Without the `MIG ` prefix: `1g.10gb`, `1g.10gb+me`, `7g.80gb`. */
  name: Schema.String,
  id: Count,
  instancesFree: Count,
  instancesTotal: Count,
  memoryGiB: Schema.Finite,
  p2p: Schema.Boolean,
  multiprocessors: Count,
  decoders: Count,
  encoders: Count,
  copyEngines: Count,
  jpegEngines: Count,
  ofaEngines: Count
})
export type GpuInstanceProfile = typeof GpuInstanceProfile.Type

/** One row of `nvidia-smi mig -lgi`. */
export const GpuInstance = Schema.Struct({
  gpu: Count,
  profile: Schema.String,
  profileId: Count,
  id: Count,
  /** Memory slices occupied: first slice and count. */
  placementStart: Count,
  placementSize: Count
})
export type GpuInstance = typeof GpuInstance.Type

/**
 * A MIG profile name as NVIDIA writes it: `<g>g.<mem>gb` for a GPU instance, optionally
 * preceded by a compute-instance size (`1c.3g.20gb`) and followed by engine options
 * (`+me`, `+gfx`, `-me`, `+me.all`).
 */
const profilePattern = /^(?:(\d+)c\.)?(\d+)g\.(\d+)gb((?:[+-][a-z]+(?:\.[a-z]+)*)*)$/

export interface ProfileName {
  /** Compute slices of the GPU instance (`3` in `3g.40gb`). */
  readonly slices: number
  readonly memoryGB: number
  /** Compute slices of a compute instance smaller than its GPU instance (`1` in `1c.3g.40gb`). */
  readonly computeSlices?: number
  /** Engine options (`+me`), empty when none. */
  readonly options: string
}

export const parseProfile = (name: string): ProfileName | undefined => {
  const match = profilePattern.exec(name)
  if (match === null) return undefined
  const [, compute, slices, memory, options] = match
  return {
    slices: Number(slices),
    memoryGB: Number(memory),
    ...(compute === undefined ? {} : { computeSlices: Number(compute) }),
    options: options ?? ""
  }
}

export const isProfile = (name: string): boolean => profilePattern.test(name)

/**
 * `1g.10gb` -> the device plugin's mixed-strategy resource `nvidia.com/mig-1g.10gb`. A
 * profile with engine options (`1g.10gb+me`, `1g.24gb+gfx`) is counted under its base name:
 * the device plugin does not tell the two apart, and `+` is not allowed in a resource name.
 */
export const resourceName = (profile: string): string => {
  const options = parseProfile(profile)?.options ?? ""
  return `nvidia.com/mig-${profile.slice(0, profile.length - options.length)}`
}
