/**
 * Rules that keep what the operator renders acceptable to the API server (1.36), each
 * found by applying the rendered objects of a CR the validator accepted: affinity terms
 * (node values, namespaces, match/mismatch label keys), env key references and
 * resource divisors, Windows and proc-mount options, resource claims, network sysctls in
 * the host network, hugepages, annotation sizes and the OpenAgent's node name. Each case breaks one
 * rule, and the valid neighbour of each passes.
 */
import { assert, describe, it } from "@effect/vitest"
import { Finding, Validate } from "../src/index.ts"

type Json = Record<string, unknown>

const agent = (master: Json, node: Json = {}, openAgent?: Json): Json => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name: "whatap" },
  spec: {
    features: {
      k8sAgent: { masterAgent: { enabled: true, ...master }, nodeAgent: { enabled: true, ...node }, gpuMonitoring: { enabled: false } },
      ...(openAgent === undefined ? {} : { openAgent: { enabled: true, ...openAgent } })
    }
  }
})

const M = ["spec", "features", "k8sAgent", "masterAgent"]
const N = ["spec", "features", "k8sAgent", "nodeAgent"]

const errors = (input: Json): ReadonlyArray<readonly [string, string]> =>
  Validate.resource(input).filter((f) => f.severity === "error").map((f) => [Finding.formatPath(f.path), f.message] as const)

const refuses = (input: Json, path: ReadonlyArray<string | number>, fragment: string) => {
  const found = errors(input)
  const at = found.filter(([p]) => p === Finding.formatPath(path))
  assert.strictEqual(at.length, 1, JSON.stringify(found))
  assert.include(at[0]?.[1] ?? "", fragment)
}

const accepts = (input: Json) => assert.deepStrictEqual(errors(input), [])

const required = (term: Json): Json => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", ...term }] } })
const R = [...M, "affinity", "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution", 0]

describe("affinity as the API server checks it", () => {
  it("matchLabelKeys and mismatchLabelKeys: only with a labelSelector, never the same key in both", () => {
    refuses(agent({ affinity: required({ matchLabelKeys: ["x"] }) }), [...R, "matchLabelKeys"], "must not be specified when labelSelector is not set")
    refuses(agent({ affinity: required({ labelSelector: { matchLabels: { a: "b" } }, matchLabelKeys: ["y"], mismatchLabelKeys: ["y"] }) }), [...R, "matchLabelKeys", 0], "exists in both")
    refuses(agent({ affinity: required({ labelSelector: {}, mismatchLabelKeys: ["bad key!"] }) }), [...R, "mismatchLabelKeys", 0], "invalid key")
    accepts(agent({ affinity: required({ labelSelector: { matchLabels: { a: "b" } }, matchLabelKeys: ["pod-template-hash"], mismatchLabelKeys: ["tenant"] }) }))
  })

  it("a term's namespaces are namespace names", () => {
    refuses(agent({ affinity: required({ labelSelector: {}, namespaces: ["Bad_NS"] }) }), [...R, "namespaces", 0], "invalid namespace \"Bad_NS\"")
    accepts(agent({ affinity: required({ labelSelector: {}, namespaces: ["shop"] }) }))
  })

  it("In and NotIn node values are label values", () => {
    const terms = (values: ReadonlyArray<string>) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "a", operator: "NotIn", values }] }] } } })
    refuses(agent({ affinity: terms(["ok", "bad value!"]) }), [...M, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0, "matchExpressions", 0, "values", 1], "invalid value \"bad value!\"")
    accepts(agent({ affinity: terms(["ok", "also_ok.1"]) }))
  })
})

describe("env references", () => {
  const env = (valueFrom: Json) => ({ envs: [{ name: "E", valueFrom }] })
  const E = [...M, "envs", 0, "valueFrom"]

  it("a key never starts with ..", () => {
    refuses(agent(env({ secretKeyRef: { name: "s", key: "..data" } })), [...E, "secretKeyRef", "key"], "not \".\" nor starting with \"..\"")
    accepts(agent(env({ secretKeyRef: { name: "s", key: ".dotfile" } })))
  })

  it("a resourceFieldRef divisor is one the API server takes for the resource, compared by value", () => {
    refuses(agent(env({ resourceFieldRef: { resource: "limits.memory", divisor: "3Mi" } })), [...E, "resourceFieldRef", "divisor"], "not one the API server takes for limits.memory")
    refuses(agent(env({ resourceFieldRef: { resource: "requests.cpu", divisor: "2m" } })), [...E, "resourceFieldRef", "divisor"], "1m, 1")
    accepts(agent(env({ resourceFieldRef: { resource: "requests.cpu", divisor: "1000m" } })))
    accepts(agent(env({ resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } })))
  })
})

describe("security contexts the agents' pods cannot have", () => {
  it("Windows HostProcess, a bad gMSA name or a long user name; the Unmasked proc mount", () => {
    refuses(agent({ podSecurityContext: { windowsOptions: { hostProcess: true } } }), [...M, "podSecurityContext", "windowsOptions", "hostProcess"], "Linux containers")
    refuses(agent({ podSecurityContext: { windowsOptions: { gmsaCredentialSpecName: "Bad_Name" } } }), [...M, "podSecurityContext", "windowsOptions", "gmsaCredentialSpecName"], "RFC 1123 subdomain")
    const userName = (runAsUserName: string) => agent({ masterAgentContainer: { securityContext: { windowsOptions: { runAsUserName } } } })
    const U = [...M, "masterAgentContainer", "securityContext", "windowsOptions", "runAsUserName"]
    refuses(userName("u".repeat(105)), U, "User length must not be longer than 104 characters")
    refuses(userName("a\\b\\c"), U, "cannot contain more than one backslash")
    refuses(userName("dom\\"), U, "User cannot be empty")
    refuses(userName("\\user"), U, "Domain doesn't match the NetBios nor the DNS format")
    refuses(userName("a@b"), U, "User cannot contain the following characters")
    refuses(userName("..."), U, "User cannot contain only periods or spaces")
    refuses(userName("a\u0007b"), U, "cannot contain control characters")
    accepts(userName("CONTOSO\\svc-agent"))
    accepts(userName("example.com\\svc"))
    refuses(agent({ podSecurityContext: { windowsOptions: { gmsaCredentialSpec: "x".repeat(65_537) } } }), [...M, "podSecurityContext", "windowsOptions", "gmsaCredentialSpec"], "must be under 64 KiB")
    refuses(agent({ masterAgentContainer: { securityContext: { procMount: "Unmasked" } } }), [...M, "masterAgentContainer", "securityContext", "procMount"], "'hostUsers' must be false")
    accepts(agent({ podSecurityContext: { windowsOptions: { hostProcess: false, gmsaCredentialSpecName: "gmsa" } }, masterAgentContainer: { securityContext: { procMount: "Default" } } }))
  })

  it("seLinuxChangePolicy MountOption: a warning, as it depends on the cluster's feature gates", () => {
    const findings = Validate.resource(agent({ podSecurityContext: { seLinuxChangePolicy: "MountOption" } }))
    assert.deepStrictEqual(findings.map((f) => [f.severity, Finding.formatPath(f.path)]), [["warning", Finding.formatPath([...M, "podSecurityContext", "seLinuxChangePolicy"])]])
    assert.include(findings[0]?.message ?? "", "SELinuxChangePolicy feature gate")
  })

  it("network sysctls in the node agent, while it runs in the host network", () => {
    const sysctls = [{ name: "kernel.shm_rmid_forced", value: "1" }, { name: "net/ipv4/tcp_syncookies", value: "1" }]
    refuses(agent({}, { podSecurityContext: { sysctls } }), [...N, "podSecurityContext", "sysctls", 1, "name"], "may not be specified when 'hostNetwork' is true")
    accepts(agent({}, { hostNetwork: false, podSecurityContext: { sysctls } }))
    accepts(agent({ podSecurityContext: { sysctls } }))
  })
})

describe("other fields of the pod templates", () => {
  it("resource claims, which the agents' pods have none of; an injected init container may name its pod's", () => {
    refuses(agent({ resources: { claims: [{ name: "gpu" }] } }), [...M, "resources", "claims"], "resourceClaims")
    accepts({
      apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" },
      spec: { features: { apm: { instrumentation: { enabled: true, initContainerResources: { claims: [{ name: "gpu" }] }, targets: [] } } } }
    })
  })

  it("hugepages only next to cpu or memory, in whole pages (an injected init container's too)", () => {
    const init = (limits: Json): Json => ({
      apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" },
      spec: { features: { apm: { instrumentation: { enabled: true, initContainerResources: { limits }, targets: [] } } } }
    })
    const L = ["spec", "features", "apm", "instrumentation", "initContainerResources", "limits"]
    refuses(init({ "hugepages-2Mi": "100Mi" }), L, "hugepages require cpu or memory")
    refuses(init({ "hugepages-2Mi": "3Mi", memory: "64Mi" }), [...L, "hugepages-2Mi"], "3Mi is not a whole number of 2Mi pages")
    refuses(agent({ resources: { limits: { "hugepages-1Gi": "1536Mi", cpu: "1" } } }), [...M, "resources", "limits", "hugepages-1Gi"], "not a whole number of 1Gi pages")
    accepts(init({ "hugepages-2Mi": "4Mi", memory: "64Mi" }))
    accepts(agent({ resources: { limits: { "hugepages-1Gi": "2Gi", cpu: "1" } } }))
  })

  it("workload annotations over 256 KiB in all; the OpenAgent's node name", () => {
    const big = { a: "x".repeat(200_000), b: "y".repeat(70_000) }
    refuses(agent({ annotations: big }), [...M, "annotations"], "the API server allows 262144")
    refuses(agent({}, {}, { annotations: big }), ["spec", "features", "openAgent", "annotations"], "the API server allows 262144")
    refuses(agent({}, {}, { nodeName: "Bad_Node" }), ["spec", "features", "openAgent", "nodeName"], "invalid node name")
    accepts(agent({ annotations: { a: "x".repeat(1000) } }, {}, { nodeName: "node-1.example" }))
  })
})
