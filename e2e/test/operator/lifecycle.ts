/**
 * The operator keeps the cluster in the declared state: a WhatapAgent becomes the objects
 * of spec 4, deleted or edited objects come back, other managers' additions stay, monitor
 * CRs reach the scrape configuration, a disabled feature removes exactly its objects, an
 * invalid CR is reported without harm, and a quiet cluster sees no writes.
 */
import { assert, type Vitest } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject, ServerSideApply } from "@whatap-operator/kube"
import { Render } from "@whatap-operator/operator"
import { Decode } from "@whatap-operator/core"
import * as Cluster from "./Cluster.ts"
import type * as SuiteTypes from "./Suite.ts"
import { condition, eventually, exists, namespace, read, Suite } from "./Suite.ts"

type It = Vitest.MethodsNonLive<SuiteTypes.Services>

const ns = namespace

/** Ready=True and observedGeneration caught up with the spec. */
export const waitReady = eventually(Effect.gen(function*() {
  const agent = yield* Cluster.agent
  const ready = condition(agent, "Ready")
  const observed = (agent["status"] as { observedGeneration?: number } | undefined)?.observedGeneration
  if (ready?.status !== "True" || observed !== agent.metadata.generation) {
    return yield* Effect.fail(new Error(`not ready: ${JSON.stringify(ready)} observed ${observed} generation ${agent.metadata.generation}`))
  }
  return agent
}), "90 seconds")

/** What the operator must have applied: the render of the live CR with the certificates it stored. */
const desiredFor = (agent: KubeObject.KubeObject) =>
  Effect.gen(function*() {
    const webhookUrl = (yield* Suite).primary.webhookUrl
    const decoded = Decode.as("WhatapAgent", agent)
    assert.isTrue(Option.isSome(decoded.value), JSON.stringify(decoded.findings))
    const secret = yield* read(ApiResource.Secret, Naming.webhook.secret, ns)
    const data = secret["data"] as Record<string, string>
    const pem = (key: string) => Buffer.from(data[key] ?? "", "base64").toString("utf8")
    const keys = Naming.webhook.secretKeys
    return Render.render({
      agent: Option.getOrThrow(decoded.value),
      namespace: ns,
      monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
      webhook: {
        endpoint: { mode: "url", baseUrl: webhookUrl },
        tls: { caCert: pem(keys.caCert), caKey: pem(keys.caKey), tlsCert: pem(keys.tlsCert), tlsKey: pem(keys.tlsKey), caBundle: pem(keys.caBundle) }
      }
    })
  })

const dsName = Naming.nodeAgent.daemonSet

export const lifecycleSpecs = (it: It) => {
  it.effect("a WhatapAgent becomes every object of spec 4, owned by it", () =>
    Effect.gen(function*() {
      yield* Cluster.apply(Cluster.allOptions(), ApiResource.WhatapAgent)
      const agent = yield* waitReady
      assert.include(agent.metadata.finalizers ?? [], Naming.finalizer)
      // The finalizer came by a metadata patch: the spec and its generation are the user's.
      assert.strictEqual(agent.metadata.generation, 1)
      const desired = yield* desiredFor(agent)
      assert.isAtLeast(desired.length, 15)
      const kube = yield* KubeClient
      for (const d of desired) {
        const live = yield* kube.get(d.resource, d.object.metadata.name ?? "", { namespace: d.object.metadata.namespace })
        const difference = ServerSideApply.diff(d.object, live, Naming.fieldManager)
        assert.isTrue(Option.isNone(difference), `${d.resource.kind} ${d.object.metadata.name}: ${Option.match(difference, { onNone: () => "", onSome: ServerSideApply.describe })}`)
        assert.strictEqual(live.metadata.ownerReferences?.[0]?.uid, agent.metadata.uid)
      }
      // Spot checks of spec 4 that do not depend on the render: names, order, paths.
      // The sample selects GPU nodes by label: split mode, the DCGM sidecars only in the -gpu DaemonSet.
      const containersOf = (ds: KubeObject.KubeObject) =>
        (ds["spec"] as { template: { spec: { containers: ReadonlyArray<{ name: string; env?: ReadonlyArray<{ name: string }> }> } } }).template.spec.containers
      const containers = containersOf(yield* read(ApiResource.DaemonSet, dsName, ns))
      assert.deepStrictEqual(containers.map((c) => c.name), ["whatap-node-helper", "whatap-node-agent"])
      const gpu = containersOf(yield* read(ApiResource.DaemonSet, Naming.nodeAgent.gpuDaemonSet, ns))
      assert.deepStrictEqual(gpu.map((c) => c.name), ["whatap-node-helper", "whatap-node-agent", "dcgm-exporter", "dcgm-hostengine"])
      assert.deepStrictEqual(containers[1]?.env?.slice(0, 8).map((e) => e.name), ["NODE_IP", "NODE_NAME", "WHATAP_LICENSE", "WHATAP_HOST", "WHATAP_PORT", "WHATAP_MEM_LIMIT", "HOST_PREFIX", "whatap_server_agent_enabled"])
      const webhookUrl = (yield* Suite).primary.webhookUrl
      const mwc = yield* read(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration)
      const hooks = mwc["webhooks"] as ReadonlyArray<{ name: string; clientConfig: { url?: string; service?: unknown } }>
      assert.deepStrictEqual(hooks.map((h) => [h.name, h.clientConfig.url]), [
        ["mpod.kb.io", `${webhookUrl}/whatap-injection--v1-pod`],
        ["whatapagent.kb.io", `${webhookUrl}/whatap-validation--v2alpha1-whatapagent`],
        ["mpod-system.kb.io", `${webhookUrl}/whatap-injection--v1-pod`]
      ])
    }), 180_000)

  it.effect("a deleted DaemonSet is back within 5 s", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const before = yield* read(ApiResource.DaemonSet, dsName, ns)
      const deleted = Date.now()
      yield* kube.delete(ApiResource.DaemonSet, dsName, { namespace: ns })
      yield* eventually(Effect.filterOrFail(read(ApiResource.DaemonSet, dsName, ns), (ds) => ds.metadata.uid !== before.metadata.uid, () => new Error("still the old one")), "10 seconds")
      const took = Date.now() - deleted
      assert.isBelow(took, 5_000, `recreated after ${took} ms`)
    }))

  it.effect("an edited owned field is put back", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const image = (ds: KubeObject.KubeObject) =>
        (ds["spec"] as { template: { spec: { containers: ReadonlyArray<{ name: string; image: string }> } } }).template.spec.containers.find((c) => c.name === "whatap-node-agent")?.image
      const original = image(yield* read(ApiResource.DaemonSet, dsName, ns))
      yield* kube.patch(ApiResource.DaemonSet, dsName, {
        type: "strategic",
        body: { spec: { template: { spec: { containers: [{ name: "whatap-node-agent", image: "example.com/someone-else:1" }] } } } }
      }, { namespace: ns, fieldManager: "kubectl-edit" })
      yield* eventually(Effect.filterOrFail(read(ApiResource.DaemonSet, dsName, ns), (ds) => image(ds) === original, (ds) => new Error(`image is ${image(ds)}`)), "10 seconds")
    }))

  it.effect("a key another manager adds to the webhook Service's selector is removed: the server replaces a selector as a whole", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const selector = (svc: KubeObject.KubeObject) => JSON.stringify((svc["spec"] as { selector?: unknown }).selector ?? null)
      const original = selector(yield* read(ApiResource.Service, Naming.webhook.service, ns))
      yield* kube.patch(ApiResource.Service, Naming.webhook.service, { type: "strategic", body: { spec: { selector: { app: "elsewhere" } } } }, { namespace: ns, fieldManager: "kubectl-patch" })
      assert.include(selector(yield* read(ApiResource.Service, Naming.webhook.service, ns)), "elsewhere", "the patch widened the selector")
      // a Service selector with one more key selects no pod: the webhook would be unreachable in a cluster
      yield* eventually(Effect.filterOrFail(read(ApiResource.Service, Naming.webhook.service, ns), (svc) => selector(svc) === original, (svc) => new Error(`selector is ${selector(svc)}`)), "10 seconds")
    }))

  it.effect("another manager's sidecar and label stay, and the operator does not fight them", () =>
    Effect.gen(function*() {
      yield* Cluster.apply({
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: dsName, namespace: ns, labels: { "team.example.com/owner": "observability" } },
        spec: { template: { spec: { containers: [{ name: "log-shipper", image: "example.com/log-shipper:2" }] } } }
      } as KubeObject.KubeObject, ApiResource.DaemonSet, "sidecar-injector")
      const since = new Date()
      // A reconcile runs (the DaemonSet changed); give it and one more pass time.
      yield* Cluster.mergePatchAgent({ metadata: { annotations: { "e2e.whatap.io/poke": String(Date.now()) } } })
      yield* Effect.sleep(Duration.seconds(3))
      const ds = yield* read(ApiResource.DaemonSet, dsName, ns)
      const names = (ds["spec"] as { template: { spec: { containers: ReadonlyArray<{ name: string }> } } }).template.spec.containers.map((c) => c.name)
      assert.include(names, "log-shipper")
      assert.strictEqual(ds.metadata.labels?.["team.example.com/owner"], "observability")
      const writes = (yield* Cluster.operatorWrites(since)).filter((w) => w.includes("daemonsets"))
      assert.deepStrictEqual(writes, [])
    }))

  it.effect("a monitor CR created, changed and deleted is reflected in the scrape config", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const scrape = Effect.map(read(ApiResource.ConfigMap, Naming.openAgent.configMap, ns), (cm) => (cm["data"] as Record<string, string>)[Naming.openAgent.configKey] ?? "")
      const monitor = (port: string): KubeObject.KubeObject => ({
        apiVersion: "monitoring.whatap.com/v2alpha1",
        kind: "WhatapPodMonitor",
        metadata: { name: "e2e-shop", namespace: "default" },
        spec: { selector: { matchLabels: { app: "shop" } }, endpoints: [{ port }] }
      })
      yield* Cluster.apply(monitor("metrics"), ApiResource.WhatapPodMonitor)
      yield* eventually(Effect.filterOrFail(scrape, (t) => t.includes("targetName: default/e2e-shop") && t.includes("port: metrics"), (t) => new Error(t)), "15 seconds")
      yield* Cluster.apply(monitor("http-metrics"), ApiResource.WhatapPodMonitor)
      yield* eventually(Effect.filterOrFail(scrape, (t) => t.includes("port: http-metrics"), (t) => new Error(t)), "15 seconds")
      yield* kube.delete(ApiResource.WhatapPodMonitor, "e2e-shop", { namespace: "default" })
      yield* eventually(Effect.filterOrFail(scrape, (t) => !t.includes("e2e-shop"), (t) => new Error(t)), "15 seconds")
    }))

  it.effect("after a quiet period a resync writes nothing", () =>
    Effect.gen(function*() {
      yield* waitReady
      // Let rollouts and status settle, then watch one full resync period (20 s) and more.
      yield* Effect.sleep(Duration.seconds(5))
      const since = new Date()
      yield* Effect.sleep(Duration.seconds(25))
      // The suite runs with 60-second serving certificates: a renewal in the window is a real
      // change, announced by a CertificateIssued Event; its writes (the Secret, the webhook
      // configurations when the CA changes, the Event) are the only ones allowed.
      const kube = yield* KubeClient
      const issued = (yield* kube.list(ApiResource.Event, { namespace: "default", fieldSelector: `involvedObject.name=${Naming.agentName},reason=CertificateIssued` })).items
        .filter((e) => Date.parse(String(e["lastTimestamp"] ?? "")) >= since.getTime() - 1000)
      const certificateWrite = (w: string) => / secrets whatap-monitoring\/whatap-webhook-certificate$| (mutating|validating)webhookconfigurations \/| events default\//.test(w)
      const writes = (yield* Cluster.operatorWrites(since)).filter((w) => issued.length === 0 || !certificateWrite(w))
      assert.deepStrictEqual(writes, [])
    }), 60_000)

  it.effect("disabling openAgent removes its five objects and nothing else", () =>
    Effect.gen(function*() {
      const before = yield* Cluster.owned
      yield* Cluster.mergePatchAgent({ spec: { features: { openAgent: { enabled: false } } } })
      const openAgent = [
        `ClusterRole ${Naming.openAgent.clusterRole}`,
        `ClusterRoleBinding ${Naming.openAgent.clusterRoleBinding}`,
        `ConfigMap ${ns}/${Naming.openAgent.configMap}`,
        `Deployment ${ns}/${Naming.openAgent.deployment}`,
        `ServiceAccount ${ns}/${Naming.openAgent.serviceAccount}`
      ]
      for (const o of openAgent) assert.include(before, o)
      const after = yield* eventually(Effect.filterOrFail(Cluster.owned, (now) => openAgent.every((o) => !now.includes(o)), (now) => new Error(now.join(", "))), "15 seconds")
      assert.deepStrictEqual(after, before.filter((o) => !openAgent.includes(o)))
      const agent = yield* eventually(Effect.filterOrFail(Cluster.agent, (a) => condition(a, "OpenAgentReady")?.reason === "Disabled", (a) => new Error(JSON.stringify(condition(a, "OpenAgentReady")))), "15 seconds")
      // GPU metrics are scraped by the OpenAgent: the status says so instead of claiming GPU monitoring works.
      assert.strictEqual(condition(agent, "GpuMonitoringReady")?.status, "False")
      yield* Cluster.mergePatchAgent({ spec: { features: { openAgent: { enabled: true } } } })
      yield* waitReady
      assert.deepStrictEqual(yield* Cluster.owned, before)
    }))

  it.effect("an invalid CR is denied by the webhook; one that got in while the webhook was away gives a condition and a Warning event", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const suite = yield* Suite
      // The CRD takes any string as an operator; the validator does not.
      const invalid = { spec: { features: { apm: { instrumentation: { targets: [{ name: "bad", enabled: true, language: "java", podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] } }] } } } } }
      const denied = yield* Effect.flip(Cluster.mergePatchAgent(invalid))
      assert.strictEqual(denied.reason, "Invalid")
      assert.include(denied.message, "spec.features.apm.instrumentation.targets[0].podSelector.matchExpressions[0].operator")
      // With the webhook frozen the API server gives up after its timeout (failurePolicy Ignore) and stores the CR.
      yield* suite.primary.signal("SIGSTOP")
      const stored = yield* Cluster.mergePatchAgent(invalid).pipe(Effect.ensuring(suite.primary.signal("SIGCONT")))
      assert.isAbove(stored.metadata.generation ?? 0, 1)
      const agent = yield* eventually(Effect.filterOrFail(Cluster.agent, (a) => condition(a, "Ready")?.reason === "InvalidSpec", (a) => new Error(JSON.stringify(condition(a, "Ready")))), "60 seconds")
      assert.match(String(condition(agent, "Ready")?.message), /operator/)
      // The Event follows the status write that the poll above saw: look until it is there.
      const events = kube.list(ApiResource.Event, { namespace: "default", fieldSelector: `involvedObject.name=${Naming.agentName}` })
      yield* eventually(Effect.filterOrFail(events, (l) => l.items.some((e) => e["type"] === "Warning" && e["reason"] === "InvalidSpec"),
        (l) => new Error(JSON.stringify(l.items.map((e) => e["reason"])))), "10 seconds")
      // The agents keep running: nothing was deleted because of the bad spec.
      assert.isTrue(yield* exists(ApiResource.DaemonSet, dsName, ns))
      yield* Cluster.mergePatchAgent({ spec: { features: { apm: { instrumentation: { targets: [{ name: "ok", enabled: true, language: "java", podSelector: { matchLabels: { app: "x" } } }] } } } } })
      yield* waitReady
    }), 120_000)
}
