/**
 * GPU nodes on a real control plane (B6): kwok nodes labelled as GPU Feature Discovery
 * labels a MIG-single, a MIG-mixed and a whole-GPU node, next to a CPU-only node. The
 * operator selects the GPU nodes by itself, the scheduler puts the `-gpu` DaemonSet's
 * pods on the GPU nodes only, the status lists each GPU node with whether its
 * dcgm-exporter is ready (kwok marks every container of a scheduled pod ready; a status
 * patch takes one back), and relabelling a node is reflected (a planner warning as one
 * Warning Event; a node without `nvidia.com/gpu.present` falls back to legacy mode). Node
 * heartbeats cost no write.
 *
 * The memory checker is off here: its data source, the metrics API, has no server on
 * this plane, and nothing in these specs may dial a kwok pod or node address (10.x);
 * its unit tests use the in-memory API server.
 */
import { assert, type Vitest } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as Audit from "../../src/Audit.ts"
import { ControlPlane } from "../../src/ControlPlane.ts"
import type { FakeNode } from "../../src/FakeNodes.ts"
import * as Cluster from "./Cluster.ts"
import * as Rbac from "./Rbac.ts"
import type * as SuiteTypes from "./Suite.ts"
import { condition, eventually, namespace, operatorUser, read } from "./Suite.ts"

type It = Vitest.MethodsNonLive<SuiteTypes.Services>

const present = { "nvidia.com/gpu.present": "true" }
const singleLabels = { ...present, "nvidia.com/mig.strategy": "single", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb", "nvidia.com/gpu.count": "7", "nvidia.com/mig.capable": "true" }

export const gpuNodes: ReadonlyArray<FakeNode> = [
  { name: "cpu-0" },
  { name: "gpu-mixed", labels: { ...present, "nvidia.com/mig.strategy": "mixed", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.count": "8", "nvidia.com/mig-1g.10gb.count": "7", "nvidia.com/mig-3g.40gb.count": "2" }, capacity: { "nvidia.com/gpu": "6", "nvidia.com/mig-1g.10gb": "7", "nvidia.com/mig-3g.40gb": "2" } },
  { name: "gpu-single", labels: singleLabels, capacity: { "nvidia.com/gpu": "7" } },
  { name: "gpu-whole", labels: { ...present, "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.count": "4" }, capacity: { "nvidia.com/gpu": "4" } }
]

/** GPU monitoring without a node selection of its own: the cluster's labels decide. */
const cr = (): KubeObject.KubeObject => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name: Naming.agentName },
  spec: {
    license: Cluster.license,
    host: "collector.example.com",
    port: "6600",
    features: {
      openAgent: { enabled: true },
      k8sAgent: { masterAgent: { enabled: false }, nodeAgent: { enabled: true }, gpuMonitoring: { enabled: true, service: { enabled: false } } }
    }
  }
})

interface GpuStatus {
  readonly nodes: ReadonlyArray<{ readonly name: string; readonly migLayout?: string; readonly strategy?: string; readonly warnings: ReadonlyArray<string>; readonly exporterReady?: boolean } & Record<string, unknown>>
}

const gpuStatus = (agent: KubeObject.KubeObject): GpuStatus | undefined => (agent["status"] as { gpu?: GpuStatus } | undefined)?.gpu

/** `node` of each pod of the DaemonSet, sorted. */
const podNodes = (daemonSet: string) =>
  Effect.map(Effect.flatMap(Effect.service(KubeClient), (kube) => kube.list(ApiResource.Pod, { namespace, labelSelector: `${Naming.labels.name}=${daemonSet}` })), (list) =>
    list.items.map((p) => String((p["spec"] as { nodeName?: string }).nodeName ?? "")).sort())

const placed = (daemonSet: string, nodes: ReadonlyArray<string>) =>
  eventually(Effect.filterOrFail(podNodes(daemonSet), (now) => JSON.stringify(now) === JSON.stringify(nodes), (now) => new Error(`${daemonSet} pods on ${now.join(", ")}`)), "60 seconds")

const relabel = (name: string, labels: Readonly<Record<string, string | null>>) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.patch(ApiResource.Node, name, { type: "merge", body: { metadata: { labels } } }, { fieldManager: "e2e-gfd" }))

const nodeLine = (name: string) => Effect.map(Cluster.agent, (a) => gpuStatus(a)?.nodes.find((n) => n.name === name))

const gpuEvents = Effect.map(Effect.flatMap(Effect.service(KubeClient), (kube) =>
  kube.list(ApiResource.Event, { namespace: "default", fieldSelector: `involvedObject.name=${Naming.agentName},reason=GpuNodeWarning` })), (list) => list.items)

interface ContainerStatus {
  readonly name: string
  readonly ready: boolean
}

/** The -gpu DaemonSet's pod on `node`. */
const gpuPodOn = (node: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    Effect.flatMap(kube.list(ApiResource.Pod, { namespace, labelSelector: `${Naming.labels.name}=${Naming.nodeAgent.gpuDaemonSet}`, fieldSelector: `spec.nodeName=${node}` }), (list) =>
      Effect.fromNullishOr(list.items[0])))

/**
 * Sets the readiness of the pod's dcgm-exporter container in its status, as a kubelet
 * whose readiness probe failed would; the other containers and the pod's conditions stay
 * as kwok left them (so the DaemonSet stays available and only `exporterReady` moves).
 */
const setExporterReady = (node: string, ready: boolean) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const pod = yield* gpuPodOn(node)
    const statuses = ((pod["status"] as { containerStatuses?: ReadonlyArray<ContainerStatus> } | undefined)?.containerStatuses ?? [])
      .map((c) => (c.name === Naming.gpu.exporterContainer ? { ...c, ready } : c))
    yield* kube.patch(ApiResource.Pod, pod.metadata.name ?? "", { type: "merge", body: { status: { containerStatuses: statuses } } }, { namespace, subresource: "status", fieldManager: "e2e-kubelet" })
  })

const exporterEnv = Effect.map(read(ApiResource.DaemonSet, Naming.nodeAgent.gpuDaemonSet, namespace), (ds) =>
  (ds["spec"] as { template: { spec: { containers: ReadonlyArray<{ name: string; env?: ReadonlyArray<{ name: string }> }> } } }).template.spec.containers
    .find((c) => c.name === Naming.gpu.exporterContainer)?.env?.map((e) => e.name) ?? [])

export const gpuSpecs = (it: It) => {
  it.effect("GPU nodes are selected by their labels: the -gpu DaemonSet's pods run on the GPU nodes only", () =>
    Effect.gen(function*() {
      yield* Cluster.apply(cr(), ApiResource.WhatapAgent)
      yield* placed(Naming.nodeAgent.gpuDaemonSet, ["gpu-mixed", "gpu-single", "gpu-whole"])
      yield* placed(Naming.nodeAgent.daemonSet, ["cpu-0"])
      // devices stays f (the exporter's default, right for every MIG layout): no DCGM_EXPORTER_DEVICES_STR.
      assert.deepStrictEqual(yield* exporterEnv, ["DCGM_EXPORTER_LISTEN", "DCGM_EXPORTER_KUBERNETES", "DCGM_EXPORTER_COLLECTORS", "NODE_NAME"])
    }), 120_000)

  it.effect("the status lists each GPU node and GpuMonitoringReady names them", () =>
    Effect.gen(function*() {
      // kwok marks the pods' containers ready; the DaemonSet's status and the pods' come by separate watches.
      const settled = (a: KubeObject.KubeObject) =>
        condition(a, "GpuMonitoringReady")?.status === "True" && gpuStatus(a)?.nodes.every((n) => n.exporterReady === true) === true
      const agent = yield* eventually(Effect.filterOrFail(Cluster.agent, settled,
        (a) => new Error(JSON.stringify([condition(a, "GpuMonitoringReady"), gpuStatus(a)]))), "90 seconds")
      assert.deepStrictEqual(gpuStatus(agent), {
        nodes: [
          { name: "gpu-mixed", gpus: 8, models: ["NVIDIA-H100-80GB-HBM3"], migLayout: "some", strategy: "mixed", migDevices: [{ profile: "1g.10gb", count: 7 }, { profile: "3g.40gb", count: 2 }], warnings: [], exporterReady: true },
          { name: "gpu-single", models: ["NVIDIA-H100-80GB-HBM3"], migLayout: "all", strategy: "single", migDevices: [{ profile: "1g.10gb", count: 7 }], warnings: [], exporterReady: true },
          { name: "gpu-whole", gpus: 4, models: ["NVIDIA-A100-SXM4-40GB"], migLayout: "disabled", migDevices: [], warnings: [], exporterReady: true }
        ]
      })
      assert.strictEqual(condition(agent, "GpuMonitoringReady")?.message,
        "DaemonSet whatap-node-agent-gpu: 3/3 nodes available; 3 GPU nodes (NVIDIA-H100-80GB-HBM3 x8, NVIDIA-A100-SXM4-40GB x4; MIG mixed on 1, single on 1; dcgm-exporter ready on 3 of 3); dcgm-exporter on the nodes labelled nvidia.com/gpu.present=true (selected automatically)")
    }), 120_000)

  it.effect("a dcgm-exporter container that turns not ready, and ready again, is reflected on its node only", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      // What kwok really left on the pod: phase Running, every container ready.
      const pod = yield* gpuPodOn("gpu-whole")
      const status = pod["status"] as { phase?: string; containerStatuses?: ReadonlyArray<ContainerStatus> }
      assert.strictEqual(status.phase, "Running")
      assert.deepStrictEqual(status.containerStatuses?.map((c) => [c.name, c.ready]), [
        [Naming.nodeAgent.helperContainer, true], [Naming.nodeAgent.agentContainer, true], [Naming.gpu.exporterContainer, true]
      ])
      yield* setExporterReady("gpu-whole", false)
      const agent = yield* eventually(Effect.filterOrFail(Cluster.agent, (a) => gpuStatus(a)?.nodes.find((n) => n.name === "gpu-whole")?.exporterReady === false,
        (a) => new Error(JSON.stringify(gpuStatus(a)))), "30 seconds")
      assert.deepStrictEqual(gpuStatus(agent)?.nodes.map((n) => [n.name, n.exporterReady]), [["gpu-mixed", true], ["gpu-single", true], ["gpu-whole", false]])
      assert.include(condition(agent, "GpuMonitoringReady")?.message, "dcgm-exporter ready on 2 of 3")
      // kwok does not play a stage on a Running pod again: the container stays not ready until set back.
      yield* Effect.sleep(Duration.seconds(2))
      const still = yield* kube.get(ApiResource.Pod, pod.metadata.name ?? "", { namespace })
      assert.isFalse((still["status"] as { containerStatuses: ReadonlyArray<ContainerStatus> }).containerStatuses.find((c) => c.name === Naming.gpu.exporterContainer)?.ready)
      yield* setExporterReady("gpu-whole", true)
      yield* eventually(Effect.filterOrFail(nodeLine("gpu-whole"), (l) => l?.exporterReady === true, (l) => new Error(JSON.stringify(l))), "30 seconds")
    }), 90_000)

  it.effect("a node relabelled from MIG single to none is reflected", () =>
    Effect.gen(function*() {
      yield* relabel("gpu-single", { "nvidia.com/mig.strategy": "none", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3", "nvidia.com/gpu.count": "1" })
      const line = yield* eventually(Effect.filterOrFail(nodeLine("gpu-single"), (l) => l?.strategy === "none", (l) => new Error(JSON.stringify(l))), "30 seconds")
      assert.deepStrictEqual(line, { name: "gpu-single", gpus: 1, models: ["NVIDIA-H100-80GB-HBM3"], migLayout: "disabled", strategy: "none", migDevices: [], warnings: [], exporterReady: true })
    }))

  it.effect("a planner warning (MIG-INVALID) becomes one Warning Event", () =>
    Effect.gen(function*() {
      yield* relabel("gpu-single", { "nvidia.com/mig.strategy": "single", "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-INVALID" })
      const events = yield* eventually(Effect.filterOrFail(gpuEvents, (e) => e.length > 0, () => new Error("no GpuNodeWarning yet")), "30 seconds")
      assert.match(String(events[0]?.["message"]), /^mig-invalid on 1 GPU node \(gpu-single\)/)
      assert.strictEqual(events[0]?.["type"], "Warning")
      // Later passes (a poke, a resync) do not repeat it.
      yield* Cluster.mergePatchAgent({ metadata: { annotations: { "e2e.whatap.io/poke": String(Date.now()) } } })
      yield* Effect.sleep(Duration.seconds(3))
      const again = yield* gpuEvents
      assert.deepStrictEqual(again.map((e) => [e["message"], e["count"]]), [[events[0]?.["message"], 1]])
      yield* relabel("gpu-single", singleLabels)
    }), 60_000)

  it.effect("a GPU node without nvidia.com/gpu.present: back to legacy mode, and back to the split when it returns", () =>
    Effect.gen(function*() {
      yield* relabel("gpu-whole", { "nvidia.com/gpu.present": null })
      yield* placed(Naming.nodeAgent.daemonSet, ["cpu-0", "gpu-mixed", "gpu-single", "gpu-whole"])
      yield* placed(Naming.nodeAgent.gpuDaemonSet, [])
      const line = yield* eventually(Effect.filterOrFail(nodeLine("gpu-whole"), (l) => l?.warnings.includes("not-selectable") === true, (l) => new Error(JSON.stringify(l))), "30 seconds")
      assert.deepStrictEqual(line?.warnings, ["not-selectable"])
      yield* relabel("gpu-whole", present)
      yield* placed(Naming.nodeAgent.gpuDaemonSet, ["gpu-mixed", "gpu-single", "gpu-whole"])
      yield* placed(Naming.nodeAgent.daemonSet, ["cpu-0"])
    }), 180_000)

  it.effect("a quiet cluster (kwok node heartbeats included) sees no writes", () =>
    Effect.gen(function*() {
      yield* eventually(Effect.filterOrFail(Cluster.agent, (a) => condition(a, "Ready")?.status === "True", (a) => new Error(JSON.stringify(condition(a, "Ready")))), "90 seconds")
      yield* Effect.sleep(Duration.seconds(5))
      const since = new Date()
      yield* Effect.sleep(Duration.seconds(25))
      assert.deepStrictEqual(yield* Cluster.operatorWrites(since), [])
    }), 90_000)

  it.effect("no call of the operator was refused, and the API server dialled nothing off loopback", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      yield* Audit.flush(plane.auditLogPath, plane.kubeConfig)
      const events = yield* Audit.events(plane.auditLogPath, { user: operatorUser })
      const rules = Cluster.operatorRules()
      const calls = Audit.calls(events)
      assert.isTrue(calls.some((c) => c.resource === "nodes" && c.verb === "watch"), "the operator watches nodes")
      assert.deepStrictEqual(Rbac.unallowed(rules, calls), [])
      assert.deepStrictEqual(yield* plane.nonLoopbackConnections, [])
    }))
}
