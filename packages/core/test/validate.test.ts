/**
 * `Validate.resource`: every semantic rule on a minimal resource that breaks exactly
 * that rule, with the exact severity and path (and a fragment of the message).
 */
import { assert, describe, it } from "@effect/vitest"
import { Finding, Validate } from "../src/index.ts"

type Json = Record<string, unknown>

const agent = (features: Json, name = "whatap", spec: Json = {}): Json => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name },
  spec: { ...spec, features }
})

const k8s = (patch: { master?: Json; node?: Json; gpu?: Json; top?: Json }): Json => ({
  k8sAgent: {
    ...patch.top,
    masterAgent: { enabled: true, ...patch.master },
    nodeAgent: { enabled: true, ...patch.node },
    gpuMonitoring: { enabled: true, ...patch.gpu }
  }
})

const apm = (...targets: ReadonlyArray<Json>): Json => ({ apm: { instrumentation: { enabled: true, targets } } })
const target = (name: string, extra: Json = {}): Json => ({ name, enabled: true, language: "java", ...extra })

const openAgent = (...targets: ReadonlyArray<Json>): Json => ({ openAgent: { enabled: true, targets } })
const podTarget = (extra: Json = {}): Json => ({
  targetName: "pods", type: "PodMonitor", enabled: true, selector: { matchLabels: { app: "x" } },
  endpoints: [{ port: "metrics" }], ...extra
})

const monitor = (kind: string, spec: Json): Json => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind,
  metadata: { name: "m", namespace: "default" },
  spec
})

const T = ["spec", "features", "apm", "instrumentation", "targets"]
const O = ["spec", "features", "openAgent", "targets"]
const K = ["spec", "features", "k8sAgent"]
const G = [...K, "gpuMonitoring"]

interface Case {
  readonly name: string
  readonly input: Json
  /** [severity, path, message fragment]; the whole list must match, in Finding order */
  readonly expected: ReadonlyArray<readonly [Finding.Severity, Finding.Path, string]>
}

const cases: ReadonlyArray<Case> = [
  { name: "a minimal agent is valid", input: agent({}), expected: [] },
  { name: "agent named other than whatap", input: agent({}, "prod"), expected: [["warning", ["metadata", "name"], "named \"whatap\""]] },
  {
    name: "an agent name the API server rejects",
    input: agent({}, "Whatap_Prod"),
    expected: [["error", ["metadata", "name"], "invalid name \"Whatap_Prod\": a lowercase RFC 1123 subdomain"], ["warning", ["metadata", "name"], "named \"whatap\""]]
  },
  {
    name: "a namespace on the cluster-scoped agent is ignored",
    input: { ...agent({}), metadata: { name: "whatap", namespace: "default" } },
    expected: [["warning", ["metadata", "namespace"], "cluster-scoped"]]
  },
  {
    name: "a monitor in a namespace the API server rejects",
    input: { ...monitor("WhatapPodMonitor", { selector: {}, endpoints: [{ port: "m" }] }), metadata: { name: "m.v1", namespace: "Team_A" } },
    expected: [["error", ["metadata", "namespace"], "invalid namespace \"Team_A\": a lowercase RFC 1123 label"]]
  },
  {
    name: "tolerations the API server rejects when it creates the DaemonSet",
    input: agent(k8s({ node: { tolerations: [
      { key: "dedicated", operator: "Equal", value: "monitoring", effect: "NoSchedule" },
      { operator: "Exists" },
      { key: "k", operator: "Exists", value: "v" },
      { key: "k", operator: "equal", value: "v" },
      { operator: "Equal", value: "v" },
      { key: "bad key", effect: "NoRun" },
      { key: "k", effect: "NoSchedule", tolerationSeconds: 30 }
    ] } })),
    expected: [
      ["error", [...K, "nodeAgent", "tolerations", 2, "value"], "value must be empty when `operator` is 'Exists'"],
      ["error", [...K, "nodeAgent", "tolerations", 3, "operator"], "unsupported operator \"equal\": expected Equal or Exists"],
      ["error", [...K, "nodeAgent", "tolerations", 4, "operator"], "operator must be Exists when `key` is empty"],
      ["error", [...K, "nodeAgent", "tolerations", 5, "effect"], "unsupported effect \"NoRun\""],
      ["error", [...K, "nodeAgent", "tolerations", 5, "key"], "invalid key \"bad key\""],
      ["error", [...K, "nodeAgent", "tolerations", 6, "effect"], "effect must be 'NoExecute' when `tolerationSeconds` is set"]
    ]
  },
  {
    name: "node and pod affinity the API server rejects",
    input: agent(k8s({ master: { affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{
          matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }, { key: "gpu", operator: "In" }, { key: "n", operator: "Gt", values: ["1", "2"] }, { key: "x", operator: "in", values: ["a"] }],
          matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }, { key: "spec.nodeName", operator: "Exists" }]
        }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: "zone", operator: "Exists", values: ["a"] }] } }]
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "", labelSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] } }],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", namespaceSelector: { matchLabels: { "bad key": "x" } } } }]
      }
    } } })),
    expected: [
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0, "preference", "matchExpressions", 0, "values"], "may not be specified when `operator` is 'Exists'"],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0, "weight"], "weight 0 must be in the range 1-100"],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 1, "values"], "must be specified when `operator` is 'In' or 'NotIn'"],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 2, "values"], "single value"],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 3, "operator"], "unsupported operator \"in\""],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchFields", 1, "key"], "only metadata.name"],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchFields", 1, "operator"], "only In and NotIn"],
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchFields", 1, "values"], "only one value"],
      ["error", [...K, "masterAgent", "affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", 0, "podAffinityTerm", "namespaceSelector", "matchLabels", "bad key"], "invalid label key"],
      ["error", [...K, "masterAgent", "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0, "labelSelector", "matchExpressions", 0, "operator"], "did you mean \"In\""],
      ["error", [...K, "masterAgent", "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0, "topologyKey"], "can not be empty"]
    ]
  },
  {
    name: "a required node affinity without a term matches no node: the API server refuses it",
    input: agent(k8s({
      node: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
      master: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } } }
    })),
    expected: [
      ["error", [...K, "masterAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"], "missing required field"],
      ["error", [...K, "nodeAgent", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"], "at least one node selector term"]
    ]
  },
  {
    name: "security contexts the API server refuses when it creates the workload",
    input: agent({
      ...k8s({
        master: {
          podSecurityContext: { runAsUser: -1, fsGroup: 2147483648, supplementalGroups: [1, -5], fsGroupChangePolicy: "Sometimes", seccompProfile: { type: "Localhost" } },
          masterAgentContainer: { securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { add: ["CAP_SYS_ADMIN"] }, procMount: "Masked" } }
        },
        node: {
          // out of the host network: network sysctls are the pod's own (validate-pod-template.test.ts has them in it)
          hostNetwork: false,
          podSecurityContext: { sysctls: [{ name: "net.core.somaxconn", value: "1" }, { name: "net.core.somaxconn", value: "2" }, { name: "Bad_Name", value: "1" }], seccompProfile: { type: "RuntimeDefault", localhostProfile: "p.json" }, appArmorProfile: { type: "Localhost", localhostProfile: " p " } },
          nodeAgentContainer: { securityContext: { runAsGroup: 4294967296, seccompProfile: { type: "Localhost", localhostProfile: "/etc/../p.json" }, appArmorProfile: { type: "unconfined" } } }
        }
      }),
      openAgent: { enabled: true, podSecurityContext: { supplementalGroupsPolicy: "Loose", seLinuxChangePolicy: "Never" } },
      apm: { instrumentation: { enabled: true, initContainerSecurity: { runAsUser: -3 }, targets: [{ name: "t", enabled: true, language: "java", initContainerSecurity: { runAsUser: 2147483648 } }] } }
    }),
    expected: [
      ["error", ["spec", "features", "apm", "instrumentation", "initContainerSecurity", "runAsUser"], "-3 must be between 0"],
      ["error", [...T, 0, "initContainerSecurity", "runAsUser"], "2147483648 must be between 0"],
      ["error", [...K, "masterAgent", "masterAgentContainer", "securityContext", "allowPrivilegeEscalation"], "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"],
      ["error", [...K, "masterAgent", "masterAgentContainer", "securityContext", "allowPrivilegeEscalation"], "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"],
      ["error", [...K, "masterAgent", "masterAgentContainer", "securityContext", "procMount"], "unsupported value \"Masked\""],
      ["error", [...K, "masterAgent", "podSecurityContext", "fsGroup"], "2147483648 must be between 0 and 2147483647"],
      ["error", [...K, "masterAgent", "podSecurityContext", "fsGroupChangePolicy"], "supported values: \"OnRootMismatch\", \"Always\""],
      ["error", [...K, "masterAgent", "podSecurityContext", "runAsUser"], "-1 must be between 0"],
      ["error", [...K, "masterAgent", "podSecurityContext", "seccompProfile", "localhostProfile"], "must be set when seccomp type is Localhost"],
      ["error", [...K, "masterAgent", "podSecurityContext", "supplementalGroups", 1], "-5 must be between 0"],
      ["error", [...K, "nodeAgent", "nodeAgentContainer", "securityContext", "appArmorProfile", "type"], "unsupported value \"unconfined\""],
      ["error", [...K, "nodeAgent", "nodeAgentContainer", "securityContext", "runAsGroup"], "4294967296 must be between 0"],
      ["error", [...K, "nodeAgent", "nodeAgentContainer", "securityContext", "seccompProfile", "localhostProfile"], "must be a relative path"],
      ["error", [...K, "nodeAgent", "nodeAgentContainer", "securityContext", "seccompProfile", "localhostProfile"], "must not contain '..'"],
      ["error", [...K, "nodeAgent", "podSecurityContext", "appArmorProfile", "localhostProfile"], "must not be padded with whitespace"],
      ["error", [...K, "nodeAgent", "podSecurityContext", "seccompProfile", "localhostProfile"], "can only be set when seccomp type is Localhost"],
      ["error", [...K, "nodeAgent", "podSecurityContext", "sysctls", 1, "name"], "duplicate sysctl \"net.core.somaxconn\""],
      ["error", [...K, "nodeAgent", "podSecurityContext", "sysctls", 2, "name"], "invalid sysctl name \"Bad_Name\""],
      ["error", ["spec", "features", "openAgent", "podSecurityContext", "seLinuxChangePolicy"], "\"Recursive\", \"MountOption\""],
      ["error", ["spec", "features", "openAgent", "podSecurityContext", "supplementalGroupsPolicy"], "\"Merge\", \"Strict\""]
    ]
  },
  {
    name: "security contexts the API server accepts",
    input: agent(k8s({
      master: { podSecurityContext: { runAsUser: 0, runAsGroup: 2147483647, fsGroup: 0, fsGroupChangePolicy: "OnRootMismatch", sysctls: [{ name: "kernel.shm_rmid_forced", value: "0" }, { name: "net/ipv4/ip_local_port_range", value: "1 2" }], seccompProfile: { type: "Localhost", localhostProfile: "profiles/audit.json" }, appArmorProfile: { type: "Localhost", localhostProfile: "k8s-apparmor" } } },
      node: { nodeAgentContainer: { securityContext: { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ["SYS_ADMIN"] }, procMount: "Default", seccompProfile: { type: "Unconfined" }, appArmorProfile: { type: "RuntimeDefault" } } } }
    })),
    expected: []
  },
  {
    name: "the node agent's empty required terms are no mistake when GPU split mode gives both DaemonSets terms of its own",
    input: agent(k8s({
      node: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } },
      gpu: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] }] } } } }
    })),
    expected: []
  },
  { name: "credentials port out of range", input: agent(k8s({}), "whatap", { port: "70000" }), expected: [["error", ["spec", "port"], "out of range"]] },
  { name: "credentials host that is no host name or IP address", input: agent(k8s({}), "whatap", { host: "bad host!" }), expected: [["error", ["spec", "host"], "\"bad host!\" is not a valid host name"]] },
  { name: "credentials hosts: names, IPv4, IPv6, several separated by /", input: agent(k8s({}), "whatap", { host: "13.124.11.223/collector.whatap.io,fd00::1/" }), expected: [] },
  { name: "credentials hosts: spaces around separators and an absolute name", input: agent(k8s({}), "whatap", { host: "1.2.3.4, 5.6.7.8 / collector.whatap.io." }), expected: [] },
  { name: "credentials host with a space inside a name", input: agent(k8s({}), "whatap", { host: "collector whatap.io" }), expected: [["error", ["spec", "host"], "\"collector whatap.io\" is not a valid host name"]] },
  { name: "credentials port not a number", input: agent(k8s({}), "whatap", { port: "http" }), expected: [["error", ["spec", "port"], "not a number"]] },
  { name: "unknown language", input: agent(apm(target("a", { language: "ruby" }))), expected: [["error", [...T, 0, "language"], "java, python, nodejs, php, dotnet, golang"]] },
  { name: "every known language", input: agent(apm(...["java", "python", "nodejs", "php", "dotnet", "golang"].map((language, i) => target(`t${i}`, { language, podSelector: { matchLabels: { lang: language } } })))), expected: [] },
  {
    // a warning since the D1 table: the Go webhook uses an APM target's name in log lines only
    name: "duplicate APM target names",
    input: agent(apm(target("a", { podSelector: { matchLabels: { x: "1" } } }), target("a", { podSelector: { matchLabels: { x: "2" } } }))),
    expected: [["warning", [...T, 1, "name"], "duplicate name \"a\": also used by targets[0]"]]
  },
  {
    name: "a target after a catch-all is shadowed",
    input: agent(apm(target("all"), target("web", { podSelector: { matchLabels: { app: "web" } } }))),
    expected: [["warning", [...T, 1], "earlier target \"all\""]]
  },
  {
    name: "identical selectors shadow",
    input: agent(apm(
      target("a", { namespaceSelector: { matchNames: ["x", "y"] }, podSelector: { matchExpressions: [{ key: "k", operator: "In", values: ["b", "a"] }] } }),
      target("b", { namespaceSelector: { matchNames: ["x"] }, podSelector: { matchExpressions: [{ key: "k", operator: "In", values: ["a", "b"] }], matchLabels: { z: "1" } } })
    )),
    expected: [["warning", [...T, 1], "first match wins"]]
  },
  {
    name: "narrower earlier targets and disabled ones do not shadow",
    input: agent(apm(
      target("narrow", { podSelector: { matchLabels: { app: "web", tier: "1" } } }),
      target("off", { enabled: false }),
      target("web", { podSelector: { matchLabels: { app: "web" } } }),
      target("other-ns", { namespaceSelector: { matchNames: ["prod"] }, podSelector: { matchLabels: { app: "api" } } }),
      target("all-ns", { podSelector: { matchLabels: { app: "api" } } })
    )),
    expected: []
  },
  {
    name: "an unknown selector field is reported once, with the fields it could have been",
    input: monitor("WhatapPodMonitor", { selector: { matchLabel: { app: "x" } }, namespaceSelector: { any: true }, endpoints: [{ port: "m" }] }),
    expected: [
      ["warning", ["spec", "namespaceSelector", "any"], "expected one of matchNames, matchLabels, matchExpressions"],
      ["warning", ["spec", "selector", "matchLabel"], "expected one of matchLabels, matchExpressions"]
    ]
  },
  {
    name: "a pod label constraint does not shadow the same constraint on namespaces",
    input: agent(apm(
      target("pods", { podSelector: { matchLabels: { app: "web" } } }),
      target("namespaces", { namespaceSelector: { matchLabels: { app: "web" } } })
    )),
    expected: []
  },
  {
    name: "selector syntax is delegated to the selector engine",
    input: agent(apm(target("a", { podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] }, namespaceSelector: { matchLabels: { "bad key!": "x" } } }))),
    expected: [["error", [...T, 0, "namespaceSelector", "matchLabels", "bad key!"], ""], ["error", [...T, 0, "podSelector", "matchExpressions", 0, "operator"], "did you mean \"In\""]]
  },
  {
    name: "custom config mode without a ConfigMap",
    input: agent(apm(target("a", { config: { mode: "custom" } }))),
    expected: [["warning", [...T, 0, "config", "configMapRef"], "no effect"]]
  },
  {
    name: "configMapRef without custom mode",
    input: agent(apm(target("a", { config: { mode: "default", configMapRef: { name: "c" } } }))),
    expected: [["warning", [...T, 0, "config", "mode"], "ignored unless mode is custom"]]
  },
  {
    name: "bad APM image and version tag",
    input: agent(apm(target("a", { customImageFullName: "Bad Image", whatapApmVersions: { java: "2.2.58", python: "-x" } }))),
    expected: [
      ["error", [...T, 0, "customImageFullName"], "invalid image reference"],
      ["warning", [...T, 0, "whatapApmVersions", "python"], "invalid image tag \"-x\""]
    ]
  },
  {
    name: "only the target's own language's version makes its image, and only without a custom image; images the Go operator never uses are warnings",
    input: agent({
      ...k8s({ top: { apiserverMonitoring: { enabled: true, customImageFullName: "Bad Image" } } }),
      ...apm(
        target("a", { language: "python", podSelector: { matchLabels: { app: "a" } }, whatapApmVersions: { python: "-x", java: "-y" } }),
        target("b", { podSelector: { matchLabels: { app: "b" } }, customImageFullName: "reg.example/init:1", customImageName: "Bad Name", whatapApmVersions: { java: "-z" } })
      )
    }),
    expected: [
      ["warning", [...T, 0, "whatapApmVersions", "java"], "(only the version of \"python\" is read)"],
      ["error", [...T, 0, "whatapApmVersions", "python"], "invalid image tag \"-x\""],
      ["warning", [...T, 1, "customImageName"], "customImageName is ignored because customImageFullName is set"],
      ["warning", [...T, 1, "customImageName"], "(customImageFullName is used instead)"],
      ["warning", [...T, 1, "whatapApmVersions", "java"], "(a custom init image is used)"],
      ["warning", [...K, "apiserverMonitoring", "customImageFullName"], "(the field has no effect, as in the Go operator)"]
    ]
  },
  {
    name: "duplicate openAgent target names",
    input: agent(openAgent(podTarget(), podTarget())),
    expected: [["error", [...O, 1, "targetName"], "duplicate targetName \"pods\""]]
  },
  {
    name: "StaticEndpoints need host:port addresses",
    input: agent(openAgent({ targetName: "s", type: "StaticEndpoints", enabled: true, selector: {}, endpoints: [{ address: "db" }, { port: "9100" }] })),
    expected: [
      ["error", [...O, 0, "endpoints", 0, "address"], "has no port"],
      ["error", [...O, 0, "endpoints", 1, "address"], "need an address"],
      ["warning", [...O, 0, "endpoints", 1, "port"], "ignored for StaticEndpoints"],
      ["warning", [...O, 0, "selector"], "ignored for StaticEndpoints"]
    ]
  },
  {
    name: "StaticEndpoints without endpoints",
    input: agent(openAgent({ targetName: "s", type: "StaticEndpoints", enabled: true })),
    expected: [["warning", [...O, 0, "endpoints"], "without endpoints scrapes nothing"]]
  },
  {
    name: "PodMonitor targets need ports; without a selector, a warning (the Go operator writes what selector: {} gives)",
    input: agent(openAgent(podTarget({ selector: undefined, endpoints: [{ address: "a:1" }, { port: "0" }] }))),
    expected: [
      ["warning", [...O, 0, "endpoints", 0, "address"], "address is ignored"],
      ["error", [...O, 0, "endpoints", 0, "port"], "need a port"],
      ["error", [...O, 0, "endpoints", 1, "port"], "out of range"],
      ["warning", [...O, 0, "selector"], "without a selector selects as selector: {} does"]
    ]
  },
  {
    name: "endpoint scheme, path, TLS and auth conflicts",
    input: agent(openAgent(podTarget({
      endpoints: [{
        port: "web", scheme: "ftp", path: "metrics",
        tlsConfig: { caFile: "/ca", caSecret: { name: "s", key: "ca" }, certFile: "/c" },
        basicAuth: { username: { name: "u", key: "u" } },
        authorization: { credentials: "TOKEN-VALUE", credentialsFile: "/t" }
      }]
    }))),
    expected: [
      ["warning", [...O, 0, "endpoints", 0, "authorization"], "basicAuth and authorization are both set"],
      ["warning", [...O, 0, "endpoints", 0, "authorization"], "only the first of credentials, credentialsFile"],
      ["warning", [...O, 0, "endpoints", 0, "path"], "should start with"],
      ["error", [...O, 0, "endpoints", 0, "scheme"], "expected http or https"],
      ["warning", [...O, 0, "endpoints", 0, "tlsConfig", "caSecret"], "ignored because caFile"],
      ["error", [...O, 0, "endpoints", 0, "tlsConfig", "keyFile"], "both a certificate and a key"]
    ]
  },
  {
    name: "\"\" is unset wherever the Go operator falls back to a default (images, class names, intervals, scheme, APM version)",
    input: agent({
      ...k8s({
        top: { customImageFullName: "", customAgentImageFullName: "", agentImageName: "", agentImageVersion: "" },
        master: { priorityClassName: "", runtimeClassName: "", masterAgentContainer: { image: "" } },
        node: { priorityClassName: "", runtimeClassName: "" },
        gpu: { interval: "", customImageFullName: "", hostEngine: { enabled: true, customImageFullName: "" } }
      }),
      ...apm(target("web", { customImageFullName: "", customImageName: "", whatapApmVersions: { java: "" } })),
      openAgent: {
        enabled: true, imageName: "", imageVersion: "", customImageFullName: "", priorityClassName: "",
        targets: [{ targetName: "s", type: "StaticEndpoints", enabled: true, endpoints: [{ address: "10.0.0.1:9100", interval: "", scheme: "", path: "" }] }]
      }
    }),
    expected: []
  },
  {
    name: "errors in switched-off parts are warnings that say so; the same parts switched on are errors",
    input: agent({
      ...k8s({ master: { enabled: false, priorityClassName: "Bad_Name" }, gpu: { enabled: false, interval: "30 seconds" } }),
      apm: { instrumentation: { enabled: true, targets: [target("off", { enabled: false, language: "ruby" })] } },
      openAgent: { enabled: true, targets: [{ targetName: "t", type: "PodMonitor", enabled: false }] }
    }),
    expected: [
      ["warning", [...T, 0, "language"], "(not applied while the target's enabled is false; an error once enabled)"],
      ["warning", [...K, "gpuMonitoring", "interval"], "(not applied while gpuMonitoring.enabled is false"],
      ["warning", [...K, "masterAgent", "priorityClassName"], "(not applied while masterAgent.enabled is false"],
      ["warning", [...O, 0, "endpoints"], "without endpoints scrapes nothing"],
      ["warning", [...O, 0, "selector"], "without a selector"]
    ]
  },
  {
    name: "a disabled inline target's TLS Secrets are mounted all the same: their errors stay errors",
    input: agent({
      ...k8s({}),
      openAgent: {
        enabled: true,
        targets: [{
          targetName: "t", type: "StaticEndpoints", enabled: false,
          endpoints: [{ address: "db", tlsConfig: { caSecret: { name: "", key: "../ca.crt" } } }]
        }]
      }
    }),
    expected: [
      ["warning", [...O, 0, "endpoints", 0, "address"], "(not applied while the target's enabled is false"],
      ["error", [...O, 0, "endpoints", 0, "tlsConfig", "caSecret", "key"], "../ca.crt"],
      ["error", [...O, 0, "endpoints", 0, "tlsConfig", "caSecret", "name"], ""]
    ]
  },
  {
    name: "the same parts switched on",
    input: agent({
      ...k8s({ master: { priorityClassName: "Bad_Name" }, gpu: { interval: "30 seconds" } }),
      ...apm(target("on", { language: "ruby" })),
      openAgent: { enabled: true, targets: [{ targetName: "t", type: "PodMonitor", enabled: true }] }
    }),
    expected: [
      ["error", [...T, 0, "language"], "unknown language"],
      ["error", [...K, "gpuMonitoring", "interval"], "30 seconds"],
      ["error", [...K, "masterAgent", "priorityClassName"], "Bad_Name"],
      ["warning", [...O, 0, "endpoints"], "without endpoints scrapes nothing"],
      ["warning", [...O, 0, "selector"], "without a selector"]
    ]
  },
  {
    name: "a switched-off OpenAgent and instrumentation: their errors are warnings",
    input: agent({
      ...k8s({}),
      apm: { instrumentation: { enabled: false, targets: [target("x", { language: "ruby" })] } },
      openAgent: { enabled: false, targets: [{ targetName: "t", type: "StaticEndpoints", enabled: true, endpoints: [{ address: "db" }] }] }
    }),
    expected: [
      ["warning", [...T, 0, "language"], "(not applied while instrumentation.enabled is false"],
      ["warning", [...O, 0, "endpoints", 0, "address"], "(not applied while openAgent.enabled is false"]
    ]
  },
  {
    name: "a target named like the automatic GPU target",
    input: agent({ ...k8s({}), ...openAgent(podTarget({ targetName: "dcgm-exporter-auto" })) }),
    expected: [["warning", [...O, 0, "targetName"], "replaces the automatic GPU scrape target"]]
  },
  {
    name: "quantities and requests above limits",
    input: agent(k8s({ master: { resources: { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "500m", memory: "1024Mi" } } }, node: { resources: { limits: { cpu: "-1" }, requests: { "nvidia.com/gpu": "1x" } } } })),
    expected: [
      ["error", [...K, "masterAgent", "resources", "requests", "cpu"], "cpu request 2 is greater than its limit 500m"],
      ["error", [...K, "nodeAgent", "resources", "limits", "cpu"], "must not be negative"],
      ["error", [...K, "nodeAgent", "resources", "requests", "nvidia.com/gpu"], ""]
    ]
  },
  {
    name: "GPU ports, host engine address and conflicts",
    input: agent(k8s({ gpu: { remoteHostEngineInfo: "engine:5555", hostEngine: { enabled: true, port: 70000 }, service: { enabled: true, port: 70000, nodePort: 31000 } } })),
    expected: [
      ["error", [...G, "hostEngine", "port"], "out of range"],
      ["warning", [...G, "remoteHostEngineInfo"], "ignored because hostEngine.enabled"],
      ["warning", [...G, "service", "nodePort"], "ignored for a ClusterIP Service"],
      ["error", [...G, "service", "port"], "out of range"]
    ]
  },
  {
    name: "a host engine port or node port of 0 is the Go operator's default (5555, 30400): a warning, not an error",
    input: agent(k8s({ gpu: { hostEngine: { enabled: true, port: 0 }, service: { enabled: true, type: "NodePort", nodePort: 0 } } })),
    expected: [
      ["warning", [...G, "hostEngine", "port"], "port 0 means the default, 5555"],
      ["warning", [...G, "service", "nodePort"], "port 0 means the default, 30400"]
    ]
  },
  {
    name: "what the Go operator does not read in this configuration is a warning: GPU containers without the node agent, a switched-off host engine or Service, a custom config without mode custom",
    input: agent({
      ...k8s({
        node: { enabled: false },
        gpu: { customImageFullName: "Bad Image", hostEngine: { enabled: false, customImageFullName: "Also Bad" }, service: { enabled: false, port: 70000 } }
      }),
      ...apm(target("a", { config: { mode: "default", configMapRef: { name: "" }, volumeName: "Bad_Name" } }))
    }),
    expected: [
      ["warning", [...T, 0, "config", "configMapRef", "name"], "(not applied while config.mode is not custom"],
      ["warning", [...T, 0, "config", "mode"], "configMapRef is ignored unless mode is custom"],
      ["warning", [...T, 0, "config", "volumeName"], "(not applied while config.mode is not custom"],
      ["warning", [...G, "customImageFullName"], "(not applied while nodeAgent.enabled is false"],
      ["warning", [...G, "hostEngine", "customImageFullName"], "(not applied while nodeAgent.enabled is false"],
      ["warning", [...G, "service", "port"], "(not applied while nodeAgent.enabled is false"]
    ]
  },
  {
    name: "with the node agent on: a switched-off host engine's and Service's fields, and remoteHostEngineInfo next to a host engine, are warnings",
    input: agent(k8s({ gpu: { remoteHostEngineInfo: "tcp://engine", hostEngine: { enabled: true }, service: { enabled: false, port: 70000 } } })),
    expected: [
      ["warning", [...G, "remoteHostEngineInfo"], "(not applied while hostEngine.enabled is true"],
      ["warning", [...G, "remoteHostEngineInfo"], "ignored because hostEngine.enabled"],
      ["warning", [...G, "service", "port"], "(not applied while service.enabled is false"]
    ]
  },
  {
    name: "the same GPU parts read (node agent on, host engine and Service on): errors",
    input: agent(k8s({ gpu: { customImageFullName: "Bad Image", hostEngine: { enabled: true, customImageFullName: "Also Bad" }, service: { enabled: true, port: 70000 } } })),
    expected: [
      ["error", [...G, "customImageFullName"], "Bad Image"],
      ["error", [...G, "hostEngine", "customImageFullName"], "Also Bad"],
      ["error", [...G, "service", "port"], "out of range"]
    ]
  },
  {
    name: "a Service port of 0 is the Go operator's 9400; a language without its own init image is a warning with a custom one",
    input: agent({
      ...k8s({ gpu: { service: { enabled: true, port: 0 } } }),
      ...apm(target("a", { language: "ruby", customImageFullName: "registry.example/init:1" }))
    }),
    expected: [
      ["warning", [...T, 0, "language"], "the custom init image is used"],
      ["warning", [...G, "service", "port"], "port 0 means the default, 9400"]
    ]
  },
  {
    name: "annotation keys are checked lower-cased, as the API server checks them; label keys are not",
    input: agent(k8s({ master: { podAnnotations: { "Example.COM/Foo": "x" }, podLabels: { "Example.COM/Foo": "x" } } })),
    expected: [["error", [...K, "masterAgent", "podLabels", "Example.COM/Foo"], "invalid key"]]
  },
  {
    name: "a ServiceMonitor's named port is a Service port (a DNS label, up to 63 characters); a PodMonitor's a container port (15)",
    input: agent(openAgent(
      podTarget({ targetName: "svc", type: "ServiceMonitor", endpoints: [{ port: "tcp-prometheus-servicemonitor" }, { port: "Bad_Port" }] }),
      podTarget({ targetName: "pod", endpoints: [{ port: "tcp-prometheus-servicemonitor" }] })
    )),
    expected: [
      ["error", [...O, 0, "endpoints", 1, "port"], "Service port name \"Bad_Port\""],
      ["error", [...O, 1, "endpoints", 0, "port"], "no more than 15 characters"]
    ]
  },
  {
    name: "the collector address is a warning where no agent reads it (an APM-only CR), an error where one does",
    input: agent(apm(target("a")), "whatap", { port: "http", host: "bad host!" }),
    expected: [
      ["warning", ["spec", "host"], "(not applied while no agent reads it"],
      ["warning", ["spec", "port"], "(not applied while no agent reads it"]
    ]
  },
  {
    name: "the collector address with an agent on",
    input: agent({ ...apm(target("a")), ...k8s({}) }, "whatap", { port: "http" }),
    expected: [["error", ["spec", "port"], ""]]
  },
  {
    name: "a host engine on a port the node-agent pod already listens on",
    input: agent(k8s({ gpu: { hostEngine: { enabled: true, port: 9400 } } })),
    expected: [["error", [...G, "hostEngine", "port"], "dcgm-exporter's in the same pod"]]
  },
  {
    name: "a disabled host engine's port is not checked against the pod's",
    input: agent(k8s({ gpu: { hostEngine: { enabled: false, port: 6600 } } })),
    expected: []
  },
  {
    name: "remote host engine must be host:port; nodePort outside the default range",
    input: agent(k8s({ gpu: { remoteHostEngineInfo: "tcp://engine", service: { type: "NodePort", nodePort: 8080 } } })),
    expected: [["error", [...G, "remoteHostEngineInfo"], "URL scheme"], ["warning", [...G, "service", "nodePort"], "30000-32767"]]
  },
  {
    name: "group label, allowlist regex, interval and relabel configs",
    input: agent(k8s({ gpu: { groupLabel: "bad key/x/y", groupLabelAllowlistRegex: "(?=x)", interval: "30 seconds", metricRelabelConfigs: [{ action: "Keep", regex: "[" }, { action: "hashmod" }, { action: "explode" }] } })),
    expected: [
      ["warning", [...G, "groupLabel"], "so no pod label matches it"],
      ["error", [...G, "groupLabelAllowlistRegex"], "lookahead"],
      ["error", [...G, "interval"], "invalid duration"],
      ["error", [...G, "metricRelabelConfigs", 0, "regex"], "invalid regex"],
      ["error", [...G, "metricRelabelConfigs", 1, "modulus"], "modulus"],
      ["error", [...G, "metricRelabelConfigs", 1, "target_label"], "requires target_label"],
      ["error", [...G, "metricRelabelConfigs", 2, "action"], "unknown relabel action \"explode\""]
    ]
  },
  {
    name: "image fields, name/version parts and the deprecated image",
    input: agent(k8s({ top: { agentImageName: "Whatap/Kube", agentImageVersion: "v 1", customAgentImageFullName: "x:1" }, master: { masterAgentContainer: { image: "a//b" } } })),
    expected: [
      ["error", [...K, "agentImageName"], "lowercase"],
      ["error", [...K, "agentImageVersion"], "invalid image tag"],
      ["warning", [...K, "customAgentImageFullName"], "deprecated"],
      ["error", [...K, "masterAgent", "masterAgentContainer", "image"], "invalid image reference"]
    ]
  },
  {
    name: "image name/version next to customImageFullName",
    input: agent({ ...k8s({ top: { customImageFullName: "r.io/kube:1", agentImageVersion: "2" } }), openAgent: { enabled: true, customImageFullName: "r.io/open:1", imageName: "r.io/open" } }),
    expected: [
      ["warning", [...K, "agentImageVersion"], "ignored because customImageFullName is set"],
      ["warning", ["spec", "features", "openAgent", "imageName"], "ignored because customImageFullName is set"]
    ]
  },
  {
    name: "label maps, annotation keys and duplicate envs",
    input: agent(k8s({ master: { podLabels: { "a/b/c": "x", ok: "bad value!" }, annotations: { "-x": "anything goes" }, envs: [{ name: "A", value: "1" }, { name: "A", value: "2" }] } })),
    expected: [
      ["error", [...K, "masterAgent", "annotations", "-x"], "invalid key"],
      ["warning", [...K, "masterAgent", "envs", 1, "name"], "duplicate env \"A\""],
      ["error", [...K, "masterAgent", "podLabels", "a/b/c"], "invalid key"],
      ["error", [...K, "masterAgent", "podLabels", "ok"], "invalid value"]
    ]
  },
  {
    name: "agent resources completed with the defaults: a request above a default limit, a limit below a default request",
    input: agent(k8s({ master: { resources: { requests: { cpu: "500m" } } }, node: { resources: { limits: { memory: "200Mi" } } } })),
    expected: [
      ["error", [...K, "masterAgent", "resources", "requests", "cpu"], "greater than the default limit 200m"],
      ["error", [...K, "nodeAgent", "resources", "limits", "memory"], "below the default request 300Mi"]
    ]
  },
  {
    name: "agent resources: the container's own with limits replace the component's, defaults and all",
    input: agent(k8s({ master: { resources: { requests: { cpu: "500m" } }, masterAgentContainer: { resources: { limits: { cpu: "1" } } } } })),
    expected: []
  },
  {
    name: "container resource names, extended resources in whole units and without overcommit",
    input: agent(k8s({
      master: { resources: { requests: { gpu: "1", "nvidia.com/gpu": "0.5", "example.com/dongle": "1", "hugepages-2Mi": "2Mi" }, limits: { "example.com/dongle": "2", "hugepages-2Mi": "4Mi", "nvidia.com/gpu": "1" } } },
      node: { resources: { requests: { "kubernetes.io/foo": "1", "vendor.io/fpga": "1" } } }
    })),
    expected: [
      ["error", [...K, "masterAgent", "resources", "requests", "example.com/dongle"], "must equal its limit 2"],
      ["error", [...K, "masterAgent", "resources", "requests", "gpu"], "neither a container resource"],
      ["error", [...K, "masterAgent", "resources", "requests", "hugepages-2Mi"], "must equal its limit 4Mi"],
      ["error", [...K, "masterAgent", "resources", "requests", "nvidia.com/gpu"], "whole units: 0.5 is not"],
      ["error", [...K, "masterAgent", "resources", "requests", "nvidia.com/gpu"], "must equal its limit 1"],
      ["error", [...K, "nodeAgent", "resources", "limits", "vendor.io/fpga"], "needs a limit equal to its request 1"],
      ["error", [...K, "nodeAgent", "resources", "requests", "kubernetes.io/foo"], "neither a container resource"]
    ]
  },
  {
    name: "the OpenAgent's priorityClassName",
    input: agent({ openAgent: { enabled: true, priorityClassName: "Not A Name", targets: [] } }),
    expected: [["error", ["spec", "features", "openAgent", "priorityClassName"], "invalid name \"Not A Name\""]]
  },
  {
    name: "class names, a runtime socket path with .., pod annotations over 256 KiB",
    input: agent(k8s({
      master: { priorityClassName: "High_Priority", podAnnotations: { big: "x".repeat(256 * 1024) } },
      node: { runtimeClassName: "gVisor", runtimeSocketPath: "/run/../etc/containerd.sock" }
    })),
    expected: [
      ["error", [...K, "masterAgent", "podAnnotations"], "the API server allows 262144 in all"],
      ["error", [...K, "masterAgent", "priorityClassName"], "invalid name \"High_Priority\""],
      ["error", [...K, "nodeAgent", "runtimeClassName"], "invalid name \"gVisor\""],
      ["error", [...K, "nodeAgent", "runtimeSocketPath"], "\"..\" element"]
    ]
  },
  {
    name: "env entries as the API server checks them in a pod",
    input: agent(k8s({
      master: {
        envs: [
          { name: "", value: "x" }, { name: "A=B", value: "x" }, { name: "1BAD", value: "x" },
          { name: "BOTH", value: "x", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }, { name: "NONE", valueFrom: {} },
          { name: "TWO", valueFrom: { secretKeyRef: { name: "s", key: "k" }, configMapKeyRef: { name: "c", key: "k" } } },
          { name: "REF", valueFrom: { secretKeyRef: { name: "Bad_Name", key: "../x" } } }, { name: "EMPTY", value: "", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "FIELD", valueFrom: { fieldRef: { fieldPath: "spec.bogus" } } }, { name: "LABEL", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: "RES", valueFrom: { resourceFieldRef: { resource: "limits.gpu" } } }, { name: "MEM", valueFrom: { resourceFieldRef: { resource: "requests.memory" } } }
        ]
      }
    })),
    expected: [
      ["error", [...K, "masterAgent", "envs", 0, "name"], "must not be empty"],
      ["error", [...K, "masterAgent", "envs", 1, "name"], "other than \"=\""],
      ["warning", [...K, "masterAgent", "envs", 2, "name"], "older than Kubernetes 1.34"],
      ["error", [...K, "masterAgent", "envs", 3, "valueFrom"], "value and valueFrom exclude each other"],
      ["error", [...K, "masterAgent", "envs", 4, "valueFrom"], "(here: none)"],
      ["error", [...K, "masterAgent", "envs", 5, "valueFrom"], "(here: configMapKeyRef, secretKeyRef)"],
      ["error", [...K, "masterAgent", "envs", 6, "valueFrom", "secretKeyRef", "key"], "invalid key \"../x\""],
      ["error", [...K, "masterAgent", "envs", 6, "valueFrom", "secretKeyRef", "name"], "invalid name \"Bad_Name\""],
      ["error", [...K, "masterAgent", "envs", 8, "valueFrom", "fieldRef", "fieldPath"], "\"spec.bogus\" is not a pod field"],
      ["error", [...K, "masterAgent", "envs", 10, "valueFrom", "resourceFieldRef", "resource"], "\"limits.gpu\" is not a container resource"]
    ]
  },
  {
    name: "APM custom config: names and the path the webhook copies into pods",
    input: agent(apm(target("a", { config: { mode: "custom", configMapRef: { name: "" }, volumeName: "Bad_Name", mountPath: "conf dir; rm -rf /", pluginConfigMapRef: { name: "UPPER" } } }))),
    expected: [
      ["error", [...T, 0, "config", "configMapRef", "name"], "a ConfigMap name is required"],
      ["error", [...T, 0, "config", "mountPath"], "must be an absolute path"],
      ["error", [...T, 0, "config", "pluginConfigMapRef", "name"], "invalid ConfigMap name \"UPPER\""],
      ["error", [...T, 0, "config", "volumeName"], "invalid volume name \"Bad_Name\""]
    ]
  },
  {
    name: "StaticEndpoint: TLS secret references and a params key YAML reads as a merge",
    input: monitor("WhatapStaticEndpoint", {
      endpoints: [{ address: "10.0.0.1:9100", params: { "<<": ["x"], ok: ["y"] }, tlsConfig: { caSecret: { name: "", key: "ca.crt" }, certSecret: { name: "c", key: "/abs" }, keySecret: { name: "c", key: "tls.key" } } }]
    }),
    expected: [
      ["error", ["spec", "endpoints", 0, "params", "<<"], "YAML merge key"],
      ["error", ["spec", "endpoints", 0, "tlsConfig", "caSecret", "name"], "needs a name"],
      ["warning", ["spec", "endpoints", 0, "tlsConfig", "certSecret"], "/etc/ssl/certs/c//abs exists only when"],
      ["error", ["spec", "endpoints", 0, "tlsConfig", "certSecret", "key"], "invalid key \"/abs\""],
      ["warning", ["spec", "endpoints", 0, "tlsConfig", "keySecret"], "does not mount the Secrets of a WhatapStaticEndpoint"]
    ]
  },
  {
    name: "StaticEndpoint: a TLS Secret the OpenAgent does not mount (a file set instead is a conflict only)",
    input: monitor("WhatapStaticEndpoint", {
      endpoints: [{ address: "db:9100", scheme: "https", tlsConfig: { caSecret: { name: "ca", key: "ca.crt" } } }, { address: "db:9101", tlsConfig: { caFile: "/etc/ca.pem", caSecret: { name: "ca", key: "ca.crt" } } }]
    }),
    expected: [
      ["warning", ["spec", "endpoints", 0, "tlsConfig", "caSecret"], "/etc/ssl/certs/ca/ca.crt exists only when an inline target"],
      ["warning", ["spec", "endpoints", 1, "tlsConfig", "caSecret"], "caSecret is ignored because caFile is set"]
    ]
  },
  {
    name: "PodMonitor in the operator's namespace: its TLS Secrets are mounted from there, no warning",
    input: { ...monitor("WhatapPodMonitor", { selector: {}, endpoints: [{ port: "metrics", tlsConfig: { caSecret: { name: "ca", key: "ca.crt" } } }] }), metadata: { name: "m", namespace: "whatap-monitoring" } },
    expected: []
  },
  {
    name: "PodMonitor elsewhere: a TLS Secret is read from the operator's namespace, not the monitor's, nor the one it names",
    input: monitor("WhatapPodMonitor", { selector: {}, endpoints: [{ port: "metrics", tlsConfig: { caSecret: { name: "ca", key: "ca.crt" }, certSecret: { name: "c", key: "tls.crt", namespace: "shop" }, keySecret: { name: "c", key: "tls.key", namespace: "whatap-monitoring" } } }] }),
    expected: [
      ["warning", ["spec", "endpoints", 0, "tlsConfig", "caSecret"], "not from this monitor's namespace \"default\""],
      ["warning", ["spec", "endpoints", 0, "tlsConfig", "certSecret", "namespace"], "namespace \"shop\" is not read: the OpenAgent mounts Secret \"c\" from the operator's namespace"]
    ]
  },
  {
    name: "PodMonitor: selector syntax, endpoint ports, job label",
    input: monitor("WhatapPodMonitor", { selector: { matchLabels: { app: "x" }, matchExpressions: [{ key: "k", operator: "Exists", values: ["v"] }] }, endpoints: [{ port: "99999" }], jobLabel: "bad label!" }),
    expected: [
      ["error", ["spec", "endpoints", 0, "port"], "out of range"],
      ["warning", ["spec", "jobLabel"], "so no label matches it"],
      ["error", ["spec", "selector", "matchExpressions", 0, "values"], ""]
    ]
  },
  {
    name: "ServiceMonitor with no endpoints",
    input: monitor("WhatapServiceMonitor", { selector: {}, endpoints: [] }),
    expected: [["warning", ["spec", "endpoints"], "nothing is scraped"]]
  },
  {
    name: "k8sAgent.namespace: the dcgm Service and GPU target go there, the agents do not",
    input: agent(k8s({ top: { namespace: "gpu-mon" } })),
    expected: [["warning", [...K, "namespace"], "unless that is \"gpu-mon\", the Service selects no pod and no GPU metrics are scraped"]]
  },
  {
    name: "k8sAgent.namespace: the operator's default namespace, or GPU monitoring off, is no warning",
    input: agent({ ...k8s({ top: { namespace: "whatap-monitoring" } }), openAgent: { enabled: true } }),
    expected: []
  },
  {
    name: "k8sAgent.namespace the API server refuses: an error where the Service is created there",
    input: agent(k8s({ top: { namespace: "Bad_NS" } })),
    expected: [["error", [...K, "namespace"], "invalid namespace \"Bad_NS\": a lowercase RFC 1123 label"]]
  },
  {
    name: "k8sAgent.namespace the API server refuses: a warning with GPU monitoring off",
    input: agent(k8s({ top: { namespace: "Bad_NS" }, gpu: { enabled: false } })),
    expected: [["warning", [...K, "namespace"], "no object is created there in this configuration"]]
  },
  {
    name: "StaticEndpoint addresses",
    input: monitor("WhatapStaticEndpoint", { endpoints: [{ address: "10.0.0.1:9100" }, { address: "10.0.0.1" }], relabelConfigs: [{ action: "replace", target_label: "x", regex: "(a" }] }),
    expected: [
      ["error", ["spec", "endpoints", 1, "address"], "has no port"],
      ["error", ["spec", "relabelConfigs", 0, "regex"], "invalid regex \"(a\": missing closing ): `(a`"]
    ]
  }
]

const show = (findings: ReadonlyArray<Finding.Finding>): string =>
  findings.map((f) => `${f.severity} ${Finding.formatPath(f.path)}: ${f.message}`).join("\n")

describe("Validate.resource", () => {
  for (const c of cases) {
    it(c.name, () => {
      const findings = Validate.resource(c.input)
      assert.strictEqual(findings.length, c.expected.length, show(findings))
      c.expected.forEach(([severity, path, fragment], i) => {
        const f = findings[i]
        assert.isDefined(f, show(findings))
        assert.strictEqual(f?.severity, severity, show(findings))
        assert.deepStrictEqual(f?.path, path, show(findings))
        assert.include(f?.message ?? "", fragment, show(findings))
      })
    })
  }
})

describe("shadowing on a huge target list", () => {
  it("stops after its comparison budget with a warning instead of running for minutes", () => {
    const targets = Array.from({ length: 2100 }, (_, i) => target(`t${i}`, { podSelector: { matchLabels: { app: `a${i}` } } }))
    const issues = Validate.resource(agent(apm(...targets, target("late-catch-all"), target("shadowed"))))
    assert.deepStrictEqual(issues.map((f) => [f.severity, Finding.formatPath(f.path)]), [["warning", `${Finding.formatPath(T)}[2000]`]])
    assert.include(issues[0]?.message ?? "", "too many targets: shadowing is not checked from targets[2000] on")
  })
})

describe("finding order", () => {
  it("indices sort numerically and keys as keys, whatever their JSON-path spelling", () => {
    const targets = Array.from({ length: 11 }, (_, i) => target(`t${i}`, { language: "ruby", podSelector: { matchLabels: { n: `${i}` } } }))
    const paths = Validate.resource(agent(apm(...targets))).map((f) => f.path[5])
    assert.deepStrictEqual(paths, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  })
})

describe("message length", () => {
  it("a huge invalid value is not echoed in full", () => {
    const key = `${"a".repeat(100_000)}!`
    const findings = Validate.resource({ ...agent({}), metadata: { name: "whatap", labels: { [key]: "x" } } })
    assert.isAbove(findings.length, 0)
    for (const f of findings) assert.isAtMost(f.message.length, 1000)
    assert.include(findings[0]?.message ?? "", "invalid key \"aaaa")
  })
})
