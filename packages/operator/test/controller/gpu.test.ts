/**
 * GPU nodes through the reconciler on the in-memory API server (B6): labelled Node
 * objects (MIG single, MIG mixed, whole GPUs, CPU only) lead to the automatic split, the
 * per-node `status.gpu` and the GpuMonitoringReady sentence; an unchanged cluster and a
 * Node change outside the GPU labels write nothing; a relabel is reflected; a new
 * planner warning is one Warning Event; a GPU node without `nvidia.com/gpu.present`
 * falls back to legacy mode and says why; switching GPU monitoring off removes the block.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, KubeMemory, type KubeObject } from "@whatap-operator/kube"
import * as GpuNodes from "../../src/controller/GpuNodes.ts"
import * as Reconciler from "../../src/controller/Reconciler.ts"
import * as Support from "./support.ts"

const ns = Support.namespace
const pass = Effect.andThen(Support.settled, Reconciler.reconcile(Naming.agentName))

const node = (name: string, labels: Readonly<Record<string, string>>): KubeObject.KubeObject =>
  ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } } })

const single = { "nvidia.com/gpu.present": "true", "nvidia.com/mig.strategy": "single", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb", "nvidia.com/gpu.count": "7", "nvidia.com/mig-1g.10gb.count": "7" }
const mixed = { "nvidia.com/gpu.present": "true", "nvidia.com/mig.strategy": "mixed", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.count": "8", "nvidia.com/mig-1g.10gb.count": "7", "nvidia.com/mig-3g.40gb.count": "2" }
const whole = { "nvidia.com/gpu.present": "true", "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": "4" }

/** The all-options sample without its GPU nodeSelector: the cluster's labels decide. */
const cr = (): KubeObject.KubeObject => {
  const object = Support.allOptions() as KubeObject.KubeObject & { spec: { features: { k8sAgent: { gpuMonitoring: Record<string, unknown> } } } }
  const { nodeSelector: _selector, ...gpu } = object.spec.features.k8sAgent.gpuMonitoring
  return { ...object, spec: { ...object.spec, features: { ...object.spec.features, k8sAgent: { ...object.spec.features.k8sAgent, gpuMonitoring: gpu } } } }
}

const statusOf = (agent: KubeObject.KubeObject) => agent["status"] as { gpu?: { nodes: ReadonlyArray<Record<string, unknown>>; otherNodes?: number }; conditions: ReadonlyArray<{ type: string; message: string }> }
const gpuMessage = (agent: KubeObject.KubeObject) => statusOf(agent).conditions.find((c) => c.type === "GpuMonitoringReady")?.message ?? ""

const relabel = (name: string, labels: Readonly<Record<string, string | null>>) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.patch(ApiResource.Node, name, { type: "merge", body: { metadata: { labels } } }))

const gpuEvents = Effect.map(Effect.flatMap(Effect.service(KubeClient), (kube) => kube.list(ApiResource.Event, { namespace: "default" })), (list) =>
  list.items.filter((e) => e["reason"] === GpuNodes.warningReason).map((e) => String(e["message"])))

const stored = (name: string) => Effect.map(Support.stored(ApiResource.DaemonSet, name, ns), Option.getOrUndefined)

const affinityOf = (ds: KubeObject.KubeObject | undefined) =>
  JSON.stringify((ds?.["spec"] as { template: { spec: { affinity?: unknown } } } | undefined)?.template.spec.affinity)

describe("GPU nodes", () => {
  layer(Support.layer, { excludeTestServices: true })("a cluster with GPU Feature Discovery labels", (it) => {
    it.effect("selects the GPU nodes automatically and reports each one", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        yield* memory.seed([
          { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
          node("gpu-single", single), node("gpu-mixed", mixed), node("gpu-whole", whole), node("cpu-0", {}),
          cr()
        ])
        yield* pass
        assert.include(affinityOf(yield* stored(Naming.nodeAgent.gpuDaemonSet)), `"key":"nvidia.com/gpu.present","operator":"In","values":["true"]`)
        assert.include(affinityOf(yield* stored(Naming.nodeAgent.daemonSet)), `"key":"nvidia.com/gpu.present","operator":"NotIn","values":["true"]`)
        const agent = yield* Support.agent
        assert.deepStrictEqual(statusOf(agent).gpu, {
          nodes: [
            { name: "gpu-mixed", gpus: 8, models: ["NVIDIA-H100-80GB-HBM3"], migLayout: "some", strategy: "mixed", migDevices: [{ profile: "1g.10gb", count: 7 }, { profile: "3g.40gb", count: 2 }], warnings: [] },
            { name: "gpu-single", models: ["NVIDIA-H100-80GB-HBM3"], migLayout: "all", strategy: "single", migDevices: [{ profile: "1g.10gb", count: 7 }], warnings: [] },
            { name: "gpu-whole", gpus: 4, models: ["NVIDIA-A100-SXM4-40GB"], migLayout: "disabled", migDevices: [], warnings: [] }
          ]
        })
        assert.include(gpuMessage(agent), "3 GPU nodes (NVIDIA-H100-80GB-HBM3 x8, NVIDIA-A100-SXM4-40GB x4; MIG mixed on 1, single on 1); dcgm-exporter on the nodes labelled nvidia.com/gpu.present=true (selected automatically)")
        assert.deepStrictEqual(yield* gpuEvents, [])
      }))

    it.effect("writes nothing when nothing changed, nor for a Node change outside the GPU labels", () =>
      Effect.gen(function*() {
        yield* pass
        yield* relabel("gpu-whole", { "topology.kubernetes.io/zone": "b" })
        yield* Support.clearWrites
        yield* pass
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [])
      }))

    it.effect("a relabelled node is reflected: MIG single -> none", () =>
      Effect.gen(function*() {
        yield* relabel("gpu-single", { "nvidia.com/mig.strategy": "none", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.count": "1", "nvidia.com/mig-1g.10gb.count": null })
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [`patch whatapagents.monitoring.whatap.com /${Naming.agentName}/status`])
        const line = statusOf(yield* Support.agent).gpu?.nodes.find((n) => n["name"] === "gpu-single")
        assert.deepStrictEqual(line, { name: "gpu-single", gpus: 1, models: ["NVIDIA-H100-80GB-HBM3"], migLayout: "disabled", strategy: "none", migDevices: [], warnings: [] })
      }))

    it.effect("a new planner warning is one Warning Event, not repeated by later passes", () =>
      Effect.gen(function*() {
        yield* relabel("gpu-single", { "nvidia.com/mig.strategy": "single", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-INVALID" })
        yield* pass
        const events = yield* gpuEvents
        assert.strictEqual(events.length, 1)
        assert.match(events[0] ?? "", /^mig-invalid on 1 GPU node \(gpu-single\): gpu-single: GFD marks the node MIG-INVALID/)
        assert.include(gpuMessage(yield* Support.agent), "1 with warnings")
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.eventWrites, [])
      }))

    it.effect("a GPU node without nvidia.com/gpu.present: legacy mode, and the status says why", () =>
      Effect.gen(function*() {
        yield* relabel("gpu-whole", { "nvidia.com/gpu.present": null })
        yield* pass
        assert.isUndefined(yield* stored(Naming.nodeAgent.gpuDaemonSet))
        const plain = yield* stored(Naming.nodeAgent.daemonSet)
        const containers = (plain?.["spec"] as { template: { spec: { containers: ReadonlyArray<{ name: string }> } } }).template.spec.containers.map((c) => c.name)
        assert.include(containers, "dcgm-exporter")
        const agent = yield* Support.agent
        assert.deepStrictEqual(statusOf(agent).gpu?.nodes.find((n) => n["name"] === "gpu-whole")?.["warnings"], ["not-selectable"])
        assert.include(gpuMessage(agent), "; dcgm-exporter on every node")
        assert.isTrue((yield* gpuEvents).some((m) => m.startsWith("not-selectable on 1 GPU node (gpu-whole)")))
      }))

    it.effect("GPU monitoring off: the gpu block goes", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body: { spec: { features: { k8sAgent: { gpuMonitoring: { enabled: false } } } } } })
        yield* pass
        assert.isUndefined(statusOf(yield* Support.agent).gpu)
      }))
  })
})

describe("GpuNodes", () => {
  const labelled = (labels: Readonly<Record<string, string>>) => node("n", labels)

  it.effect("relevant: a change of the GPU labels, an added or deleted GPU node; not heartbeats or other labels", () =>
    Effect.sync(() => {
      const gpu = labelled(whole)
      assert.isTrue(GpuNodes.relevant({ type: "upsert", object: gpu }))
      assert.isFalse(GpuNodes.relevant({ type: "upsert", object: labelled({}) }))
      assert.isFalse(GpuNodes.relevant({ type: "upsert", object: labelled({ ...whole, zone: "a" }), previous: gpu }))
      assert.isTrue(GpuNodes.relevant({ type: "upsert", object: labelled({ ...whole, "nvidia.com/gpu.count": "2" }), previous: gpu }))
      assert.isTrue(GpuNodes.relevant({ type: "delete", object: gpu }))
      assert.isFalse(GpuNodes.relevant({ type: "delete", object: labelled({}) }))
    }))

  it.effect("lists at most 50 nodes by name and counts the rest; unreadable labels are a warning, not a failure", () =>
    Effect.gen(function*() {
      const many = Array.from({ length: 53 }, (_, i) => node(`gpu-${String(52 - i).padStart(2, "0")}`, whole))
      const bad = node("gpu-bad", { "nvidia.com/gpu.count": "eight" })
      const gpu = { enabled: true } as Parameters<typeof GpuNodes.summarize>[1]
      const summary = yield* GpuNodes.summarize([...many, bad, node("cpu", {})], gpu)
      const status = GpuNodes.status(summary)
      assert.strictEqual(status.nodes.length, 50)
      assert.strictEqual(status.otherNodes, 4)
      assert.deepStrictEqual(status.nodes.slice(0, 2).map((n) => n.name), ["gpu-00", "gpu-01"])
      assert.deepStrictEqual(summary.nodes.find((n) => n.name === "gpu-bad"), { name: "gpu-bad", models: [], migDevices: [], warnings: ["invalid-labels", "not-selectable"] })
      assert.isFalse(summary.detected.detected, "an unreadable GPU node has no nvidia.com/gpu.present=true")
      assert.strictEqual(GpuNodes.sentence(summary, "spec"), "54 GPU nodes (NVIDIA-A100-SXM4-40GB x212; 1 with warnings)")
    }))

  it.effect("no GPU labels anywhere: nothing detected, nothing listed", () =>
    Effect.gen(function*() {
      const summary = yield* GpuNodes.summarize([node("a", {}), node("b", {})], { enabled: true } as Parameters<typeof GpuNodes.summarize>[1])
      assert.deepStrictEqual(GpuNodes.status(summary), { nodes: [] })
      assert.isFalse(summary.detected.detected)
      assert.strictEqual(GpuNodes.sentence(summary, "every-node"), "no node has NVIDIA GPU labels; dcgm-exporter on every node")
    }))
})
