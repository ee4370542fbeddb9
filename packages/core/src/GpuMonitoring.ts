/**
 * `features.k8sAgent.gpuMonitoring`: the NVIDIA dcgm-exporter (and optional DCGM host
 * engine) sidecars of the node agent, the Service in front of them and the automatic
 * OpenAgent scrape target. CRD defaults are applied by decoding; the image and
 * interval defaults (`30s`, the exporter image) are the reconciler's (code defaults).
 */
import { Schema } from "effect"
import { Affinity } from "./Affinity.ts"
import { about, boolDefault, defaulted, Int32, opt, requiredBool, StringMap } from "./internal/Field.ts"
import { EnvVar, ResourceRequirements } from "./KubeTypes.ts"
import { MetricRelabelConfig } from "./Scrape.ts"

export const ServiceType = Schema.Literals(["ClusterIP", "NodePort", "LoadBalancer"])
export type ServiceType = typeof ServiceType.Type

/** Absent `service` is not the same as disabled (spec §10.10): keep it optional. */
export const GpuMonitoringServiceSpec = Schema.Struct({
  enabled: boolDefault(false, "Create the Service dcgm-exporter-service"),
  type: ServiceType.pipe(about("Service type"), defaulted("ClusterIP")),
  nodePort: opt(Int32.pipe(about("Node port when type is NodePort"))),
  port: Int32.pipe(about("Service port of the exporter metrics"), defaulted(9400))
})
export type GpuMonitoringServiceSpec = typeof GpuMonitoringServiceSpec.Type

export const DcgmHostEngineSpec = Schema.Struct({
  enabled: requiredBool(false, "Run an nv-hostengine sidecar and point the exporter at it"),
  customImageFullName: opt(Schema.String.pipe(about("Host engine image (default nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04)"))),
  port: Int32.pipe(about("Port the host engine listens on"), defaulted(5555)),
  resources: opt(ResourceRequirements.pipe(about("Resources of the host engine container")))
})
export type DcgmHostEngineSpec = typeof DcgmHostEngineSpec.Type

/** `f` flex (default), `g` physical GPUs only, `i` MIG GPU instances only. */
export const Devices = Schema.Literals(["f", "g", "i"])
export type Devices = typeof Devices.Type

export const GpuMonitoringSpec = Schema.Struct({
  enabled: requiredBool(false, "Add the dcgm-exporter sidecar to the node agent and scrape it"),
  customImageFullName: opt(Schema.String.pipe(about("dcgm-exporter image (default public.ecr.aws/whatap/dcgm-exporter:4.6.0-4.8.3-distroless)"))),
  service: opt(GpuMonitoringServiceSpec.pipe(about("Service in front of dcgm-exporter; absent is not the same as disabled"))),
  resources: opt(ResourceRequirements.pipe(about("Resources of the dcgm-exporter container"))),
  envs: opt(Schema.Array(EnvVar).pipe(about("Environment of the dcgm-exporter container; overrides the generated variables by name"))),
  nodeSelector: opt(StringMap.pipe(about("Nodes that get GPU monitoring; setting it switches to a separate GPU node-agent DaemonSet"))),
  affinity: opt(Affinity.pipe(about("GPU nodes by required node affinity; setting it switches to a separate GPU node-agent DaemonSet"))),
  interval: opt(Schema.String.pipe(about("Scrape interval of the automatic GPU target (default 30s)"))),
  relabelConfigs: opt(Schema.Array(MetricRelabelConfig).pipe(about("Target relabelling of the automatic GPU target"))),
  metricRelabelConfigs: opt(Schema.Array(MetricRelabelConfig).pipe(about("Metric relabelling appended to the automatic GPU target"))),
  groupLabel: opt(Schema.String.pipe(about("Pod label key exported with GPU metrics (for example prjId)"))),
  groupLabelAllowlistRegex: opt(Schema.String.pipe(about("Exporter allow-list of group label values (default: exactly groupLabel)"))),
  clusterName: opt(Schema.String.pipe(about("Cluster name added to GPU metrics as the cluster label"))),
  devices: Devices.pipe(about("Devices reported: f both GPUs and MIG instances, g physical GPUs only, i MIG instances only"), defaulted("f")),
  remoteHostEngineInfo: opt(Schema.String.pipe(about("host:port of an external nv-hostengine; ignored when hostEngine.enabled"))),
  hostEngine: opt(DcgmHostEngineSpec.pipe(about("An nv-hostengine sidecar for the exporter")))
})
export type GpuMonitoringSpec = typeof GpuMonitoringSpec.Type

/** The node selector operators that have a negation, and it (In and NotIn, Exists and DoesNotExist; Gt and Lt have none). */
export const negations: Readonly<Record<string, string>> = { In: "NotIn", NotIn: "In", Exists: "DoesNotExist", DoesNotExist: "Exists" }

/**
 * What GPU split mode reads of a GPU monitoring spec, typed loosely so that a decoded spec
 * and the validator's lenient view of one both fit.
 */
export interface SplitInput {
  readonly enabled?: unknown
  readonly nodeSelector?: object | undefined
  readonly affinity?: {
    readonly nodeAffinity?: {
      readonly requiredDuringSchedulingIgnoredDuringExecution?: {
        readonly nodeSelectorTerms?: ReadonlyArray<{ readonly matchExpressions?: ReadonlyArray<{ readonly operator?: unknown } | undefined> | undefined } | undefined> | undefined
      } | undefined
    } | undefined
  } | undefined
}

export interface Split {
  /** Two node-agent DaemonSets: GPU monitoring on and limited by a non-empty nodeSelector or a required node affinity. */
  readonly split: boolean
  /** The GPU DaemonSet gets required node terms of GPU monitoring's own (its affinity has terms). */
  readonly gpuTerms: boolean
  /** The plain DaemonSet gets terms keeping it off GPU nodes (a GPU nodeSelector, or one GPU term with a negatable expression). */
  readonly antiTerms: boolean
}

/**
 * GPU split mode (spec 4.6.1, 4.6.3), as the operator renders the node agent and the
 * validator reads it: whether there are two DaemonSets and which of them get required node
 * terms of GPU monitoring's own instead of the node agent's.
 *
 * @example
 * ```ts
 * import { GpuMonitoring } from "@whatap-operator/core"
 *
 * GpuMonitoring.splitMode({ enabled: true, nodeSelector: { "nvidia.com/gpu.present": "true" } })
 * // => { split: true, gpuTerms: false, antiTerms: true }
 * GpuMonitoring.splitMode({ enabled: false, nodeSelector: { "nvidia.com/gpu.present": "true" } }).split // => false
 * ```
 */
export const splitMode = (gpu: SplitInput | undefined): Split => {
  const terms = gpu?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
  const selector = Object.keys(gpu?.nodeSelector ?? {}).length > 0
  const split = gpu?.enabled === true && (selector || terms !== undefined)
  const [only] = terms ?? []
  const negatable = terms?.length === 1 &&
    (only?.matchExpressions ?? []).some((e) => typeof e?.operator === "string" && Object.hasOwn(negations, e.operator))
  return { split, gpuTerms: split && (terms?.length ?? 0) > 0, antiTerms: split && (selector || negatable) }
}
