/**
 * A watch sees ADDED, MODIFIED and DELETED for objects it selects, in order.
 */
import { layer } from "@effect/vitest"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Duration, Effect, Fiber, Layer, Stream } from "effect"
import { assert, describe } from "vitest"
import { kubeClientLayer, type TargetSource, useNamespace } from "./Target.ts"

export const watchSpecs = (source: TargetSource) =>
  describe("watch", () => {
    const namespace = useNamespace(source, "watch")

    layer(Layer.suspend(() => kubeClientLayer(source())), { excludeTestServices: true })((it) => {
      it.effect("receives ADDED, MODIFIED and DELETED", () =>
        Effect.gen(function*() {
          const kube = yield* KubeClient
          const ns = namespace()
          const selector = { namespace: ns, labelSelector: "e2e=watch" }
          const start = yield* kube.list(ApiResource.ConfigMap, selector)
          const events = kube.watch(ApiResource.ConfigMap, { ...selector, resourceVersion: start.resourceVersion }).pipe(
            Stream.filter((e) => e.type !== "BOOKMARK" && e.object.metadata.name === "watched"),
            Stream.map((e) => e.type),
            Stream.take(3)
          )
          const seen = yield* Effect.forkChild(Stream.runCollect(events))
          const watched = (v: string): KubeObject.KubeObject =>
            ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched", namespace: ns, labels: { e2e: "watch" } }, data: { v } })
          const created = yield* kube.create(ApiResource.ConfigMap, watched("1"))
          yield* kube.update(ApiResource.ConfigMap, { ...watched("2"), metadata: created.metadata })
          yield* kube.delete(ApiResource.ConfigMap, "watched", { namespace: ns })
          const phases = yield* Fiber.join(seen).pipe(
            Effect.timeoutOrElse({ duration: Duration.seconds(20), orElse: () => Effect.die("no three events within 20 s") })
          )
          assert.deepStrictEqual(Array.from(phases), ["ADDED", "MODIFIED", "DELETED"])
        }))
    })
  })
