/**
 * Server-side apply as the operator will use it: field manager `whatap-operator`, owned
 * fields recorded in managedFields, a conflict when another manager changes an owned
 * field, and `force` taking ownership over. A list keyed by name (a container's env) with a
 * name twice is refused whole, so the render gives every name once.
 */
import { layer } from "@effect/vitest"
import { Decode } from "@whatap-operator/core"
import { ApiResource, fieldManager, KubeClient, KubeMemory, type KubeObject, ServerSideApply } from "@whatap-operator/kube"
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

type Env = ReadonlyArray<{ readonly name: string; readonly value: string }>
type Containers = ReadonlyArray<{ readonly name: string; readonly env: Env }>

const env = (...names: ReadonlyArray<string>): Env => names.map((name) => ({ name, value: name.toLowerCase() }))

const deployment = (namespace: string, name: string, containers: Containers): KubeObject.KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: containers.map((c) => ({ ...c, image: "busybox" })) } }
  }
})

/**
 * The container and env orders after: an applied list, another writer's update of it,
 * the same list applied again. Run on a real API server and on the in-memory one.
 */
const listOrders = (namespace: string) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const scenario = (name: string, applied: Containers, edit: (live: Containers) => Containers) =>
      Effect.gen(function*() {
        const apply = kube.apply(ApiResource.Deployment, deployment(namespace, name, applied), { namespace, fieldManager, force: true })
        yield* apply
        const live = yield* kube.get(ApiResource.Deployment, name, { namespace })
        const spec = (live as unknown as { spec: { template: { spec: { containers: Containers } } } }).spec
        // a JSON patch, as `kubectl edit` sends one (an update could race the deployment controller's status writes)
        const body = [{ op: "replace" as const, path: "/spec/template/spec/containers", value: edit(spec.template.spec.containers).map((c) => ({ ...c, image: "busybox" })) }]
        yield* kube.patch(ApiResource.Deployment, name, { type: "json", body }, { namespace, fieldManager: "kubectl-edit" })
        const after = (yield* apply) as unknown as { spec: { template: { spec: { containers: Containers } } } }
        const containers = after.spec.template.spec.containers
        return containers.length === 1 ? containers.flatMap((c) => c.env.map((e) => e.name)) : containers.map((c) => `${c.name}:${c.env.map((e) => e.name).join(",")}`)
      })
    const one = (e: Env): Containers => [{ name: "agent", env: e }]
    const first = (live: Containers) => live[0]?.env ?? []
    return {
      "re-added env": yield* scenario("readd", one(env("A", "B", "C", "D")), (live) => one(first(live).filter((e) => e.name !== "B"))),
      "inserted env": yield* scenario("insert", one(env("A", "B", "C")), (live) => one([...env("X"), ...first(live).slice(0, 2), ...env("Y"), ...first(live).slice(2)])),
      "reordered env": yield* scenario("reorder", one(env("A", "B", "C", "D")), (live) => one([...first(live)].reverse())),
      "reordered and trimmed env": yield* scenario("trim", one(env("A", "B", "C", "D")), (live) => one([...first(live)].reverse().filter((e) => e.name !== "C"))),
      "re-added container": yield* scenario("container", [{ name: "helper", env: env("H") }, { name: "agent", env: env("A") }], (live) => live.slice(1))
    }
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

      it.effect("orders a list after other writers' edits as the in-memory API server does (re-added, inserted, reordered, removed items)", () =>
        Effect.gen(function*() {
          const real = yield* listOrders(namespace())
          const memory = yield* Effect.gen(function*() {
            yield* (yield* KubeMemory).seed([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "memory" } }])
            return yield* listOrders("memory")
          }).pipe(Effect.provide(KubeClient.layerMemory))
          assert.deepStrictEqual(memory, real)
          // structured-merge-diff puts an item the applier sends back where its configuration has it
          assert.deepStrictEqual(real["re-added env"], ["A", "B", "C", "D"])
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
          // the in-memory API server of the unit tests refuses it the same way
          const inMemory = yield* Effect.gen(function*() {
            yield* (yield* KubeMemory).seed([{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace() } }])
            return yield* Effect.flip((yield* KubeClient).apply(ApiResource.Deployment, doubled as unknown as KubeObject.KubeObject, { namespace: namespace(), fieldManager, force: true }))
          }).pipe(Effect.provide(KubeClient.layerMemory))
          assert.deepStrictEqual([inMemory.reason, inMemory.status], [refused.reason, refused.status])
          const detail = (message: string) => message.slice(message.indexOf("): ") + 3)
          assert.strictEqual(detail(inMemory.message), detail(refused.message))
        }))
    })
  })
