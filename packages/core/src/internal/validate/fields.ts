/**
 * The field rules that apply wherever a kind of field appears: label and annotation
 * maps, env lists, image references, intervals, `resources`, relabel lists,
 * `tolerations` and `affinity`. Each location is named through the model's types (see
 * `model.ts`), so a field renamed or moved in the Schema is a compile error here instead
 * of a rule that silently stops running. A new field of one of these kinds needs its
 * line here (the validate tests have a case per location).
 */
import { type GpuMonitoringSpec, splitMode } from "../../GpuMonitoring.ts"
import type { InstrumentationSpec } from "../../Instrumentation.ts"
import type { ContainerSpec, K8sAgentSpec, MasterAgentComponentSpec, NodeAgentComponentSpec } from "../../K8sAgent.ts"
import type { EnvVar, ObjectMeta } from "../../KubeTypes.ts"
import { labelKeyErrors, labelValueErrors } from "../../LabelSyntax.ts"
import { byteLength } from "../Utf8.ts"
import type { OpenAgentSpec } from "../../OpenAgent.ts"
import type { Endpoint } from "../../Scrape.ts"
import { durationError } from "./duration.ts"
import { checkEnv } from "./env.ts"
import { referenceError } from "./imageRef.ts"
import { add, error, type Issue, issues, none, subdomainIssues, warning } from "./issue.ts"
import { at, type Context, each, entries, field, type L, type List, nonEmpty, type Path } from "./model.ts"
import { checkRelabelConfigs } from "./relabel.ts"
import { checkAgentResources, checkResources } from "./resources.ts"
import { checkAffinity, checkTolerations } from "./scheduling.ts"
import { checkInitSecurity, checkPodSecurityContext, checkSecurityContext } from "./securityContext.ts"

type StringMap = { readonly [key: string]: string | undefined } | undefined

/** `labels`, `podLabels`, `nodeSelector`: label keys and values. */
export const checkLabels = (map: StringMap, path: Path): ReadonlyArray<Issue> =>
  entries(map).flatMap(([key, value]) => issues(
    labelKeyErrors(key).map((m) => error("labels", [...path, key], `invalid key ${JSON.stringify(key)}: ${m}`)),
    labelValueErrors(value).map((m) => error("labels", [...path, key], `invalid value ${JSON.stringify(value)}: ${m}`))
  ))

/**
 * `annotations`, `podAnnotations`: keys only; any value goes. The API server checks an
 * annotation key lower-cased (apimachinery's ValidateAnnotations), so `Example.COM/Foo` is
 * a valid one, where as a label key it is not.
 */
export const checkAnnotations = (map: StringMap, path: Path): ReadonlyArray<Issue> =>
  entries(map).flatMap(([key]) => labelKeyErrors(key.toLowerCase()).map((m) => error("labels", [...path, key], `invalid key ${JSON.stringify(key)}: ${m}`)))

export const checkEnvs = (envs: List<EnvVar>, path: Path): ReadonlyArray<Issue> => {
  const seen = new Map<string, number>()
  return each(envs, path, (env, here, i) => {
    const own = checkEnv(env, here)
    const name = env.name
    if (name === undefined) return own
    const first = seen.get(name)
    if (first === undefined) {
      seen.set(name, i)
      return own
    }
    return [...own, warning("conflict", [...here, "name"], `duplicate env ${JSON.stringify(name)} (also at index ${first}); Kubernetes keeps the last one`)]
  })
}

/** An image; `""` is no image at all (the Go operator falls back to the default, as the render does). */
export const checkImage = (image: string | undefined, path: Path): ReadonlyArray<Issue> => {
  const problem = image === undefined || image === "" ? undefined : referenceError(image)
  return problem === undefined ? none : [error("image-reference", path, problem)]
}

/** An image field the Go operator does not use in this configuration: its problem breaks nothing, so a warning saying why. */
const unusedImage = (because: string) => (image: string | undefined, path: Path): ReadonlyArray<Issue> =>
  checkImage(image, path).map((issue) => warning(issue.rule, issue.path, `${issue.message} (${because})`))

/** An interval; `""` is none (the scrape config leaves the key out, the GPU target takes 30s). */
export const checkInterval = (interval: string | undefined, path: Path): ReadonlyArray<Issue> => {
  const problem = interval === undefined || interval === "" ? undefined : durationError(interval)
  return problem === undefined ? none : [error("duration", path, problem)]
}

export const checkMetadata = (metadata: L<ObjectMeta>, path: Path): ReadonlyArray<Issue> => issues(
  field(metadata, "labels", path, checkLabels),
  field(metadata, "annotations", path, checkAnnotations)
)

const checkContainer = (container: L<ContainerSpec>, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const { image, resources, envs, securityContext } = container
  if (image !== undefined) add(out, checkImage(image, [...path, "image"]))
  if (resources !== undefined) add(out, checkResources(resources, [...path, "resources"]))
  if (envs !== undefined) add(out, checkEnvs(envs, [...path, "envs"]))
  if (securityContext !== undefined) add(out, checkSecurityContext(securityContext, [...path, "securityContext"]))
  return out
}

type Component = L<MasterAgentComponentSpec> | L<NodeAgentComponentSpec>

/** `priorityClassName`, `runtimeClassName`: names of cluster objects (DNS-1123 subdomains); `""` is none, as in Go. */
const checkClassName = (name: string, path: Path): ReadonlyArray<Issue> => name === "" ? none : subdomainIssues("object-name", name, path)

/** A hostPath volume's path: the API server refuses `..` as a path element. */
const checkHostPath = (hostPath: string, path: Path): ReadonlyArray<Issue> =>
  hostPath.split("/").includes("..") ? [error("mount-path", path, `${JSON.stringify(hostPath)} has a ".." element, which the API server refuses in a hostPath volume`)] : none

/** The API server's limit on a map of annotations, keys and values together. */
const maxAnnotationBytes = 256 * 1024

const checkPodAnnotations = (map: StringMap, path: Path): ReadonlyArray<Issue> => {
  const bytes = entries(map).reduce((sum, [key, value]) => sum + byteLength(key) + byteLength(value), 0)
  const size = bytes > maxAnnotationBytes ? [error("labels", path, `annotations take ${bytes} bytes; the API server allows ${maxAnnotationBytes} in all`)] : none
  const keys = checkAnnotations(map, path)
  return size.length === 0 ? keys : [...size, ...keys]
}

/**
 * Whether GPU split mode gives both node-agent DaemonSets required terms of its own, so the
 * node agent's required terms never reach a pod as written (`GpuMonitoring.splitMode`, as
 * the operator's NodeTopology renders).
 */
const gpuReplacesNodeTerms = (gpu: L<GpuMonitoringSpec> | undefined): boolean => {
  const mode = splitMode(gpu)
  return mode.gpuTerms && mode.antiTerms
}

/**
 * The pod-template fields the master and node agents share. Fields are read by name
 * (destructured, so the compiler still checks each against the model) and their issues
 * collected into one list: this runs for every WhatapAgent a `validate` reads, mostly
 * while V8 still interprets it, where each helper call and closure costs.
 */
const checkComponent = (component: Component, path: Path, termsReachPods = true): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const { labels, podLabels, nodeSelector, annotations, podAnnotations, priorityClassName, runtimeClassName, resources, envs, tolerations, affinity, podSecurityContext } = component
  if (labels !== undefined) add(out, checkLabels(labels, [...path, "labels"]))
  if (podLabels !== undefined) add(out, checkLabels(podLabels, [...path, "podLabels"]))
  if (nodeSelector !== undefined) add(out, checkLabels(nodeSelector, [...path, "nodeSelector"]))
  if (annotations !== undefined) add(out, checkPodAnnotations(annotations, [...path, "annotations"]))
  if (podAnnotations !== undefined) add(out, checkPodAnnotations(podAnnotations, [...path, "podAnnotations"]))
  if (priorityClassName !== undefined) add(out, checkClassName(priorityClassName, [...path, "priorityClassName"]))
  if (runtimeClassName !== undefined) add(out, checkClassName(runtimeClassName, [...path, "runtimeClassName"]))
  if (resources !== undefined) add(out, checkResources(resources, [...path, "resources"], { cpuMemoryDefaulted: true }))
  if (envs !== undefined) add(out, checkEnvs(envs, [...path, "envs"]))
  if (tolerations !== undefined) add(out, checkTolerations(tolerations, [...path, "tolerations"]))
  if (affinity !== undefined) add(out, checkAffinity(affinity, [...path, "affinity"], termsReachPods))
  if (podSecurityContext !== undefined) add(out, checkPodSecurityContext(podSecurityContext, [...path, "podSecurityContext"]))
  return out
}

/** The component's `resources` completed with the defaults, unless the container's own (with limits) replace them. */
const defaultedResources = (component: Component, container: L<ContainerSpec> | undefined, path: Path): ReadonlyArray<Issue> =>
  container?.resources?.limits !== undefined ? none : checkAgentResources(component.resources, [...path, "resources"])

const checkGpuFields = (gpu: L<GpuMonitoringSpec>, path: Path, context: Context): ReadonlyArray<Issue> => issues(
  field(gpu, "customImageFullName", path, checkImage),
  field(gpu, "resources", path, checkResources),
  field(gpu, "envs", path, checkEnvs),
  field(gpu, "nodeSelector", path, checkLabels),
  field(gpu, "affinity", path, checkAffinity),
  field(gpu, "interval", path, checkInterval),
  field(gpu, "relabelConfigs", path, (configs, here) => checkRelabelConfigs(configs, here, context.regex)),
  field(gpu, "metricRelabelConfigs", path, (configs, here) => checkRelabelConfigs(configs, here, context.regex)),
  field(gpu, "hostEngine", path, (hostEngine, here) => issues(
    field(hostEngine, "customImageFullName", here, checkImage),
    field(hostEngine, "resources", here, checkResources)
  ))
)

const controlPlaneImage = (monitoring: { readonly customImageFullName?: string | undefined }, path: Path): ReadonlyArray<Issue> =>
  field(monitoring, "customImageFullName", path, unusedImage("the field has no effect, as in the Go operator"))

/** Network sysctls are namespaced: a pod in the host's network cannot set them (`net.*`, written with dots or slashes). */
const hostNetworkSysctls = (sysctls: ReadonlyArray<{ readonly name?: string | undefined } | undefined> | undefined, path: Path): ReadonlyArray<Issue> =>
  (sysctls ?? []).flatMap((sysctl, i) =>
    sysctl?.name !== undefined && /^net[./]/.test(sysctl.name)
      ? [error("security-context", [...path, i, "name"], `${JSON.stringify(sysctl.name)} may not be specified when 'hostNetwork' is true (the node agent's default; set nodeAgent.hostNetwork: false to use it)`)]
      : [])

export const checkK8sAgentFields = (k8sAgent: L<K8sAgentSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => {
  if (k8sAgent === undefined) return none
  const out: Array<Issue> = []
  const { customImageFullName, customAgentImageFullName, masterAgent, nodeAgent, apiserverMonitoring, etcdMonitoring, schedulerMonitoring, gpuMonitoring } = k8sAgent
  if (customImageFullName !== undefined) add(out, checkImage(customImageFullName, [...path, "customImageFullName"]))
  if (customAgentImageFullName !== undefined) add(out, checkImage(customAgentImageFullName, [...path, "customAgentImageFullName"]))
  if (masterAgent !== undefined) {
    const here = [...path, "masterAgent"]
    add(out, checkComponent(masterAgent, here))
    add(out, defaultedResources(masterAgent, masterAgent.masterAgentContainer, here))
    if (masterAgent.masterAgentContainer !== undefined) add(out, checkContainer(masterAgent.masterAgentContainer, [...here, "masterAgentContainer"]))
  }
  if (nodeAgent !== undefined) {
    const here = [...path, "nodeAgent"]
    const { podSecurityContext, runtimeSocketPath, nodeAgentContainer, nodeHelperContainer } = nodeAgent
    add(out, checkComponent(nodeAgent, here, !gpuReplacesNodeTerms(gpuMonitoring)))
    if (nodeAgent.hostNetwork !== false) add(out, hostNetworkSysctls(podSecurityContext?.sysctls, [...here, "podSecurityContext", "sysctls"]))
    if (runtimeSocketPath !== undefined) add(out, checkHostPath(runtimeSocketPath, [...here, "runtimeSocketPath"]))
    add(out, defaultedResources(nodeAgent, nodeAgentContainer, here))
    if (nodeAgentContainer !== undefined) add(out, checkContainer(nodeAgentContainer, [...here, "nodeAgentContainer"]))
    if (nodeHelperContainer !== undefined) add(out, checkContainer(nodeHelperContainer, [...here, "nodeHelperContainer"]))
  }
  if (apiserverMonitoring !== undefined) add(out, controlPlaneImage(apiserverMonitoring, [...path, "apiserverMonitoring"]))
  if (etcdMonitoring !== undefined) add(out, controlPlaneImage(etcdMonitoring, [...path, "etcdMonitoring"]))
  if (schedulerMonitoring !== undefined) add(out, controlPlaneImage(schedulerMonitoring, [...path, "schedulerMonitoring"]))
  if (gpuMonitoring !== undefined) add(out, checkGpuFields(gpuMonitoring, [...path, "gpuMonitoring"], context))
  return out
}

/** `interval` and `metricRelabelConfigs` of every endpoint. */
export const checkEndpointFields = (endpoints: List<Endpoint>, path: Path, context: Context): ReadonlyArray<Issue> =>
  each(endpoints, path, (endpoint, here) => {
    const { interval, metricRelabelConfigs } = endpoint
    const intervalIssues = interval === undefined ? none : checkInterval(interval, [...here, "interval"])
    const relabelIssues = metricRelabelConfigs === undefined ? none : checkRelabelConfigs(metricRelabelConfigs, [...here, "metricRelabelConfigs"], context.regex)
    return relabelIssues.length === 0 ? intervalIssues : issues(intervalIssues, relabelIssues)
  })

export const checkOpenAgentFields = (openAgent: L<OpenAgentSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => openAgent === undefined ? none : issues(
  field(openAgent, "customImageFullName", path, checkImage),
  field(openAgent, "labels", path, checkLabels),
  field(openAgent, "podLabels", path, checkLabels),
  field(openAgent, "nodeSelector", path, checkLabels),
  field(openAgent, "annotations", path, checkPodAnnotations),
  field(openAgent, "podAnnotations", path, checkPodAnnotations),
  field(openAgent, "priorityClassName", path, checkClassName),
  field(openAgent, "nodeName", path, (name, here) => subdomainIssues("object-name", name, here, "node name")),
  field(openAgent, "envs", path, checkEnvs),
  field(openAgent, "tolerations", path, checkTolerations),
  field(openAgent, "affinity", path, checkAffinity),
  field(openAgent, "podSecurityContext", path, checkPodSecurityContext),
  each(...at(openAgent, "targets", path), (target, here) => issues(
    field(target, "relabelConfigs", here, (configs, at) => checkRelabelConfigs(configs, at, context.regex)),
    field(target, "endpoints", here, (endpoints, at) => checkEndpointFields(endpoints, at, context))
  ))
)

export const checkInstrumentationFields = (instrumentation: L<InstrumentationSpec> | undefined, path: Path): ReadonlyArray<Issue> => instrumentation === undefined ? none : issues(
  field(instrumentation, "initContainerResources", path, (r, here) => checkResources(r, here, { claimsAllowed: true })),
  field(instrumentation, "initContainerSecurity", path, checkInitSecurity),
  each(...at(instrumentation, "targets", path), (target, here) => issues(
    field(target, "initContainerResources", here, (r, at) => checkResources(r, at, { claimsAllowed: true })),
    field(target, "initContainerSecurity", here, checkInitSecurity),
    field(target, "envs", here, checkEnvs),
    field(target, "customImageFullName", here, checkImage),
    field(target, "customImageName", here, nonEmpty(target.customImageFullName) ? unusedImage("customImageFullName is used instead") : checkImage)
  ))
)
