/**
 * `features.k8sAgent`: the master agent (Deployment), the node agent (DaemonSet), GPU
 * monitoring and the image settings they share. When `k8sAgent` is present the CRD
 * requires `masterAgent`, `nodeAgent` and `gpuMonitoring` (each may be `{}`); many of
 * the Go repository's examples omit `gpuMonitoring` and the API server rejects them,
 * so the key carries a message that says how to fix it.
 */
import { Schema } from "effect"
import { Affinity } from "./Affinity.ts"
import { about, defaulted, opt, requiredBool, StringMap } from "./internal/Field.ts"
import { GpuMonitoringSpec } from "./GpuMonitoring.ts"
import { EnvVar, LocalObjectReference, ResourceRequirements, Toleration } from "./KubeTypes.ts"
import { PodSecurityContext, SecurityContext } from "./SecurityContext.ts"

/** Per-container overrides; `image` is a full image reference. */
export const ContainerSpec = Schema.Struct({
  image: opt(Schema.String.pipe(about("Full image reference of this container; wins over the k8sAgent image settings"))),
  resources: opt(ResourceRequirements.pipe(about("Resources of this container; wins over the component's resources"))),
  envs: opt(Schema.Array(EnvVar).pipe(about("Environment variables appended to this container"))),
  securityContext: opt(SecurityContext.pipe(about("Security context of this container")))
})
export type ContainerSpec = typeof ContainerSpec.Type

/** Fields common to the master and node agent components. */
const componentFields = {
  enabled: requiredBool(false, "Install this agent; false removes it"),
  resources: opt(ResourceRequirements.pipe(about("Resources of the agent container"))),
  envs: opt(Schema.Array(EnvVar).pipe(about("Environment variables appended to the agent container"))),
  tolerations: opt(Schema.Array(Toleration).pipe(about("Tolerations of the agent pods"))),
  affinity: opt(Affinity.pipe(about("Affinity of the agent pods"))),
  nodeSelector: opt(StringMap.pipe(about("Node selector of the agent pods"))),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference).pipe(about("Pull secrets of the agent pods; when empty, k8sAgent.imagePullSecrets"))),
  priorityClassName: opt(Schema.String.pipe(about("PriorityClass of the agent pods"))),
  labels: opt(StringMap.pipe(about("Labels added to the workload object"))),
  annotations: opt(StringMap.pipe(about("Annotations added to the workload object"))),
  podLabels: opt(StringMap.pipe(about("Labels added to the pod template"))),
  podAnnotations: opt(StringMap.pipe(about("Annotations added to the pod template"))),
  podSecurityContext: opt(PodSecurityContext.pipe(about("Security context of the agent pods"))),
  runtimeClassName: opt(Schema.String.pipe(about("RuntimeClass of the agent pods"))),
  hostPID: opt(Schema.Boolean.pipe(about("Run the agent pods in the host PID namespace")))
}

export const MasterAgentComponentSpec = Schema.Struct({
  ...componentFields,
  masterAgentContainer: opt(ContainerSpec.pipe(about("Overrides for the master agent container")))
})
export type MasterAgentComponentSpec = typeof MasterAgentComponentSpec.Type

export const ContainerRuntime = Schema.Literals(["containerd", "docker", "crio"])
export type ContainerRuntime = typeof ContainerRuntime.Type

/** `hostNetwork` defaults to true; an explicit false must survive (spec §9, 8c66460). */
export const NodeAgentComponentSpec = Schema.Struct({
  ...componentFields,
  nodeAgentContainer: opt(ContainerSpec.pipe(about("Overrides for the node agent container"))),
  nodeHelperContainer: opt(ContainerSpec.pipe(about("Overrides for the node helper container"))),
  runtime: ContainerRuntime.pipe(about("Container runtime of the nodes; selects the runtime socket mounted into the helper"), defaulted("containerd")),
  runtimeSocketPath: opt(Schema.String.pipe(about("Host path of the container runtime socket; overrides the path implied by runtime"))),
  hostNetwork: Schema.Boolean.pipe(about("Run the node agent pods in the host network; an explicit false is kept"), defaulted(true))
})
export type NodeAgentComponentSpec = typeof NodeAgentComponentSpec.Type

/** apiserver/etcd/scheduler monitoring: parsed but without effect in the Go operator. */
export const ControlPlaneMonitoringSpec = Schema.Struct({
  enabled: requiredBool(false, "Accepted for compatibility; has no effect (as in the Go operator)"),
  customImageFullName: opt(Schema.String.pipe(about("Accepted for compatibility; has no effect")))
})
export type ControlPlaneMonitoringSpec = typeof ControlPlaneMonitoringSpec.Type

/**
 * The master and node agents' resources where the CR leaves a key out: the Go operator
 * completes `resources` key by key with these (spec 4.5, 4.6.2), so `limits.memory: 200Mi`
 * alone still gets `requests.memory: 300Mi`.
 *
 * @example
 * ```ts
 * import { K8sAgent } from "@whatap-operator/core"
 *
 * K8sAgent.agentResourceDefaults.limits.memory // => "350Mi"
 * ```
 */
export const agentResourceDefaults = {
  requests: { cpu: "100m", memory: "300Mi" },
  limits: { cpu: "200m", memory: "350Mi" }
} as const

export const missingGpuMonitoring =
  "missing required field \"gpuMonitoring\": the CRD requires it whenever k8sAgent is set " +
  "(the API server rejects the resource); add `gpuMonitoring: {enabled: false}` to keep GPU monitoring off"

export const K8sAgentSpec = Schema.Struct({
  namespace: opt(Schema.String.pipe(about("Namespace of the dcgm-exporter Service and of the automatic GPU scrape target (agents always run in the operator namespace)"))),
  agentImageName: opt(Schema.String.pipe(about("Image repository of the master/node agents (default public.ecr.aws/whatap/kube_agent)"))),
  agentImageVersion: opt(Schema.String.pipe(about("Image tag of the master/node agents (default latest)"))),
  customImageFullName: opt(Schema.String.pipe(about("Full image reference of the master/node agents; wins over agentImageName/agentImageVersion"))),
  customAgentImageFullName: opt(Schema.String.pipe(about("Deprecated: used only when customImageFullName is empty"))),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference).pipe(about("Pull secrets of the master and node agent pods when their own list is empty"))),
  masterAgent: MasterAgentComponentSpec.pipe(about("The master agent Deployment (cluster-level metrics and events)")),
  nodeAgent: NodeAgentComponentSpec.pipe(about("The node agent DaemonSet (node and container metrics)")),
  gpuMonitoring: GpuMonitoringSpec.pipe(about("NVIDIA GPU/MIG monitoring through dcgm-exporter sidecars of the node agent"), Schema.annotateKey({ messageMissingKey: missingGpuMonitoring })),
  apiserverMonitoring: opt(ControlPlaneMonitoringSpec.pipe(about("Accepted for compatibility; has no effect"))),
  etcdMonitoring: opt(ControlPlaneMonitoringSpec.pipe(about("Accepted for compatibility; has no effect"))),
  schedulerMonitoring: opt(ControlPlaneMonitoringSpec.pipe(about("Accepted for compatibility; has no effect")))
})
export type K8sAgentSpec = typeof K8sAgentSpec.Type
