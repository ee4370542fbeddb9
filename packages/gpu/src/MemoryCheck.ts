/**
 * The decision of the dcgm-exporter memory checker (spec 6.6), pure: given a node-agent
 * pod and its metrics, restart it (delete the pod; its DaemonSet recreates it) when the
 * `dcgm-exporter` container's working set exceeds 70% of its memory limit. dcgm-exporter
 * has leaked memory over days on some driver versions; a restart before the kubelet's
 * OOM kill keeps the GPU series continuous.
 *
 * The Go operator read the working set (usage − inactive_file) and the limit from the
 * node-helper on each pod's IP; here the working set is the metrics API's
 * (`metrics.k8s.io` PodMetrics, which metrics-server fills with the kubelet's
 * container_memory_working_set_bytes, the same usage − inactive_file) and the limit is
 * the container's `resources.limits.memory` in the pod spec, which the kubelet
 * enforces (ADR 0010).
 */
import { Naming } from "@whatap-operator/core"
import { Option, Schema } from "effect"

/** Restart above this fraction of the limit (the Go operator's 0.7). */
export const threshold = 0.7

export const container = Naming.gpu.exporterContainer

/** The pods the checker looks at: the node-agent pods that carry dcgm-exporter. */
export const labelSelector = `${Naming.labels.gpu}=true`

const Quantity = Schema.Union([Schema.String, Schema.Finite])

/** The part of a Pod the decision reads. */
export const Pod = Schema.Struct({
  metadata: Schema.Struct({
    name: Schema.String,
    namespace: Schema.optionalKey(Schema.String),
    uid: Schema.optionalKey(Schema.String),
    deletionTimestamp: Schema.optionalKey(Schema.String)
  }),
  spec: Schema.Struct({
    containers: Schema.Array(Schema.Struct({
      name: Schema.String,
      resources: Schema.optionalKey(Schema.Struct({ limits: Schema.optionalKey(Schema.Record(Schema.String, Quantity)) }))
    }))
  }),
  status: Schema.optionalKey(Schema.Struct({ phase: Schema.optionalKey(Schema.String) }))
})
export type Pod = typeof Pod.Type

/** The part of a `metrics.k8s.io` PodMetrics the decision reads. */
export const PodMetrics = Schema.Struct({
  metadata: Schema.Struct({ name: Schema.String }),
  containers: Schema.Array(Schema.Struct({
    name: Schema.String,
    usage: Schema.Record(Schema.String, Quantity)
  }))
})
export type PodMetrics = typeof PodMetrics.Type

export const decodePod = Schema.decodeUnknownOption(Pod)
export const decodePodMetrics = Schema.decodeUnknownOption(PodMetrics)

const quantity = /^\+?([0-9]*)(?:\.([0-9]*))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/
const binary: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 }
const decimal: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }

/** No limit or usage comes near it; an exponent beyond it is refused rather than expanded. */
const maxExponent = 64

/**
 * A non-negative Kubernetes quantity as a whole number of bytes, rounded up as Go's
 * `Quantity.Value()` rounds (`170Mi` -> 178257920, `16069016Ki` -> 16454672384, `1e9`,
 * `+1Gi`, `1.0000000001Gi` -> 1073741825: the API server stores such a limit as
 * `1073741824108m`); none for anything else. Computed exactly, then made a number, which
 * is exact enough for a ratio against 0.7.
 */
export const bytes = (value: string | number): Option.Option<number> => {
  if (typeof value === "number") return value >= 0 ? Option.some(Math.ceil(value)) : Option.none()
  const match = value === "" ? null : quantity.exec(value)
  if (match === null) return Option.none()
  // as Go's parser, digits may be absent on both sides of the point: "." and "+" are 0
  const [, whole = "", fraction = "", suffix = ""] = match
  const power = binary[suffix]
  const given = power !== undefined ? 0 : (decimal[suffix] ?? (suffix === "" ? 0 : Number(suffix.slice(1))))
  if (Math.abs(given) > maxExponent) return Option.none()
  const exponent = given - fraction.length
  const scaled = BigInt(`${whole}${fraction}` || "0") * 1024n ** BigInt(power ?? 0)
  const divisor = 10n ** BigInt(Math.max(0, -exponent))
  const result = Number(exponent >= 0 ? scaled * 10n ** BigInt(exponent) : (scaled + divisor - 1n) / divisor)
  return Number.isFinite(result) ? Option.some(result) : Option.none()
}

export type Skip = "terminating" | "not-running" | "no-exporter" | "no-limit" | "no-metrics"

/** Bytes of the exporter's working set and memory limit. */
export interface Measured {
  readonly pod: string
  readonly workingSet: number
  readonly limit: number
}

export type Verdict =
  | { readonly _tag: "Skip"; readonly pod: string; readonly why: Skip }
  | ({ readonly _tag: "Keep" } & Measured)
  | ({ readonly _tag: "Restart" } & Measured)

const limitOf = (pod: Pod): Option.Option<number> | undefined => {
  const spec = pod.spec.containers.find((c) => c.name === container)
  if (spec === undefined) return undefined
  const limit = spec.resources?.limits?.["memory"]
  return limit === undefined ? Option.none() : Option.filter(bytes(limit), (n) => n > 0)
}

const workingSetOf = (metrics: PodMetrics | undefined): Option.Option<number> => {
  const usage = metrics?.containers.find((c) => c.name === container)?.usage["memory"]
  return usage === undefined ? Option.none() : bytes(usage)
}

/** What to do with one pod; `metrics` is its PodMetrics, when the metrics API has one. */
export const verdict = (pod: Pod, metrics: PodMetrics | undefined): Verdict => {
  const name = pod.metadata.name
  const skip = (why: Skip): Verdict => ({ _tag: "Skip", pod: name, why })
  if (pod.metadata.deletionTimestamp !== undefined) return skip("terminating")
  if (pod.status?.phase !== "Running") return skip("not-running")
  const limit = limitOf(pod)
  if (limit === undefined) return skip("no-exporter")
  if (Option.isNone(limit)) return skip("no-limit")
  const workingSet = workingSetOf(metrics)
  if (Option.isNone(workingSet)) return skip("no-metrics")
  const measured: Measured = { pod: name, workingSet: workingSet.value, limit: limit.value }
  return workingSet.value / limit.value > threshold ? { _tag: "Restart", ...measured } : { _tag: "Keep", ...measured }
}

const mebibytes = (n: number): string => `${Math.round(n / 1024 / 1024)}Mi`

/** The share in percent, with as many decimals as it takes not to read as the threshold itself. */
const percent = (ratio: number): string => {
  const value = ratio * 100
  for (let digits = 0; digits <= 15; digits++) {
    const text = value.toFixed(digits)
    if (Number(text) !== threshold * 100 || value === threshold * 100) return text
  }
  return String(value)
}

/** `dcgm-exporter uses 380Mi of its 512Mi memory limit (74% > 70%)`; `70.02% > 70%` just above it. */
export const describe = (v: Exclude<Verdict, { readonly _tag: "Skip" }>): string =>
  `${container} uses ${mebibytes(v.workingSet)} of its ${mebibytes(v.limit)} memory limit (${percent(v.workingSet / v.limit)}% ${v._tag === "Restart" ? ">" : "<="} ${threshold * 100}%)`
