/**
 * One scrape target of `scrape_config.yaml` per inline OpenAgent target or monitor CR,
 * as the Go operator builds it (spec 4.10): keys only where the Go code sets them,
 * every map's keys sorted (its `toOrderedYAML`). Each target also carries what the
 * automatic GPU target's de-duplication looks at: its name and its pod matchLabels.
 */
import type { KubeTypes, Monitors, OpenAgent, Scrape } from "@whatap-operator/core"
import { Naming } from "@whatap-operator/core"
import * as Yaml from "../Yaml.ts"

export interface Target {
  readonly targetName: string
  readonly matchLabels: Readonly<Record<string, string>>
  readonly yaml: Yaml.Mapping
}

type Entry = readonly [string, Yaml.Value]
type Expression = KubeTypes.LabelSelectorRequirement | Scrape.SelectorRequirement

/** An entry only when the Go code would set it: non-empty string, list or map, true, non-zero. */
const when = (condition: boolean, key: string, value: () => Yaml.Value): ReadonlyArray<Entry> =>
  condition ? [[key, value()]] : []

const text = (key: string, value: string | undefined): ReadonlyArray<Entry> =>
  value !== undefined && value !== "" ? [[key, value]] : []

const nonEmpty = <A>(xs: ReadonlyArray<A> | undefined): xs is ReadonlyArray<A> => xs !== undefined && xs.length > 0
const hasKeys = (record: Readonly<Record<string, unknown>> | undefined): record is Readonly<Record<string, unknown>> =>
  record !== undefined && Object.keys(record).length > 0

const stringMap = (record: Readonly<Record<string, string>>): Yaml.Mapping => Yaml.sorted(Object.entries(record))

/** Prometheus relabel rule; snake-case keys as the Go types serialise them. */
export const relabel = (rc: Scrape.MetricRelabelConfig): Yaml.Mapping =>
  Yaml.sorted([
    ...when(nonEmpty(rc.source_labels), "source_labels", () => rc.source_labels ?? []),
    ...text("separator", rc.separator),
    ...text("regex", rc.regex),
    ...when(rc.modulus !== undefined && rc.modulus !== 0, "modulus", () => rc.modulus ?? 0),
    ...text("target_label", rc.target_label),
    ...text("replacement", rc.replacement),
    ...text("action", rc.action)
  ])

const secretRef = (ref: Scrape.SecretKeySelector): Yaml.Mapping =>
  Yaml.sorted([["name", ref.name], ["key", ref.key], ["namespace", ref.namespace ?? ""]])

const basicAuth = (auth: Scrape.BasicAuthConfig): Yaml.Mapping =>
  Yaml.sorted([
    ...(auth.username === undefined ? [] : [["username", secretRef(auth.username)] as const]),
    ...(auth.password === undefined ? [] : [["password", secretRef(auth.password)] as const])
  ])

const authorization = (auth: Scrape.AuthorizationConfig): Yaml.Mapping =>
  Yaml.sorted([
    ...text("type", auth.type),
    ...text("credentials", auth.credentials),
    ...text("credentialsEnv", auth.credentialsEnv),
    ...text("credentialsFile", auth.credentialsFile),
    ...(auth.credentialsSecret === undefined ? [] : [["credentialsSecret", secretRef(auth.credentialsSecret)] as const])
  ])

/** A file path wins over a Secret, which is mounted under /etc/ssl/certs/<secret>/<key>. */
const certificate = (file: string | undefined, secret: Scrape.SecretKeySelector | undefined): string | undefined =>
  file !== undefined && file !== ""
    ? file
    : secret === undefined
      ? undefined
      : `${Naming.openAgent.tlsMountRoot}/${secret.name}/${secret.key}`

const tlsConfig = (tls: Scrape.TLSConfig): Yaml.Mapping =>
  Yaml.sorted([
    ["insecureSkipVerify", tls.insecureSkipVerify ?? false],
    ...text("caFile", certificate(tls.caFile, tls.caSecret)),
    ...text("certFile", certificate(tls.certFile, tls.certSecret)),
    ...text("keyFile", certificate(tls.keyFile, tls.keySecret)),
    ...text("serverName", tls.serverName)
  ])

export const endpoint = (ep: Scrape.Endpoint): Yaml.Mapping =>
  Yaml.sorted([
    ...text("port", ep.port),
    ...text("address", ep.address),
    ...text("path", ep.path),
    ...text("interval", ep.interval),
    ...text("scheme", ep.scheme),
    ...when(ep.basicAuth !== undefined, "basicAuth", () => basicAuth(ep.basicAuth ?? {})),
    ...when(ep.authorization !== undefined, "authorization", () => authorization(ep.authorization ?? {})),
    ...when(ep.tlsConfig !== undefined, "tlsConfig", () => tlsConfig(ep.tlsConfig ?? {})),
    ...when(hasKeys(ep.params), "params", () => Yaml.sorted(Object.entries(ep.params ?? {}))),
    ...when(ep.addNodeLabel, "addNodeLabel", () => true),
    ...when(nonEmpty(ep.metricRelabelConfigs), "metricRelabelConfigs", () => (ep.metricRelabelConfigs ?? []).map(relabel))
  ])

/** `values` is always written, `[]` when absent (a nil Go slice). */
const expressions = (exprs: ReadonlyArray<Expression>): ReadonlyArray<Yaml.Value> =>
  exprs.map((e) => Yaml.sorted([["key", e.key], ["operator", e.operator], ["values", e.values ?? []]]))

/** matchLabels / matchExpressions (and matchNames for namespaces), only the non-empty ones. */
const selector = (sel: {
  readonly matchNames?: ReadonlyArray<string>
  readonly matchLabels?: Readonly<Record<string, string>>
  readonly matchExpressions?: ReadonlyArray<Expression>
}): Yaml.Mapping =>
  Yaml.sorted([
    ...when(nonEmpty(sel.matchNames), "matchNames", () => sel.matchNames ?? []),
    ...when(hasKeys(sel.matchLabels), "matchLabels", () => stringMap(sel.matchLabels ?? {})),
    ...when(nonEmpty(sel.matchExpressions), "matchExpressions", () => expressions(sel.matchExpressions ?? []))
  ])

const common = (
  targetName: string,
  type: OpenAgent.TargetType,
  relabels: ReadonlyArray<Scrape.MetricRelabelConfig>,
  endpoints: ReadonlyArray<Scrape.Endpoint> | undefined
): ReadonlyArray<Entry> => [
  ["targetName", targetName],
  ["type", type],
  ["enabled", true],
  ...when(relabels.length > 0, "relabelConfigs", () => relabels.map(relabel)),
  ...when(nonEmpty(endpoints), "endpoints", () => (endpoints ?? []).map(endpoint))
]

/** An enabled inline target: selectors only when something in them is set. */
export const inline = (t: OpenAgent.OpenAgentTargetSpec): Target => {
  const namespaces = selector(t.namespaceSelector ?? {})
  const pods = selector(t.selector ?? {})
  const entries: ReadonlyArray<Entry> = [
    ...common(t.targetName, t.type, t.relabelConfigs ?? [], t.endpoints),
    ...when(namespaces.entries.length > 0, "namespaceSelector", () => namespaces),
    ...when(pods.entries.length > 0, "selector", () => pods)
  ]
  return { targetName: t.targetName, matchLabels: t.selector?.matchLabels ?? {}, yaml: Yaml.sorted(entries) }
}

/** `jobLabel` becomes a last relabel rule that copies the label into `job`. */
const withJobLabel = (
  relabels: ReadonlyArray<Scrape.MetricRelabelConfig> | undefined,
  jobLabel: string | undefined
): ReadonlyArray<Scrape.MetricRelabelConfig> =>
  jobLabel === undefined || jobLabel === ""
    ? (relabels ?? [])
    : [...(relabels ?? []), { source_labels: [jobLabel], target_label: "job", action: "replace" }]

const nameOf = (metadata: KubeTypes.ObjectMeta): string => `${metadata.namespace ?? ""}/${metadata.name ?? ""}`

/** A Pod/ServiceMonitor: an absent namespaceSelector means the monitor's own namespace; the selector is always written. */
export const monitor = (
  m: Monitors.WhatapPodMonitor | Monitors.WhatapServiceMonitor,
  type: "PodMonitor" | "ServiceMonitor"
): Target => {
  const targetName = nameOf(m.metadata)
  const namespaces = m.spec.namespaceSelector ?? { matchNames: [m.metadata.namespace ?? ""] }
  const entries: ReadonlyArray<Entry> = [
    ...common(targetName, type, withJobLabel(m.spec.relabelConfigs, m.spec.jobLabel), m.spec.endpoints),
    ["namespaceSelector", selector(namespaces)],
    ["selector", selector(m.spec.selector)]
  ]
  return { targetName, matchLabels: m.spec.selector.matchLabels ?? {}, yaml: Yaml.sorted(entries) }
}

/** A static endpoint list: no selectors at all. */
export const staticEndpoint = (se: Monitors.WhatapStaticEndpoint): Target => {
  const targetName = nameOf(se.metadata)
  const entries = common(targetName, "StaticEndpoints", withJobLabel(se.spec.relabelConfigs, se.spec.jobLabel), se.spec.endpoints)
  return { targetName, matchLabels: {}, yaml: Yaml.sorted(entries) }
}
