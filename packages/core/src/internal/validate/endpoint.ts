/**
 * Scrape endpoints and target selectors, shared by inline OpenAgent targets and the
 * three monitor CRs. What an endpoint needs depends on the target type: pod and
 * service targets scrape a `port` of the selected objects, static targets an `address`.
 */
import * as Selector from "../../Selector.ts"
import { error, type Issue, tag, warning } from "./issue.ts"
import { field, isRecord, items, nonEmptyStr, type Path } from "./json.ts"
import { hostPortError, portOrNameError } from "./network.ts"

export type TargetType = "PodMonitor" | "ServiceMonitor" | "StaticEndpoints"

const checkPort = (endpoint: unknown, path: Path, type: TargetType): ReadonlyArray<Issue> => {
  const port = field(endpoint, "port")
  const address = field(endpoint, "address")
  if (type === "StaticEndpoints") {
    const out: Array<Issue> = []
    if (port !== undefined) out.push(warning("target-type", [...path, "port"], "port is ignored for StaticEndpoints; put the port into address"))
    if (typeof address !== "string" || address === "") {
      out.push(error("target-type", [...path, "address"], "StaticEndpoints endpoints need an address (host:port)"))
    } else {
      const problem = hostPortError(address)
      if (problem !== undefined) out.push(error("host-port", [...path, "address"], problem))
    }
    return out
  }
  const out: Array<Issue> = []
  if (address !== undefined) out.push(warning("target-type", [...path, "address"], `address is ignored for ${type} targets; use port`))
  if (port === undefined || port === "") {
    out.push(error("target-type", [...path, "port"], `${type} endpoints need a port (name or number)`))
  } else if (typeof port === "string" || typeof port === "number") {
    const problem = portOrNameError(port)
    if (problem !== undefined) out.push(error("port", [...path, "port"], problem))
  }
  return out
}

/** Secret-vs-file variants: the file wins at the agent, so setting both is a mistake. */
const tlsPairs = [["caFile", "caSecret"], ["certFile", "certSecret"], ["keyFile", "keySecret"]] as const

const checkTls = (tls: unknown, path: Path): ReadonlyArray<Issue> => {
  if (!isRecord(tls)) return []
  const out: Array<Issue> = []
  for (const [file, secret] of tlsPairs) {
    if (nonEmptyStr(tls[file]) !== undefined && tls[secret] !== undefined) {
      out.push(warning("conflict", [...path, secret], `${secret} is ignored because ${file} is set`))
    }
  }
  const hasCert = nonEmptyStr(tls["certFile"]) !== undefined || tls["certSecret"] !== undefined
  const hasKey = nonEmptyStr(tls["keyFile"]) !== undefined || tls["keySecret"] !== undefined
  if (hasCert !== hasKey) {
    const missing = hasCert ? "keyFile" : "certFile"
    out.push(error("conflict", [...path, missing], "a client certificate needs both a certificate and a key"))
  }
  return out
}

const credentialFields = ["credentials", "credentialsEnv", "credentialsFile", "credentialsSecret"] as const

const checkAuth = (endpoint: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const authorization = field(endpoint, "authorization")
  if (field(endpoint, "basicAuth") !== undefined && authorization !== undefined) {
    out.push(error("conflict", [...path, "authorization"], "basicAuth and authorization cannot be used together"))
  }
  // never echo credential values: only field names go into messages
  const set = credentialFields.filter((name) => {
    const value = field(authorization, name)
    return value !== undefined && value !== ""
  })
  if (set.length > 1) {
    out.push(warning("conflict", [...path, "authorization"], `only the first of ${set.join(", ")} is used`))
  }
  return out
}

export const checkEndpoint = (endpoint: unknown, path: Path, type: TargetType): ReadonlyArray<Issue> => {
  const out: Array<Issue> = [...checkPort(endpoint, path, type), ...checkAuth(endpoint, path)]
  out.push(...checkTls(field(endpoint, "tlsConfig"), [...path, "tlsConfig"]))
  const scheme = field(endpoint, "scheme")
  if (typeof scheme === "string" && scheme !== "http" && scheme !== "https") {
    out.push(error("target-type", [...path, "scheme"], `unknown scheme ${JSON.stringify(scheme)}: expected http or https`))
  }
  const metricsPath = field(endpoint, "path")
  if (typeof metricsPath === "string" && metricsPath !== "" && !metricsPath.startsWith("/")) {
    out.push(warning("target-type", [...path, "path"], `path ${JSON.stringify(metricsPath)} should start with "/"`))
  }
  return out
}

export const checkEndpoints = (endpoints: unknown, path: Path, type: TargetType): ReadonlyArray<Issue> =>
  items(endpoints).flatMap((endpoint, i) => checkEndpoint(endpoint, [...path, i], type))

/** The label selector (`selector`, or `podSelector` for APM) and `namespaceSelector`, when present. */
export const checkSelectors = (owner: unknown, path: Path, selectorKey = "selector"): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const selector = field(owner, selectorKey)
  if (selector !== undefined && selector !== null) {
    out.push(...tag("selector", Selector.validateLabelSelector(selector, [...path, selectorKey])))
  }
  const namespaceSelector = field(owner, "namespaceSelector")
  if (namespaceSelector !== undefined && namespaceSelector !== null) {
    out.push(...tag("selector", Selector.validateNamespaceSelector(namespaceSelector, [...path, "namespaceSelector"])))
  }
  return out
}
