/**
 * `spec.features.k8sAgent`: image name/version, deprecated image fields, and the GPU
 * monitoring block (host engine address and port, the exporter Service's ports, the
 * group label and its allowlist regex, options that cancel each other out).
 */
import { labelKeyErrors } from "../../LabelSyntax.ts"
import { error, type Issue, warning } from "./issue.ts"
import { field, nonEmptyStr, type Path } from "./json.ts"
import { hostPortError, portRangeError } from "./network.ts"
import { checkImageParts } from "./openAgent.ts"
import { re2Error } from "./regex.ts"

const checkPortField = (owner: unknown, path: Path, key: string): ReadonlyArray<Issue> => {
  const port = field(owner, key)
  const problem = typeof port === "number" ? portRangeError(port) : undefined
  return problem === undefined ? [] : [error("port", [...path, key], problem)]
}

const checkService = (service: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = [...checkPortField(service, path, "port"), ...checkPortField(service, path, "nodePort")]
  const nodePort = field(service, "nodePort")
  if (typeof nodePort !== "number" || nodePort === 0) return out
  const type = field(service, "type") ?? "ClusterIP"
  if (type !== "NodePort" && type !== "LoadBalancer") {
    out.push(warning("conflict", [...path, "nodePort"], `nodePort is ignored for a ${String(type)} Service; set type to NodePort or LoadBalancer`))
  } else if (nodePort >= 1 && nodePort <= 65535 && (nodePort < 30000 || nodePort > 32767)) {
    out.push(warning("port", [...path, "nodePort"], `nodePort ${nodePort} is outside the default range 30000-32767; the API server rejects it unless --service-node-port-range allows it`))
  }
  return out
}

const checkHostEngine = (gpu: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = [...checkPortField(field(gpu, "hostEngine"), [...path, "hostEngine"], "port")]
  const remote = nonEmptyStr(field(gpu, "remoteHostEngineInfo"))
  if (remote === undefined) return out
  const problem = hostPortError(remote)
  if (problem !== undefined) out.push(error("host-port", [...path, "remoteHostEngineInfo"], problem))
  if (field(field(gpu, "hostEngine"), "enabled") === true) {
    out.push(warning("conflict", [...path, "remoteHostEngineInfo"], "remoteHostEngineInfo is ignored because hostEngine.enabled is true"))
  }
  return out
}

const checkGroupLabel = (gpu: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const label = nonEmptyStr(field(gpu, "groupLabel"))
  if (label !== undefined) {
    for (const m of labelKeyErrors(label)) out.push(error("labels", [...path, "groupLabel"], `invalid label key ${JSON.stringify(label)}: ${m}`))
  }
  const allowlist = nonEmptyStr(field(gpu, "groupLabelAllowlistRegex"))
  const problem = allowlist === undefined ? undefined : re2Error(allowlist)
  if (problem !== undefined) out.push(error("regex", [...path, "groupLabelAllowlistRegex"], problem))
  return out
}

const checkGpu = (gpu: unknown, path: Path): ReadonlyArray<Issue> => [
  ...checkHostEngine(gpu, path),
  ...checkService(field(gpu, "service"), [...path, "service"]),
  ...checkGroupLabel(gpu, path)
]

const checkDeprecatedImage = (k8sAgent: unknown, path: Path): ReadonlyArray<Issue> => {
  if (nonEmptyStr(field(k8sAgent, "customAgentImageFullName")) === undefined) return []
  const message = nonEmptyStr(field(k8sAgent, "customImageFullName")) === undefined
    ? "customAgentImageFullName is deprecated; use customImageFullName"
    : "customAgentImageFullName is ignored because customImageFullName is set"
  return [warning("conflict", [...path, "customAgentImageFullName"], message)]
}

export const checkK8sAgent = (k8sAgent: unknown, path: Path): ReadonlyArray<Issue> => [
  ...checkImageParts(k8sAgent, path, "agentImageName", "agentImageVersion"),
  ...checkDeprecatedImage(k8sAgent, path),
  ...checkGpu(field(k8sAgent, "gpuMonitoring"), [...path, "gpuMonitoring"])
]
