/**
 * `spec.features.k8sAgent`: image name/version, deprecated image fields, and the GPU
 * monitoring block (host engine address and port, the exporter Service's ports, the
 * group label and its allowlist regex, options that cancel each other out).
 */
import type { DcgmHostEngineSpec, GpuMonitoringServiceSpec, GpuMonitoringSpec } from "../../GpuMonitoring.ts"
import type { K8sAgentSpec } from "../../K8sAgent.ts"
import { dnsLabelErrors, labelKeyErrors } from "../../LabelSyntax.ts"
import * as Naming from "../../Naming.ts"
import { error, type Issue, issues, none, warning } from "./issue.ts"
import { child, type Context, type L, nonEmpty, type Path } from "./model.ts"
import { hostPortError, portRangeError } from "./network.ts"
import { checkImageParts } from "./openAgent.ts"

const checkPort = (port: number | undefined, path: Path, out: Array<Issue>): void => {
  const problem = port === undefined ? undefined : portRangeError(port)
  if (problem !== undefined) out.push(error("port", path, problem))
}

/** A port whose 0 the Go operator reads as its default (`hostEngine.port` 5555, `service.port` 9400, `service.nodePort` 30400): a warning that says so. */
const checkDefaultedPort = (port: number | undefined, path: Path, fallback: number, out: Array<Issue>): void => {
  if (port === 0) out.push(warning("port", path, `port 0 means the default, ${fallback}`))
  else checkPort(port, path, out)
}

const checkService = (service: L<GpuMonitoringServiceSpec> | undefined, path: Path, out: Array<Issue>): void => {
  if (service === undefined) return
  const { nodePort, port } = service
  const nodePortPath = [...path, "nodePort"]
  checkDefaultedPort(port, [...path, "port"], Naming.gpu.metricsPort, out)
  checkDefaultedPort(nodePort, nodePortPath, Naming.gpu.defaultNodePort, out)
  if (nodePort === undefined || nodePort === 0) return
  const type = service.type ?? "ClusterIP"
  if (type !== "NodePort" && type !== "LoadBalancer") {
    out.push(warning("conflict", nodePortPath, `nodePort is ignored for a ${type} Service; set type to NodePort or LoadBalancer`))
  } else if (nodePort >= 1 && nodePort <= 65535 && (nodePort < 30000 || nodePort > 32767)) {
    out.push(warning("port", nodePortPath, `nodePort ${nodePort} is outside the default range 30000-32767; the API server rejects it unless --service-node-port-range allows it`))
  }
}

/** Ports the node-agent pod already listens on; its containers share one network namespace. */
const takenPorts: ReadonlyMap<number, string> = new Map([
  [Naming.nodeAgent.agentPort, "the node agent"],
  [Naming.nodeAgent.helperPort, "the node helper"],
  [Naming.gpu.metricsPort, "dcgm-exporter"]
])

const checkHostEngine = (gpu: L<GpuMonitoringSpec>, path: Path, out: Array<Issue>): void => {
  const hostEngine: L<DcgmHostEngineSpec> | undefined = gpu.hostEngine
  const port = hostEngine?.port
  const portPath = [...path, "hostEngine", "port"]
  checkDefaultedPort(port, portPath, Naming.gpu.defaultHostEnginePort, out)
  const owner = hostEngine?.enabled === true && typeof port === "number" ? takenPorts.get(port) : undefined
  if (owner !== undefined) out.push(error("port", portPath, `port ${port} is ${owner}'s in the same pod: the host engine could not listen on it`))
  const remote = gpu.remoteHostEngineInfo
  if (!nonEmpty(remote)) return
  const problem = hostPortError(remote)
  if (problem !== undefined) out.push(error("host-port", [...path, "remoteHostEngineInfo"], problem))
  if (hostEngine?.enabled === true) {
    out.push(warning("conflict", [...path, "remoteHostEngineInfo"], "remoteHostEngineInfo is ignored because hostEngine.enabled is true"))
  }
}

const checkGroupLabel = (gpu: L<GpuMonitoringSpec>, path: Path, context: Context, out: Array<Issue>): void => {
  const { groupLabel: label, groupLabelAllowlistRegex: allowlist } = gpu
  if (nonEmpty(label)) {
    // the exporter's allowlist and the scrape relabelling take any text: no pod label then matches it
    for (const m of labelKeyErrors(label)) out.push(warning("labels", [...path, "groupLabel"], `invalid label key ${JSON.stringify(label)}, so no pod label matches it: ${m}`))
  }
  const verdict = nonEmpty(allowlist) ? context.regex(allowlist) : undefined
  if (verdict !== undefined) out.push((verdict.severity === "error" ? error : warning)("regex", [...path, "groupLabelAllowlistRegex"], verdict.message))
}

const checkGpu = (gpu: L<GpuMonitoringSpec>, path: Path, context: Context): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  checkHostEngine(gpu, path, out)
  checkService(gpu.service, [...path, "service"], out)
  checkGroupLabel(gpu, path, context, out)
  return out
}

const checkDeprecatedImage = (k8sAgent: L<K8sAgentSpec> | undefined, path: Path): ReadonlyArray<Issue> => {
  const { value: deprecated, path: deprecatedPath } = child(k8sAgent, "customAgentImageFullName", path)
  if (!nonEmpty(deprecated)) return []
  const message = nonEmpty(k8sAgent?.customImageFullName)
    ? "customAgentImageFullName is ignored because customImageFullName is set"
    : "customAgentImageFullName is deprecated; use customImageFullName"
  return [warning("conflict", deprecatedPath, message)]
}

/**
 * `k8sAgent.namespace` places the dcgm-exporter Service and the automatic GPU scrape target
 * only; the agents' pods always run in the operator's namespace. Elsewhere, the Service
 * selects no pod and the GPU target scrapes nothing (as with the Go operator; spec 4.7.3).
 */
const checkNamespace = (k8sAgent: L<K8sAgentSpec> | undefined, path: Path): ReadonlyArray<Issue> => {
  const { value: namespace, path: namespacePath } = child(k8sAgent, "namespace", path)
  if (!nonEmpty(namespace)) return []
  const gpuMonitoring = k8sAgent?.gpuMonitoring
  const gpu = gpuMonitoring?.enabled === true
  // the Service exists with the node agent and GPU monitoring on, unless `service` is there and disabled
  const service = gpu && k8sAgent?.nodeAgent?.enabled === true && (gpuMonitoring?.service === undefined || gpuMonitoring.service.enabled === true)
  const invalid = dnsLabelErrors(namespace).map((m) =>
    service
      ? error("object-name", namespacePath, `invalid namespace ${JSON.stringify(namespace)}: ${m}; the dcgm-exporter Service cannot be created there`)
      : warning("object-name", namespacePath, `invalid namespace ${JSON.stringify(namespace)}: ${m} (no object is created there in this configuration)`))
  if (invalid.length > 0 || !gpu || namespace === Naming.defaultNamespace) return invalid
  return [warning("conflict", namespacePath, `k8sAgent.namespace only places the dcgm-exporter Service and the GPU scrape target; the node agent's pods run in the operator's namespace (${Naming.defaultNamespace} unless the operator runs elsewhere), so unless that is ${JSON.stringify(namespace)}, the Service selects no pod and no GPU metrics are scraped (as with the Go operator)`)]
}

export const checkK8sAgent = (k8sAgent: L<K8sAgentSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => issues(
  checkImageParts(k8sAgent, path, "agentImageName", "agentImageVersion"),
  checkDeprecatedImage(k8sAgent, path),
  checkNamespace(k8sAgent, path),
  k8sAgent?.gpuMonitoring === undefined ? none : checkGpu(k8sAgent.gpuMonitoring, [...path, "gpuMonitoring"], context)
)
