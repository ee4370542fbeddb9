/**
 * The GPU parts of the render and of packages/gpu against the Go operator's (a7e2ace), on
 * the recorded fixture fixtures/gpu-diff/go-recorded.json (recorder/record.sh):
 * - the dcgm-exporter / dcgm-hostengine containers and GPU volumes (Go's
 *   addDcgmExporterToNodeAgent) for every decodable case, the validator-rejected ones too;
 * - the anti-affinity terms of the plain node agent (negateNodeSelectorTerm);
 * - the GPU objects of one Reconcile (both node-agent DaemonSets, dcgm-exporter-service, the
 *   OpenAgent config with dcgm-exporter-auto), README differences applied as in
 *   ../objects/go-recorded.test.ts;
 * - the metrics CSV against the bundle's (manifests/resources.yaml) field list;
 * - the memory checker's decision against checkPod's.
 * Go's resource quantities go through Quantity.inResourceList first: the fake client skips
 * the API server's defaulting, which rounds a pod's resource list up to milli precision.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Decode, Quantity } from "@whatap-operator/core"
import { Csv, MemoryCheck } from "@whatap-operator/gpu"
import { Option } from "effect"
import { Render } from "../../src/index.ts"
import * as GpuSidecars from "../../src/render/GpuSidecars.ts"
import * as NodeTopology from "../../src/render/NodeTopology.ts"
import { differences, leakedOnly, splitMode, withDeliberate } from "../objects/diff.ts"

const fixture = JSON.parse(readFileSync(new URL("../fixtures/gpu-diff/go-recorded.json", import.meta.url), "utf8"))
const plain = (v: unknown) => JSON.parse(JSON.stringify(v))
const decoded = (agent: unknown): any => Option.getOrUndefined(Decode.as("WhatapAgent", agent).value)

/** What the API server stores of a container's resources (SetDefaults_ResourceList). */
const stored = (c: any) => {
  for (const k of ["limits", "requests"]) {
    if (c.resources?.[k] !== undefined) c.resources[k] = Object.fromEntries(Object.entries(c.resources[k]).map(([n, v]) => [n, Quantity.inResourceList(v as string)]))
  }
  return c
}
const withoutApiDefaults = ({ terminationMessagePath: _p, terminationMessagePolicy: _q, ...c }: any) => c

/** The objects the fixture keeps (recorder/assemble.ts). */
const gpuObject = (o: any) => (o.kind === "DaemonSet" && /^whatap-node-agent(-gpu)?$/.test(o.metadata.name)) ||
  (o.kind === "Service" && o.metadata.name === "dcgm-exporter-service") || (o.kind === "ConfigMap" && o.metadata.name === "whatap-open-agent-config")

describe("GPU against the Go operator (recorded)", () => {
  it("records enough cases", () => {
    assert.isAtLeast(fixture.cases.filter((c: any) => c.errors.length === 0).length, 200)
    assert.isAtLeast(fixture.memory.scenarios.length, 400)
  })

  it("dcgm sidecars and GPU volumes equal addDcgmExporterToNodeAgent's", () => {
    const left: Array<unknown> = []
    for (const c of fixture.cases) {
      const agent = decoded(c.agent)
      if (agent === undefined) continue
      const gpu = agent.spec.features.k8sAgent.gpuMonitoring
      const ours = { kind: "PodSpec", metadata: { name: c.source }, containers: plain(GpuSidecars.containers(gpu)).map(withoutApiDefaults), volumes: plain(GpuSidecars.volumes) }
      const go = { kind: "PodSpec", metadata: { name: c.source }, containers: (c.go.containers ?? []).map(stored), volumes: c.go.volumes ?? [] }
      const d = differences([go], [ours])
      if (d.length > 0) left.push({ source: c.source, d })
    }
    assert.deepStrictEqual(left, [])
  })

  it("anti-affinity terms equal negateNodeSelectorTerm's (one GPU term, GPU on)", () => {
    const left: Array<unknown> = []
    for (const c of fixture.cases) {
      const gpu = decoded(c.agent)?.spec.features.k8sAgent.gpuMonitoring
      const terms = gpu?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms
      if (gpu?.enabled !== true || terms?.length !== 1 || Object.keys(gpu.nodeSelector ?? {}).length > 0) continue
      const ours = plain(NodeTopology.antiTerms(gpu)), go = c.go.negated?.[0] ?? []
      if (JSON.stringify(ours) !== JSON.stringify(go)) left.push({ source: c.source, go, ours })
    }
    assert.deepStrictEqual(left, [])
  })

  it("GPU objects equal Reconcile's, but for documented differences", () => {
    const left: Array<unknown> = []
    for (const c of fixture.cases) {
      if (c.errors.length > 0) continue // D1: rendered nothing
      const ours = Render.render({ agent: decoded(c.agent), namespace: c.namespace, monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
        webhook: { endpoint: { mode: "service" }, tls: fixture.tls } }).map((d) => d.object)
        .filter(gpuObject)
      const go = withDeliberate(c.go.objects, ours).map((g: any) => { g.spec?.template?.spec?.containers?.forEach(stored); return g })
      const named = (list: ReadonlyArray<any>) => list.find((o) => o.kind === "DaemonSet" && o.metadata.name === "whatap-node-agent")
      const d = differences(go, ours).filter((x) => !(splitMode(c.agent) && /^DaemonSet\/[^/]*\/whatap-node-agent$/.test(x.object) &&
        x.path.startsWith(".spec.template.spec.affinity.nodeAffinity") && leakedOnly(c.agent, named(go), named(ours))))
      if (d.length > 0) left.push({ source: c.source, d: d.slice(0, 5) })
    }
    assert.deepStrictEqual(left, [])
  })

  it("the metrics CSV lists the bundle's fields and types, in order, PSTATE once", () => {
    const rows = (text: string) => text.split(/\r?\n/).map((l) => l.replace(/#.*/, "").trim()).filter((l) => l !== "")
      .map((l) => l.split(",").map((s) => s.trim()).slice(0, 2).join(","))
    assert.deepStrictEqual(rows(Csv.render(Csv.defaults)), [...new Set(rows(fixture.csv.bundle))])
  })

  it("the memory checker restarts what checkPod deletes", () => {
    const left: Array<unknown> = []
    for (const s of fixture.memory.scenarios) {
      // a usage of 2^64 or more fails Go's decoding; the metrics API cannot report one
      if (s.go.logs.some((l: string) => l.includes("cannot unmarshal number"))) continue
      let stats: any, list: any
      try { stats = s.statsStatus === 200 ? JSON.parse(s.statsBody) : undefined } catch { stats = undefined }
      try { list = s.listStatus === 200 ? JSON.parse(s.listBody) : undefined } catch { list = undefined }
      const ci = (o: any, k: string) => o === null || typeof o !== "object" ? undefined : o[Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase()) ?? k]
      const id = s.containerID?.replace(/^.*?:\/\//, "")
      const limit = Array.isArray(list) ? ci(list.find((e: any) => ci(e, "Id") === id), "MemoryLimit") : undefined
      const usage = stats?.memory_stats?.usage, inactive = stats?.memory_stats?.stats?.inactive_file ?? 0
      const ws = typeof usage === "number" && typeof inactive === "number" ? Math.max(usage - inactive, 0) : undefined
      const exporter = s.containerID !== null && s.containerID !== ""
      const pod = { metadata: { name: s.name, ...(s.deleting ? { deletionTimestamp: "2023-11-14T22:13:20Z" } : {}) },
        spec: { containers: exporter ? [{ name: "dcgm-exporter", resources: typeof limit === "string" && limit !== "" ? { limits: { memory: limit } } : {} }] : [] },
        status: { phase: s.phase } }
      const metrics = ws === undefined ? undefined : { metadata: { name: s.name }, containers: [{ name: "dcgm-exporter", usage: { memory: String(ws) } }] }
      const v = MemoryCheck.verdict(pod as any, metrics)
      if ((v._tag === "Restart") !== s.go.deleted) left.push({ scenario: s.name, go: s.go.deleted, ours: v })
    }
    assert.deepStrictEqual(left, [])
  })

  it("the memory checker reads a limit as the kubelet enforces it (whole bytes, rounded up; a leading +)", () => {
    const left: Array<unknown> = []
    for (const q of fixture.memory.quantities) {
      if (q.err !== undefined || q.int64 < 0 || BigInt(q.value) >= 2n ** 63n || q.value === "0") continue // refused, or no limit in Go
      const limit = Quantity.inResourceList(q.canonical) // the pod spec the API server returns
      for (const ws of [1, 178257920, 375809638, 375809639, 751619277, 2 ** 40]) {
        const go = ws / Number(q.value) > MemoryCheck.threshold ? "Restart" : "Keep"
        const v = MemoryCheck.verdict({ metadata: { name: "p" }, spec: { containers: [{ name: "dcgm-exporter", resources: { limits: { memory: limit } } }] }, status: { phase: "Running" } } as any,
          { metadata: { name: "p" }, containers: [{ name: "dcgm-exporter", usage: { memory: String(ws) } }] })
        if (v._tag !== go) left.push({ limit: q.in, stored: limit, ws, go, ours: v })
      }
    }
    assert.deepStrictEqual(left, [])
  })
})
