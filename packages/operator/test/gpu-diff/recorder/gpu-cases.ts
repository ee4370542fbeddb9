/**
 * GPU-focused WhatapAgents for the differential (seeded). Handcrafted hostile cases plus a
 * fast-check sample over every gpuMonitoring field addDcgmExporterToNodeAgent,
 * ensureDcgmExporterService, the split-mode topology and the dcgm-exporter-auto target read.
 * Output: {tls, cases:[{source, namespace, agent (CRD-defaulted, encoded), errors (D1)}]}.
 */
import { Decode, Validate } from "@whatap-operator/core"
import fc from "fast-check"
import { Option } from "effect"
import { apiVersion, tls, uid } from "../../objects/recorder/fixed.ts"

const opt = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: undefined, freq: 2 })
const envName = fc.constantFrom("DCGM_REMOTE_HOSTENGINE_INFO", "DCGM_EXPORTER_LISTEN", "NODE_NAME", "DCGM_EXPORTER_DEVICES_STR",
  "DCGM_EXPORTER_KUBERNETES_POD_LABEL_ALLOWLIST_REGEX", "DCGM_EXPORTER_COLLECTORS", "TZ", "DCGM_EXPORTER_INTERVAL")
const env = fc.oneof(
  fc.record({ name: envName, value: fc.constantFrom("", "x", ":9500", "1.2.3.4:5555", " ", "a,b", "$(NODE_NAME)") }),
  fc.record({ name: envName }),
  fc.record({ name: envName, valueFrom: fc.constant({ fieldRef: { fieldPath: "status.hostIP" } }) }),
  fc.record({ name: envName, value: fc.constant(""), valueFrom: fc.constant({ configMapKeyRef: { name: "c", key: "k" } }) })
)
const res = fc.constantFrom({}, { limits: {} }, { limits: { memory: "170Mi" } }, { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  { requests: { memory: "0.5Gi" } }, { limits: { "nvidia.com/gpu": 1 } })
const req = fc.oneof(
  fc.record({ key: fc.constantFrom("nvidia.com/gpu.present", "gpu", "pool"), operator: fc.constantFrom("In", "NotIn"), values: fc.constantFrom(["true"], ["a", "b"], []) }),
  fc.record({ key: fc.constantFrom("nvidia.com/gpu.present", "gpu"), operator: fc.constantFrom("Exists", "DoesNotExist") }),
  fc.record({ key: fc.constant("nvidia.com/gpu.count"), operator: fc.constantFrom("Gt", "Lt"), values: fc.constant(["3"]) })
)
const term = fc.oneof(
  { weight: 5, arbitrary: fc.record({ matchExpressions: fc.array(req, { minLength: 1, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ matchFields: [{ key: "metadata.name", operator: "In", values: ["gpu-1"] }] }) },
  { weight: 1, arbitrary: fc.constant({ matchExpressions: [] }) }
)
const gpuAffinity = fc.oneof(
  { weight: 5, arbitrary: fc.record({ nodeAffinity: fc.record({ requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: fc.array(term, { minLength: 1, maxLength: 3 }) }) }) }) },
  { weight: 1, arbitrary: fc.constant({ nodeAffinity: {} }) },
  { weight: 1, arbitrary: fc.constant({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "gpu", operator: "Exists" }] } }] } }) }
)
const nodeSel = fc.dictionary(fc.constantFrom("nvidia.com/gpu.present", "gpu", "pool", "nvidia.com/mig.strategy"), fc.constantFrom("true", "a", "", "mixed"), { maxKeys: 3 })
const gpuMonitoring = fc.record({
  enabled: fc.constantFrom(true, true, true, false),
  customImageFullName: opt(fc.constantFrom("", "my.registry/dcgm-exporter:1", "dcgm@sha256:" + "b".repeat(64))),
  service: opt(fc.record({ enabled: fc.boolean(), type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"), nodePort: fc.constantFrom(0, 30400, 30500, 32767), port: fc.constantFrom(0, 9400, 9500, 1) }, { requiredKeys: [] })),
  resources: opt(res), envs: opt(fc.array(env, { maxLength: 4 })), nodeSelector: opt(nodeSel), affinity: opt(gpuAffinity),
  interval: opt(fc.constantFrom("15s", "1m", "")),
  groupLabel: opt(fc.constantFrom("", "app", "team.io/prj-id", "a+b", "x(y)|z", "$(A)[0]{1}^", "prj_id", "app.kubernetes.io/name")),
  groupLabelAllowlistRegex: opt(fc.constantFrom("", "^(app|team)$", ".*")),
  clusterName: opt(fc.constantFrom("", "prod", "c 1", "클러스터")),
  devices: opt(fc.constantFrom("", "f", "g", "i")),
  remoteHostEngineInfo: opt(fc.constantFrom("", "10.0.0.1:5555", "localhost:5555")),
  hostEngine: opt(fc.record({ enabled: fc.boolean(), customImageFullName: opt(fc.constantFrom("", "my.registry/dcgm:1")), port: opt(fc.constantFrom(0, 5555, 5600, 65535)), resources: opt(res) }, { requiredKeys: ["enabled"] }))
}, { requiredKeys: ["enabled"] })
const nodeAgent = fc.record({
  enabled: fc.constantFrom(true, true, true, false),
  podLabels: opt(fc.constantFrom({}, { "whatap-gpu": "false" }, { team: "gpu" }, { "whatap-gpu": "true", app: "na" })),
  nodeSelector: opt(fc.constantFrom({}, { "kubernetes.io/os": "linux" })),
  affinity: opt(fc.constantFrom({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }] } } }))
}, { requiredKeys: ["enabled"] })
const gpuTarget = fc.constantFrom(
  { targetName: "dcgm-exporter-auto", type: "PodMonitor", enabled: true, namespaceSelector: { matchNames: ["x"] }, selector: { matchLabels: { app: "y" } }, endpoints: [{ port: "9400" }] },
  { targetName: "mine", type: "PodMonitor", enabled: true, selector: { matchLabels: { "whatap-gpu": "true" } }, endpoints: [{ port: "9400" }] },
  { targetName: "na", type: "PodMonitor", enabled: true, selector: { matchLabels: { name: "whatap-node-agent-gpu" } }, endpoints: [{ port: "9400" }] })
const openAgent = fc.record({ enabled: fc.boolean(), targets: opt(fc.array(gpuTarget, { maxLength: 1 })) }, { requiredKeys: ["enabled"] })
const spec = fc.record({
  license: fc.constant("lic"), host: fc.constant("1.2.3.4"), port: fc.constant("6600"),
  features: fc.record({
    openAgent,
    k8sAgent: fc.record({ namespace: opt(fc.constantFrom("", "gpu-ns", "whatap-monitoring")), masterAgent: fc.constant({ enabled: false }), nodeAgent, gpuMonitoring },
      { requiredKeys: ["masterAgent", "nodeAgent", "gpuMonitoring"] })
  })
})

const strip = (v: any): any => JSON.parse(JSON.stringify(v))
const hand: Array<[string, any]> = [
  ["gpu minimal", { enabled: true }],
  ["gpu off", { enabled: false, hostEngine: { enabled: true } }],
  ["hostEngine port 0", { enabled: true, hostEngine: { enabled: true, port: 0 } }],
  ["hostEngine + remote", { enabled: true, hostEngine: { enabled: true }, remoteHostEngineInfo: "10.0.0.1:5555" }],
  ["hostEngine disabled + remote", { enabled: true, hostEngine: { enabled: false, port: 5600 }, remoteHostEngineInfo: "10.0.0.1:5555" }],
  ["#19 empty remote env", { enabled: true, hostEngine: { enabled: true }, envs: [{ name: "DCGM_REMOTE_HOSTENGINE_INFO", value: "" }] }],
  ["#19 no-value remote env", { enabled: true, hostEngine: { enabled: true }, envs: [{ name: "DCGM_REMOTE_HOSTENGINE_INFO" }] }],
  ["#19 then re-add", { enabled: true, hostEngine: { enabled: true }, envs: [{ name: "DCGM_REMOTE_HOSTENGINE_INFO", value: "" }, { name: "DCGM_REMOTE_HOSTENGINE_INFO", value: "h:1" }] }],
  ["remote env valueFrom", { enabled: true, hostEngine: { enabled: true }, envs: [{ name: "DCGM_REMOTE_HOSTENGINE_INFO", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }] }],
  ["dup user env", { enabled: true, envs: [{ name: "A", value: "1" }, { name: "A", value: "2" }, { name: "DCGM_EXPORTER_LISTEN", value: ":9500" }] }],
  ["override NODE_NAME by value", { enabled: true, envs: [{ name: "NODE_NAME", value: "n" }] }],
  ["empty-value override", { enabled: true, envs: [{ name: "DCGM_EXPORTER_LISTEN", value: "" }] }],
  ["groupLabel meta", { enabled: true, groupLabel: "a.b/c-d+e*f?(g)|[h]{i}^$\\" }],
  ["groupLabel + regex", { enabled: true, groupLabel: "prjId", groupLabelAllowlistRegex: "^(prj.*)$" }],
  ["regex without groupLabel", { enabled: true, groupLabelAllowlistRegex: "^(x)$" }],
  ["devices g", { enabled: true, devices: "g" }], ["devices i", { enabled: true, devices: "i" }], ["devices f", { enabled: true, devices: "f" }],
  ["devices bogus", { enabled: true, devices: "gi" }], ["devices upper", { enabled: true, devices: "G" }],
  ["service absent", { enabled: true }],
  ["service {}", { enabled: true, service: {} }],
  ["service enabled", { enabled: true, service: { enabled: true } }],
  ["service NodePort 0", { enabled: true, service: { enabled: true, type: "NodePort", nodePort: 0, port: 0 } }],
  ["service ClusterIP nodePort", { enabled: true, service: { enabled: true, type: "ClusterIP", nodePort: 30500 } }],
  ["service LB", { enabled: true, service: { enabled: true, type: "LoadBalancer", port: 80 } }],
  ["service disabled", { enabled: true, service: { enabled: false, type: "NodePort" } }],
  ["service port 70000", { enabled: true, service: { enabled: true, port: 70000 } }],
  ["hostEngine port 70000", { enabled: true, hostEngine: { enabled: true, port: 70000 } }],
  ["hostEngine port -1", { enabled: true, hostEngine: { enabled: true, port: -1 } }],
  ["resources limits {}", { enabled: true, resources: { limits: {} }, hostEngine: { enabled: true, resources: { requests: {} } } }],
  ["resources quantities", { enabled: true, resources: { requests: { memory: "0.5Gi", cpu: 0.5 }, limits: { memory: "1024Mi", cpu: "1000m" } } }],
  ["split: nodeSelector", { enabled: true, nodeSelector: { "nvidia.com/gpu.present": "true", pool: "gpu" } }],
  ["split: empty nodeSelector value", { enabled: true, nodeSelector: { gpu: "" } }],
  ["split: affinity 1 term", { enabled: true, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "gpu", operator: "In", values: ["a", "b"] }, { key: "x", operator: "Exists" }, { key: "c", operator: "Gt", values: ["3"] }] }] } } } }],
  ["split: affinity 2 terms", { enabled: true, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "gpu", operator: "Exists" }] }, { matchExpressions: [{ key: "pool", operator: "In", values: ["g"] }] }] } } } }],
  ["split: affinity empty terms", { enabled: true, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }],
  ["split: matchFields only", { enabled: true, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["g1"] }] }] } } } }],
  ["split: selector + affinity", { enabled: true, nodeSelector: { gpu: "true" }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["z1"] }] }] } } } }],
  ["split disabled gpu", { enabled: false, nodeSelector: { gpu: "true" } }],
  ["clusterName blank", { enabled: true, clusterName: " " }],
  ...["1.0000000001Gi", "+1Gi", "+512Mi", "0.1m", "1e-3", "1.5Gi", "0.5Gi", "1000Mi", "1e3", "1E3", "10e18", "1024Ki", "0.0001", "1.23456789Mi", "123456789n", "5.", "1m", "1000000n", "0.000000001"].map((m): [string, any] =>
    [`quantity ${m}`, { enabled: true, resources: { limits: { memory: m, cpu: m } }, hostEngine: { enabled: true, resources: { requests: { memory: m } } } }]),
  ["custom images", { enabled: true, customImageFullName: "r/e:1", hostEngine: { enabled: true, customImageFullName: "r/h:1", port: 5600 } }]
]
const handCases = hand.map(([source, gpu]) => ({ source: `hand: ${source}`, namespace: "whatap-monitoring",
  document: { apiVersion, kind: "WhatapAgent", metadata: { name: "whatap", uid }, spec: { license: "lic", host: "1.2.3.4", port: "6600",
    features: { openAgent: { enabled: true }, k8sAgent: { masterAgent: { enabled: false }, nodeAgent: { enabled: true }, gpuMonitoring: gpu } } } } }))
// split mode with the node agent's own affinity (the D4 case) and podLabels
handCases.push({ source: "hand: split + nodeAgent affinity + podLabels", namespace: "whatap-monitoring",
  document: { apiVersion, kind: "WhatapAgent", metadata: { name: "whatap", uid }, spec: { license: "lic", host: "1.2.3.4", port: "6600",
    features: { openAgent: { enabled: true }, k8sAgent: { masterAgent: { enabled: false },
      nodeAgent: { enabled: true, podLabels: { "whatap-gpu": "false", team: "t" }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }, { matchExpressions: [{ key: "os", operator: "Exists" }] }] } } } },
      gpuMonitoring: { enabled: true, nodeSelector: { gpu: "true" } } } } } } as any })

const random = fc.sample(fc.record({ spec, namespace: fc.constantFrom("whatap-monitoring", "monitoring") }), { numRuns: Number(process.argv[2] ?? 200), seed: 20261202 })
const all = [...handCases, ...random.map((r, i) => ({ source: `random #${i}`, namespace: r.namespace,
  document: { apiVersion, kind: "WhatapAgent", metadata: { name: "whatap", uid }, spec: strip(r.spec) } }))]
const cases = all.flatMap((c) => {
  const plain = strip(c.document)
  const result = Decode.as("WhatapAgent", plain)
  const agent = Option.getOrUndefined(result.value)
  if (agent === undefined) return [{ source: c.source, namespace: c.namespace, agent: plain, errors: ["(does not decode)"], undecoded: true }]
  const errors = [...result.findings, ...Validate.resource(plain)].filter((f) => f.severity === "error").map((f) => `${(f.path as ReadonlyArray<unknown>).join(".")}: ${f.message}`)
  return [{ source: c.source, namespace: c.namespace, agent: Decode.encode(agent), errors: [...new Set(errors)] }]
})
process.stdout.write(`${JSON.stringify({ tls, cases })}\n`)
