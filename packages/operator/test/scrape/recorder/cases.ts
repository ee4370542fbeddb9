/**
 * Random scrape-configuration inputs for the recording against the Go operator
 * (record.sh): a seeded sample of WhatapAgents and monitor CRs with awkward strings
 * (YAML keywords, numbers, indicators, line breaks, unicode, text past the 80-column
 * fold), decoded with core's `Decode.as` so they carry the CRD defaults. Monitors are
 * listed by namespace, then name: the order the TypeScript operator sorts them into,
 * so the Go operator's list order gives the same document. Prints JSON on stdout.
 */
import { Decode } from "@whatap-operator/core"
import fc from "fast-check"
import { Option } from "effect"

const apiVersion = "monitoring.whatap.com/v2alpha1"
type Kind = "WhatapAgent" | "WhatapPodMonitor" | "WhatapServiceMonitor" | "WhatapStaticEndpoint"

const word = fc.constantFrom("word", "w", ":", "#", "x", "-")
const str = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("", "a", "x y", "true", "9400", "on", "x: y", "#x", "a #b", "- x", "a\nb", "a\n", "é",
    "😀", " lead", "trail ", "1:20", "2001-12-14", "0x1F", "~", "null", "'q", "\"dq", "a\tb", "team.io/prj-id", "app", "ca.crt") },
  { weight: 2, arbitrary: fc.string({ maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(word, { minLength: 18, maxLength: 30 }).map((ws) => ws.join(" ")) }
)
const opt = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined, freq: 2 })
const few = <A>(arb: fc.Arbitrary<A>) => fc.array(arb, { maxLength: 2 })
const strMap = fc.dictionary(str, str, { maxKeys: 2 })
const labelMap = fc.dictionary(
  fc.constantFrom("name", "whatap-gpu", "app", "tier", "app.kubernetes.io/instance"),
  fc.constantFrom("whatap-node-agent", "whatap-node-agent-gpu", "true", "x"),
  { maxKeys: 2 }
)
const secret = fc.record(
  { name: fc.constantFrom("s1", "s2", "tls.v2"), key: fc.constantFrom("ca.crt", "tls.key", "k"), namespace: opt(str) },
  { requiredKeys: ["name", "key"] }
)
const relabel = fc.record(
  { source_labels: opt(few(str)), separator: opt(str), regex: opt(str), modulus: opt(fc.nat(10)), target_label: opt(str),
    replacement: opt(str), action: opt(str) },
  { requiredKeys: [] }
)
const expression = fc.record(
  { key: str, operator: fc.constantFrom("In", "Exists", "weird"), values: opt(few(str)) },
  { requiredKeys: ["key", "operator"] }
)
const tlsConfig = fc.record(
  { insecureSkipVerify: opt(fc.boolean()), caSecret: opt(secret), certSecret: opt(secret), keySecret: opt(secret),
    caFile: opt(str), certFile: opt(str), keyFile: opt(str), serverName: opt(str) },
  { requiredKeys: [] }
)
const authorization = fc.record(
  { type: opt(str), credentials: opt(str), credentialsEnv: opt(str), credentialsFile: opt(str), credentialsSecret: opt(secret) },
  { requiredKeys: [] }
)
const endpoint = fc.record(
  { port: opt(str), address: opt(str), path: opt(str), interval: opt(str), scheme: opt(str), tlsConfig: opt(tlsConfig),
    basicAuth: opt(fc.record({ username: opt(secret), password: opt(secret) }, { requiredKeys: [] })),
    authorization: opt(authorization), metricRelabelConfigs: opt(few(relabel)),
    params: opt(fc.dictionary(str, few(str), { maxKeys: 2 })), addNodeLabel: opt(fc.boolean()) },
  { requiredKeys: [] }
)
const namespaceSelector = fc.record(
  { matchNames: opt(few(str)), matchLabels: opt(strMap), matchExpressions: opt(few(expression)) },
  { requiredKeys: [] }
)
const podSelector = fc.record(
  { matchLabels: opt(fc.oneof(labelMap, strMap)), matchExpressions: opt(few(expression)) },
  { requiredKeys: [] }
)
const target = fc.record(
  { targetName: fc.oneof(str, fc.constant("dcgm-exporter-auto")), type: fc.constantFrom("ServiceMonitor", "PodMonitor", "StaticEndpoints"),
    enabled: opt(fc.boolean()), namespaceSelector: opt(namespaceSelector), selector: opt(podSelector),
    relabelConfigs: opt(few(relabel)), endpoints: opt(few(endpoint)) },
  { requiredKeys: ["targetName", "type"] }
)
const affinity = fc.constantFrom({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }, { nodeAffinity: {} })
const gpuMonitoring = fc.record(
  { enabled: fc.boolean(), nodeSelector: opt(strMap), interval: opt(str), groupLabel: opt(str), clusterName: opt(str),
    relabelConfigs: opt(few(relabel)), metricRelabelConfigs: opt(few(relabel)), affinity: opt(affinity) },
  { requiredKeys: ["enabled"] }
)
const k8sAgent = fc.record(
  { namespace: opt(str), masterAgent: fc.constant({}), gpuMonitoring,
    nodeAgent: fc.record({ podLabels: opt(labelMap) }, { requiredKeys: [] }) },
  { requiredKeys: ["masterAgent", "nodeAgent", "gpuMonitoring"] }
)
const features = fc.record(
  { openAgent: fc.record({ enabled: fc.boolean(), targets: opt(few(target)) }, { requiredKeys: ["enabled"] }), k8sAgent: opt(k8sAgent) },
  { requiredKeys: ["openAgent"] }
)
const monitor = fc.record(
  { namespace: fc.constantFrom("a", "b", "ns-1"), name: fc.stringMatching(/^[a-z]{1,3}$/), namespaceSelector: opt(namespaceSelector),
    selector: podSelector, endpoints: few(endpoint), relabelConfigs: opt(few(relabel)), jobLabel: opt(str) },
  { requiredKeys: ["namespace", "name", "selector", "endpoints"] }
)
type Monitor = typeof monitor extends fc.Arbitrary<infer A> ? A : never

/** Through JSON first: `undefined` keys disappear, as they would on the wire. */
const decode = (kind: Kind, input: unknown) =>
  Option.getOrUndefined(Decode.as(kind, JSON.parse(JSON.stringify(input))).value)

const document = (kind: Kind, m: Monitor) => {
  const { namespace, name, namespaceSelector: ns, selector, ...rest } = m
  const spec = kind === "WhatapStaticEndpoint" ? { endpoints: rest.endpoints, relabelConfigs: rest.relabelConfigs, jobLabel: rest.jobLabel }
    : { namespaceSelector: ns, selector, ...rest }
  return decode(kind, { apiVersion, kind, metadata: { name, namespace }, spec })
}

/** Decoded, one per namespace/name, by namespace then name. */
const listed = (kind: Kind, monitors: ReadonlyArray<Monitor>) => {
  const unique = new Map(monitors.map((m) => [`${m.namespace}/${m.name}`, m] as const))
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, m]) => document(kind, m) ?? [])
}

const sample = fc.sample(
  fc.record({ features, pods: few(monitor), services: few(monitor), statics: few(monitor), namespace: fc.constantFrom("whatap-monitoring", "default") }),
  { numRuns: Number(process.argv[2] ?? 150), seed: 20261130 }
)

const cases = sample.flatMap((c) => {
  const agent = decode("WhatapAgent", { apiVersion, kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features: c.features } })
  if (agent === undefined) return []
  return [{
    agent,
    podMonitors: listed("WhatapPodMonitor", c.pods),
    serviceMonitors: listed("WhatapServiceMonitor", c.services),
    staticEndpoints: listed("WhatapStaticEndpoint", c.statics),
    namespace: c.namespace
  }]
})

process.stdout.write(`${JSON.stringify(cases)}\n`)
