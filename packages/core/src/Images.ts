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

/**
 * First non-empty of the candidates, else `fallback`.
 *
 * @example
 * ```ts
 * import { Images } from "@whatap-operator/core"
 *
 * Images.firstOf([undefined, "", "registry.example.com/agent:1"], "fallback") // => "registry.example.com/agent:1"
 * Images.firstOf([], "fallback") // => "fallback"
 * ```
 */
export const firstOf = (candidates: ReadonlyArray<string | undefined>, fallback: string): string =>
  candidates.find(nonEmpty) ?? fallback

/**
 * `repository:tag` with the defaults for missing parts.
 *
 * @example
 * ```ts
 * import { Images } from "@whatap-operator/core"
 *
 * Images.compose(undefined, "1.2", "public.ecr.aws/whatap/kube_agent") // => "public.ecr.aws/whatap/kube_agent:1.2"
 * Images.compose("registry.example.com/agent", undefined, "ignored") // => "registry.example.com/agent:latest"
 * ```
 */
export const compose = (repository: string | undefined, tag: string | undefined, defaultRepository: string): string =>
  `${firstOf([repository], defaultRepository)}:${firstOf([tag], defaults.tag)}`

/**
 * APM init image of a language (spec 5.4): `public.ecr.aws/whatap/apm-init-<language>:<version>`.
 *
 * @example
 * ```ts
 * import { Images } from "@whatap-operator/core"
 *
 * Images.apmInit("java", "2.2.58") // => "public.ecr.aws/whatap/apm-init-java:2.2.58"
 * ```
 */
export const apmInit = (language: string, version: string): string => `${defaults.apmInitRepository}-${language}:${version}`

/**
 * Master agent, node agent and node helper (spec 3.2): `customImageFullName`, then the
 * deprecated `customAgentImageFullName`, then `agentImageName:agentImageVersion`; a
 * container's own `image` wins over all of them (`container`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Images, K8sAgent } from "@whatap-operator/core"
 *
 * const k8sAgent = Schema.decodeUnknownSync(K8sAgent.K8sAgentSpec)({ masterAgent: {}, nodeAgent: {}, gpuMonitoring: {}, agentImageVersion: "1.8" })
 * Images.kubeAgent(k8sAgent) // => "public.ecr.aws/whatap/kube_agent:1.8"
 * Images.kubeAgent({ ...k8sAgent, customImageFullName: "registry.example.com/kube_agent:9" }) // => "registry.example.com/kube_agent:9"
 * ```
 */
export const kubeAgent = (k8sAgent: K8sAgentSpec): string =>
  firstOf(
    [k8sAgent.customImageFullName, k8sAgent.customAgentImageFullName],
    compose(k8sAgent.agentImageName, k8sAgent.agentImageVersion, defaults.kubeAgentRepository)
  )

/**
 * A per-container `image` override, else the component's image.
 *
 * @example
 * ```ts
 * import { Images } from "@whatap-operator/core"
 *
 * Images.container({ image: "registry.example.com/helper:2" }, "public.ecr.aws/whatap/kube_agent:latest") // => "registry.example.com/helper:2"
 * Images.container(undefined, "public.ecr.aws/whatap/kube_agent:latest") // => "public.ecr.aws/whatap/kube_agent:latest"
 * ```
 */
export const container = (override: ContainerSpec | undefined, image: string): string => firstOf([override?.image], image)

/**
 * OpenAgent (spec 3.3): `customImageFullName`, else `imageName:imageVersion`.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Images, OpenAgent } from "@whatap-operator/core"
 *
 * const openAgent = Schema.decodeUnknownSync(OpenAgent.OpenAgentSpec)({ imageVersion: "2.0" })
 * Images.openAgent(openAgent) // => "public.ecr.aws/whatap/open_agent:2.0"
 * ```
 */
export const openAgent = (spec: OpenAgentSpec): string =>
  firstOf([spec.customImageFullName], compose(spec.imageName, spec.imageVersion, defaults.openAgentRepository))

/**
 * dcgm-exporter sidecar (spec 4.7.1).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GpuMonitoring, Images } from "@whatap-operator/core"
 *
 * const gpu = Schema.decodeUnknownSync(GpuMonitoring.GpuMonitoringSpec)({})
 * Images.dcgmExporter(gpu) // => Images.defaults.dcgmExporter
 * Images.dcgmExporter({ ...gpu, customImageFullName: "registry.example.com/dcgm-exporter:4" }) // => "registry.example.com/dcgm-exporter:4"
 * ```
 */
export const dcgmExporter = (gpu: GpuMonitoringSpec): string => firstOf([gpu.customImageFullName], defaults.dcgmExporter)

/**
 * dcgm-hostengine sidecar (spec 4.7.2).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { GpuMonitoring, Images } from "@whatap-operator/core"
 *
 * const hostEngine = Schema.decodeUnknownSync(GpuMonitoring.DcgmHostEngineSpec)({ enabled: true })
 * Images.dcgmHostEngine(hostEngine) // => Images.defaults.dcgmHostEngine
 * ```
 */
export const dcgmHostEngine = (hostEngine: DcgmHostEngineSpec): string =>
  firstOf([hostEngine.customImageFullName], defaults.dcgmHostEngine)
