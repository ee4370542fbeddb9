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
