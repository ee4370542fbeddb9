/**
 * The built-in controllers and the scheduler work: a Deployment's ReplicaSet creates pods,
 * the scheduler binds them to a node, and the node (kwok, or a kind kubelet) runs them.
 * A pod that asks for a GPU lands on the faked GPU node.
 */
import { AppsV1Api, CoreV1Api, type V1Deployment, type V1Pod } from "@kubernetes/client-node"
import { assert, describe, it } from "vitest"
import { eventually, type TargetSource, useNamespace } from "./Target.ts"

const deployment = (name: string, replicas: number): V1Deployment => ({
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10" }] }
    }
  }
})

const running = (pods: ReadonlyArray<V1Pod>) => pods.filter((p) => p.status?.phase === "Running" && p.spec?.nodeName)

export const workloadSpecs = (source: TargetSource, options: { readonly fakeGpu: boolean }) =>
  describe("workloads", () => {
    const namespace = useNamespace(source, "workloads")

    it("runs a Deployment's pods on a node", async () => {
      const { kubeConfig } = source()
      await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: namespace(),
        body: deployment("web", 2)
      })
      const core = kubeConfig.makeApiClient(CoreV1Api)
      const pods = await eventually(async () => {
        const list = await core.listNamespacedPod({ namespace: namespace(), labelSelector: "app=web" })
        assert.lengthOf(running(list.items), 2)
        return list.items
      }, "90 seconds")
      assert.isTrue(pods.every((p) => p.metadata?.ownerReferences?.[0]?.kind === "ReplicaSet"))
      const apps = kubeConfig.makeApiClient(AppsV1Api)
      await eventually(async () => {
        const d = await apps.readNamespacedDeployment({ name: "web", namespace: namespace() })
        assert.strictEqual(d.status?.readyReplicas, 2)
      })
    })

    it("schedules a GPU request onto the fake GPU node", async (ctx) => {
      if (!options.fakeGpu) return ctx.skip(`${source().name} has no fake GPU node`)
      const core = source().kubeConfig.makeApiClient(CoreV1Api)
      await core.createNamespacedPod({
        namespace: namespace(),
        body: {
          metadata: { name: "gpu" },
          spec: {
            containers: [{
              name: "cuda",
              image: "nvidia/cuda:12.4.1-base-ubuntu22.04",
              resources: { limits: { "nvidia.com/gpu": "1" } }
            }]
          }
        }
      })
      const pod = await eventually(async () => {
        const p = await core.readNamespacedPod({ name: "gpu", namespace: namespace() })
        assert.strictEqual(p.status?.phase, "Running")
        return p
      })
      const node = await core.readNode({ name: pod.spec?.nodeName ?? "" })
      assert.strictEqual(node.metadata?.labels?.["nvidia.com/gpu.present"], "true")
    })
  })
