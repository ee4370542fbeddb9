/**
 * The NVIDIA DCGM sidecars of the node-agent pod (spec 4.7.1, 4.7.2): `dcgm-exporter`,
 * which serves GPU metrics on :9400 for the OpenAgent's automatic target, and, with
 * `hostEngine.enabled`, `dcgm-hostengine` (nv-hostengine on localhost:5555) that the
 * exporter connects to. Plus the two pod volumes the exporter mounts: the kubelet
 * pod-resources socket (GPU → pod mapping) and the metrics CSV ConfigMap.
 */
import { Images, Naming, type GpuMonitoring, type KubeTypes } from "@whatap-operator/core"
import { configMapVolume, containerDefaults, containerResources, envVar, fieldRefEnv, hostPathVolume, type Json, prunedResources } from "./Objects.ts"

const remoteHostEngine = "DCGM_REMOTE_HOSTENGINE_INFO"

/** Go's `regexp.QuoteMeta`: a backslash before each of `\.+*?()|[]{}^$`. */
export const quoteMeta = (text: string): string => text.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")

/** `hostEngine.port`, with the Go operator's fallback for an unset (zero) port. */
export const hostEnginePort = (hostEngine: GpuMonitoring.DcgmHostEngineSpec): number =>
  hostEngine.port === 0 ? Naming.gpu.defaultHostEnginePort : hostEngine.port

const value = (name: string, text: string): KubeTypes.EnvVar => ({ name, value: text })

/** Steps 1-5 of spec 4.7.1: what the operator sets before the CR's envs are applied. */
const baseEnv = (gpu: GpuMonitoring.GpuMonitoringSpec): ReadonlyArray<KubeTypes.EnvVar> => {
  const env: Array<KubeTypes.EnvVar> = [
    value("DCGM_EXPORTER_LISTEN", `:${Naming.gpu.metricsPort}`),
    value("DCGM_EXPORTER_KUBERNETES", "true"),
    value("DCGM_EXPORTER_COLLECTORS", Naming.gpu.csvMountPath),
    fieldRefEnv("NODE_NAME", "spec.nodeName")
  ]
  if (gpu.groupLabel !== undefined && gpu.groupLabel !== "") {
    const regex = gpu.groupLabelAllowlistRegex !== undefined && gpu.groupLabelAllowlistRegex !== ""
      ? gpu.groupLabelAllowlistRegex
      : `^(${quoteMeta(gpu.groupLabel)})$`
    env.push(value("DCGM_EXPORTER_KUBERNETES_ENABLE_POD_LABELS", "true"), value("DCGM_EXPORTER_KUBERNETES_POD_LABEL_ALLOWLIST_REGEX", regex))
  }
  if (gpu.clusterName !== undefined && gpu.clusterName !== "") env.push(value("DCGM_EXPORTER_KUBERNETES_CLUSTER_NAME", gpu.clusterName))
  if (gpu.devices === "g" || gpu.devices === "i") env.push(value("DCGM_EXPORTER_DEVICES_STR", gpu.devices))
  if (gpu.hostEngine?.enabled === true) env.push(value(remoteHostEngine, `localhost:${hostEnginePort(gpu.hostEngine)}`))
  else if (gpu.remoteHostEngineInfo !== undefined && gpu.remoteHostEngineInfo !== "") env.push(value(remoteHostEngine, gpu.remoteHostEngineInfo))
  return env
}

/**
 * Step 6: each CR env in order replaces the first env of its name in place, or is
 * appended. An empty `DCGM_REMOTE_HOSTENGINE_INFO` (no value, no valueFrom) instead
 * removes every env of that name: embedded DCGM while keeping the host-engine sidecar
 * (Go operator #19, mixed-MIG nodes).
 */
export const exporterEnv = (gpu: GpuMonitoring.GpuMonitoringSpec): ReadonlyArray<KubeTypes.EnvVar> =>
  (gpu.envs ?? []).reduce<ReadonlyArray<KubeTypes.EnvVar>>((env, next) => {
    if (next.name === remoteHostEngine && (next.value ?? "") === "" && next.valueFrom === undefined) {
      return env.filter((e) => e.name !== remoteHostEngine)
    }
    const at = env.findIndex((e) => e.name === next.name)
    const added = envVar(next)
    return at === -1 ? [...env, added] : env.map((e, i) => (i === at ? added : e))
  }, baseEnv(gpu))

const exporter = (gpu: GpuMonitoring.GpuMonitoringSpec): Json =>
  containerDefaults({
    name: Naming.gpu.exporterContainer,
    image: Images.dcgmExporter(gpu),
    ports: [{ name: Naming.gpu.metricsPortName, containerPort: Naming.gpu.metricsPort, protocol: "TCP" }],
    env: exporterEnv(gpu),
    resources: containerResources(prunedResources(gpu.resources)),
    securityContext: { runAsNonRoot: false, runAsUser: 0, capabilities: { add: ["SYS_ADMIN"] } },
    volumeMounts: [
      { name: Naming.gpu.podResourcesVolume, mountPath: Naming.gpu.podResourcesPath, readOnly: true },
      { name: Naming.gpu.csvVolume, mountPath: Naming.gpu.csvMountPath, subPath: Naming.gpu.csvKey, readOnly: true }
    ]
  })

/** No command, env or mounts: the image's default runs nv-hostengine. */
const hostEngine = (spec: GpuMonitoring.DcgmHostEngineSpec): Json => {
  const port = hostEnginePort(spec)
  return containerDefaults({
    name: Naming.gpu.hostEngineContainer,
    image: Images.dcgmHostEngine(spec),
    ports: [{ name: Naming.gpu.hostEnginePortName, containerPort: port, hostPort: port, protocol: "TCP" }],
    resources: containerResources(prunedResources(spec.resources)),
    securityContext: { runAsNonRoot: false, runAsUser: 0, allowPrivilegeEscalation: true, capabilities: { add: ["SYS_ADMIN"] } },
    livenessProbe: { tcpSocket: { port }, initialDelaySeconds: 5, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port }, initialDelaySeconds: 3, periodSeconds: 5 }
  })
}

/** `dcgm-exporter`, then `dcgm-hostengine` when enabled. */
export const containers = (gpu: GpuMonitoring.GpuMonitoringSpec): ReadonlyArray<Json> =>
  gpu.hostEngine?.enabled === true ? [exporter(gpu), hostEngine(gpu.hostEngine)] : [exporter(gpu)]

/** Not optional: a missing CSV ConfigMap keeps the pod in ContainerCreating (D9 renders it). */
export const volumes: ReadonlyArray<Json> = [
  hostPathVolume(Naming.gpu.podResourcesVolume, Naming.gpu.podResourcesPath),
  configMapVolume(Naming.gpu.csvVolume, Naming.gpu.csvConfigMap)
]
