/**
 * Scrape endpoints and target selectors, shared by inline OpenAgent targets and the
 * three monitor CRs. What an endpoint needs depends on the target type: pod and
 * service targets scrape a `port` of the selected objects, static targets an `address`.
 */
import * as Naming from "../../Naming.ts"
import type { AuthorizationConfig, Endpoint, TLSConfig } from "../../Scrape.ts"
import { labelIssues, type LabelSelectorValue, namespaceIssues, type NamespaceSelectorValue } from "../selector/Typed.ts"
import { checkKeyRef } from "./env.ts"
import { add, error, type Issue, none, tag, warning } from "./issue.ts"
import { each, type L, type List, nonEmpty, type Path } from "./model.ts"
import { hostPortError, portOrNameError } from "./network.ts"

export type TargetType = "PodMonitor" | "ServiceMonitor" | "StaticEndpoints"

const checkStaticPort = (endpoint: L<Endpoint>, path: Path, out: Array<Issue>): void => {
  if (endpoint.port !== undefined) out.push(warning("target-type", [...path, "port"], "port is ignored for StaticEndpoints; put the port into address"))
  const address = endpoint.address
  if (!nonEmpty(address)) {
    out.push(error("target-type", [...path, "address"], "StaticEndpoints endpoints need an address (host:port)"))
  } else {
    const problem = hostPortError(address)
    if (problem !== undefined) out.push(error("host-port", [...path, "address"], problem))
  }
}

const checkPort = (endpoint: L<Endpoint>, path: Path, type: TargetType, out: Array<Issue>): void => {
  if (type === "StaticEndpoints") return checkStaticPort(endpoint, path, out)
  if (endpoint.address !== undefined) out.push(warning("target-type", [...path, "address"], `address is ignored for ${type} targets; use port`))
  const port = endpoint.port
  if (!nonEmpty(port)) {
    out.push(error("target-type", [...path, "port"], `${type} endpoints need a port (name or number)`))
  } else {
    const problem = portOrNameError(port, type === "ServiceMonitor" ? "service" : "container")
    if (problem !== undefined) out.push(error("port", [...path, "port"], problem))
  }
}

/** Secret-vs-file variants: the file wins at the agent, so setting both is a mistake. */
const tlsPairs = [["caFile", "caSecret"], ["certFile", "certSecret"], ["keyFile", "keySecret"]] as const

const checkTls = (tls: L<TLSConfig> | undefined, path: Path): ReadonlyArray<Issue> => {
  if (tls === undefined) return []
  const out: Array<Issue> = []
  for (const [file, secret] of tlsPairs) {
    if (nonEmpty(tls[file]) && tls[secret] !== undefined) {
      out.push(warning("conflict", [...path, secret], `${secret} is ignored because ${file} is set`))
    }
  }
  for (const [, secret] of tlsPairs) {
    const ref = tls[secret]
    // mounted as a volume of the OpenAgent: a name or key the API server refuses refuses the Deployment
    if (ref !== undefined) out.push(...checkKeyRef(ref, [...path, secret]))
    if (ref !== undefined && nonEmpty(ref.name) && nonEmpty(ref.namespace) && ref.namespace !== Naming.defaultNamespace) {
      out.push(warning("key-reference", [...path, secret, "namespace"], `namespace ${JSON.stringify(ref.namespace)} is not read: the OpenAgent mounts Secret ${JSON.stringify(ref.name)} from the operator's namespace (${Naming.defaultNamespace} unless the operator runs elsewhere), as the Go operator does`))
    }
  }
  const hasCert = nonEmpty(tls.certFile) || tls.certSecret !== undefined
  const hasKey = nonEmpty(tls.keyFile) || tls.keySecret !== undefined
  if (hasCert !== hasKey) {
    const missing = hasCert ? "keyFile" : "certFile"
    out.push(error("conflict", [...path, missing], "a client certificate needs both a certificate and a key"))
  }
  return out
}

const credentialFields = ["credentials", "credentialsEnv", "credentialsFile", "credentialsSecret"] as const satisfies ReadonlyArray<keyof AuthorizationConfig>

const checkAuth = (endpoint: L<Endpoint>, path: Path, out: Array<Issue>): void => {
  const authorization = endpoint.authorization
  if (authorization === undefined) return
  // the Go operator writes both into the scrape config (its own generator test does); which one
  // the OpenAgent sends is not defined, so this is a warning, not a broken install
  if (endpoint.basicAuth !== undefined) {
    out.push(warning("conflict", [...path, "authorization"], "basicAuth and authorization are both set: an endpoint sends one kind of credentials, and which one the OpenAgent uses is not defined"))
  }
  // never echo credential values: only field names go into messages
  const set = credentialFields.filter((name) => {
    const value = authorization[name]
    return value !== undefined && value !== ""
  })
  if (set.length > 1) {
    out.push(warning("conflict", [...path, "authorization"], `only the first of ${set.join(", ")} is used`))
  }
}

export const checkEndpoint = (endpoint: L<Endpoint>, path: Path, type: TargetType): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  checkPort(endpoint, path, type, out)
  checkAuth(endpoint, path, out)
  const { tlsConfig, scheme, params, path: metricsPath } = endpoint
  if (tlsConfig !== undefined) add(out, checkTls(tlsConfig, [...path, "tlsConfig"]))
  if (nonEmpty(scheme) && scheme !== "http" && scheme !== "https") {
    out.push(error("target-type", [...path, "scheme"], `unknown scheme ${JSON.stringify(scheme)}: expected http or https`))
  }
  // yaml.v2 reads a `<<` key as a merge: the OpenAgent could not read the scrape config at all
  if (params !== undefined && Object.hasOwn(params, "<<")) {
    out.push(error("target-type", [...path, "params", "<<"], "a params key \"<<\" is read as a YAML merge key: the OpenAgent cannot read its scrape configuration"))
  }
  if (nonEmpty(metricsPath) && !metricsPath.startsWith("/")) {
    out.push(warning("target-type", [...path, "path"], `path ${JSON.stringify(metricsPath)} should start with "/"`))
  }
  return out
}

/**
 * `check` of each named TLS Secret reference that is in effect (no file set instead; a
 * reference without a name is an error of its own, from checkTls), at its path.
 */
const eachSecretRef = (
  endpoints: List<Endpoint>,
  path: Path,
  check: (ref: { readonly name: string; readonly key?: string | undefined; readonly namespace?: string | undefined }, file: string, refPath: Path) => Issue | undefined
): ReadonlyArray<Issue> =>
  each(endpoints, path, (endpoint, here) => {
    const tls = endpoint.tlsConfig
    if (tls === undefined) return []
    const out: Array<Issue> = []
    for (const [file, secret] of tlsPairs) {
      const ref = tls[secret]
      if (ref === undefined || !nonEmpty(ref.name) || nonEmpty(tls[file])) continue
      const issue = check({ ...ref, name: ref.name }, file, [...here, "tlsConfig", secret])
      if (issue !== undefined) out.push(issue)
    }
    return out
  })

/**
 * A WhatapStaticEndpoint's TLS Secrets are not mounted into the OpenAgent (the Go operator
 * mounts those of inline targets and pod and service monitors only, and so does this one),
 * so its scrape config names a file that exists only when one of those references the
 * same Secret and key.
 */
export const checkUnmountedTlsSecrets = (endpoints: List<Endpoint>, path: Path): ReadonlyArray<Issue> =>
  eachSecretRef(endpoints, path, (ref, file, refPath) =>
    warning("target-type", refPath, `the OpenAgent does not mount the Secrets of a WhatapStaticEndpoint (nor does the Go operator): /etc/ssl/certs/${ref.name}/${ref.key ?? ""} exists only when an inline target, a WhatapPodMonitor or a WhatapServiceMonitor references the same Secret and key; use ${file} or an inline StaticEndpoints target`))

/**
 * A pod or service monitor outside the operator's namespace whose TLS Secret names no
 * namespace: the CRD says the Secret is the monitor's namespace's, but the OpenAgent (here
 * as in the Go operator) mounts the one of that name in its own namespace.
 */
export const checkSecretNamespaces = (endpoints: List<Endpoint>, path: Path, monitorNamespace: string | undefined): ReadonlyArray<Issue> =>
  !nonEmpty(monitorNamespace) || monitorNamespace === Naming.defaultNamespace ? [] : eachSecretRef(endpoints, path, (ref, _file, refPath) =>
    nonEmpty(ref.namespace)
      ? undefined
      : warning("key-reference", refPath, `Secret ${JSON.stringify(ref.name)} is mounted from the operator's namespace (${Naming.defaultNamespace} unless the operator runs elsewhere), not from this monitor's namespace ${JSON.stringify(monitorNamespace)}, as the Go operator does: create it there`))

export const checkEndpoints = (endpoints: List<Endpoint>, path: Path, type: TargetType): ReadonlyArray<Issue> =>
  each(endpoints, path, (endpoint, here) => checkEndpoint(endpoint, here, type))

/** A label selector (`selector`, or `podSelector` for APM), when present. */
export const checkLabelSelector = (selector: LabelSelectorValue | undefined, path: Path): ReadonlyArray<Issue> =>
  selector === undefined ? none : tag("selector", labelIssues(selector, path))

/** A `namespaceSelector`, when present. */
export const checkNamespaceSelector = (selector: NamespaceSelectorValue | undefined, path: Path): ReadonlyArray<Issue> =>
  selector === undefined ? none : tag("selector", namespaceIssues(selector, path))
