/**
 * The reconciler against the in-memory API server: what it creates, that a pass over an
 * unchanged cluster writes nothing, that drift is repaired and other managers' additions
 * survive, that the finalizer is a metadata-only patch, that disabling a component removes
 * exactly its objects, that deletion cleans up, and that an invalid CR changes nothing.
 */
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Option, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, KubeMemory, type KubeObject } from "@whatap-operator/kube"
import * as Reconciler from "../../src/controller/Reconciler.ts"
import { Caches } from "../../src/controller/Caches.ts"
import * as Support from "./support.ts"

const ns = Support.namespace
const pass = Effect.andThen(Support.settled, Reconciler.reconcile(Naming.agentName))

const start = Effect.gen(function*() {
  const memory = yield* KubeMemory
  yield* memory.seed([{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }, Support.allOptions()])
  yield* pass
})

const openAgentObjects = [
  `delete clusterroles.rbac.authorization.k8s.io /${Naming.openAgent.clusterRole}`,
  `delete clusterrolebindings.rbac.authorization.k8s.io /${Naming.openAgent.clusterRoleBinding}`,
  `delete configmaps ${ns}/${Naming.openAgent.configMap}`,
  `delete deployments.apps ${ns}/${Naming.openAgent.deployment}`,
  `delete serviceaccounts ${ns}/${Naming.openAgent.serviceAccount}`
]

describe("Reconciler", () => {
  layer(Support.layer, { excludeTestServices: true })("on a fresh cluster", (it) => {
    it.effect("adds the finalizer with a metadata-only patch, then creates every object", () =>
      Effect.gen(function*() {
        yield* start
        const writes = yield* Support.writes
        assert.strictEqual(writes[0], `patch whatapagents.monitoring.whatap.com /${Naming.agentName}`)
        const agent = yield* Support.agent
        assert.include(agent.metadata.finalizers ?? [], Naming.finalizer)
        assert.strictEqual(agent.metadata.generation, 1)
        for (const name of [Naming.nodeAgent.daemonSet, Naming.nodeAgent.gpuDaemonSet]) {
          assert.isTrue(Option.isSome(yield* Support.stored(ApiResource.DaemonSet, name, ns)), name)
        }
        assert.isTrue(writes.some((w) => w === `patch whatapagents.monitoring.whatap.com /${Naming.agentName}/status`))
      }))

    it.effect("a second pass over the unchanged cluster writes nothing", () =>
      Effect.gen(function*() {
        yield* pass
        yield* Support.clearWrites
        yield* pass
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [])
      }))

    it.effect("an owned field edited by someone else is applied back", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.patch(ApiResource.DaemonSet, Naming.nodeAgent.daemonSet, {
          type: "strategic",
          body: { spec: { template: { spec: { containers: [{ name: "whatap-node-agent", image: "example.com/other:1" }] } } } }
        }, { namespace: ns, fieldManager: "kubectl-edit" })
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [`apply daemonsets.apps ${ns}/${Naming.nodeAgent.daemonSet}`])
        const ds = Option.getOrThrow(yield* Support.stored(ApiResource.DaemonSet, Naming.nodeAgent.daemonSet, ns))
        const images = (ds["spec"] as { template: { spec: { containers: ReadonlyArray<{ image: string }> } } }).template.spec.containers.map((c) => c.image)
        assert.notInclude(images, "example.com/other:1")
      }))

    it.effect("another manager's sidecar stays and costs no write", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.apply(ApiResource.DaemonSet, {
          apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: Naming.nodeAgent.daemonSet, namespace: ns },
          spec: { template: { spec: { containers: [{ name: "sidecar", image: "example.com/sidecar:1" }] } } }
        } as KubeObject.KubeObject, { namespace: ns, force: false, fieldManager: "injector" })
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [])
      }))

    it.effect("a namespaceSelector set on the pod webhook entry by someone else is kept, as the Go operator keeps it", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        const selectorOf = Effect.gen(function*() {
          const mwc = Option.getOrThrow(yield* Support.stored(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration))
          const entries = mwc["webhooks"] as ReadonlyArray<{ name: string; namespaceSelector?: unknown }>
          return entries.find((w) => w.name === Naming.webhook.podWebhook)?.namespaceSelector
        })
        /** Someone edits the selector of the pod webhook entry; then a pass runs. */
        const editThenPass = (value: unknown) =>
          Effect.andThen(
            kube.patch(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration, {
              type: "json",
              body: [{ op: "replace", path: "/webhooks/0/namespaceSelector", value }]
            }, { fieldManager: "kubectl-edit" }),
            pass
          )
        const own = yield* selectorOf
        const users = { matchLabels: { "whatap-injection": "enabled" } }
        yield* editThenPass(users)
        assert.deepStrictEqual(yield* selectorOf, users)
        // D6's list with a namespace of the user's added is the user's too
        const extended = { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["ci", "kube-node-lease", "kube-public", "kube-system", "sandbox", ns] }] }
        yield* editThenPass(extended)
        assert.deepStrictEqual(yield* selectorOf, extended)
        // emptied (the API server's default, what a configuration the Go operator wrote holds): D6's comes back
        yield* editThenPass({})
        assert.deepStrictEqual(yield* selectorOf, own)
      }))

    it.effect("an object the Go operator wrote (client-side, manager \"manager\") is taken over: what it set and the CR no longer asks for goes", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        type Deployment = KubeObject.KubeObject & { spec: { template: { spec: { containers: Array<{ name: string; env?: Array<{ name: string; value?: string }> }> } } } }
        const ours = Option.getOrThrow(yield* Support.stored(ApiResource.Deployment, Naming.masterAgent.deployment, ns)) as Deployment
        yield* kube.delete(ApiResource.Deployment, Naming.masterAgent.deployment, { namespace: ns })
        const { managedFields: _m, resourceVersion: _r, uid: _u, creationTimestamp: _c, generation: _g, ...meta } = ours.metadata
        const containers = ours.spec.template.spec.containers.map((c, i) => (i === 0 ? { ...c, env: [...(c.env ?? []), { name: "GO_ONLY", value: "1" }] } : c))
        const goWritten = { ...ours, metadata: meta, spec: { ...ours.spec, template: { ...ours.spec.template, spec: { ...ours.spec.template.spec, containers } } } }
        const created = yield* kube.create(ApiResource.Deployment, goWritten as KubeObject.KubeObject, { namespace: ns, fieldManager: "manager" })
        // the cache has seen the Go operator's object (settled alone compares only what it holds)
        const caches = yield* Caches
        const ref = { resource: ApiResource.Deployment, namespace: ns, name: Naming.masterAgent.deployment }
        yield* caches.lookup(ref).pipe(
          Effect.flatMap((o) => Option.getOrUndefined(o)?.metadata.resourceVersion === created.metadata.resourceVersion ? Effect.void : Effect.fail("not yet")),
          Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo({ duration: "5 seconds" })))
        )
        yield* pass
        const after = Option.getOrThrow(yield* Support.stored(ApiResource.Deployment, Naming.masterAgent.deployment, ns)) as Deployment
        const names = after.spec.template.spec.containers.flatMap((c) => (c.env ?? []).map((e) => e.name))
        assert.notInclude(names, "GO_ONLY")
        assert.deepStrictEqual((after.metadata.managedFields ?? []).map((e) => `${e.manager} ${e.operation}`), ["whatap-operator Apply"])
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [], "once taken over, a pass writes nothing")
      }))

    it.effect("a deleted object is recreated", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.delete(ApiResource.ConfigMap, Naming.openAgent.configMap, { namespace: ns })
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [`apply configmaps ${ns}/${Naming.openAgent.configMap}`])
      }))

    it.effect("disabling openAgent deletes its five objects and nothing else", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body: { spec: { features: { openAgent: { enabled: false } } } } })
        yield* Support.clearWrites
        yield* pass
        const writes = yield* Support.writes
        assert.deepStrictEqual(writes.filter((w) => w.startsWith("delete")).sort(), [...openAgentObjects].sort())
        assert.deepStrictEqual(writes.filter((w) => !w.startsWith("delete")), [`patch whatapagents.monitoring.whatap.com /${Naming.agentName}/status`])
      }))

    it.effect("disabling the master agent deletes its Deployment but keeps the install-bundle objects (D9), an edited start script included", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.patch(ApiResource.ConfigMap, Naming.masterAgent.startScript, { type: "merge", body: { data: { [Naming.startScriptKey]: "#!/bin/sh\n# edited\n" } } }, { namespace: ns, fieldManager: "kubectl-edit" })
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body: { spec: { features: { k8sAgent: { masterAgent: { enabled: false } } } } } })
        yield* Support.clearWrites
        yield* pass
        const deletes = (yield* Support.writes).filter((w) => w.startsWith("delete"))
        assert.deepStrictEqual(deletes, [`delete deployments.apps ${ns}/${Naming.masterAgent.deployment}`])
        assert.isTrue(Option.isSome(yield* Support.stored(ApiResource.Service, Naming.masterAgent.service, ns)))
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body: { spec: { features: { k8sAgent: { masterAgent: { enabled: true } } } } } })
        yield* pass
        const script = Option.getOrThrow(yield* Support.stored(ApiResource.ConfigMap, Naming.masterAgent.startScript, ns))
        assert.strictEqual((script["data"] as Record<string, string>)[Naming.startScriptKey], "#!/bin/sh\n# edited\n")
      }))

    it.effect("an invalid spec is reported and nothing else is written", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, {
          type: "merge",
          body: { spec: { features: { apm: { instrumentation: { targets: [{ name: "x", enabled: true, language: "java", podSelector: { matchExpressions: [{ key: "a", operator: "in", values: ["b"] }] } }] } } } } }
        })
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [`patch whatapagents.monitoring.whatap.com /${Naming.agentName}/status`])
        assert.deepStrictEqual(yield* Support.eventWrites, ["create"])
        const ready = ((yield* Support.agent)["status"] as { conditions: ReadonlyArray<{ type: string; reason: string }> }).conditions.find((c) => c.type === "Ready")
        assert.strictEqual(ready?.reason, "InvalidSpec")
        // Steady: the same invalid spec again is no write and no new event.
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [])
      }))

    it.effect("deleting the CR deletes every owned object, then releases the finalizer", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        const memory = yield* KubeMemory
        yield* kube.delete(ApiResource.WhatapAgent, Naming.agentName)
        yield* pass
        assert.isTrue(Option.isNone(yield* Support.stored(ApiResource.WhatapAgent, Naming.agentName)))
        const leftovers = (yield* memory.snapshot()).filter((o) => o.metadata.ownerReferences?.some((r) => r.kind === "WhatapAgent"))
        assert.deepStrictEqual(leftovers.map((o) => `${o.kind} ${o.metadata.name}`), [])
      }))
  })

  layer(Support.layer, { excludeTestServices: true })("with monitor CRs", (it) => {
    it.effect("a monitor CR the validator finds an error in is left out; the valid ones and the OpenAgent stay", () =>
      Effect.gen(function*() {
        yield* start
        const kube = yield* KubeClient
        const monitor = (kind: "WhatapPodMonitor" | "WhatapServiceMonitor", name: string, tlsConfig?: object): KubeObject.KubeObject => ({
          apiVersion: "monitoring.whatap.com/v2alpha1",
          kind,
          metadata: { name, namespace: "default" },
          spec: { selector: { matchLabels: { app: name } }, endpoints: [{ port: "metrics", ...(tlsConfig === undefined ? {} : { scheme: "https", tlsConfig }) }] }
        })
        yield* kube.create(ApiResource.WhatapPodMonitor, monitor("WhatapPodMonitor", "good"), { namespace: "default" })
        // the CRD stores it; the API server would refuse the Secret volume it would become
        const bad = { caSecret: { name: "", key: "ca.crt" }, certSecret: { name: "tls", key: "../x" }, keySecret: { name: "tls", key: "" } }
        yield* kube.create(ApiResource.WhatapServiceMonitor, monitor("WhatapServiceMonitor", "bad", bad), { namespace: "default" })
        const config = Effect.map(Support.stored(ApiResource.ConfigMap, Naming.openAgent.configMap, ns), (cm) =>
          Option.isSome(cm) ? JSON.stringify(cm.value["data"] ?? {}) : "")
        // until the caches hold both monitors and a pass has taken the good one in
        yield* Effect.andThen(pass, config).pipe(
          Effect.flatMap((text) => text.includes("good") ? Effect.void : Effect.fail("not yet")),
          Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo({ duration: "5 seconds" })))
        )
        yield* pass
        assert.notInclude(yield* config, "bad")
        const deployment = yield* Support.stored(ApiResource.Deployment, Naming.openAgent.deployment, ns)
        assert.isTrue(Option.isSome(deployment))
        const volumes = JSON.stringify(Option.isSome(deployment) ? deployment.value["spec"] : {})
        assert.notInclude(volumes, "../x")
        assert.notInclude(volumes, `"secretName":""`)
        // said where a person looks: the agent's OpenAgentReady, and an Event on the monitor itself
        const stored = yield* Support.agent
        const conditions = (stored.status as { conditions?: ReadonlyArray<{ type: string; message?: string }> } | undefined)?.conditions ?? []
        const open = conditions.find((c) => c.type === "OpenAgentReady")?.message ?? ""
        assert.include(open, "1 monitor is left out of the scrape configuration for errors (see their events): WhatapServiceMonitor default/bad")
        assert.notInclude(open, "good")
        const events = (yield* kube.list(ApiResource.Event, { namespace: "default" })).items
          .filter((e) => e["reason"] === "InvalidMonitor")
        assert.strictEqual(events.length, 1)
        const event: Readonly<Record<string, unknown>> = events[0] ?? {}
        assert.deepStrictEqual(event["involvedObject"], { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapServiceMonitor", name: "bad", namespace: "default", uid: (yield* kube.get(ApiResource.WhatapServiceMonitor, "bad", { namespace: "default" })).metadata.uid })
        assert.include(String(event["message"]), "left out of the OpenAgent's scrape configuration: spec.endpoints[0].tlsConfig")
        // once per version of the monitor: further passes write nothing, Events included
        yield* Support.clearWrites
        yield* pass
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [])
        assert.deepStrictEqual(yield* Support.eventWrites, [])
      }))

  })

  layer(Support.layer, { excludeTestServices: true })("with a second WhatapAgent", (it) => {
    it.effect("a lasting conflict is one Warning Event per object when it appears, not one per pass", () =>
      Effect.gen(function*() {
        yield* start
        const memory = yield* KubeMemory
        const second = { ...Support.allOptions(), metadata: { name: "second" } }
        yield* memory.seed([second])
        const passSecond = Effect.andThen(Support.settled, Effect.exit(Reconciler.reconcile("second")))
        yield* Support.clearWrites
        yield* passSecond
        yield* passSecond
        const first = yield* Support.eventWrites
        const conditions = ((yield* (yield* KubeClient).get(ApiResource.WhatapAgent, "second"))["status"] as { conditions: ReadonlyArray<{ type: string; status: string; message: string }> }).conditions
        const ready = conditions.find((c) => c.type === "Ready")
        assert.strictEqual(ready?.status, "False")
        assert.include(ready?.message, "conflict: ")
        const conflicts = (ready?.message ?? "").split("conflict: ").length - 1
        assert.isAbove(conflicts, 5)
        // the first pass adds the finalizer, the second meets the conflicts: one Event each
        assert.strictEqual(first.length, conflicts, first.join(" "))
        yield* Support.clearWrites
        yield* passSecond
        yield* passSecond
        assert.deepStrictEqual(yield* Support.eventWrites, [], "the same conflicts again")
        assert.deepStrictEqual(yield* Support.writes, [])
      }))
  })
})
