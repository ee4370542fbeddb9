/**
 * Whether dcgm-exporter is ready on each GPU node (B6, `status.gpu.nodes[].exporterReady`),
 * through the reconciler on the in-memory API server: node-agent pods with the
 * dcgm-exporter container, ready or not, on some GPU nodes; a node without one has no
 * `exporterReady`; pods outside the operator namespace or without the container do not
 * count; a readiness change and a pod that moves to another node are reflected; an
 * unchanged cluster, and a pod status update that leaves the exporter as it was, write
 * nothing. Then `ExporterPods` on its own: readiness by node and which changes matter.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Result } from "effect"
import { Naming, Selector } from "@whatap-operator/core"
import { ApiResource, KubeClient, KubeMemory, KubeObject } from "@whatap-operator/kube"
import { Caches } from "../../src/controller/Caches.ts"
import * as ExporterPods from "../../src/controller/ExporterPods.ts"
import * as Reconciler from "../../src/controller/Reconciler.ts"
import * as Render from "../../src/render/Render.ts"
import * as RenderSupport from "../render/support.ts"
import * as Support from "./support.ts"

const ns = Support.namespace
const pass = Effect.andThen(Support.settled, Reconciler.reconcile(Naming.agentName))

const present = { "nvidia.com/gpu.present": "true" }
const node = (name: string, labels: Readonly<Record<string, string>>): KubeObject.KubeObject =>
  ({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } } })
const gpuNode = (name: string) => node(name, { ...present, "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": "4" })

const exporter = Naming.gpu.exporterContainer

interface PodOptions {
  readonly namespace?: string
  readonly daemonSet?: string
  readonly containers?: ReadonlyArray<string>
  /** Readiness per container name; a container left out has no status yet. */
  readonly ready?: Readonly<Record<string, boolean>>
}

const containerStatuses = (ready: Readonly<Record<string, boolean>>) =>
  Object.entries(ready).map(([name, r]) => ({ name, ready: r, restartCount: 0, image: "x" }))

/** A node-agent pod on `nodeName` as the DaemonSet controller and kubelet would leave it. */
const pod = (name: string, nodeName: string, options: PodOptions = {}): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: options.namespace ?? ns,
    labels: { [Naming.labels.name]: options.daemonSet ?? Naming.nodeAgent.gpuDaemonSet, [Naming.labels.gpu]: "true" }
  },
  spec: { nodeName, containers: (options.containers ?? [Naming.nodeAgent.helperContainer, Naming.nodeAgent.agentContainer, exporter]).map((c) => ({ name: c, image: "x" })) },
  status: { phase: "Running", containerStatuses: containerStatuses(options.ready ?? {}) }
})

const allReady = { [Naming.nodeAgent.helperContainer]: true, [Naming.nodeAgent.agentContainer]: true, [exporter]: true }

/** The all-options sample without its GPU nodeSelector: the cluster's labels decide. */
const cr = (): KubeObject.KubeObject => {
  const object = Support.allOptions() as KubeObject.KubeObject & { spec: { features: { k8sAgent: { gpuMonitoring: Record<string, unknown> } } } }
  const { nodeSelector: _selector, ...gpu } = object.spec.features.k8sAgent.gpuMonitoring
  return { ...object, spec: { ...object.spec, features: { ...object.spec.features, k8sAgent: { ...object.spec.features.k8sAgent, gpuMonitoring: gpu } } } }
}

type Line = Readonly<Record<string, unknown>> & { readonly name: string }
const statusOf = (agent: KubeObject.KubeObject) => agent["status"] as { gpu?: { nodes: ReadonlyArray<Line> }; conditions: ReadonlyArray<{ type: string; message: string }> }
const gpuMessage = (agent: KubeObject.KubeObject) => statusOf(agent).conditions.find((c) => c.type === "GpuMonitoringReady")?.message ?? ""

/** `exporterReady` by node name ("absent" where the line has none). */
const readiness = Effect.map(Support.agent, (agent) =>
  Object.fromEntries((statusOf(agent).gpu?.nodes ?? []).map((n) => [n.name, "exporterReady" in n ? n["exporterReady"] : "absent"])))

const setStatus = (name: string, ready: Readonly<Record<string, boolean>>, extra: Readonly<Record<string, unknown>> = {}) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    kube.patch(ApiResource.Pod, name, { type: "merge", body: { status: { containerStatuses: containerStatuses(ready), ...extra } } }, { namespace: ns, subresource: "status" }))

const statusWrite = `patch whatapagents.monitoring.whatap.com /${Naming.agentName}/status`

describe("dcgm-exporter readiness per GPU node", () => {
  layer(Support.layer, { excludeTestServices: true })("node-agent pods on some GPU nodes", (it) => {
    it.effect("ready, not ready, absent; pods elsewhere or without the container do not count", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        yield* memory.seed([
          { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
          { apiVersion: "v1", kind: "Namespace", metadata: { name: "other" } },
          gpuNode("gpu-a"), gpuNode("gpu-b"), gpuNode("gpu-c"), gpuNode("gpu-d"), node("cpu-0", {}),
          pod("agent-a", "gpu-a", { ready: allReady }),
          pod("agent-b", "gpu-b", { ready: { ...allReady, [exporter]: false } }),
          // Same labels in another namespace: not the operator's.
          pod("agent-c", "gpu-c", { namespace: "other", ready: allReady }),
          // The GPU label without the exporter container (a hand-made pod): tells nothing.
          pod("agent-d", "gpu-d", { containers: [Naming.nodeAgent.agentContainer], ready: { [Naming.nodeAgent.agentContainer]: true } }),
          // The plain node agent without the GPU label: not cached at all.
          { ...pod("plain-0", "cpu-0", { daemonSet: Naming.nodeAgent.daemonSet, ready: allReady }), metadata: { name: "plain-0", namespace: ns, labels: { [Naming.labels.name]: Naming.nodeAgent.daemonSet } } },
          cr()
        ])
        yield* pass
        const cached = yield* (yield* Caches).exporterPods.list
        assert.deepStrictEqual(cached.map((p) => KubeObject.key(p)), [`${ns}/agent-a`, `${ns}/agent-b`, `${ns}/agent-d`])
        assert.deepStrictEqual(yield* readiness, { "gpu-a": true, "gpu-b": false, "gpu-c": "absent", "gpu-d": "absent" })
        assert.include(gpuMessage(yield* Support.agent), "4 GPU nodes (NVIDIA-A100-SXM4-40GB x16; dcgm-exporter ready on 1 of 4); dcgm-exporter on the nodes labelled")
      }))

    it.effect("writes nothing when nothing changed, nor for a pod status update that leaves the exporter as it was", () =>
      Effect.gen(function*() {
        yield* pass
        yield* setStatus("agent-a", allReady, { podIP: "127.0.0.2" })
        yield* setStatus("agent-b", { ...allReady, [Naming.nodeAgent.agentContainer]: false, [exporter]: false })
        yield* Support.clearWrites
        yield* pass
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [])
      }))

    it.effect("a container turning ready is one status write", () =>
      Effect.gen(function*() {
        yield* setStatus("agent-b", allReady)
        yield* Support.clearWrites
        yield* pass
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [statusWrite])
        assert.deepStrictEqual(yield* readiness, { "gpu-a": true, "gpu-b": true, "gpu-c": "absent", "gpu-d": "absent" })
        assert.include(gpuMessage(yield* Support.agent), "dcgm-exporter ready on 2 of 4")
      }))

    it.effect("a pod that moves to another node: the old node has no exporterReady, the new one has", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.delete(ApiResource.Pod, "agent-a", { namespace: ns })
        yield* (yield* KubeMemory).seed([pod("agent-a", "gpu-c", { ready: { ...allReady, [exporter]: false } })])
        yield* pass
        assert.deepStrictEqual(yield* readiness, { "gpu-a": "absent", "gpu-b": true, "gpu-c": false, "gpu-d": "absent" })
      }))

    it.effect("no exporter pod left: no exporterReady anywhere, and the sentence leaves the exporters out", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.delete(ApiResource.Pod, "agent-a", { namespace: ns })
        yield* kube.delete(ApiResource.Pod, "agent-b", { namespace: ns })
        yield* pass
        assert.deepStrictEqual(yield* readiness, { "gpu-a": "absent", "gpu-b": "absent", "gpu-c": "absent", "gpu-d": "absent" })
        assert.notInclude(gpuMessage(yield* Support.agent), "ready on")
      }))
  })
})

describe("ExporterPods", () => {
  it.effect("the selector names the node agent's DaemonSets and the GPU label", () =>
    Effect.sync(() => {
      assert.strictEqual(ExporterPods.selector, "name in (whatap-node-agent,whatap-node-agent-gpu),whatap-gpu=true")
    }))

  it.effect("the selector matches the pod template of each rendered DaemonSet exactly when it carries dcgm-exporter", () =>
    Effect.sync(() => {
      const compiled = Selector.compile(Result.getOrThrow(Selector.parse(ExporterPods.selector)))
      const k8s = { masterAgent: { enabled: false }, nodeAgent: { enabled: true, podLabels: { name: "mine", team: "a" } } }
      const inputs = [
        RenderSupport.input(RenderSupport.sample("whatap-agent-all-options.yaml")),
        RenderSupport.input(RenderSupport.agent({ features: { k8sAgent: { ...k8s, gpuMonitoring: { enabled: true } } } }), { gpuNodes: { detected: true } }),
        RenderSupport.input(RenderSupport.agent({ features: { k8sAgent: { ...k8s, gpuMonitoring: { enabled: true } } } })),
        RenderSupport.input(RenderSupport.agent({ features: { k8sAgent: { ...k8s, gpuMonitoring: { enabled: false } } } }))
      ]
      const seen = inputs.flatMap((input) => Render.render(input).filter((d) => d.resource.kind === "DaemonSet").map((d) => {
        const template = (d.object["spec"] as { template: { metadata: { labels: Record<string, string> }; spec: { containers: ReadonlyArray<{ name: string }> } } }).template
        return [template.spec.containers.some((c) => c.name === exporter), Selector.matches(compiled, template.metadata.labels)]
      }))
      assert.deepStrictEqual(seen, [[false, false], [true, true], [false, false], [true, true], [true, true], [false, false]])
    }))

  it.effect("a whatap-gpu label in nodeAgent.podLabels stands on the pod template, as in the Go operator (name does not: it selects)", () =>
    Effect.sync(() => {
      const k8s = { masterAgent: { enabled: false }, nodeAgent: { enabled: true, podLabels: { name: "mine", "whatap-gpu": "false" } }, gpuMonitoring: { enabled: true } }
      const labels = Render.render(RenderSupport.input(RenderSupport.agent({ features: { k8sAgent: k8s } })))
        .filter((d) => d.resource.kind === "DaemonSet")
        .map((d) => (d.object["spec"] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels)
      assert.deepStrictEqual(labels, [{ name: "whatap-node-agent", "whatap-gpu": "false" }])
    }))

  it.effect("readiness: by node; either of two pods on a node; unbound pods and pods without the container tell nothing", () =>
    Effect.sync(() => {
      const unbound = { ...pod("p", ""), spec: { containers: [{ name: exporter }] } }
      const byNode = ExporterPods.readiness([
        pod("a", "n1", { ready: { [exporter]: true } }),
        pod("b", "n2", { ready: { [exporter]: true } }),
        pod("c", "n2", { ready: { [exporter]: false } }),
        pod("d", "n3"),
        pod("e", "n4", { containers: ["other"], ready: { other: true } }),
        unbound
      ])
      assert.deepStrictEqual([...byNode], [["n1", true], ["n2", true], ["n3", false]])
    }))

  it.effect("relevant: added or deleted exporter pods, readiness and node changes; not other status updates", () =>
    Effect.sync(() => {
      const ready = pod("a", "n1", { ready: { [exporter]: true } })
      assert.isTrue(ExporterPods.relevant({ type: "upsert", object: ready }))
      assert.isTrue(ExporterPods.relevant({ type: "delete", object: ready }))
      assert.isTrue(ExporterPods.relevant({ type: "upsert", object: pod("a", "n1", { ready: { [exporter]: false } }), previous: ready }))
      assert.isTrue(ExporterPods.relevant({ type: "upsert", object: pod("a", "n2", { ready: { [exporter]: true } }), previous: ready }))
      assert.isFalse(ExporterPods.relevant({ type: "upsert", object: pod("a", "n1", { ready: { [exporter]: true, other: false } }), previous: ready }))
      const pending = { ...pod("a", ""), spec: { containers: [{ name: exporter }] } }
      assert.isFalse(ExporterPods.relevant({ type: "upsert", object: pending }))
      assert.isFalse(ExporterPods.relevant({ type: "delete", object: pending }))
      assert.isTrue(ExporterPods.relevant({ type: "upsert", object: pod("a", "n1"), previous: pending }))
    }))
})
