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
  enabled: boolDefault(false),
  type: ServiceType.pipe(defaulted("ClusterIP")),
  nodePort: opt(Int32),
  port: Int32.pipe(defaulted(9400))
})
export type GpuMonitoringServiceSpec = typeof GpuMonitoringServiceSpec.Type

export const DcgmHostEngineSpec = Schema.Struct({
  enabled: requiredBool(false),
  customImageFullName: opt(Schema.String),
  port: Int32.pipe(defaulted(5555)),
  resources: opt(ResourceRequirements)
})
export type DcgmHostEngineSpec = typeof DcgmHostEngineSpec.Type

/** `f` flex (default), `g` physical GPUs only, `i` MIG GPU instances only. */
export const Devices = Schema.Literals(["f", "g", "i"])
export type Devices = typeof Devices.Type

export const GpuMonitoringSpec = Schema.Struct({
  enabled: requiredBool(false),
  customImageFullName: opt(Schema.String),
  service: opt(GpuMonitoringServiceSpec.pipe(about("Service in front of dcgm-exporter; absent is not the same as disabled"))),
  resources: opt(ResourceRequirements),
  envs: opt(Schema.Array(EnvVar)),
  nodeSelector: opt(StringMap.pipe(about("Nodes that get GPU monitoring; setting it switches to a separate GPU node-agent DaemonSet"))),
  affinity: opt(Affinity),
  interval: opt(Schema.String.pipe(about("Scrape interval of the automatic GPU target (default 30s)"))),
  relabelConfigs: opt(Schema.Array(MetricRelabelConfig)),
  metricRelabelConfigs: opt(Schema.Array(MetricRelabelConfig)),
  groupLabel: opt(Schema.String.pipe(about("Pod label key exported with GPU metrics (for example prjId)"))),
  groupLabelAllowlistRegex: opt(Schema.String.pipe(about("Exporter allow-list of group label values (default: exactly groupLabel)"))),
  clusterName: opt(Schema.String.pipe(about("Cluster name added to GPU metrics as the cluster label"))),
  devices: Devices.pipe(defaulted("f")),
  remoteHostEngineInfo: opt(Schema.String.pipe(about("host:port of an external nv-hostengine; ignored when hostEngine.enabled"))),
  hostEngine: opt(DcgmHostEngineSpec)
})
export type GpuMonitoringSpec = typeof GpuMonitoringSpec.Type
