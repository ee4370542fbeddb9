/**
 * The field rules that apply wherever a kind of field appears: label and annotation
 * maps, env lists, image references, intervals, `resources`, relabel lists,
 * `tolerations` and `affinity`. Each location is named through the model's types (see
 * `model.ts`), so a field renamed or moved in the Schema is a compile error here instead
 * of a rule that silently stops running. A new field of one of these kinds needs its
 * line here (the validate tests have a case per location).
 */
import type { GpuMonitoringSpec } from "../../GpuMonitoring.ts"
import type { InstrumentationSpec } from "../../Instrumentation.ts"
import type { ContainerSpec, K8sAgentSpec, MasterAgentComponentSpec, NodeAgentComponentSpec } from "../../K8sAgent.ts"
import type { EnvVar, ObjectMeta } from "../../KubeTypes.ts"
import { labelKeyErrors, labelValueErrors } from "../../LabelSyntax.ts"
import type { OpenAgentSpec } from "../../OpenAgent.ts"
import type { Endpoint } from "../../Scrape.ts"
import { durationError } from "./duration.ts"
import { referenceError } from "./imageRef.ts"
import { error, type Issue, none, warning } from "./issue.ts"
import { at, type Context, each, entries, type L, type List, type Path } from "./model.ts"
import { checkRelabelConfigs } from "./relabel.ts"
import { checkResources } from "./resources.ts"
import { checkAffinity, checkTolerations } from "./scheduling.ts"

type StringMap = { readonly [key: string]: string | undefined } | undefined

const checkMap = (map: StringMap, path: Path, withValues: boolean): ReadonlyArray<Issue> =>
  map === undefined ? none : entries(map).flatMap(([key, value]) => [
    ...labelKeyErrors(key).map((m) => error("labels", [...path, key], `invalid key ${JSON.stringify(key)}: ${m}`)),
    ...(withValues ? labelValueErrors(value).map((m) => error("labels", [...path, key], `invalid value ${JSON.stringify(value)}: ${m}`)) : [])
  ])

/** `labels`, `podLabels`, `nodeSelector`: label keys and values. */
export const checkLabels = (map: StringMap, path: Path): ReadonlyArray<Issue> => checkMap(map, path, true)

/** `annotations`, `podAnnotations`: keys only; any value goes. */
export const checkAnnotations = (map: StringMap, path: Path): ReadonlyArray<Issue> => checkMap(map, path, false)

export const checkEnvs = (envs: List<EnvVar>, path: Path): ReadonlyArray<Issue> => {
  const seen = new Map<string, number>()
  return each(envs, path, (env, here, i) => {
    const name = env.name
    if (name === undefined) return []
    const first = seen.get(name)
    if (first === undefined) {
      seen.set(name, i)
      return []
    }
    return [warning("conflict", [...here, "name"], `duplicate env ${JSON.stringify(name)} (also at index ${first}); Kubernetes keeps the last one`)]
  })
}

export const checkImage = (image: string | undefined, path: Path): ReadonlyArray<Issue> => {
  const problem = image === undefined ? undefined : referenceError(image)
  return problem === undefined ? [] : [error("image-reference", path, problem)]
}

export const checkInterval = (interval: string | undefined, path: Path): ReadonlyArray<Issue> => {
  const problem = interval === undefined ? undefined : durationError(interval)
  return problem === undefined ? [] : [error("duration", path, problem)]
}

export const checkMetadata = (metadata: L<ObjectMeta> | undefined, path: Path): ReadonlyArray<Issue> => metadata === undefined ? none : [
  ...checkLabels(...at(metadata, "labels", path)),
  ...checkAnnotations(...at(metadata, "annotations", path))
]

const checkContainer = (container: L<ContainerSpec> | undefined, path: Path): ReadonlyArray<Issue> => container === undefined ? none : [
  ...checkImage(...at(container, "image", path)),
  ...checkResources(...at(container, "resources", path)),
  ...checkEnvs(...at(container, "envs", path))
]

type Component = L<MasterAgentComponentSpec> | L<NodeAgentComponentSpec>

/** The pod-template fields the master and node agents share. */
const checkComponent = (component: Component | undefined, path: Path): ReadonlyArray<Issue> => component === undefined ? none : [
  ...checkLabels(...at<Component, "labels">(component, "labels", path)),
  ...checkLabels(...at<Component, "podLabels">(component, "podLabels", path)),
  ...checkLabels(...at<Component, "nodeSelector">(component, "nodeSelector", path)),
  ...checkAnnotations(...at<Component, "annotations">(component, "annotations", path)),
  ...checkAnnotations(...at<Component, "podAnnotations">(component, "podAnnotations", path)),
  ...checkResources(...at<Component, "resources">(component, "resources", path)),
  ...checkEnvs(...at<Component, "envs">(component, "envs", path)),
  ...checkTolerations(...at<Component, "tolerations">(component, "tolerations", path)),
  ...checkAffinity(...at<Component, "affinity">(component, "affinity", path))
]

const checkGpuFields = (gpu: L<GpuMonitoringSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => {
  if (gpu === undefined) return none
  const [hostEngine, hostEnginePath] = at(gpu, "hostEngine", path)
  return [
    ...checkImage(...at(gpu, "customImageFullName", path)),
    ...checkResources(...at(gpu, "resources", path)),
    ...checkEnvs(...at(gpu, "envs", path)),
    ...checkLabels(...at(gpu, "nodeSelector", path)),
    ...checkAffinity(...at(gpu, "affinity", path)),
    ...checkInterval(...at(gpu, "interval", path)),
    ...checkRelabelConfigs(...at(gpu, "relabelConfigs", path), context.regex),
    ...checkRelabelConfigs(...at(gpu, "metricRelabelConfigs", path), context.regex),
    ...checkImage(...at(hostEngine, "customImageFullName", hostEnginePath)),
    ...checkResources(...at(hostEngine, "resources", hostEnginePath))
  ]
}

export const checkK8sAgentFields = (k8sAgent: L<K8sAgentSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => {
  if (k8sAgent === undefined) return none
  const [master, masterPath] = at(k8sAgent, "masterAgent", path)
  const [node, nodePath] = at(k8sAgent, "nodeAgent", path)
  const controlPlane = [at(k8sAgent, "apiserverMonitoring", path), at(k8sAgent, "etcdMonitoring", path), at(k8sAgent, "schedulerMonitoring", path)]
  return [
    ...checkImage(...at(k8sAgent, "customImageFullName", path)),
    ...checkImage(...at(k8sAgent, "customAgentImageFullName", path)),
    ...checkComponent(master, masterPath),
    ...checkContainer(...at(master, "masterAgentContainer", masterPath)),
    ...checkComponent(node, nodePath),
    ...checkContainer(...at(node, "nodeAgentContainer", nodePath)),
    ...checkContainer(...at(node, "nodeHelperContainer", nodePath)),
    ...controlPlane.flatMap(([monitoring, here]) => checkImage(...at(monitoring, "customImageFullName", here))),
    ...checkGpuFields(...at(k8sAgent, "gpuMonitoring", path), context)
  ]
}

/** `interval` and `metricRelabelConfigs` of every endpoint. */
export const checkEndpointFields = (endpoints: List<Endpoint>, path: Path, context: Context): ReadonlyArray<Issue> =>
  each(endpoints, path, (endpoint, here) => [
    ...checkInterval(...at(endpoint, "interval", here)),
    ...checkRelabelConfigs(...at(endpoint, "metricRelabelConfigs", here), context.regex)
  ])

export const checkOpenAgentFields = (openAgent: L<OpenAgentSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => openAgent === undefined ? none : [
  ...checkImage(...at(openAgent, "customImageFullName", path)),
  ...checkLabels(...at(openAgent, "labels", path)),
  ...checkLabels(...at(openAgent, "podLabels", path)),
  ...checkLabels(...at(openAgent, "nodeSelector", path)),
  ...checkAnnotations(...at(openAgent, "annotations", path)),
  ...checkAnnotations(...at(openAgent, "podAnnotations", path)),
  ...checkEnvs(...at(openAgent, "envs", path)),
  ...checkTolerations(...at(openAgent, "tolerations", path)),
  ...checkAffinity(...at(openAgent, "affinity", path)),
  ...each(...at(openAgent, "targets", path), (target, here) => [
    ...checkRelabelConfigs(...at(target, "relabelConfigs", here), context.regex),
    ...checkEndpointFields(...at(target, "endpoints", here), context)
  ])
]

export const checkInstrumentationFields = (instrumentation: L<InstrumentationSpec> | undefined, path: Path): ReadonlyArray<Issue> => instrumentation === undefined ? none : [
  ...checkResources(...at(instrumentation, "initContainerResources", path)),
  ...each(...at(instrumentation, "targets", path), (target, here) => [
    ...checkResources(...at(target, "initContainerResources", here)),
    ...checkEnvs(...at(target, "envs", here)),
    ...checkImage(...at(target, "customImageFullName", here)),
    ...checkImage(...at(target, "customImageName", here))
  ])
]
