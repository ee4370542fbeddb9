/**
 * Server-side apply as the operator will use it: field manager `whatap-operator`, owned
 * fields recorded in managedFields, a conflict when another manager changes an owned
 * field, and `force` taking ownership over.
 */
import { layer } from "@effect/vitest"
import { ApiResource, fieldManager, KubeClient, type KubeObject, ServerSideApply } from "@whatap-operator/kube"
import { Effect, Layer } from "effect"
import { assert, describe } from "vitest"
import { kubeClientLayer, type TargetSource, useNamespace } from "./Target.ts"

const configMap = (namespace: string, data: Record<string, string>): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "ssa", namespace },
  data
})

export const ssaSpecs = (source: TargetSource) =>
  describe("server-side apply", () => {
    const namespace = useNamespace(source, "ssa")

    layer(Layer.suspend(() => kubeClientLayer(source())), { excludeTestServices: true })((it) => {
      it.effect("round-trips with a field manager and reports conflicts with another manager", () =>
        Effect.gen(function*() {
          const kube = yield* KubeClient
          const apply = (manager: string, data: Record<string, string>, force: boolean) =>
            kube.apply(ApiResource.ConfigMap, configMap(namespace(), data), { fieldManager: manager, force })
          const read = kube.get(ApiResource.ConfigMap, "ssa", { namespace: namespace() })

          yield* apply(fieldManager, { owned: "1", shared: "a" }, false)
          // Re-applying the same intent is a no-op for the object's content.
          yield* apply(fieldManager, { owned: "1", shared: "a" }, false)
          const first = yield* read
          assert.deepStrictEqual(first["data"], { owned: "1", shared: "a" })
          const ours = first.metadata.managedFields?.find((f) => f.manager === fieldManager)
          assert.strictEqual(ours?.operation, "Apply")

          const conflict = yield* Effect.flip(apply("other-manager", { shared: "b" }, false))
          assert.deepStrictEqual([conflict.reason, conflict.status], ["Conflict", 409])

          yield* apply("other-manager", { shared: "b" }, true)
          // We no longer own `shared`; applying without it must leave the other manager's value.
          yield* apply(fieldManager, { owned: "2" }, false)
          const after = yield* read
          assert.deepStrictEqual(after["data"], { owned: "2", shared: "b" })
          const managers = after.metadata.managedFields?.map((f) => f.manager).sort()
          assert.deepStrictEqual(managers, ["other-manager", fieldManager].sort())
        }))

      it.effect("takes over what a client-side writer (the Go operator's manager) set, so the next apply removes what it no longer wants", () =>
        Effect.gen(function*() {
          const kube = yield* KubeClient
          const name = "ssa-takeover"
          const object = { ...configMap(namespace(), { kept: "1", dropped: "2" }), metadata: { name, namespace: namespace() } }
          // written as the Go operator writes: a create without server-side apply, manager "manager"
          const created = yield* kube.create(ApiResource.ConfigMap, object, { namespace: namespace(), fieldManager: "manager" })
          assert.deepStrictEqual(created.metadata.managedFields?.map((f) => `${f.manager} ${f.operation}`), ["manager Update"])
          const upgraded = ServerSideApply.takeOver(created, ["manager"], fieldManager)
          assert.isDefined(upgraded)
          yield* kube.patch(ApiResource.ConfigMap, name, {
            type: "json",
            body: [
              { op: "replace", path: "/metadata/resourceVersion", value: created.metadata.resourceVersion ?? "" },
              { op: "replace", path: "/metadata/managedFields", value: upgraded }
            ]
          }, { namespace: namespace(), fieldManager })
          const taken = yield* kube.get(ApiResource.ConfigMap, name, { namespace: namespace() })
          assert.deepStrictEqual(taken.metadata.managedFields?.map((f) => `${f.manager} ${f.operation}`), [`${fieldManager} Apply`])
          assert.isUndefined(ServerSideApply.takeOver(taken, ["manager"], fieldManager), "once only")
          yield* kube.apply(ApiResource.ConfigMap, { ...object, data: { kept: "1" } }, { namespace: namespace(), fieldManager, force: true })
          const after = yield* kube.get(ApiResource.ConfigMap, name, { namespace: namespace() })
          assert.deepStrictEqual(after["data"], { kept: "1" })
        }))
    })
  })
