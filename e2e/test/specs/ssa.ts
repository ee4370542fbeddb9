/**
 * Server-side apply as the operator will use it: field manager `whatap-operator`, owned
 * fields recorded in managedFields, a conflict when another manager changes an owned
 * field, and `force` taking ownership over.
 */
import { ApiException, CoreV1Api, type KubernetesObject, KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node"
import { assert, describe, it } from "vitest"
import { FIELD_MANAGER } from "../../src/Manifests.ts"
import { type TargetSource, useNamespace } from "./Target.ts"

const configMap = (namespace: string, data: Record<string, string>): KubernetesObject & { data: Record<string, string> } => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "ssa", namespace },
  data
})

export const ssaSpecs = (source: TargetSource) =>
  describe("server-side apply", () => {
    const namespace = useNamespace(source, "ssa")

    it("round-trips with a field manager and reports conflicts with another manager", async () => {
      const { kubeConfig } = source()
      const objects = KubernetesObjectApi.makeApiClient(kubeConfig)
      const apply = (manager: string, data: Record<string, string>, force: boolean) =>
        objects.patch(configMap(namespace(), data), undefined, undefined, manager, force, PatchStrategy.ServerSideApply)

      await apply(FIELD_MANAGER, { owned: "1", shared: "a" }, false)
      // Re-applying the same intent is a no-op for the object's content.
      await apply(FIELD_MANAGER, { owned: "1", shared: "a" }, false)
      const core = kubeConfig.makeApiClient(CoreV1Api)
      const first = await core.readNamespacedConfigMap({ name: "ssa", namespace: namespace() })
      assert.deepStrictEqual(first.data, { owned: "1", shared: "a" })
      const ours = first.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER)
      assert.strictEqual(ours?.operation, "Apply")

      const conflict = await apply("other-manager", { shared: "b" }, false).then(
        () => undefined,
        (error: unknown) => error
      )
      assert.instanceOf(conflict, ApiException)
      assert.strictEqual(conflict instanceof ApiException ? conflict.code : 0, 409)

      await apply("other-manager", { shared: "b" }, true)
      // We no longer own `shared`; applying without it must leave the other manager's value.
      await apply(FIELD_MANAGER, { owned: "2" }, false)
      const after = await core.readNamespacedConfigMap({ name: "ssa", namespace: namespace() })
      assert.deepStrictEqual(after.data, { owned: "2", shared: "b" })
      const managers = after.metadata?.managedFields?.map((f) => f.manager).sort()
      assert.deepStrictEqual(managers, ["other-manager", FIELD_MANAGER].sort())
    })
  })
