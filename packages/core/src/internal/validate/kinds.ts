/**
 * Per-kind semantic rules: the WhatapAgent's name and credentials port plus its three
 * feature blocks, and the three monitor CRs (selector + endpoints by target type).
 */
import { dnsLabelErrors, labelKeyErrors, subdomainErrors } from "../../LabelSyntax.ts"
import { byKind as names, type Kind } from "../../Resource.ts"
import { checkEndpoints, checkSelectors, type TargetType } from "./endpoint.ts"
import { checkInstrumentation } from "./instrumentation.ts"
import { error, type Issue, warning } from "./issue.ts"
import { dig, field, items, nonEmptyStr, str } from "./json.ts"
import { checkK8sAgent } from "./k8sAgent.ts"
import { portOrNameError } from "./network.ts"
import { checkOpenAgent } from "./openAgent.ts"

export type { Kind }

/** The Go operator's APM webhook only ever reads the agent with this name. */
export const agentName = "whatap"

const checkAgentName = (input: unknown): ReadonlyArray<Issue> => {
  const name = str(dig(input, ["metadata", "name"]))
  if (name === undefined || name === agentName) return []
  return [warning("agent-name", ["metadata", "name"], `WhatapAgent is named ${JSON.stringify(name)}; APM injection only reads the WhatapAgent named ${JSON.stringify(agentName)}, and the Go operator rejected any other name`)]
}

/** What the API server checks before the schema: the name and, for namespaced kinds, the namespace. */
const checkIdentity = (kind: Kind, input: unknown): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const name = str(dig(input, ["metadata", "name"]))
  if (name !== undefined) {
    for (const m of subdomainErrors(name)) out.push(error("object-name", ["metadata", "name"], `invalid name ${JSON.stringify(name)}: ${m}`))
  }
  const namespace = nonEmptyStr(dig(input, ["metadata", "namespace"]))
  if (namespace === undefined) return out
  if (names[kind].scope === "Cluster") {
    out.push(warning("object-name", ["metadata", "namespace"], `${kind} is cluster-scoped; the API server ignores metadata.namespace`))
  } else {
    for (const m of dnsLabelErrors(namespace)) out.push(error("object-name", ["metadata", "namespace"], `invalid namespace ${JSON.stringify(namespace)}: ${m}`))
  }
  return out
}

const checkCredentialsPort = (spec: unknown): ReadonlyArray<Issue> => {
  const port = field(spec, "port")
  if (typeof port !== "string" || port === "") return []
  const problem = /^[0-9]+$/.test(port) ? portOrNameError(port) : `port ${JSON.stringify(port)} is not a number`
  return problem === undefined ? [] : [error("port", ["spec", "port"], problem)]
}

const agent = (input: unknown): ReadonlyArray<Issue> => {
  const spec = field(input, "spec")
  const features = field(spec, "features")
  const k8sAgent = field(features, "k8sAgent")
  const gpuEnabled = dig(k8sAgent, ["gpuMonitoring", "enabled"]) === true
  const base = ["spec", "features"]
  return [
    ...checkAgentName(input),
    ...checkCredentialsPort(spec),
    ...checkK8sAgent(k8sAgent, [...base, "k8sAgent"]),
    ...checkOpenAgent(field(features, "openAgent"), [...base, "openAgent"], gpuEnabled),
    ...checkInstrumentation(dig(features, ["apm", "instrumentation"]), [...base, "apm", "instrumentation"])
  ]
}

const monitor = (type: TargetType) => (input: unknown): ReadonlyArray<Issue> => {
  const spec = field(input, "spec")
  const out: Array<Issue> = type === "StaticEndpoints" ? [] : [...checkSelectors(spec, ["spec"])]
  const endpoints = field(spec, "endpoints")
  if (Array.isArray(endpoints) && items(endpoints).length === 0) {
    out.push(warning("target-type", ["spec", "endpoints"], "no endpoints: nothing is scraped"))
  }
  out.push(...checkEndpoints(endpoints, ["spec", "endpoints"], type))
  const jobLabel = nonEmptyStr(field(spec, "jobLabel"))
  if (jobLabel !== undefined) {
    for (const m of labelKeyErrors(jobLabel)) out.push(error("labels", ["spec", "jobLabel"], `invalid label key ${JSON.stringify(jobLabel)}: ${m}`))
  }
  return out
}

const rules: Readonly<Record<Kind, (input: unknown) => ReadonlyArray<Issue>>> = {
  WhatapAgent: agent,
  WhatapPodMonitor: monitor("PodMonitor"),
  WhatapServiceMonitor: monitor("ServiceMonitor"),
  WhatapStaticEndpoint: monitor("StaticEndpoints")
}

/** The semantic rules of one kind, identity checks included. */
export const check = (kind: Kind, input: unknown): ReadonlyArray<Issue> => [...checkIdentity(kind, input), ...rules[kind](input)]
