/**
 * Server-side apply as the operator will use it: field manager `whatap-operator`, owned
 * fields recorded in managedFields, a conflict when another manager changes an owned
 * field, and `force` taking ownership over. A list keyed by name (a container's env) with a
 * name twice is refused whole, so the render gives every name once.
 */
import { layer } from "@effect/vitest"
import { Decode } from "@whatap-operator/core"
import { ApiResource, fieldManager, KubeClient, type KubeObject, ServerSideApply } from "@whatap-operator/kube"
import { Render } from "@whatap-operator/operator"
import { Effect, Layer, Option } from "effect"
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

      it.effect("the render of a CR whose envs and pull secrets repeat names applies; a container env with a name twice is refused whole", () =>
        Effect.gen(function*() {
          const kube = yield* KubeClient
          const decoded = Decode.as("WhatapAgent", {
            apiVersion: "monitoring.whatap.com/v2alpha1",
            kind: "WhatapAgent",
            metadata: { name: "whatap" },
            spec: {
              license: "e2e-license",
              host: "127.0.0.1",
              port: "6600",
              features: {
                k8sAgent: {
                  imagePullSecrets: [{ name: "registry" }, { name: "registry" }],
                  masterAgent: { enabled: true, envs: [{ name: "collect_custom_resources", value: "false" }, { name: "X", value: "1" }, { name: "X", value: "2" }] },
                  nodeAgent: { enabled: true, nodeAgentContainer: { envs: [{ name: "WHATAP_HOST", value: "127.0.0.2" }] } },
                  gpuMonitoring: { enabled: false }
                },
                openAgent: { enabled: true, envs: [{ name: "WHATAP_HOST", value: "127.0.0.2" }] }
              }
            }
          })
          const agent = Option.getOrThrow(decoded.value)
          const desired = Render.render({
            agent,
            namespace: namespace(),
            monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
            webhook: { endpoint: { mode: "url", baseUrl: "https://127.0.0.1:9443" }, tls: undefined }
          })
          const workloads = desired.filter((d) => d.resource.kind === "Deployment" || d.resource.kind === "DaemonSet")
          assert.strictEqual(workloads.length, 3)
          for (const d of workloads) yield* kube.apply(d.resource, d.object, { namespace: namespace(), fieldManager, force: true, dryRun: true })
          // what the render avoids: the same Deployment with an env named twice
          const master = workloads.find((d) => d.object.metadata.name === "whatap-master-agent")
          assert.isDefined(master)
          const doubled = JSON.parse(JSON.stringify(master?.object ?? {})) as { spec: { template: { spec: { containers: Array<{ env: Array<unknown> }> } } } }
          doubled.spec.template.spec.containers[0]?.env.push({ name: "X", value: "3" })
          const refused = yield* Effect.flip(kube.apply(ApiResource.Deployment, doubled as unknown as KubeObject.KubeObject, { namespace: namespace(), fieldManager, force: true, dryRun: true }))
          assert.include(refused.message, "duplicate entries for key")
        }))
    })
  })
