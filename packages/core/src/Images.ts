/**
 * The default images of everything the operator deploys when the CR names none (code
 * defaults of the Go operator, spec 3.2, 3.3, 4.7, 5.4), and the precedence rules that
 * pick an image from the CR's fields.
 *
 * Type imports only: the package exports this module on its own
 * (`@whatap-operator/core/Images`) so `whatapctl version` prints the defaults without
 * loading the Schema model.
 */
import type { GpuMonitoringSpec, DcgmHostEngineSpec } from "./GpuMonitoring.ts"
import type { ContainerSpec, K8sAgentSpec } from "./K8sAgent.ts"
import type { OpenAgentSpec } from "./OpenAgent.ts"

export const defaults = {
  kubeAgentRepository: "public.ecr.aws/whatap/kube_agent",
  openAgentRepository: "public.ecr.aws/whatap/open_agent",
  tag: "latest",
  dcgmExporter: "public.ecr.aws/whatap/dcgm-exporter:4.6.0-4.8.3-distroless",
  dcgmHostEngine: "nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04",
  apmInitRepository: "public.ecr.aws/whatap/apm-init"
} as const

/** The four defaults `whatapctl version` prints. */
export const defaultImages = {
  kubeAgent: `${defaults.kubeAgentRepository}:${defaults.tag}`,
  openAgent: `${defaults.openAgentRepository}:${defaults.tag}`,
  dcgmExporter: defaults.dcgmExporter,
  dcgmHostEngine: defaults.dcgmHostEngine
} as const

const nonEmpty = (s: string | undefined): s is string => s !== undefined && s !== ""

/** First non-empty of the candidates, else `fallback`. */
export const firstOf = (candidates: ReadonlyArray<string | undefined>, fallback: string): string =>
  candidates.find(nonEmpty) ?? fallback

/** `repository:tag` with the defaults for missing parts. */
export const compose = (repository: string | undefined, tag: string | undefined, defaultRepository: string): string =>
  `${firstOf([repository], defaultRepository)}:${firstOf([tag], defaults.tag)}`

/** APM init image of a language (spec 5.4): `public.ecr.aws/whatap/apm-init-<language>:<version>`. */
export const apmInit = (language: string, version: string): string => `${defaults.apmInitRepository}-${language}:${version}`

/**
 * Master agent, node agent and node helper (spec 3.2): `customImageFullName`, then the
 * deprecated `customAgentImageFullName`, then `agentImageName:agentImageVersion`; a
 * container's own `image` wins over all of them (`container`).
 */
export const kubeAgent = (k8sAgent: K8sAgentSpec): string =>
  firstOf(
    [k8sAgent.customImageFullName, k8sAgent.customAgentImageFullName],
    compose(k8sAgent.agentImageName, k8sAgent.agentImageVersion, defaults.kubeAgentRepository)
  )

/** A per-container `image` override, else the component's image. */
export const container = (override: ContainerSpec | undefined, image: string): string => firstOf([override?.image], image)

/** OpenAgent (spec 3.3): `customImageFullName`, else `imageName:imageVersion`. */
export const openAgent = (spec: OpenAgentSpec): string =>
  firstOf([spec.customImageFullName], compose(spec.imageName, spec.imageVersion, defaults.openAgentRepository))

/** dcgm-exporter sidecar (spec 4.7.1). */
export const dcgmExporter = (gpu: GpuMonitoringSpec): string => firstOf([gpu.customImageFullName], defaults.dcgmExporter)

/** dcgm-hostengine sidecar (spec 4.7.2). */
export const dcgmHostEngine = (hostEngine: DcgmHostEngineSpec): string =>
  firstOf([hostEngine.customImageFullName], defaults.dcgmHostEngine)
