/**
 * The GPU pieces of the render, table-driven: the split/legacy decision and the affinity
 * algebra of spec 4.6.1/4.6.3 (D4: nothing of the CR is changed), the dcgm-exporter env
 * rules of 4.7.1, the dcgm Service table of 4.7.3 and the TLS volume names of the
 * OpenAgent.
 */
import { assert, describe, it } from "@effect/vitest"
import { GpuMonitoring, type K8sAgent } from "@whatap-operator/core"
import { parse } from "yaml"
import * as DcgmService from "../../src/render/DcgmService.ts"
import * as GpuSidecars from "../../src/render/GpuSidecars.ts"
import * as NodeTopology from "../../src/render/NodeTopology.ts"
import * as TlsVolumes from "../../src/render/TlsVolumes.ts"
import { agent } from "./support.ts"

const k8sOf = (yaml: string): K8sAgent.K8sAgentSpec => {
  const k8s = agent({ features: { k8sAgent: parse(yaml) } }).spec.features.k8sAgent
  assert.isDefined(k8s)
  return k8s
}

const gpu = (yaml: string) => k8sOf(`masterAgent: {}\nnodeAgent: {enabled: true}\ngpuMonitoring: ${yaml}`)

describe("NodeTopology", () => {
  const cases: ReadonlyArray<readonly [string, string, boolean]> = [
    ["GPU off, selector set", "{enabled: false, nodeSelector: {gpu: a}}", false],
    ["GPU on, no selection", "{enabled: true}", false],
    ["GPU on, empty nodeSelector", "{enabled: true, nodeSelector: {}}", false],
    ["GPU on, nodeSelector", "{enabled: true, nodeSelector: {gpu: a}}", true],
    ["GPU on, required affinity", "{enabled: true, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}}}}", true],
    ["GPU on, preferred affinity only", "{enabled: true, affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {}}]}}}", false]
  ]
  for (const [name, spec, split] of cases) {
    it(`split mode: ${name} -> ${split}`, () => {
      const k8s = gpu(spec)
      assert.strictEqual(NodeTopology.isSplit(k8s.gpuMonitoring), split)
      assert.deepStrictEqual(NodeTopology.daemonSets(k8s).map((d) => [d.name, d.gpu]), split
        ? [["whatap-node-agent", false], ["whatap-node-agent-gpu", true]]
        : [["whatap-node-agent", k8s.gpuMonitoring.enabled]])
    })
  }

  it("core's splitMode (what the validator reads) says what the render does: which DaemonSets get terms of GPU monitoring's own", () => {
    const specs = [
      ...cases.map(([, spec]) => spec),
      "{enabled: true, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: gpu, operator: In, values: [a]}]}]}}}}",
      "{enabled: true, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: gpu, operator: Gt, values: ['1']}]}]}}}}",
      "{enabled: true, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists}]}, {matchExpressions: [{key: b, operator: Exists}]}]}}}}",
      "{enabled: true, nodeSelector: {gpu: a}, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [n]}]}]}}}}"
    ]
    // the node agent itself has no affinity here: whatever required terms a rendered DaemonSet has are GPU monitoring's
    const termsOf = (d: NodeTopology.NodeDaemonSet | undefined) => d?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []
    for (const spec of specs) {
      const k8s = gpu(spec)
      const mode = GpuMonitoring.splitMode(k8s.gpuMonitoring)
      const rendered = NodeTopology.daemonSets(k8s)
      assert.strictEqual(mode.split, rendered.length === 2, spec)
      assert.strictEqual(mode.antiTerms, mode.split && termsOf(rendered.find((d) => !d.gpu)).length > 0, spec)
      assert.strictEqual(mode.gpuTerms, mode.split && termsOf(rendered.find((d) => d.gpu)).length > 0, spec)
    }
  })

  it("negates In, NotIn, Exists, DoesNotExist of a single term; skips Gt and Lt", () => {
    const k8s = gpu(`{enabled: true, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [
      {key: a, operator: In, values: [x]}, {key: b, operator: NotIn, values: [y]}, {key: c, operator: Exists},
      {key: d, operator: DoesNotExist}, {key: e, operator: Gt, values: ["1"]}, {key: f, operator: Lt, values: ["2"]}]}]}}}}`)
    const ops = NodeTopology.antiTerms(k8s.gpuMonitoring).map((t) => t.matchExpressions?.map((e) => `${e.key} ${e.operator}`))
    assert.deepStrictEqual(ops, [["a NotIn"], ["b In"], ["c DoesNotExist"], ["d Exists"]])
  })

  it("nodeSelector terms come first, sorted by key (D3)", () => {
    const k8s = gpu("{enabled: true, nodeSelector: {z: '1', a: '2'}}")
    assert.deepStrictEqual(NodeTopology.antiTerms(k8s.gpuMonitoring).map((t) => t.matchExpressions?.[0]?.key), ["a", "z"])
  })

  it("mergeTerms is the cross product, user terms outer, keeping the user's matchFields", () => {
    const u = [{ matchExpressions: [{ key: "u1", operator: "Exists" }] }, { matchFields: [{ key: "metadata.name", operator: "In", values: ["n"] }] }]
    const m = [{ matchExpressions: [{ key: "m1", operator: "Exists" }], matchFields: [{ key: "ignored", operator: "Exists" }] }, { matchExpressions: [{ key: "m2", operator: "Exists" }] }]
    const merged = NodeTopology.mergeTerms(u, m)
    assert.deepStrictEqual(merged.map((t) => t.matchExpressions?.map((e) => e.key)), [["u1", "m1"], ["u1", "m2"], ["m1"], ["m2"]])
    assert.deepStrictEqual(merged.map((t) => t.matchFields?.[0]?.key), [undefined, undefined, "metadata.name", "metadata.name"])
    assert.deepStrictEqual(NodeTopology.mergeTerms([], m), m)
    assert.deepStrictEqual(NodeTopology.mergeTerms(u, []), u)
  })

  it("D4: the plain DaemonSet never gets the GPU terms, and the CR's affinity is untouched", () => {
    const k8s = k8sOf(`masterAgent: {}
nodeAgent:
  enabled: true
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: In, values: [a]}]}]}}}
gpuMonitoring:
  enabled: true
  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: gpu, operator: In, values: [yes]}]}]}}}`)
    const before = JSON.stringify(k8s)
    const [plain, withGpu] = NodeTopology.daemonSets(k8s)
    const terms = (ds: NodeTopology.NodeDaemonSet | undefined) =>
      ds?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms.map((t) => t.matchExpressions?.map((e) => `${e.key} ${e.operator}`))
    assert.deepStrictEqual(terms(plain), [["zone In", "gpu NotIn"]])
    assert.deepStrictEqual(terms(withGpu), [["zone In", "gpu In"]])
    assert.strictEqual(JSON.stringify(k8s), before)
  })
})

describe("GpuSidecars", () => {
  it("quoteMeta escapes what Go's regexp.QuoteMeta escapes, nothing else", () => {
    assert.strictEqual(GpuSidecars.quoteMeta("team.io/prj-id"), "team\\.io/prj-id")
    assert.strictEqual(GpuSidecars.quoteMeta("\\.+*?()|[]{}^$"), "\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$")
    assert.strictEqual(GpuSidecars.quoteMeta("a-b_c/d:e"), "a-b_c/d:e")
  })

  const env = (yaml: string) => GpuSidecars.exporterEnv(gpu(yaml).gpuMonitoring).map((e) => `${e.name}=${e.value ?? "<from>"}`)
  const base = ["DCGM_EXPORTER_LISTEN=:9400", "DCGM_EXPORTER_KUBERNETES=true", "DCGM_EXPORTER_COLLECTORS=/etc/dcgm-exporter/whatap-dcgm-exporter.csv", "NODE_NAME=<from>"]

  it("base env only by default; devices f adds nothing", () => {
    assert.deepStrictEqual(env("{enabled: true, devices: f}"), base)
  })
  it("an explicit allowlist regex wins over the quoted groupLabel", () => {
    assert.deepStrictEqual(env("{enabled: true, groupLabel: a.b, groupLabelAllowlistRegex: '^(x|y)$'}").slice(4), [
      "DCGM_EXPORTER_KUBERNETES_ENABLE_POD_LABELS=true",
      "DCGM_EXPORTER_KUBERNETES_POD_LABEL_ALLOWLIST_REGEX=^(x|y)$"
    ])
  })
  it("the host engine wins over remoteHostEngineInfo; without it the remote is used", () => {
    assert.deepStrictEqual(env("{enabled: true, remoteHostEngineInfo: 'he:5555', hostEngine: {enabled: true}}").slice(4), ["DCGM_REMOTE_HOSTENGINE_INFO=localhost:5555"])
    assert.deepStrictEqual(env("{enabled: true, remoteHostEngineInfo: 'he:5555', hostEngine: {enabled: false}}").slice(4), ["DCGM_REMOTE_HOSTENGINE_INFO=he:5555"])
  })
  it("an empty DCGM_REMOTE_HOSTENGINE_INFO removes it; one with valueFrom replaces it in place", () => {
    assert.deepStrictEqual(env("{enabled: true, hostEngine: {enabled: true}, envs: [{name: DCGM_REMOTE_HOSTENGINE_INFO}]}"), base)
    const fromRef = "{enabled: true, devices: g, hostEngine: {enabled: true}, envs: [{name: DCGM_REMOTE_HOSTENGINE_INFO, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}]}"
    assert.deepStrictEqual(env(fromRef).slice(4), ["DCGM_EXPORTER_DEVICES_STR=g", "DCGM_REMOTE_HOSTENGINE_INFO=<from>"])
  })
  it("a CR env replaces only the first env of its name, later duplicates are appended", () => {
    assert.deepStrictEqual(env("{enabled: true, envs: [{name: NODE_NAME, value: n1}, {name: X, value: '1'}, {name: X, value: '2'}]}"), [
      ...base.slice(0, 3), "NODE_NAME=n1", "X=2"
    ])
  })
})

describe("DcgmService.settings (spec 4.7.3)", () => {
  const cases: ReadonlyArray<readonly [string, string, DcgmService.Settings | undefined]> = [
    ["service absent", "{enabled: true}", { type: "NodePort", port: 9400, nodePort: 30400 }],
    ["present, enabled, defaults", "{enabled: true, service: {enabled: true}}", { type: "ClusterIP", port: 9400, nodePort: 30400 }],
    ["present, NodePort without nodePort", "{enabled: true, service: {enabled: true, type: NodePort}}", { type: "NodePort", port: 9400, nodePort: 30400 }],
    ["present, disabled", "{enabled: true, service: {enabled: false}}", undefined],
    ["present, CRD default enabled=false", "{enabled: true, service: {type: NodePort}}", undefined],
    ["GPU off", "{enabled: false}", undefined]
  ]
  for (const [name, spec, expected] of cases) {
    it(name, () => assert.deepStrictEqual(DcgmService.settings(gpu(spec)), expected))
  }
  it("no Service without the node agent", () => {
    assert.isUndefined(DcgmService.settings(k8sOf("masterAgent: {}\nnodeAgent: {enabled: false}\ngpuMonitoring: {enabled: true}")))
  })
})

describe("TlsVolumes.volumeName", () => {
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
  it("keeps tls-secret-<name> when it is a valid volume name", () => {
    assert.strictEqual(TlsVolumes.volumeName("etcd-client"), "tls-secret-etcd-client")
  })
  it("turns dotted and long names into valid, distinct, stable names", () => {
    const names = ["a.b", "a-b", "x".repeat(60), `${"y".repeat(40)}.${"z".repeat(40)}`, "A.B"].map(TlsVolumes.volumeName)
    for (const name of names) {
      assert.isAtMost(name.length, 63, name)
      assert.match(name, label)
    }
    assert.strictEqual(new Set(names).size, names.length)
    assert.strictEqual(TlsVolumes.volumeName("a.b"), names[0])
    assert.match(names[0] ?? "", /^tls-secret-a-b-[0-9a-f]{8}$/)
  })
  it("a valid name that equals another Secret's hashed name is hashed too: one pod never has two volumes alike", () => {
    const dotted = TlsVolumes.volumeName("foo.")
    const lookalike = dotted.slice("tls-secret-".length)
    assert.strictEqual(TlsVolumes.volumeName(lookalike), dotted, "the collision this guards against")
    const secrets = [{ name: "foo.", keys: [] }, { name: lookalike, keys: [] }]
    const names = TlsVolumes.volumes(secrets).map((v) => String(v["name"]))
    assert.strictEqual(new Set(names).size, 2, names.join(" "))
    assert.deepStrictEqual(TlsVolumes.mounts(secrets).map((m) => m["name"]), names)
    for (const name of names) assert.match(name, label)
  })
  it("two dotted names whose 8-digit hashes and slugs coincide (found by search) get 16 digits", () => {
    // "a.a-a.a…": the dots and hyphens vary, the slug stays the same; a birthday search finds a pair
    const seen = new Map<string, string>()
    let pair: readonly [string, string] | undefined
    for (let i = 0; pair === undefined && i < 1 << 20; i++) {
      const name = Array.from({ length: 21 }, (_, j) => (j === 0 ? "a" : `${(i >> (j - 1)) & 1 ? "." : "-"}a`)).join("")
      if (!name.includes(".")) continue
      const volume = TlsVolumes.volumeName(name)
      const other = seen.get(volume)
      if (other !== undefined) pair = [other, name]
      else seen.set(volume, name)
    }
    assert.isDefined(pair, "no 32-bit collision found")
    const names = TlsVolumes.volumeNames(pair ?? [])
    assert.strictEqual(new Set(names.values()).size, 2, [...names.values()].join(" "))
    for (const name of names.values()) {
      assert.match(name, label)
      assert.isAtMost(name.length, 63)
    }
  })
  it("mounts and volumes are sorted by Secret name whatever the input order", () => {
    const secrets = [{ name: "zeta", keys: ["ca.crt"] }, { name: "alpha", keys: ["tls.crt", "tls.key"] }]
    assert.deepStrictEqual(TlsVolumes.volumes(secrets).map((v) => v["name"]), ["tls-secret-alpha", "tls-secret-zeta"])
    assert.deepStrictEqual(TlsVolumes.mounts(secrets).map((m) => m["mountPath"]), ["/etc/ssl/certs/alpha", "/etc/ssl/certs/zeta"])
  })
})
