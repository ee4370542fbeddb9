/**
 * The kube package's live client and Informer across a kube-apiserver restart: the new
 * server's watch cache starts after the old resourceVersions, so a watch from one of them is
 * Gone (the one way a fresh control plane answers 410 without an etcd compaction), and an
 * informer rides out the refused connections and the 410 with a relist, missing nothing.
 * This file has a control plane of its own (the suite's must not see it go away).
 */
import { assert, layer } from "@effect/vitest"
import { ApiResource, Informer, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect, Fiber, Layer, Stream } from "effect"
import { ControlPlane } from "../src/ControlPlane.ts"

const planeAndClient = Layer.unwrap(
  Effect.map(Effect.service(ControlPlane), (plane) => KubeClient.layer({ kubeconfig: plane.kubeconfigPath, timeout: "5 seconds" }))
).pipe(Layer.provideMerge(ControlPlane.layer()))

const configMap = (name: string): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "default", labels: { e2e: "kube-restart" } }
})

// A live clock: the restart really waits.
layer(planeAndClient, { timeout: "3 minutes", excludeTestServices: true })("kube across a kube-apiserver restart", (it) => {
  it.effect("a watch from before the restart is Gone; an informer relists and misses nothing", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const client = yield* KubeClient
      const informer = yield* Informer.make(ApiResource.ConfigMap, {
        namespace: "default",
        labelSelector: "e2e=kube-restart",
        backoff: { base: "200 millis", max: "2 seconds" }
      })
      yield* informer.synced
      const changes = yield* informer.subscribe
      const collected = yield* Effect.forkChild(Stream.runCollect(Stream.take(changes, 3)))
      const before = yield* client.list(ApiResource.ConfigMap, { namespace: "default" })
      yield* client.create(ApiResource.ConfigMap, configMap("before-restart"))

      yield* plane.restartApiServer("1 second")
      const gone = yield* Effect.flip(Stream.runDrain(
        client.watch(ApiResource.ConfigMap, { namespace: "default", resourceVersion: before.resourceVersion, timeoutSeconds: 5 })
      ))
      assert.deepStrictEqual([gone.reason, gone.status], ["Gone", 410])
      assert.include(gone.message, "too old resource version")

      yield* client.create(ApiResource.ConfigMap, configMap("after-restart"))
      yield* client.delete(ApiResource.ConfigMap, "before-restart", { namespace: "default" })
      const seen = Array.from(yield* Fiber.join(collected)).map((c) => `${c.type} ${c.key}`)
      assert.deepStrictEqual(seen, ["upsert default/before-restart", "upsert default/after-restart", "delete default/before-restart"])
      const health = yield* informer.health
      assert.isAtLeast(health.restarts, 1)
      assert.isTrue(health.synced && health.watching)
    }).pipe(Effect.scoped), 120_000)
})
