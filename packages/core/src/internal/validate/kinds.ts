/**
 * Per-kind semantic rules on the lenient typed value: the WhatapAgent's name and
 * credentials port plus its three feature blocks, and the three monitor CRs (selector +
 * endpoints by target type); then the field rules of every location (`fields.ts`).
 */
import type { LenientResource } from "../document.ts"
import { dnsLabelErrors, labelKeyErrors, subdomainErrors } from "../../LabelSyntax.ts"
import type { MonitorSpec, StaticEndpointSpec } from "../../Monitors.ts"
import { byKind as names, type Kind } from "../../Resource.ts"
import { settings } from "../../RolloutRestart.ts"
import type { ObjectMeta } from "../../KubeTypes.ts"
import type { WhatapAgent } from "../../WhatapAgent.ts"
import type { InstrumentationSpec } from "../../Instrumentation.ts"
import type { K8sAgentSpec } from "../../K8sAgent.ts"
import type { OpenAgentSpec } from "../../OpenAgent.ts"
import { checkEndpoints, checkLabelSelector, checkNamespaceSelector, checkSecretNamespaces, checkUnmountedTlsSecrets, type TargetType } from "./endpoint.ts"
import { checkEndpointFields, checkInstrumentationFields, checkK8sAgentFields, checkMetadata, checkOpenAgentFields } from "./fields.ts"
import { checkInstrumentation } from "./instrumentation.ts"
import { error, type Issue, issues, none, warning } from "./issue.ts"
import { checkK8sAgent } from "./k8sAgent.ts"
import { type Context, field, isPrefix, type L, nonEmpty, type Path } from "./model.ts"
import { portOrNameError, serverHostsError } from "./network.ts"
import { checkOpenAgent } from "./openAgent.ts"
import { checkRelabelConfigs } from "./relabel.ts"

export type { Context, Kind }

/** The Go operator's APM webhook only ever reads the agent with this name. */
export const agentName = "whatap"

const checkAgentName = (metadata: L<ObjectMeta> | undefined): ReadonlyArray<Issue> => {
  const name = metadata?.name
  if (name === undefined || name === agentName) return none
  return [warning("agent-name", ["metadata", "name"], `WhatapAgent is named ${JSON.stringify(name)}; APM injection only reads the WhatapAgent named ${JSON.stringify(agentName)}, and the Go operator rejected any other name`)]
}

/** The opt-in rollout restart's annotations (B3): a value the operator would not read as written. */
const checkRolloutRestart = (metadata: L<ObjectMeta> | undefined): ReadonlyArray<Issue> =>
  settings(metadata?.annotations as Readonly<Record<string, unknown>> | undefined).problems.map((p) =>
    warning("rollout-restart", ["metadata", "annotations", p.annotation], `annotation ${p.annotation}: ${p.message}`))

/** What the API server checks before the schema: the name and, for namespaced kinds, the namespace. */
const checkIdentity = (kind: Kind, metadata: L<ObjectMeta> | undefined): ReadonlyArray<Issue> => {
  const name = metadata?.name
  const namespace = metadata?.namespace
  const nameErrors = name === undefined ? none : subdomainErrors(name)
  if (nameErrors.length === 0 && !nonEmpty(namespace)) return none
  const out: Array<Issue> = []
  for (const m of nameErrors) out.push(error("object-name", ["metadata", "name"], `invalid name ${JSON.stringify(name)}: ${m}`))
  if (!nonEmpty(namespace)) return out
  if (names[kind].scope === "Cluster") {
    out.push(warning("object-name", ["metadata", "namespace"], `${kind} is cluster-scoped; the API server ignores metadata.namespace`))
  } else {
    for (const m of dnsLabelErrors(namespace)) out.push(error("object-name", ["metadata", "namespace"], `invalid namespace ${JSON.stringify(namespace)}: ${m}`))
  }
  return out
}

const checkCredentialsPort = (port: string | undefined, path: Path): ReadonlyArray<Issue> => {
  if (!nonEmpty(port)) return none
  const problem = /^[0-9]+$/.test(port) ? portOrNameError(port) : `port ${JSON.stringify(port)} is not a number`
  return problem === undefined ? none : [error("port", path, problem)]
}

const checkCredentialsHost = (host: string | undefined, path: Path): ReadonlyArray<Issue> => {
  const problem = nonEmpty(host) ? serverHostsError(host) : undefined
  return problem === undefined ? none : [error("host-port", path, problem)]
}

/** A part of the spec the Go operator does not read while it is switched off, and the switch. */
interface Off {
  readonly path: Path
  readonly because: string
  /** Paths under `path` that are read even while it is off (their errors stay errors). */
  readonly stillRead?: ((path: Path) => boolean) | undefined
}

const tlsSecrets = new Set(["caSecret", "certSecret", "keySecret"])

/**
 * The OpenAgent mounts the TLS Secrets of every inline target, enabled or not (as the Go
 * operator does, spec 4.9): `endpoints[i].tlsConfig.<x>Secret` under a switched-off target.
 */
const tlsSecretOfTarget = (target: Path) => (path: Path): boolean =>
  path.length > target.length + 3 && path[target.length] === "endpoints" && path[target.length + 2] === "tlsConfig" &&
  tlsSecrets.has(String(path[target.length + 3]))

/**
 * The switched-off parts of a WhatapAgent: the components, the OpenAgent, its inline
 * targets, instrumentation and its targets, each with `enabled: false` (an `enabled` the
 * schema refused is not read as off: the resource is refused anyway).
 */
const switchedOff = (
  k8sAgent: L<K8sAgentSpec> | undefined,
  k8sPath: Path,
  openAgent: L<OpenAgentSpec> | undefined,
  openPath: Path,
  instrumentation: L<InstrumentationSpec> | undefined,
  instrumentationPath: Path
): ReadonlyArray<Off> => {
  const out: Array<Off> = []
  const off = (here: Path, because: string, stillRead?: (path: Path) => boolean) => out.push({ path: here, because, stillRead })
  // values read directly and paths built only for a part that is off: this runs for every WhatapAgent read
  const masterAgent = k8sAgent?.masterAgent
  const nodeAgent = k8sAgent?.nodeAgent
  const gpu = k8sAgent?.gpuMonitoring
  if (masterAgent?.enabled === false) off([...k8sPath, "masterAgent"], "masterAgent.enabled is false")
  if (nodeAgent?.enabled === false) off([...k8sPath, "nodeAgent"], "nodeAgent.enabled is false")
  if (gpu?.enabled === false) off([...k8sPath, "gpuMonitoring"], "gpuMonitoring.enabled is false")
  // the collector address goes only into the agents' env (APM injection takes the operator's own)
  if (masterAgent?.enabled !== true && nodeAgent?.enabled !== true && openAgent?.enabled !== true) {
    for (const key of ["host", "port"]) off(["spec", key], "no agent reads it: the master and node agents and the OpenAgent are off")
  }
  // parts of an enabled GPU monitoring that the Go operator does not read in this configuration
  if (nodeAgent?.enabled === false) {
    // the exporter and host engine are containers of the node agent's pod (its scrape target stays)
    for (const key of ["customImageFullName", "resources", "envs", "nodeSelector", "affinity", "hostEngine", "remoteHostEngineInfo", "service"] as const) {
      off([...k8sPath, "gpuMonitoring", key], "nodeAgent.enabled is false")
    }
  }
  const hostEngine = gpu?.hostEngine
  if (hostEngine?.enabled === true) off([...k8sPath, "gpuMonitoring", "remoteHostEngineInfo"], "hostEngine.enabled is true")
  else if (hostEngine !== undefined) off([...k8sPath, "gpuMonitoring", "hostEngine"], "hostEngine.enabled is false")
  if (gpu?.service?.enabled === false) off([...k8sPath, "gpuMonitoring", "service"], "service.enabled is false")
  if (openAgent?.enabled === false) off(openPath, "openAgent.enabled is false")
  const targets = openAgent?.targets ?? []
  for (let i = 0; i < targets.length; i++) {
    if (targets[i]?.enabled !== false) continue
    const here = [...openPath, "targets", i]
    off(here, "the target's enabled is false", tlsSecretOfTarget(here))
  }
  if (instrumentation?.enabled === false) off(instrumentationPath, "instrumentation.enabled is false")
  const apmTargets = instrumentation?.targets ?? []
  for (let i = 0; i < apmTargets.length; i++) {
    const target = apmTargets[i]
    if (target?.enabled === false) off([...instrumentationPath, "targets", i], "the target's enabled is false")
    // the custom whatap.conf is read only with mode custom and a configMapRef (spec 5.5)
    const config = target?.config
    if (config !== undefined && (config.mode !== "custom" || config.configMapRef === undefined)) {
      const because = config.mode !== "custom" ? "config.mode is not custom" : "config has no configMapRef"
      for (const key of ["configMapRef", "volumeName", "mountPath"] as const) off([...instrumentationPath, "targets", i, "config", key], because)
    }
  }
  return out
}

/**
 * The Go operator creates nothing from a switched-off part, so a rule it breaks cannot
 * break an install (yet): its errors become warnings that say why. What is read all the
 * same (a disabled target's TLS Secrets, which the OpenAgent mounts) keeps its errors.
 */
const demoteSwitchedOff = (issues: ReadonlyArray<Issue>, off: ReadonlyArray<Off>): ReadonlyArray<Issue> =>
  off.length === 0 ? issues : issues.map((issue) => {
    if (issue.severity !== "error") return issue
    const part = off.find((o) => isPrefix(o.path, issue.path) && o.stillRead?.(issue.path) !== true)
    return part === undefined ? issue : warning(issue.rule, issue.path, `${issue.message} (not applied while ${part.because}; an error once enabled)`)
  })

const agent = (resource: L<WhatapAgent>, context: Context): ReadonlyArray<Issue> => {
  const spec = resource.spec
  const features = spec?.features
  const k8sAgent = features?.k8sAgent
  const openAgent = features?.openAgent
  const instrumentation = features?.apm?.instrumentation
  const k8sPath = ["spec", "features", "k8sAgent"]
  const openPath = ["spec", "features", "openAgent"]
  const instrumentationPath = ["spec", "features", "apm", "instrumentation"]
  return demoteSwitchedOff(issues(
    checkAgentName(resource.metadata),
    checkRolloutRestart(resource.metadata),
    checkCredentialsPort(spec?.port, ["spec", "port"]),
    checkCredentialsHost(spec?.host, ["spec", "host"]),
    checkK8sAgent(k8sAgent, k8sPath, context),
    checkK8sAgentFields(k8sAgent, k8sPath, context),
    checkOpenAgent(openAgent, openPath, k8sAgent?.gpuMonitoring?.enabled === true),
    checkOpenAgentFields(openAgent, openPath, context),
    checkInstrumentation(instrumentation, instrumentationPath, context),
    checkInstrumentationFields(instrumentation, instrumentationPath)
  ), switchedOff(k8sAgent, k8sPath, openAgent, openPath, instrumentation, instrumentationPath))
}

type MonitorLike = L<MonitorSpec> | L<StaticEndpointSpec>

/** A `jobLabel` that no label can have never matches; the scrape config is still read, so a warning. */
const checkJobLabel = (jobLabel: string | undefined, path: Path): ReadonlyArray<Issue> =>
  nonEmpty(jobLabel)
    ? labelKeyErrors(jobLabel).map((m) => warning("labels", path, `invalid label key ${JSON.stringify(jobLabel)}, so no label matches it: ${m}`))
    : none

const monitor = (spec: MonitorLike | undefined, type: TargetType, selectors: ReadonlyArray<Issue>, context: Context): ReadonlyArray<Issue> => {
  const endpoints = spec?.endpoints
  const endpointsPath = ["spec", "endpoints"]
  const relabelConfigs = spec?.relabelConfigs
  return issues(
    selectors,
    endpoints !== undefined && endpoints.length === 0 ? [warning("target-type", endpointsPath, "no endpoints: nothing is scraped")] : none,
    checkEndpoints(endpoints, endpointsPath, type),
    checkEndpointFields(endpoints, endpointsPath, context),
    relabelConfigs === undefined ? none : checkRelabelConfigs(relabelConfigs, ["spec", "relabelConfigs"], context.regex),
    checkJobLabel(spec?.jobLabel, ["spec", "jobLabel"])
  )
}

const selected = (spec: L<MonitorSpec> | undefined, namespace: string | undefined): ReadonlyArray<Issue> => issues(
  checkLabelSelector(spec?.selector, ["spec", "selector"]),
  checkNamespaceSelector(spec?.namespaceSelector, ["spec", "namespaceSelector"]),
  checkSecretNamespaces(spec?.endpoints, ["spec", "endpoints"], namespace)
)

const rules = (resource: LenientResource, context: Context): ReadonlyArray<Issue> => {
  switch (resource.kind) {
    case "WhatapAgent": return agent(resource.value, context)
    case "WhatapPodMonitor": return monitor(resource.value.spec, "PodMonitor", selected(resource.value.spec, resource.value.metadata?.namespace), context)
    case "WhatapServiceMonitor": return monitor(resource.value.spec, "ServiceMonitor", selected(resource.value.spec, resource.value.metadata?.namespace), context)
    case "WhatapStaticEndpoint": {
      return monitor(resource.value.spec, "StaticEndpoints", checkUnmountedTlsSecrets(resource.value.spec?.endpoints, ["spec", "endpoints"]), context)
    }
  }
}

/** The semantic rules of one resource, identity and field rules included. */
export const check = (resource: LenientResource, context: Context): ReadonlyArray<Issue> => issues(
  checkIdentity(resource.kind, resource.value.metadata),
  field(resource.value, "metadata", [], checkMetadata),
  rules(resource, context)
)
