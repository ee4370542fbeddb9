/**
 * A node's GPU facts as NVIDIA GPU Feature Discovery (GFD) and the GPU Operator label
 * them: `nvidia.com/gpu.product`, `.count`, `.memory`, `nvidia.com/mig.strategy`
 * (single, mixed, none), `nvidia.com/mig-<profile>.count` (mixed strategy),
 * `nvidia.com/mig.config` and `.config.state` (MIG Manager), plus GKE's accelerator
 * label. Labels are read once into `GpuLabels`; a label with a value GFD never writes (a
 * count that is not a number, an unknown strategy) is a `NodeLabelsError` naming it.
 *
 * Semantics (NVIDIA/k8s-device-plugin internal/lm/mig-strategy.go, GFD README): under
 * `single` the `nvidia.com/gpu.*` labels describe the MIG devices (product gets
 * `-MIG-<profile>`, or `-MIG-INVALID` when the GPUs are not uniformly partitioned; count
 * and memory are per MIG device); under `mixed` they describe the physical GPUs and each
 * MIG profile has its own `nvidia.com/mig-<profile>.*` labels.
 */
import { Effect, Result, Schema } from "effect"
import * as Mig from "./Mig.ts"
import { integer, invalid, type Problem, quote, type Read } from "./internal/Problem.ts"

export const keys = {
  product: "nvidia.com/gpu.product",
  count: "nvidia.com/gpu.count",
  memory: "nvidia.com/gpu.memory",
  replicas: "nvidia.com/gpu.replicas",
  present: "nvidia.com/gpu.present",
  migCapable: "nvidia.com/mig.capable",
  migStrategy: "nvidia.com/mig.strategy",
  migConfig: "nvidia.com/mig.config",
  migConfigState: "nvidia.com/mig.config.state",
  gkeAccelerator: "cloud.google.com/gke-accelerator"
} as const

export const MigStrategy = Schema.Literals(["none", "single", "mixed"])
export type MigStrategy = typeof MigStrategy.Type

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

export const MigProfileLabels = Schema.Struct({
  profile: Schema.String,
  count: Count,
  memoryMiB: Schema.optionalKey(Count)
})
export type MigProfileLabels = typeof MigProfileLabels.Type

export const GpuLabels = Schema.Struct({
  /** `nvidia.com/gpu.product` as written, e.g. `NVIDIA-H100-80GB-HBM3-MIG-1g.10gb`. */
  product: Schema.optionalKey(Schema.String),
  /** The product without GFD's `-MIG-<profile>` and `-SHARED` suffixes. */
  model: Schema.optionalKey(Schema.String),
  /** Under `single`: the profile in the product label, or `INVALID`. */
  singleProfile: Schema.optionalKey(Schema.String),
  count: Schema.optionalKey(Count),
  memoryMiB: Schema.optionalKey(Count),
  replicas: Schema.optionalKey(Count),
  present: Schema.optionalKey(Schema.Boolean),
  migCapable: Schema.optionalKey(Schema.Boolean),
  migStrategy: Schema.optionalKey(MigStrategy),
  /** `nvidia.com/mig-<profile>.count` (and `.memory`) per profile, sorted by profile. */
  migProfiles: Schema.Array(MigProfileLabels),
  migConfig: Schema.optionalKey(Schema.String),
  /** MIG Manager: pending, rebooting, success, failed. */
  migConfigState: Schema.optionalKey(Schema.String),
  gkeAccelerator: Schema.optionalKey(Schema.String)
})
export type GpuLabels = typeof GpuLabels.Type

export class NodeLabelsError extends Schema.TaggedError<NodeLabelsError>()("NodeLabelsError", {
  /** The label key. */
  label: Schema.String,
  message: Schema.String
}) {}

const migProfileKey = /^nvidia\.com\/mig-(.+?)\.(count|memory)$/

const boolean = (at: string, text: string): Read<boolean> =>
  text === "true" ? Result.succeed(true) : text === "false" ? Result.succeed(false) : invalid(at, `expected true or false, got ${JSON.stringify(text)}`)

const strategy = (at: string, text: string): Read<MigStrategy> =>
  text === "none" || text === "single" || text === "mixed" ? Result.succeed(text) : invalid(at, `expected single, mixed or none, got ${JSON.stringify(text)}`)

const optional = <A>(labels: Readonly<Record<string, string>>, key: string, parse: (at: string, text: string) => Read<A>): Read<A | undefined> => {
  const text = labels[key]
  return text === undefined ? Result.succeed(undefined) : parse(key, text)
}

/** The `nvidia.com/mig-<profile>.*` labels, grouped by profile. */
const migProfiles = (labels: Readonly<Record<string, string>>): Read<ReadonlyArray<MigProfileLabels>> => {
  const found = new Map<string, { count?: number; memoryMiB?: number }>()
  for (const key of Object.keys(labels).sort()) {
    const match = migProfileKey.exec(key)
    if (match === null) continue
    const [, profile = "", field] = match
    if (!Mig.isProfile(profile)) return invalid(key, `${JSON.stringify(profile)} is not a MIG profile name (like 1g.10gb)`)
    const value = integer(key, labels[key] ?? "")
    if (Result.isFailure(value)) return Result.fail(value.failure)
    const entry = found.get(profile) ?? {}
    found.set(profile, field === "count" ? { ...entry, count: value.success } : { ...entry, memoryMiB: value.success })
  }
  return Result.succeed([...found].map(([profile, { count, memoryMiB }]) => ({
    profile,
    count: count ?? 0,
    ...(memoryMiB === undefined ? {} : { memoryMiB })
  })))
}

/** `A100-SXM4-40GB-MIG-1g.5gb` -> model and profile; `Tesla-T4-SHARED` -> model. */
const splitProduct = (product: string): { readonly model: string; readonly singleProfile?: string } => {
  const unshared = product.replace(/-SHARED$/, "")
  const at = unshared.lastIndexOf("-MIG-")
  return at === -1 ? { model: unshared } : { model: unshared.slice(0, at), singleProfile: unshared.slice(at + 5) }
}

const readLabels = (labels: Readonly<Record<string, string>>): Read<GpuLabels> =>
  Result.gen(function*() {
    const product = labels[keys.product]
    const parts = product === undefined ? undefined : splitProduct(product)
    const single = parts?.singleProfile
    if (single !== undefined && single !== "INVALID" && !Mig.isProfile(single)) {
      return yield* invalid(keys.product, `the part after -MIG- (${quote(single)}) is neither a MIG profile name (like 1g.10gb) nor INVALID`)
    }
    const count = yield* optional(labels, keys.count, integer)
    const memoryMiB = yield* optional(labels, keys.memory, integer)
    const replicas = yield* optional(labels, keys.replicas, integer)
    const present = yield* optional(labels, keys.present, boolean)
    const migCapable = yield* optional(labels, keys.migCapable, boolean)
    const migStrategy = yield* optional(labels, keys.migStrategy, strategy)
    const profiles = yield* migProfiles(labels)
    const { [keys.migConfig]: migConfig, [keys.migConfigState]: migConfigState, [keys.gkeAccelerator]: gkeAccelerator } = labels
    return {
      ...(product === undefined ? {} : { product }),
      ...(parts === undefined ? {} : { model: parts.model }),
      ...(parts?.singleProfile === undefined ? {} : { singleProfile: parts.singleProfile }),
      ...(count === undefined ? {} : { count }),
      ...(memoryMiB === undefined ? {} : { memoryMiB }),
      ...(replicas === undefined ? {} : { replicas }),
      ...(present === undefined ? {} : { present }),
      ...(migCapable === undefined ? {} : { migCapable }),
      ...(migStrategy === undefined ? {} : { migStrategy }),
      migProfiles: profiles,
      ...(migConfig === undefined ? {} : { migConfig }),
      ...(migConfigState === undefined ? {} : { migConfigState }),
      ...(gkeAccelerator === undefined ? {} : { gkeAccelerator })
    }
  })

const toError = (problem: Problem): NodeLabelsError =>
  new NodeLabelsError({ label: problem.at, message: `node label ${problem.at}: ${problem.detail}` })

/** The GPU facts of a node's labels. Labels other than NVIDIA's and GKE's are ignored. */
export const read = Effect.fn("NodeLabels.read")(function*(labels: Readonly<Record<string, string>>) {
  const result = readLabels(labels)
  return Result.isFailure(result) ? yield* toError(result.failure) : result.success
})

/** Whether the labels say the node has an NVIDIA GPU (GFD, the GPU Operator, or GKE). */
export const hasGpu = (gpu: GpuLabels): boolean =>
  // GFD's MIG-INVALID product (mig.strategy single) comes with gpu.count 0: the device plugin offers none, the node has GPUs
  (gpu.migStrategy === "single" && gpu.singleProfile === "INVALID") || (gpu.count ?? 0) > 0 || gpu.present === true || gpu.gkeAccelerator !== undefined || gpu.migProfiles.some((p) => p.count > 0)
