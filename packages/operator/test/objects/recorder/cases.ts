/**
 * WhatapAgents for the object recording against the Go operator (record.sh): every
 * WhatapAgent of the Go repository's examples/ (argv[2], a directory; a missing
 * `gpuMonitoring`, required by both CRDs, is added as `{enabled: false}`) and a seeded
 * sample of random ones over every field of api/v2alpha1/whatapagent_types.go that the
 * install functions read, decoded with core's `Decode.as` so they carry the CRD
 * defaults. Each case says whether the validator (D1) finds errors in it: the operator
 * renders nothing for those, so they are recorded but not compared. Prints JSON on stdout.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Decode, Validate } from "@whatap-operator/core"
import fc from "fast-check"
import { Option } from "effect"
import YAML from "yaml"
import { apiVersion, tls, uid } from "./fixed.ts"


const opt = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined, freq: 2 })
const few = <A>(arb: fc.Arbitrary<A>, max = 2) => fc.array(arb, { maxLength: max })
const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(r: T) => fc.record(r, { requiredKeys: [] })

const word = fc.constantFrom("a", "x", "team", "whatap", "app.kubernetes.io/part-of", "tier")
const value = fc.constantFrom("", "v", "true", "1", "monitoring", "whatap-master-agent", "whatap-node-agent", "whatap-open-agent")
const strMap = fc.dictionary(word, value, { maxKeys: 3 })
const selectorLabels = fc.dictionary(fc.constantFrom("name", "app", "whatap-gpu", "x"), value, { maxKeys: 2 })
const labels = fc.oneof(strMap, selectorLabels)
// requests never above limits (the validator's rule, D1): small requests, large limits, in several spellings
const cpuRequest = fc.constantFrom<string | number>("100m", "0.1", "1000m", "250m", 1)
const cpuLimit = fc.constantFrom<string | number>("1", "1500m", "2", 2, "2000m")
const memRequest = fc.constantFrom<string | number>("100Mi", "0.25Gi", "350Mi", "300Mi", 1000)
const memLimit = fc.constantFrom<string | number>("1024Mi", "1Gi", "1.5Gi", "2000Mi", "1536Mi")
const resources = fc.oneof(
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.constant({ limits: {} }) },
  { weight: 6, arbitrary: fc.record({ requests: fc.record({ cpu: cpuRequest, memory: memRequest }), limits: fc.record({ cpu: cpuLimit, memory: memLimit }) }) },
  { weight: 2, arbitrary: fc.record({ limits: rec({ cpu: cpuLimit, memory: memLimit }) }) }
)
const envName = fc.constantFrom("TZ", "DEBUG", "WHATAP_HOST", "collect_custom_resources", "NODE_NAME", "JAVA_OPTS", "DCGM_EXPORTER_LISTEN",
  "DCGM_REMOTE_HOSTENGINE_INFO", "DCGM_EXPORTER_KUBERNETES")
const env = fc.oneof(
  { weight: 4, arbitrary: fc.record({ name: envName, value: fc.constantFrom("", "x", "Asia/Seoul", ":9500", "1.2.3.4:5555") }) },
  { weight: 1, arbitrary: fc.record({ name: envName }) },
  { weight: 1, arbitrary: fc.record({ name: envName, valueFrom: fc.constant({ fieldRef: { fieldPath: "status.podIP" } }) }) },
  { weight: 1, arbitrary: fc.record({ name: envName, valueFrom: fc.constant({ secretKeyRef: { name: "s", key: "k" } }) }) }
)
const envs = few(env, 3)
const toleration = fc.oneof(
  fc.record({ key: word, operator: fc.constant("Equal"), value: value, effect: fc.constantFrom("NoSchedule", "NoExecute", "PreferNoSchedule") }),
  fc.record({ key: word, operator: fc.constant("Exists") }),
  fc.constant({ operator: "Exists" }),
  fc.record({ key: word, operator: fc.constant("Exists"), effect: fc.constant("NoExecute"), tolerationSeconds: fc.constantFrom(0, 30) })
)
const requirement = fc.oneof(
  fc.record({ key: fc.constantFrom("kubernetes.io/os", "gpu", "nvidia.com/gpu.present"), operator: fc.constantFrom("In", "NotIn"), values: fc.constantFrom(["linux"], ["true"], ["a", "b"]) }),
  fc.record({ key: fc.constantFrom("gpu", "nvidia.com/gpu.present", "node-role.kubernetes.io/control-plane"), operator: fc.constantFrom("Exists", "DoesNotExist") }),
  fc.record({ key: fc.constant("x"), operator: fc.constantFrom("Gt", "Lt"), values: fc.constant(["3"]) })
)
const term = fc.oneof(
  { weight: 4, arbitrary: fc.record({ matchExpressions: few(requirement, 2) }) },
  { weight: 1, arbitrary: fc.constant({ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }) },
  { weight: 1, arbitrary: fc.constant({ matchExpressions: [] }) }
)
const preferred = fc.record({ weight: fc.constantFrom(1, 50), preference: fc.record({ matchExpressions: few(requirement, 1) }) })
const nodeAffinity = rec({
  requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: fc.array(term, { minLength: 1, maxLength: 2 }) }),
  preferredDuringSchedulingIgnoredDuringExecution: few(preferred, 1)
})
const podAffinityTerm = fc.constant({ labelSelector: { matchLabels: { app: "x" } }, topologyKey: "kubernetes.io/hostname" })
const affinity = fc.oneof(
  { weight: 4, arbitrary: fc.record({ nodeAffinity }) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ podAntiAffinity: fc.record({ requiredDuringSchedulingIgnoredDuringExecution: fc.array(podAffinityTerm, { minLength: 1, maxLength: 1 }) }) }) }
)
const nodeSelector = fc.dictionary(fc.constantFrom("kubernetes.io/os", "gpu", "nvidia.com/gpu.present", "pool"), fc.constantFrom("linux", "true", "a"), { maxKeys: 2 })
const pullSecrets = few(fc.record({ name: fc.constantFrom("regcred", "other") }), 2)
const podSecurityContext = fc.oneof(
  fc.constant({}),
  rec({ runAsUser: fc.constantFrom(0, 1000), runAsNonRoot: fc.boolean(), fsGroup: fc.constantFrom(0, 2000), seccompProfile: fc.constant({ type: "RuntimeDefault" }) })
)
const securityContext = fc.oneof(
  fc.constant({}),
  rec({ privileged: fc.boolean(), runAsUser: fc.constantFrom(0, 1000), readOnlyRootFilesystem: fc.boolean(), capabilities: fc.constant({ add: ["SYS_PTRACE"] }) })
)
const image = fc.constantFrom("my.registry/kube_agent:1.2.3", "registry.example.com/whatap/agent@sha256:" + "a".repeat(64), "busybox")
const container = rec({ image, resources, envs, securityContext })
const common = {
  resources, envs, tolerations: few(toleration, 2), affinity, nodeSelector, imagePullSecrets: pullSecrets,
  priorityClassName: fc.constantFrom("system-node-critical", "high"), labels, annotations: strMap, podLabels: labels,
  podAnnotations: strMap, podSecurityContext, runtimeClassName: fc.constantFrom("kata", "nvidia"), hostPID: fc.boolean()
}
const masterAgent = fc.record({ enabled: fc.boolean(), ...common, masterAgentContainer: container }, { requiredKeys: ["enabled"] })
const nodeAgent = fc.record({
  enabled: fc.boolean(), ...common, nodeAgentContainer: container, nodeHelperContainer: container,
  runtime: fc.constantFrom("containerd", "docker", "crio"), runtimeSocketPath: fc.constantFrom("/run/k3s/containerd/containerd.sock", "/var/run/docker.sock"),
  hostNetwork: fc.boolean()
}, { requiredKeys: ["enabled"] })
const gpuAffinity = fc.oneof(
  fc.record({ nodeAffinity: fc.record({ requiredDuringSchedulingIgnoredDuringExecution: fc.record({ nodeSelectorTerms: fc.array(term, { minLength: 1, maxLength: 2 }) }) }) }),
  fc.constant({ nodeAffinity: {} }),
  fc.constant({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "gpu", operator: "Exists" }] } }] } })
)
const gpuMonitoring = fc.record({
  enabled: fc.boolean(), customImageFullName: fc.constantFrom("my.registry/dcgm-exporter:1"),
  service: rec({ enabled: fc.boolean(), type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"), nodePort: fc.constantFrom(0, 30500), port: fc.constantFrom(0, 9400, 9500) }),
  resources, envs, nodeSelector, affinity: gpuAffinity, interval: fc.constantFrom("15s", "1m"), groupLabel: fc.constantFrom("app", "team.io/prj-id"),
  groupLabelAllowlistRegex: fc.constantFrom("^(app|team)$"), clusterName: fc.constantFrom("prod", "c1"), devices: fc.constantFrom("f", "g", "i"),
  remoteHostEngineInfo: fc.constantFrom("10.0.0.1:5555", "localhost:5555"),
  hostEngine: fc.record({ enabled: fc.boolean(), customImageFullName: fc.constantFrom("my.registry/dcgm:1"), port: fc.constantFrom(0, 5555, 5600), resources },
    { requiredKeys: ["enabled"] })
}, { requiredKeys: ["enabled"] })
const component = fc.record({ enabled: fc.boolean(), customImageFullName: fc.constantFrom("x/y:1") }, { requiredKeys: ["enabled"] })
const k8sAgent = fc.record({
  namespace: fc.constantFrom("whatap-monitoring", "gpu-ns", ""), agentImageName: fc.constantFrom("my.registry/kube_agent", "public.ecr.aws/whatap/kube_agent"),
  agentImageVersion: fc.constantFrom("1.8.0", "latest"), customImageFullName: image, customAgentImageFullName: fc.constantFrom("old.registry/agent:0.9"),
  imagePullSecrets: pullSecrets, masterAgent, nodeAgent, gpuMonitoring,
  apiserverMonitoring: component, etcdMonitoring: component, schedulerMonitoring: component
}, { requiredKeys: ["masterAgent", "nodeAgent", "gpuMonitoring"] })
const secretRef = fc.record({ name: fc.constantFrom("tls-a", "tls-b"), key: fc.constantFrom("ca.crt", "tls.crt", "tls.key") })
const endpoint = fc.record({
  port: fc.constantFrom("metrics", "9090"), path: fc.constantFrom("/metrics"), interval: fc.constantFrom("30s"), scheme: fc.constantFrom("http", "https"),
  tlsConfig: fc.oneof(rec({ insecureSkipVerify: fc.boolean(), caSecret: secretRef }), fc.record({ caSecret: secretRef, certSecret: secretRef, keySecret: secretRef })), addNodeLabel: fc.boolean()
}, { requiredKeys: ["port"] })
const target = fc.record({
  targetName: fc.constantFrom("t1", "t2", "kube-state"), type: fc.constantFrom("PodMonitor", "ServiceMonitor"), enabled: fc.boolean(),
  namespaceSelector: fc.constant({ matchNames: ["default"] }), selector: fc.constant({ matchLabels: { app: "x" } }), endpoints: few(endpoint, 2)
})
const openAgent = fc.record({
  enabled: fc.boolean(), targets: fc.uniqueArray(target, { maxLength: 2, selector: (t) => t.targetName }), imageName: fc.constantFrom("my.registry/open_agent"), imageVersion: fc.constantFrom("2.0"),
  customImageFullName: fc.constantFrom("my.registry/open_agent:full"), labels, annotations: strMap, podLabels: labels, podAnnotations: strMap,
  imagePullSecrets: pullSecrets, priorityClassName: fc.constantFrom("high"), nodeSelector, affinity, tolerations: few(toleration, 2),
  nodeName: fc.constantFrom("node-1"), podSecurityContext, envs, disableForeground: fc.boolean()
}, { requiredKeys: ["enabled"] })
const apmTarget = fc.record({
  name: fc.constantFrom("java-app", "py"), enabled: fc.boolean(), language: fc.constantFrom("java", "python", "nodejs"),
  namespaceSelector: fc.constant({ matchNames: ["default"] }), podSelector: fc.constant({ matchLabels: { app: "x" } })
})
const apm = fc.record({ instrumentation: fc.record({ enabled: fc.boolean(), targets: few(apmTarget, 2) }, { requiredKeys: ["enabled"] }) })
const spec = fc.record({
  license: fc.constantFrom("lic-123", "x"), host: fc.constantFrom("13.124.11.223", "collector.example"), port: fc.constantFrom("6600", "443"),
  features: fc.record({ apm, openAgent, k8sAgent }, { requiredKeys: [] })
}, { requiredKeys: ["features"] })

const decode = (input: unknown) => {
  const plain = JSON.parse(JSON.stringify(input))
  const result = Decode.as("WhatapAgent", plain)
  const agent = Option.getOrUndefined(result.value)
  if (agent === undefined) return undefined
  const errors = [...result.findings, ...Validate.resource(plain)].filter((f) => f.severity === "error")
    .map((f) => `${(f.path as ReadonlyArray<unknown>).join(".")}: ${f.message}`)
  return { agent, errors: [...new Set(errors)] }
}

const examples = (dir: string | undefined) => {
  if (dir === undefined) return []
  return readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((d) => d.toJS()).filter((d) => d?.kind === "WhatapAgent").map((d) => {
      const k8s = d.spec?.features?.k8sAgent
      if (k8s !== undefined && k8s !== null && k8s.gpuMonitoring === undefined) k8s.gpuMonitoring = { enabled: false }
      d.metadata = { ...d.metadata, uid }
      return { source: `examples/${file}`, document: d }
    })
  )
}

const random = fc.sample(fc.record({ spec, namespace: fc.constantFrom("whatap-monitoring", "monitoring") }),
  { numRuns: Number(process.argv[3] ?? 160), seed: 20261202 })

const cases = [
  ...examples(process.argv[2]).map((e) => ({ ...e, namespace: "whatap-monitoring" })),
  ...random.map((r, i) => ({
    source: `random #${i}`, namespace: r.namespace,
    document: { apiVersion, kind: "WhatapAgent", metadata: { name: "whatap", uid }, spec: r.spec }
  }))
].flatMap((c) => {
  const decoded = decode(c.document)
  // encoded back: the CR as the API server stores it (CRD defaults in, the license a plain string again)
  return decoded === undefined ? [] : [{ source: c.source, namespace: c.namespace, agent: Decode.encode(decoded.agent), errors: decoded.errors }]
})

process.stdout.write(`${JSON.stringify({ tls, cases })}\n`)
