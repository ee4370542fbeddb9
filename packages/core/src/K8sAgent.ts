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
  image: opt(Schema.String),
  resources: opt(ResourceRequirements),
  envs: opt(Schema.Array(EnvVar)),
  securityContext: opt(SecurityContext)
})
export type ContainerSpec = typeof ContainerSpec.Type

/** Fields common to the master and node agent components. */
const componentFields = {
  enabled: requiredBool(false),
  resources: opt(ResourceRequirements),
  envs: opt(Schema.Array(EnvVar)),
  tolerations: opt(Schema.Array(Toleration)),
  affinity: opt(Affinity),
  nodeSelector: opt(StringMap),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference)),
  priorityClassName: opt(Schema.String),
  labels: opt(StringMap),
  annotations: opt(StringMap),
  podLabels: opt(StringMap),
  podAnnotations: opt(StringMap),
  podSecurityContext: opt(PodSecurityContext),
  runtimeClassName: opt(Schema.String.pipe(about("RuntimeClass of the agent pods"))),
  hostPID: opt(Schema.Boolean)
}

export const MasterAgentComponentSpec = Schema.Struct({
  ...componentFields,
  masterAgentContainer: opt(ContainerSpec)
})
export type MasterAgentComponentSpec = typeof MasterAgentComponentSpec.Type

export const ContainerRuntime = Schema.Literals(["containerd", "docker", "crio"])
export type ContainerRuntime = typeof ContainerRuntime.Type

/** `hostNetwork` defaults to true; an explicit false must survive (spec §9, 8c66460). */
export const NodeAgentComponentSpec = Schema.Struct({
  ...componentFields,
  nodeAgentContainer: opt(ContainerSpec),
  nodeHelperContainer: opt(ContainerSpec),
  runtime: ContainerRuntime.pipe(defaulted("containerd")),
  runtimeSocketPath: opt(Schema.String.pipe(about("Host path of the container runtime socket; overrides the path implied by runtime"))),
  hostNetwork: Schema.Boolean.pipe(defaulted(true))
})
export type NodeAgentComponentSpec = typeof NodeAgentComponentSpec.Type

/** apiserver/etcd/scheduler monitoring: parsed but without effect in the Go operator. */
export const ControlPlaneMonitoringSpec = Schema.Struct({
  enabled: requiredBool(false),
  customImageFullName: opt(Schema.String.pipe(about("Full image reference of the master/node agents; wins over agentImageName/agentImageVersion")))
})
export type ControlPlaneMonitoringSpec = typeof ControlPlaneMonitoringSpec.Type

export const missingGpuMonitoring =
  "missing required field \"gpuMonitoring\": the CRD requires it whenever k8sAgent is set " +
  "(the API server rejects the resource); add `gpuMonitoring: {enabled: false}` to keep GPU monitoring off"

export const K8sAgentSpec = Schema.Struct({
  namespace: opt(Schema.String.pipe(about("Namespace of the dcgm-exporter Service and of the automatic GPU scrape target (agents always run in the operator namespace)"))),
  agentImageName: opt(Schema.String.pipe(about("Image repository of the master/node agents (default public.ecr.aws/whatap/kube_agent)"))),
  agentImageVersion: opt(Schema.String.pipe(about("Image tag of the master/node agents (default latest)"))),
  customImageFullName: opt(Schema.String),
  customAgentImageFullName: opt(Schema.String.pipe(about("Deprecated: used only when customImageFullName is empty"))),
  imagePullSecrets: opt(Schema.Array(LocalObjectReference)),
  masterAgent: MasterAgentComponentSpec,
  nodeAgent: NodeAgentComponentSpec,
  gpuMonitoring: GpuMonitoringSpec.pipe(Schema.annotateKey({ messageMissingKey: missingGpuMonitoring })),
  apiserverMonitoring: opt(ControlPlaneMonitoringSpec),
  etcdMonitoring: opt(ControlPlaneMonitoringSpec),
  schedulerMonitoring: opt(ControlPlaneMonitoringSpec)
})
export type K8sAgentSpec = typeof K8sAgentSpec.Type
