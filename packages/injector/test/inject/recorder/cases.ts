/**
 * Random pod admissions for the recording against the Go operator's pod webhook
 * (record.sh): a seeded sample of WhatapAgents (decoded with core's `Decode.as`, so they
 * carry the CRD defaults the API server stores), namespaces and AdmissionReviews of pods
 * with awkward env (JAVA_TOOL_OPTIONS / NODE_OPTIONS / PYTHONPATH as literals and from
 * `valueFrom`, credentials set by other webhooks, duplicates), colliding volume names,
 * init containers, pull secrets and marker annotations. Prints JSON on stdout: a list of
 * `{ agent, namespace, review }`, `null` for an agent or namespace that does not exist.
 */
import { Decode } from "@whatap-operator/core"
import fc from "fast-check"
import { Option } from "effect"

/** Absent (undefined) or present: `weight` is how many times likelier present is (1: even, 3: mostly present, 1/3: mostly absent). */
const opt = <A>(arb: fc.Arbitrary<A>, weight = 1) =>
  fc.oneof({ weight: weight >= 1 ? 1 : 3, arbitrary: fc.constant(undefined) }, { weight: weight >= 1 ? weight : 1, arbitrary: arb })
const some = <A>(arb: fc.Arbitrary<A>, max = 2) => fc.array(arb, { maxLength: max })

const languages = ["java", "nodejs", "python", "php", "dotnet", "golang", "ruby"]
const language = fc.constantFrom(...languages)
const podLabelKeys = ["app", "tier", "team"]
const labelValues = ["web", "api", "a", "b"]
const labels = fc.dictionary(fc.constantFrom(...podLabelKeys), fc.constantFrom(...labelValues), { maxKeys: 3 })
const nsNames = ["apps", "shop", "default"]
const nsLabels = fc.dictionary(fc.constantFrom("env", "team"), fc.constantFrom("prod", "dev", "a"), { maxKeys: 2 })

const ref = (kind: "configMapKeyRef" | "secretKeyRef", name: string, key: string) => ({ [kind]: { name, key } })
const podEnv = fc.constantFrom(
  { name: "JAVA_TOOL_OPTIONS", value: "-Xmx1g" },
  { name: "JAVA_TOOL_OPTIONS", value: "-javaagent:/whatap-agent/whatap.agent.java.jar" },
  { name: "JAVA_TOOL_OPTIONS", valueFrom: ref("configMapKeyRef", "jvm", "opts") },
  { name: "NODE_OPTIONS", value: "--max-old-space-size=512" },
  { name: "NODE_OPTIONS", valueFrom: ref("configMapKeyRef", "node", "opts") },
  { name: "NODE_PATH", value: "/app/lib" },
  { name: "PYTHONPATH", value: "/app" },
  { name: "PYTHONPATH", valueFrom: ref("secretKeyRef", "py", "path") },
  { name: "whatap.server.host", value: "127.0.0.1" },
  { name: "license", value: "stale" },
  { name: "WHATAP_LICENSE", value: "stale" },
  { name: "whatap_server_host", value: "127.0.0.1" },
  { name: "WHATAP_JAVA_AGENT_PATH", value: "/custom/agent.jar" },
  { name: "WHATAP_PYTHON_AGENT_PATH", value: "/custom/py" },
  { name: "WHATAP_NODEJS_AGENT_PATH", value: "/custom/node" },
  { name: "app_name", value: "mine" },
  { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
  { name: "WHATAP_HOME", value: "/elsewhere" },
  { name: "whatap.micro.enabled", value: "false" },
  { name: "whatap.name", value: "stale-name" },
  { name: "FOO", value: "bar" },
  { name: "EMPTY", value: "" }
)
const targetEnv = fc.constantFrom(
  { name: "WHATAP_LICENSE", value: "TL" },
  { name: "license", value: "TL2" },
  { name: "WHATAP_HOST", value: "th" },
  { name: "whatap.server.host", value: "th2" },
  { name: "WHATAP_SERVER_HOST", value: "th3" },
  { name: "WHATAP_PORT", value: "7700" },
  { name: "whatap_server_port", value: "7701" },
  { name: "app_name", value: "svc" },
  { name: "app_process_name", value: "proc" },
  { name: "OKIND", value: "deploy" },
  { name: "FOO", value: "target" },
  { name: "whatap.name", value: "from-cr" },
  { name: "WHATAP_LICENSE", valueFrom: ref("secretKeyRef", "whatap-credentials", "license") },
  { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
  { name: "JAVA_TOOL_OPTIONS", value: "-Dfrom.cr=1" },
  { name: "PYTHONPATH", value: "/from-cr" },
  { name: "EMPTY2", value: "" }
)
const volumeName = fc.constantFrom("data", "whatap-agent-volume", "config-volume", "whatap-plugin-volume", "my-conf")
const mount = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom({ name: "data", mountPath: "/data" }, { name: "whatap-agent-volume", mountPath: "/opt/agent" }) },
  { weight: 1, arbitrary: fc.constantFrom({ name: "data", mountPath: "/whatap-agent" }) }
)
const container = (i: number) => fc.record({
  env: opt(some(podEnv, 4), 3),
  volumeMounts: opt(some(mount, 2)),
  command: opt(fc.constant(["python", "app.py"]), 1 / 3)
}, { requiredKeys: [] }).map((c) => ({ name: `c${i}`, image: `registry.example/c${i}:1`, ...c }))
const containers = fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => container(i))))
const initContainers = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constant([{ name: "setup", image: "busybox", command: ["true"] }]) },
  { weight: 1, arbitrary: fc.constant([{ name: "whatap-agent-init", image: "old" }]) }
)
const annotations = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.constantFrom(
    { note: "x" }, { "whatap-apm-injected": "true" }, { "whatap-apm-injected": "false" },
    { "whatap-apm-injected": "false", "whatap-apm-reason": "NoTargetMatched" }, { "whatap-apm-language": "php", "whatap-apm-version": "0.1" }
  ) }
)
const pullSecret = fc.constantFrom({ name: "regcred" }, { name: "whatap-pull" }, { name: "" })
const podVolumes = some(volumeName, 3).map((names) => [...new Set(names)].map((name) => ({ name, emptyDir: {} })))

const pod = fc.record({
  named: fc.boolean(),
  namespace: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...nsNames) }, { weight: 1, arbitrary: fc.constantFrom("kube-system", "whatap-monitoring") }),
  labels: opt(labels, 3),
  annotations,
  containers,
  initContainers,
  volumes: opt(podVolumes),
  imagePullSecrets: opt(some(pullSecret, 2))
}).map((p) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    ...(p.named ? { name: "app-0" } : { generateName: "app-" }),
    namespace: p.namespace,
    ...(p.labels === undefined ? {} : { labels: p.labels }),
    ...(p.annotations === undefined ? {} : { annotations: p.annotations })
  },
  spec: {
    ...(p.initContainers === undefined ? {} : { initContainers: p.initContainers }),
    containers: p.containers,
    ...(p.volumes === undefined ? {} : { volumes: p.volumes }),
    ...(p.imagePullSecrets === undefined ? {} : { imagePullSecrets: p.imagePullSecrets })
  }
}))

const operator = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist") },
  { weight: 1, arbitrary: fc.constant("Bogus") }
)
const expression = (keys: ReadonlyArray<string>, values: ReadonlyArray<string>) => fc.record({
  key: fc.constantFrom(...keys), operator, values: opt(some(fc.constantFrom(...values), 2), 3)
}, { requiredKeys: ["key", "operator"] }).map((e) =>
  // mostly well-formed requirements (values only with In/NotIn)
  e.operator === "Exists" || e.operator === "DoesNotExist" ? { key: e.key, operator: e.operator } : { ...e, values: e.values ?? [values[0]] })
const podSelector = fc.record({
  matchLabels: opt(fc.dictionary(fc.constantFrom(...podLabelKeys), fc.constantFrom(...labelValues), { maxKeys: 1 })),
  matchExpressions: opt(some(expression(podLabelKeys, labelValues), 2))
}, { requiredKeys: [] })
const namespaceSelector = fc.record({
  matchNames: opt(some(fc.constantFrom(...nsNames, "kube-system"), 2)),
  matchLabels: opt(fc.dictionary(fc.constantFrom("env", "team"), fc.constantFrom("prod", "dev", "a"), { maxKeys: 1 })),
  matchExpressions: opt(some(expression(["env", "team"], ["prod", "dev", "a"]), 1))
}, { requiredKeys: [] })
const security = fc.record({ runAsNonRoot: opt(fc.boolean()), runAsUser: opt(fc.constantFrom(0, 1001)) }, { requiredKeys: [] })
const quantity = fc.constantFrom<string | number>("500m", "0.1", 1, "1Gi", "128Mi", "1.5")
const resources = fc.oneof(
  fc.constant({}),
  fc.record({
    limits: opt(fc.record({ cpu: opt(quantity, 3), memory: opt(quantity, 3) }, { requiredKeys: [] })),
    requests: opt(fc.record({ cpu: opt(quantity, 3), memory: opt(quantity, 3) }, { requiredKeys: [] }))
  }, { requiredKeys: [] })
)
const config = fc.record({
  mode: opt(fc.constantFrom("default", "custom"), 3),
  configMapRef: opt(fc.constant({ name: "whatap-conf" }), 3),
  volumeName: opt(fc.constantFrom("my-conf", "config-volume", "whatap-agent-volume")),
  mountPath: opt(fc.constantFrom("/conf", "/whatap-agent", "/conf/")),
  pluginConfigMapRef: opt(fc.constant({ name: "whatap-plugins" }), 3)
}, { requiredKeys: [] })
const target = (i: number) => fc.record({
  enabled: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  language,
  whatapApmVersions: opt(fc.dictionary(language, fc.constantFrom("2.2.1", "latest", ""), { maxKeys: 2 })),
  customImageFullName: opt(fc.constantFrom("my.registry/whatap/java:1"), 1 / 3),
  customImageName: opt(fc.constantFrom("old.registry/agent:2"), 1 / 3),
  additionalArgs: opt(fc.constant({ foo: "bar" }), 1 / 3),
  envs: opt(some(targetEnv, 3)),
  namespaceSelector: opt(namespaceSelector, 1 / 3),
  podSelector: opt(podSelector, 1 / 3),
  config: opt(config),
  initContainerSecurity: opt(security, 1 / 3),
  initContainerResources: opt(resources, 1 / 3),
  imagePullSecrets: opt(some(pullSecret, 2), 1 / 3)
}, { requiredKeys: ["enabled", "language"] }).map((t) => ({ name: `t${i}`, ...t }))
const targets = fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => target(i))))
const instrumentation = fc.record({
  enabled: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  initContainerSecurity: opt(security, 1 / 3),
  initContainerResources: opt(resources, 1 / 3),
  targets
}, { requiredKeys: ["enabled", "targets"] })

const review = fc.record({
  version: fc.oneof({ weight: 15, arbitrary: fc.constant("admission.k8s.io/v1") }, { weight: 1, arbitrary: fc.constant("admission.k8s.io/v1beta1") }),
  operation: fc.oneof({ weight: 20, arbitrary: fc.constant("CREATE") }, { weight: 1, arbitrary: fc.constantFrom("UPDATE", "DELETE") }),
  dryRun: fc.boolean()
})

const sample = fc.sample(
  fc.record({
    instrumentation: fc.oneof({ weight: 20, arbitrary: instrumentation.map((i) => ({ instrumentation: i })) }, { weight: 1, arbitrary: fc.constant({}) }),
    agentExists: fc.oneof({ weight: 20, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    namespaceExists: fc.oneof({ weight: 20, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    nsLabels,
    pod,
    review
  }),
  { numRuns: Number(process.argv[2] ?? 300), seed: 20261202 }
)

const decodeAgent = (apm: unknown) =>
  Option.getOrUndefined(Decode.as("WhatapAgent", JSON.parse(JSON.stringify({
    apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features: { apm } }
  }))).value)

const cases = sample.flatMap((c, i) => {
  const agent = c.agentExists ? decodeAgent(c.instrumentation) : null
  if (agent === undefined) return []
  const podJson = JSON.parse(JSON.stringify(c.pod))
  const ns = podJson.metadata.namespace as string
  return [{
    agent,
    namespace: c.namespaceExists ? { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, ...c.nsLabels } } } : null,
    review: {
      apiVersion: c.review.version,
      kind: "AdmissionReview",
      request: {
        uid: `uid-${i}`,
        kind: { group: "", version: "v1", kind: "Pod" },
        resource: { group: "", version: "v1", resource: "pods" },
        requestKind: { group: "", version: "v1", kind: "Pod" },
        requestResource: { group: "", version: "v1", resource: "pods" },
        ...(podJson.metadata.name === undefined ? {} : { name: podJson.metadata.name }),
        namespace: ns,
        operation: c.review.operation,
        userInfo: { username: "system:serviceaccount:kube-system:replicaset-controller" },
        object: c.review.operation === "DELETE" ? null : podJson,
        oldObject: c.review.operation === "CREATE" ? null : podJson,
        dryRun: c.review.dryRun,
        options: { apiVersion: "meta.k8s.io/v1", kind: c.review.operation === "CREATE" ? "CreateOptions" : c.review.operation === "UPDATE" ? "UpdateOptions" : "DeleteOptions" }
      }
    }
  }]
})

process.stdout.write(`${JSON.stringify(cases)}\n`)
