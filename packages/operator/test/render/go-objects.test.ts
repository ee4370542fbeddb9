/**
 * Fields where the render once differed from the objects the Go operator (a7e2ace)
 * writes, each pinned with the Go value (recorded by running its install functions on a
 * fake client): labels the CR may override, empty fields Go serialises (an empty
 * affinity or container securityContext included), the dcgm Service
 * port fallback, node-affinity terms without expressions, and resource quantities in
 * apimachinery's canonical text.
 */
import { assert, describe, it } from "@effect/vitest"
import { Quantity } from "@whatap-operator/core"
import { Render } from "../../src/index.ts"
import * as NodeTopology from "../../src/render/NodeTopology.ts"
import { agent, find, input } from "./support.ts"

type Json = { readonly [key: string]: any }

const render = (features: unknown) => Render.render(input(agent({ features })))
const podSpec = (d: Render.Desired): Json => (d.object as Json)["spec"]["template"]["spec"]
const container = (d: Render.Desired, name: string): Json => {
  const found = podSpec(d)["containers"].find((c: Json) => c["name"] === name)
  assert.isDefined(found, `container ${name}`)
  return found
}
const k8s = (extra: Json) => ({ masterAgent: { enabled: false }, nodeAgent: { enabled: true }, gpuMonitoring: { enabled: false }, ...extra })

describe("objects as the Go operator writes them", () => {
  it("openAgent.labels may replace the Deployment's own `app` label; the pods keep the selector", () => {
    const d = find(render({ openAgent: { enabled: true, labels: { app: "mine", x: "y" }, podLabels: { app: "other" } } }), "Deployment", "whatap-open-agent")
    assert.deepStrictEqual(d.object.metadata.labels, { app: "mine", x: "y" })
    assert.deepStrictEqual((d.object as Json)["spec"]["template"]["metadata"]["labels"], { app: "whatap-open-agent" })
  })

  it("WHATAP_MEM_LIMIT carries divisor \"0\" (the zero Quantity Go serialises)", () => {
    const desired = render({ k8sAgent: k8s({ masterAgent: { enabled: true } }) })
    for (const [kind, name, c] of [["Deployment", "whatap-master-agent", "whatap-master-agent"], ["DaemonSet", "whatap-node-agent", "whatap-node-agent"]] as const) {
      const env = container(find(desired, kind, name), c)["env"].find((e: Json) => e["name"] === "WHATAP_MEM_LIMIT")
      assert.deepStrictEqual(env, { name: "WHATAP_MEM_LIMIT", valueFrom: { resourceFieldRef: { containerName: c, resource: "limits.memory", divisor: "0" } } })
    }
  })

  it("a CR's affinity is written as Go's typed Affinity marshals it: empty lists and matchLabels dropped, empty structs kept", () => {
    const cr = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [],
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [] }, { matchExpressions: [{ key: "k", operator: "Exists", values: [] }] }] }
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: "zone", labelSelector: { matchLabels: {}, matchExpressions: [] }, namespaces: [] } }],
        requiredDuringSchedulingIgnoredDuringExecution: []
      },
      podAffinity: {}
    }
    // as encoding/json writes the typed corev1.Affinity (the recorded corpus of test/objects/go-recorded.test.ts holds such CRs)
    const go = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}, { matchExpressions: [{ key: "k", operator: "Exists" }] }] } },
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { topologyKey: "zone", labelSelector: {} } }] },
      podAffinity: {}
    }
    const desired = render({ k8sAgent: k8s({ masterAgent: { enabled: true, affinity: cr }, nodeAgent: { enabled: true, affinity: cr } }), openAgent: { enabled: true, affinity: cr } })
    for (const [kind, name] of [["Deployment", "whatap-master-agent"], ["DaemonSet", "whatap-node-agent"], ["Deployment", "whatap-open-agent"]] as const) {
      assert.deepStrictEqual(podSpec(find(desired, kind, name))["affinity"], go, name)
    }
    // an empty required NodeSelector keeps its (empty) terms: nodeSelectorTerms has no omitempty
    const empty = render({ k8sAgent: k8s({ nodeAgent: { enabled: true, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } } }) })
    assert.deepStrictEqual(podSpec(find(empty, "DaemonSet", "whatap-node-agent"))["affinity"], { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } })
  })

  it("containers without resources carry `resources: {}`", () => {
    const desired = render({ openAgent: { enabled: true }, k8sAgent: k8s({ gpuMonitoring: { enabled: true, hostEngine: { enabled: true } } }) })
    assert.deepStrictEqual(container(find(desired, "Deployment", "whatap-open-agent"), "whatap-open-agent")["resources"], {})
    const ds = find(desired, "DaemonSet", "whatap-node-agent")
    assert.deepStrictEqual(container(ds, "dcgm-exporter")["resources"], {})
    assert.deepStrictEqual(container(ds, "dcgm-hostengine")["resources"], {})
    const limitsOnly = render({ k8sAgent: k8s({ nodeAgent: { enabled: true, nodeAgentContainer: { resources: { limits: {} } } } }) })
    assert.deepStrictEqual(container(find(limitsOnly, "DaemonSet", "whatap-node-agent"), "whatap-node-agent")["resources"], {})
  })

  it("an empty affinity and an empty container securityContext are written as {} (Go pointers, non-nil)", () => {
    const desired = render({
      k8sAgent: k8s({ masterAgent: { enabled: true, affinity: {}, masterAgentContainer: { securityContext: {} } }, nodeAgent: { enabled: true, affinity: {}, nodeAgentContainer: { securityContext: {} } } }),
      openAgent: { enabled: true, affinity: {} }
    })
    for (const [kind, name] of [["Deployment", "whatap-master-agent"], ["DaemonSet", "whatap-node-agent"], ["Deployment", "whatap-open-agent"]] as const) {
      assert.deepStrictEqual(podSpec(find(desired, kind, name))["affinity"], {}, name)
    }
    assert.deepStrictEqual(container(find(desired, "Deployment", "whatap-master-agent"), "whatap-master-agent")["securityContext"], {})
    assert.deepStrictEqual(container(find(desired, "DaemonSet", "whatap-node-agent"), "whatap-node-agent")["securityContext"], {})
    // absent stays absent
    const plain = render({ k8sAgent: k8s({ masterAgent: { enabled: true } }) })
    assert.notProperty(podSpec(find(plain, "Deployment", "whatap-master-agent")), "affinity")
    assert.notProperty(container(find(plain, "Deployment", "whatap-master-agent"), "whatap-master-agent"), "securityContext")
  })

  it("dcgm Service: an explicit port 0 falls back to 9400", () => {
    const service = { enabled: true, type: "ClusterIP", port: 0 }
    const d = find(render({ k8sAgent: k8s({ gpuMonitoring: { enabled: true, service } }) }), "Service", "dcgm-exporter-service")
    assert.strictEqual((d.object as Json)["spec"]["ports"][0]["port"], 9400)
  })

  it("a merged node-affinity term without expressions has no matchExpressions key", () => {
    const user = [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] }]
    const mode = [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n2"] }] }]
    assert.deepStrictEqual(NodeTopology.mergeTerms(user, mode), user)
  })

  it("resource quantities in apimachinery's canonical text", () => {
    const desired = render({
      k8sAgent: k8s({ masterAgent: { enabled: true, resources: { limits: { cpu: "0.5", memory: "1024Mi" }, requests: { cpu: "1000m", memory: 1000 } } } })
    })
    assert.deepStrictEqual(container(find(desired, "Deployment", "whatap-master-agent"), "whatap-master-agent")["resources"], {
      limits: { cpu: "500m", memory: "1Gi" },
      requests: { cpu: "1", memory: "1k" }
    })
  })

  it("Quantity.canonical agrees with Go's ParseQuantity(s).String()", () => {
    // Recorded with k8s.io/apimachinery v0.33.0.
    const go: ReadonlyArray<readonly [string | number, string]> = [
      ["0", "0"], ["0m", "0"], ["0Mi", "0"], ["-0", "0"], ["1", "1"], ["0.5", "500m"], ["1000m", "1"], ["1500m", "1500m"],
      ["1.5", "1500m"], ["1000", "1k"], ["1k", "1k"], ["100M", "100M"], ["1e3", "1e3"], ["1E3", "1E3"], ["12e6", "12e6"],
      ["1e-3", "1e-3"], ["1000E", "1"], ["1024Mi", "1Gi"], ["1Gi", "1Gi"], ["1536Mi", "1536Mi"], ["1.5Gi", "1536Mi"],
      ["0.5Gi", "512Mi"], ["512Mi", "512Mi"], ["2000Mi", "2000Mi"], ["1023", "1023"], ["1024", "1024"], ["0.5Ki", "512"],
      ["1.0001Ki", "1024102400u"], ["100Mi", "100Mi"], ["350Mi", "350Mi"], ["0.1n", "1n"], ["1.5n", "2n"],
      ["0.0000000001", "1n"], ["-1.5", "-1500m"], ["-1024Mi", "-1Gi"], ["-0.5", "-500m"], ["1Ei", "1Ei"], [".5", "500m"],
      ["5.", "5."], ["+5", "+5"], ["1e0", "1e0"], ["10e-1", "1"], ["7Ti", "7Ti"], ["1.25e3", "1250"], ["0.001", "1m"],
      ["1000u", "1m"], ["999999n", "999999n"], ["12345m", "12345m"], ["300e-3", "300e-3"], ["1000000000", "1G"],
      ["0.000001Ki", "1024u"], ["1048576Ki", "1Gi"], ["-2712.960", "-2712.960"], [2, "2"], [0.25, "250m"], ["abc", "abc"],
      // ParseQuantity caps a binary quantity at the largest int64 on its slow path (apimachinery's maxAllowed); decimal ones are kept
      ["10Ei", "9223372036854775807"], ["-10Ei", "-9223372036854775807"], ["9223372036854775808", "9223372036854775808"],
      ["8Ei", "9223372036854775807"], ["7Ei", "7Ei"], ["84802268286060200000000T", "84802268286060200E"],
      ["208488242004684622000000000.6806", "208488242004684622000000000680600u"]
    ]
    assert.deepStrictEqual(go.map(([q]) => [q, Quantity.canonical(q)]), go.map(([q, s]) => [q, s]))
  })

  it("Quantity.inResourceList is what the API server stores in a pod's resources (rounded up to milli)", () => {
    // the API server's read-back of these in a Deployment's container resources
    const stored: ReadonlyArray<readonly [string, string]> = [
      ["0.1m", "1m"], ["1u", "1m"], ["100u", "1m"], ["999999n", "1m"], ["1000u", "1m"], ["1500u", "2m"], ["10Ei", "9223372036854775807"],
      ["100Mi", "100Mi"], ["0.5", "500m"], ["1.5n", "1m"], ["2.500", "2.500"], ["1.0001Ki", "1024103m"], ["250m", "250m"], ["1", "1"],
      ["208488242004684622000000000.6806", "208488242004684622000000000681m"]
    ]
    assert.deepStrictEqual(stored.map(([q]) => [q, Quantity.inResourceList(q)]), stored.map(([q, s]) => [q, s]))
  })

  it("a quantity of hundreds of thousands of digits is written in linear time, not divided digit by digit", () => {
    const started = performance.now()
    // Go writes no suffix beyond E: 1e400000 is "10" (1e21 is "1", above; recorded with apimachinery v0.33.0)
    assert.strictEqual(Quantity.inResourceList(`1${"0".repeat(400_000)}`), "10")
    assert.strictEqual(Quantity.canonical(`1${"0".repeat(400_000)}Mi`), "9223372036854775807")
    assert.isBelow(performance.now() - started, 2_000)
  })
})
