/**
 * The controller's pure parts: workload verdicts, pod counts, the write overlay, the
 * status conditions (transition times move only on a status change), the webhook
 * certificate reuse/renew/create decision.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { Conditions, Decode, Naming } from "@whatap-operator/core"
import { Certificates } from "@whatap-operator/injector"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as Apply from "../../src/controller/Apply.ts"
import * as Finalizer from "../../src/controller/Finalizer.ts"
import * as StatusWriter from "../../src/controller/StatusWriter.ts"
import type * as Render from "../../src/render/Render.ts"
import * as Monitors from "../../src/controller/Monitors.ts"
import * as PodCounts from "../../src/controller/PodCounts.ts"
import * as Status from "../../src/controller/Status.ts"
import * as WebhookTls from "../../src/controller/WebhookTls.ts"
import * as Workloads from "../../src/controller/Workloads.ts"
import * as Written from "../../src/controller/Written.ts"

const deployment = (generation: number, status: Record<string, unknown>, replicas = 1): KubeObject.KubeObject => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", generation }, spec: { replicas }, status
})

describe("Workloads", () => {
  it("follows kubectl rollout status: observed generation, updated, available", () => {
    assert.strictEqual(Workloads.deployment(deployment(2, { observedGeneration: 1 })).reason, "Progressing")
    assert.strictEqual(Workloads.deployment(deployment(2, { observedGeneration: 2, updatedReplicas: 1, availableReplicas: 0 })).reason, "Progressing")
    assert.strictEqual(Workloads.deployment(deployment(2, { observedGeneration: 2, updatedReplicas: 1, availableReplicas: 1 })).status, "True")
    // the new pod cannot be scheduled: the old one is the one available, and the rollout is not done
    const pending = Workloads.deployment(deployment(2, { observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 1, unavailableReplicas: 1 }))
    assert.deepStrictEqual(pending, { status: "False", reason: "Progressing", message: "Deployment d: 1 old replicas are pending termination" })
    const stuck = deployment(2, { observedGeneration: 2, updatedReplicas: 1, availableReplicas: 0, conditions: [{ type: "Progressing", reason: "ProgressDeadlineExceeded" }] })
    assert.strictEqual(Workloads.deployment(stuck).reason, "Unavailable")
    const ds = (s: Record<string, unknown>): KubeObject.KubeObject => ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "n", generation: 1 }, status: { observedGeneration: 1, ...s } })
    assert.strictEqual(Workloads.daemonSet(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })).message, "DaemonSet n: 2/3 nodes available")
    assert.strictEqual(Workloads.daemonSet(ds({ desiredNumberScheduled: 0 })).status, "True")
  })
})

const agent = (instrumentation: unknown) =>
  Option.getOrThrow(Decode.as("WhatapAgent", {
    apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap", generation: 3 },
    spec: { features: { apm: { instrumentation } } }
  }).value)

let podNumber = 0
const pod = (namespace: string, labels: Record<string, string>, injected?: boolean, name = `p-${podNumber++}`): KubeObject.KubeObject => ({
  apiVersion: "v1", kind: "Pod",
  metadata: { name, namespace, labels, ...(injected === undefined ? {} : { annotations: { [Naming.apmAnnotations.injected]: String(injected) } }) }
})

describe("PodCounts", () => {
  it("counts first-match pods, injected ones and misses; system namespaces excluded", () => {
    const a = agent({ targets: [{ name: "web", enabled: true, language: "java", podSelector: { matchLabels: { app: "web" } }, namespaceSelector: { matchLabels: { team: "a" } } }] })
    const labels = (ns: string) => (ns === "shop" || ns === "kube-system" ? { team: "a" } : {})
    const counts = PodCounts.count(a, "whatap-monitoring", [
      pod("shop", { app: "web" }, true), pod("shop", { app: "web" }, undefined, "cart"), pod("shop", { app: "db" }),
      pod("other", { app: "web" }), pod("kube-system", { app: "web" })
    ], labels)
    assert.deepStrictEqual(counts, { matchedPods: 2, injectedPods: 1, missedPods: 1, missed: ["shop/cart"] })
  })

  it("an opted-in system namespace counts (D6); the missed pods are named in order, the first five", () => {
    const a = agent({ targets: [{ name: "web", enabled: true, language: "java", podSelector: { matchLabels: { app: "web" } } }] })
    const optIn = { [Naming.systemNamespaceOptIn.label]: Naming.systemNamespaceOptIn.value }
    const labels = (ns: string) => (ns === "kube-system" ? optIn : ns === "kube-public" ? {} : {})
    const pods = [
      ...["f", "e", "d", "c", "b", "a"].map((name) => pod("shop", { app: "web" }, undefined, name)),
      pod("kube-system", { app: "web" }, undefined, "sys"), pod("kube-public", { app: "web" }, undefined, "pub"),
      pod("whatap-monitoring", { app: "web" }, undefined, "own")
    ]
    const counts = PodCounts.count(a, "whatap-monitoring", pods, labels)
    assert.deepStrictEqual(counts, { matchedPods: 7, injectedPods: 0, missedPods: 7, missed: ["kube-system/sys", "shop/a", "shop/b", "shop/c", "shop/d"] })
    assert.deepStrictEqual(PodCounts.countsOf(counts), { matchedPods: 7, injectedPods: 0, missedPods: 7 })
  })

  it("counts a selector that is not valid syntax as the webhook matches it: literally, as the Go operator did", () => {
    const target = (name: string, podSelector: unknown, namespaceSelector?: unknown) =>
      ({ name, enabled: true, language: "java", podSelector, ...(namespaceSelector === undefined ? {} : { namespaceSelector }) })
    const pods = [pod("shop", { app: "web", tier: "db" }, true), pod("shop", { app: "api" }), pod("billing", { "bad key!": "x" })]
    const counts = (...targets: ReadonlyArray<unknown>) => PodCounts.count(agent({ targets }), "whatap-monitoring", pods, (ns) => (ns === "shop" ? { team: "a" } : {}))?.matchedPods
    // NotIn without values always holds; Exists ignores its values; an unknown operator never holds
    assert.strictEqual(counts(target("a", { matchExpressions: [{ key: "tier", operator: "NotIn" }] })), 3)
    assert.strictEqual(counts(target("a", { matchExpressions: [{ key: "tier", operator: "Exists", values: ["x"] }] })), 1)
    assert.strictEqual(counts(target("a", { matchExpressions: [{ key: "app", operator: "in", values: ["web", "api"] }] })), 0)
    // keys of invalid syntax compared as they are, in the pod and in the namespace selector
    assert.strictEqual(counts(target("a", { matchLabels: { "bad key!": "x" } })), 1)
    assert.strictEqual(counts(target("a", {}, { matchLabels: { "team!": "a" } })), 0)
    assert.strictEqual(counts(target("a", { matchLabels: { app: "web" } }, { matchNames: ["shop"], matchExpressions: [{ key: "team", operator: "NotIn" }] })), 1)
    // a later valid target still counts what an earlier invalid one does not match
    assert.strictEqual(counts(target("a", { matchExpressions: [{ key: "x", operator: "Foo" }] }), target("b", { matchLabels: { app: "api" } })), 1)
  })

  it("has no counts when instrumentation is off", () => {
    assert.isUndefined(PodCounts.count(agent({ enabled: false, targets: [] }), "ns", [], () => undefined))
  })
})

describe("Written", () => {
  const cm = (rv: string): KubeObject.KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "n", resourceVersion: rv } })

  it.effect("serves the last write until the cache has caught up, and forgets it after a deletion", () =>
    Effect.gen(function*() {
      const written = Written.make()
      const read = (cached: Option.Option<KubeObject.KubeObject>) => written.read(ApiResource.ConfigMap, "n", "c", cached)
      yield* written.put(ApiResource.ConfigMap, cm("12"))
      assert.strictEqual(Option.getOrThrow(yield* read(Option.some(cm("10")))).metadata.resourceVersion, "12")
      assert.strictEqual(Option.getOrThrow(yield* read(Option.none())).metadata.resourceVersion, "12")
      // The informer saw our version, then the object was deleted by someone else.
      yield* written.observe(ApiResource.ConfigMap, cm("12"))
      assert.isTrue(Option.isNone(yield* read(Option.none())))
      yield* written.deleted(ApiResource.ConfigMap, "n", "c", "13")
      assert.isTrue(Option.isNone(yield* read(Option.some(cm("13")))))
      assert.strictEqual(Option.getOrThrow(yield* read(Option.some(cm("14")))).metadata.resourceVersion, "14")
    }))
})

describe("Status", () => {
  const facts = (overrides: Partial<Status.Facts> = {}): Status.Facts => ({
    agent: agent({ targets: [] }),
    generation: 3,
    workload: () => undefined,
    outcome: { changes: [], failures: [], conflicts: [] },
    certificate: { valid: true, message: "ok" },
    webhookConfigured: true,
    counts: { matchedPods: 0, injectedPods: 0, missedPods: 0, missed: [] },
    nodeDaemonSets: [Naming.nodeAgent.daemonSet],
    gpuDaemonSet: Naming.nodeAgent.daemonSet,
    gpuNodes: undefined,
    skippedMonitors: undefined,
    names: { master: Naming.masterAgent.deployment, openAgent: Naming.openAgent.deployment, openAgentConfig: Naming.openAgent.configMap },
    redact: (text) => text.split("SECRET-LICENSE-1").join("[redacted]"),
    ...overrides
  })

  it("keeps transition times while statuses hold, moves them when one changes", () => {
    const first = Status.conditions([], facts(), "2026-11-30T10:00:00Z")
    assert.strictEqual(Conditions.find(first, "Ready")?.status, "True")
    const again = Status.conditions(first, facts(), "2026-11-30T11:00:00Z")
    assert.isTrue(Conditions.equal(first, again))
    const missed = Status.conditions(again, facts({ counts: { matchedPods: 8, injectedPods: 1, missedPods: 7, missed: ["a/p1", "a/p2", "b/p3", "b/p4", "c/p5"] } }), "2026-11-30T12:00:00Z")
    assert.strictEqual(Conditions.find(missed, "InstrumentationReady")?.reason, "PodsMissed")
    const message = Conditions.find(missed, "InstrumentationReady")?.message
    assert.include(message, "7 of 8 matching pods were not injected (created before the webhook or while it was unavailable): a/p1, a/p2, b/p3, b/p4, c/p5 and 2 more;")
    // the named part (what the PodsMissed Event follows) ignores the matched count
    assert.strictEqual(Status.missedPodsOf(message), "a/p1, a/p2, b/p3, b/p4, c/p5 and 2 more")
    const scaled = Status.conditions(missed, facts({ counts: { matchedPods: 12, injectedPods: 5, missedPods: 7, missed: ["a/p1", "a/p2", "b/p3", "b/p4", "c/p5"] } }), "2026-11-30T13:00:00Z")
    assert.strictEqual(Status.missedPodsOf(Conditions.find(scaled, "InstrumentationReady")?.message), Status.missedPodsOf(message))
    assert.isUndefined(Status.missedPodsOf("webhook configuration installed"))
    assert.strictEqual(Conditions.find(missed, "InstrumentationReady")?.lastTransitionTime, "2026-11-30T12:00:00Z")
    assert.strictEqual(Conditions.find(missed, "MasterAgentReady")?.lastTransitionTime, "2026-11-30T10:00:00Z")
    assert.strictEqual(Conditions.find(missed, "Ready")?.status, "False")
  })

  it("names the monitors left out of the scrape configuration on OpenAgentReady, while the OpenAgent is on", () => {
    const skipped = (n: number): ReadonlyArray<Monitors.Skipped> => Array.from({ length: n }, (_, i) => ({
      object: { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapPodMonitor", metadata: { name: `m${i}`, namespace: "apps" } },
      kind: "WhatapPodMonitor",
      where: `apps/m${i}`,
      why: "spec.endpoints[0].port: bad"
    }))
    assert.isUndefined(Monitors.sentence([]))
    assert.strictEqual(Monitors.sentence(skipped(1)), "1 monitor is left out of the scrape configuration for errors (see their events): WhatapPodMonitor apps/m0")
    assert.strictEqual(Monitors.sentence(skipped(5)), "5 monitors are left out of the scrape configuration for errors (see their events): WhatapPodMonitor apps/m0, WhatapPodMonitor apps/m1, WhatapPodMonitor apps/m2 and 2 more")
    const withOpenAgent = Option.getOrThrow(Decode.as("WhatapAgent", {
      apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap", generation: 3 },
      spec: { features: { openAgent: { enabled: true } } }
    }).value)
    const sentence = Monitors.sentence(skipped(2))
    const on = Status.conditions([], facts({ agent: withOpenAgent, skippedMonitors: sentence }), "2026-11-30T10:00:00Z")
    assert.strictEqual(Conditions.find(on, "OpenAgentReady")?.message, `Deployment ${Naming.openAgent.deployment} not created yet; ${sentence}`)
    const off = Status.conditions([], facts({ skippedMonitors: sentence }), "2026-11-30T10:00:00Z")
    assert.strictEqual(Conditions.find(off, "OpenAgentReady")?.message, "the OpenAgent is disabled in the spec")
    // a scrape configuration the API server refused: the OpenAgent runs an older one, whatever its replicas say
    const tooLong = { resource: ApiResource.ConfigMap, namespace: "ns", name: Naming.openAgent.configMap, action: "apply" as const, error: { message: "Too long: may not be more than 1048576 bytes" } as never }
    const live = (name: string) => name === Naming.openAgent.deployment
      ? { apiVersion: "apps/v1", kind: "Deployment", metadata: { name, generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } }
      : undefined
    const refused = Status.conditions([], facts({ agent: withOpenAgent, workload: live, outcome: { changes: [], failures: [tooLong], conflicts: [] } }), "2026-11-30T10:00:00Z")
    assert.deepInclude(Conditions.find(refused, "OpenAgentReady"), {
      status: "False",
      reason: "ApplyFailed",
      message: `ConfigMap ${Naming.openAgent.configMap} could not be applied: Too long: may not be more than 1048576 bytes`
    })
    assert.strictEqual(Conditions.find(Status.conditions([], facts({ agent: withOpenAgent, workload: live }), "2026-11-30T10:00:00Z"), "OpenAgentReady")?.status, "True")
  })

  it("keeps the Go operator's Available (Installed / InstallFailed) without flipping it, and reports apply failures on Ready", () => {
    const goStatus = [{ type: "Available", status: "True" as const, reason: "Installed", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" }]
    const installed = Status.conditions(goStatus, facts(), "2026-11-30T10:00:00Z")
    assert.deepInclude(Conditions.find(installed, "Available"), { status: "True", reason: "Installed", message: "WhatapAgent installed successfully", lastTransitionTime: "2026-01-01T00:00:00Z" })
    assert.isTrue(Conditions.equal(installed, Status.conditions(installed, facts(), "2026-11-30T11:00:00Z")), "a no-op pass changes nothing")
    const failure = { resource: ApiResource.DaemonSet, namespace: "ns", name: "ds", action: "apply" as const, error: { message: "boom" } as never }
    const failed = Status.conditions(installed, facts({ outcome: { changes: [], failures: [failure], conflicts: [] } }), "2026-11-30T12:00:00Z")
    assert.deepInclude(Conditions.find(failed, "Available"), { status: "False", reason: "InstallFailed", message: "apply DaemonSet ns/ds: boom", lastTransitionTime: "2026-11-30T12:00:00Z" })
    // the API server's errors echo values: a license in one is redacted on every condition
    const echoed = { ...failure, error: { message: `spec.template.spec.containers[0].env[0].value: Invalid value: "SECRET-LICENSE-1"` } as never }
    const leaked = Status.conditions(installed, facts({ outcome: { changes: [], failures: [echoed], conflicts: [] } }), "2026-11-30T12:00:00Z")
    assert.notInclude(JSON.stringify(leaked), "SECRET-LICENSE-1")
    assert.include(Conditions.find(leaked, "Ready")?.message, `Invalid value: "[redacted]"`)
    assert.strictEqual(Conditions.find(failed, "Ready")?.reason, "ApplyFailed")
    assert.deepStrictEqual(failed.map((c) => c.type).slice(-1), ["Available"])
    // the component of the refused object says so, whatever its live replicas say
    const withNodeAgent = Option.getOrThrow(Decode.as("WhatapAgent", {
      apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap", generation: 3 },
      spec: { features: { k8sAgent: { masterAgent: { enabled: false }, nodeAgent: { enabled: true }, gpuMonitoring: { enabled: false } } } }
    }).value)
    const ready = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ds", generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberReady: 1 } }
    const nodeFailed = Status.conditions(installed, facts({ agent: withNodeAgent, nodeDaemonSets: ["ds"], workload: () => ready, outcome: { changes: [], failures: [failure], conflicts: [] } }), "2026-11-30T12:00:00Z")
    assert.deepInclude(Conditions.find(nodeFailed, "NodeAgentReady"), { status: "False", reason: "ApplyFailed", message: "DaemonSet ds could not be applied: boom" })
    const conflict = { resource: ApiResource.DaemonSet, namespace: "ns", name: "ds", message: "DaemonSet ns/ds (controlled by WhatapAgent other)" }
    const nodeConflict = Status.conditions(installed, facts({ agent: withNodeAgent, nodeDaemonSets: ["ds"], workload: () => ready, outcome: { changes: [], failures: [], conflicts: [conflict] } }), "2026-11-30T12:00:00Z")
    assert.deepInclude(Conditions.find(nodeConflict, "NodeAgentReady"), { status: "False", reason: "ApplyFailed", message: "not managing DaemonSet ns/ds (controlled by WhatapAgent other)" })
    assert.include(Conditions.find(nodeConflict, "Ready")?.message, "conflict: DaemonSet ns/ds (controlled by WhatapAgent other)")
    const immutable = { ...failure, error: { message: "Deployment.apps \"ds\" is invalid: spec.selector: Invalid value: ...: field is immutable" } as never }
    const refused = Status.conditions(installed, facts({ agent: withNodeAgent, nodeDaemonSets: ["ds"], workload: () => ready, outcome: { changes: [], failures: [immutable], conflicts: [] } }), "2026-11-30T12:00:00Z")
    assert.include(Conditions.find(refused, "NodeAgentReady")?.message, "field is immutable (the object holds another value of a field that cannot change: delete it, and the operator creates it again)")
    const healthy = Status.conditions(installed, facts({ agent: withNodeAgent, nodeDaemonSets: ["ds"], workload: () => ready }), "2026-11-30T12:00:00Z")
    assert.strictEqual(Conditions.find(healthy, "NodeAgentReady")?.status, "True", "the same live DaemonSet is Available when the pass applied it")
    const invalid = Status.invalid(failed, 3, "spec.port: not a number", "2026-11-30T13:00:00Z")
    assert.deepInclude(Conditions.find(invalid, "Available"), { status: "False", reason: "InvalidSpec", observedGeneration: 3 })
  })
})

describe("Apply conflicts", () => {
  const owner: KubeObject.KubeObject = { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap", uid: "uid-new" } }
  const desired: Render.Desired = {
    component: "masterAgent",
    resource: ApiResource.Deployment,
    object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "whatap-master-agent", namespace: "ns" } },
    policy: "apply"
  }
  const controlledBy = (name: string, uid: string, extra: Partial<KubeObject.KubeObject["metadata"]> = {}): KubeObject.KubeObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "whatap-master-agent", namespace: "ns", ownerReferences: [{ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", name, uid, controller: true }], ...extra }
  })
  const recorder: Apply.Recorder = { written: () => Effect.void, deleted: () => Effect.void }
  const conflictWith = (live: KubeObject.KubeObject) =>
    Apply.sync(owner, [desired], [], () => Effect.succeed(Option.some(live)), recorder).pipe(
      Effect.map((outcome) => {
        assert.deepStrictEqual(outcome.failures, [])
        assert.strictEqual(outcome.conflicts.length, 1)
        assert.strictEqual(outcome.conflicts[0]?.name, "whatap-master-agent")
        return outcome.conflicts[0]?.message ?? ""
      }),
      Effect.provide(KubeClient.layerMemory)
    )

  it.effect("name another WhatapAgent, or say that an earlier one of the same name is being deleted or gone", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* conflictWith(controlledBy("other", "uid-other")), "Deployment ns/whatap-master-agent (controlled by WhatapAgent other)")
      const terminating = yield* conflictWith(controlledBy("whatap", "uid-old", { deletionTimestamp: "2026-12-02T07:00:00Z", finalizers: ["example.com/hold"] }))
      assert.strictEqual(terminating, "Deployment ns/whatap-master-agent (controlled by an earlier WhatapAgent whatap (uid uid-old), being deleted once its finalizers are removed: example.com/hold; it is created again when it is gone)")
      const orphan = yield* conflictWith(controlledBy("whatap", "uid-old"))
      assert.include(orphan, "an earlier WhatapAgent whatap (uid uid-old) that no longer exists")
    }))
})

describe("a WhatapAgent deleted during its pass", () => {
  it.effect("adding or removing the finalizer, or writing the status, of a CR that is gone is nothing to do, not an error", () =>
    Effect.gen(function*() {
      const gone: KubeObject.KubeObject = { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap", resourceVersion: "7", finalizers: [Naming.finalizer] } }
      assert.isTrue(Option.isNone(yield* Finalizer.remove(gone)))
      assert.isTrue(Option.isNone(yield* Finalizer.add({ ...gone, metadata: { ...gone.metadata, finalizers: [] } })))
      const written = yield* StatusWriter.write(gone, { conditions: [], observedGeneration: 1, instrumentation: undefined, gpu: undefined })
      assert.isUndefined(written)
      // other refusals stay errors: a stale resourceVersion on a CR that exists is retried by the queue
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.WhatapAgent, { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features: {} } })
      const stale = yield* Effect.flip(Finalizer.add({ ...gone, metadata: { name: "whatap", resourceVersion: "999" } }))
      assert.strictEqual(stale.reason, "Conflict")
    }).pipe(Effect.provide(KubeClient.layerMemory)))
})

describe("WebhookTls", () => {
  const secretOf = (tls: { caCert: string; caKey: string; tlsCert: string; tlsKey: string; caBundle?: string | undefined }): KubeObject.KubeObject => ({
    apiVersion: "v1", kind: "Secret", metadata: { name: Naming.webhook.secret },
    data: Object.fromEntries([
      [Naming.webhook.secretKeys.caCert, tls.caCert], [Naming.webhook.secretKeys.caKey, tls.caKey],
      [Naming.webhook.secretKeys.tlsCert, tls.tlsCert], [Naming.webhook.secretKeys.tlsKey, tls.tlsKey],
      [Naming.webhook.secretKeys.caBundle, tls.caBundle ?? tls.caCert]
    ].map(([k, v]) => [k, Buffer.from(v ?? "").toString("base64")]))
  })
  const endpoint = { mode: "url", baseUrl: "https://127.0.0.1:9443" } as const
  const request = (trusted: boolean) => ({ namespace: "ns", endpoint, validity: WebhookTls.defaultValidity, trusted: () => trusted })

  it.effect("creates, then reuses, then renews the serving certificate from the same CA 30 days before expiry", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 30))
      const created = yield* WebhookTls.ensure(Option.none(), request(true))
      assert.strictEqual(created.action, "created")
      const info = yield* Certificates.inspect(created.tls.tlsCert)
      assert.include(info.ipAddresses, "127.0.0.1")
      assert.include(info.dnsNames, "whatap-admission-controller.ns.svc")
      const reused = yield* WebhookTls.ensure(Option.some(secretOf(created.tls)), request(true))
      assert.strictEqual(reused.action, "reused")
      assert.deepStrictEqual(reused.tls, created.tls)
      yield* TestClock.setTime(info.notAfter.getTime() - 10 * 24 * 3600 * 1000)
      const renewed = yield* WebhookTls.ensure(Option.some(secretOf(created.tls)), request(true))
      assert.strictEqual(renewed.action, "renewed")
      assert.strictEqual(renewed.tls.caCert, created.tls.caCert)
      assert.notStrictEqual(renewed.tls.tlsCert, created.tls.tlsCert)
    }), 30_000)

  it.effect("starts over when the stored material is corrupt", () =>
    Effect.gen(function*() {
      const broken = secretOf({ caCert: "not a pem", caKey: "x", tlsCert: "y", tlsKey: "z" })
      assert.strictEqual((yield* WebhookTls.ensure(Option.some(broken), request(true))).action, "created")
    }), 30_000)

  it("checks that every webhook's caBundle contains the CA", () => {
    const ca = "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n"
    const other = "-----BEGIN CERTIFICATE-----\nY\n-----END CERTIFICATE-----\n"
    const b64 = (s: string) => Buffer.from(s).toString("base64")
    const mwc = (bundles: ReadonlyArray<string>): KubeObject.KubeObject => ({
      apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", metadata: { name: "w" },
      webhooks: bundles.map((b) => ({ clientConfig: { caBundle: b } }))
    })
    assert.isTrue(WebhookTls.bundleTrusts(mwc([b64(ca), b64(other + ca)]), ca))
    assert.isFalse(WebhookTls.bundleTrusts(mwc([b64(ca), b64(other)]), ca))
    assert.isFalse(WebhookTls.bundleTrusts(undefined, ca))
  })

  it.effect("replaces an expiring CA with an overlap: new CA in the bundle first, serving certificate after the configurations trust it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 30))
      const short = { namespace: "ns", endpoint, validity: { ca: Duration.days(300), serving: Duration.days(30) } }
      const created = yield* WebhookTls.ensure(Option.none(), { ...short, trusted: () => true })
      const caInfo = yield* Certificates.inspect(created.tls.caCert)
      // 50 days before the CA ends (renewal window: a third of 300 days).
      yield* TestClock.setTime(caInfo.notAfter.getTime() - 50 * 24 * 3600 * 1000)
      const started = yield* WebhookTls.ensure(Option.some(secretOf(created.tls)), { ...short, trusted: () => false })
      assert.strictEqual(started.action, "caRotationStarted")
      assert.isTrue(started.pending)
      assert.notStrictEqual(started.tls.caCert, created.tls.caCert)
      assert.strictEqual(started.tls.tlsCert, created.tls.tlsCert)
      assert.deepStrictEqual(WebhookTls.pemBlocks(started.tls.caBundle ?? ""), [started.tls.caCert, created.tls.caCert])
      // Not trusted yet: wait, still serving the old certificate.
      const waiting = yield* WebhookTls.ensure(Option.some(secretOf(started.tls)), { ...short, trusted: () => false })
      assert.strictEqual(waiting.action, "reused")
      assert.isTrue(waiting.pending)
      assert.strictEqual(waiting.tls.tlsCert, created.tls.tlsCert)
      // Trusted: the serving certificate moves to the new CA; the old CA stays in the bundle until it expires.
      const rotated = yield* WebhookTls.ensure(Option.some(secretOf(started.tls)), { ...short, trusted: (pem) => pem === started.tls.caCert })
      assert.strictEqual(rotated.action, "caRotated")
      assert.isTrue(yield* Certificates.verifies(rotated.tls.tlsCert, started.tls.caCert))
      assert.strictEqual(WebhookTls.pemBlocks(rotated.tls.caBundle ?? "").length, 2)
      yield* TestClock.setTime(caInfo.notAfter.getTime() + 1000)
      const later = yield* WebhookTls.ensure(Option.some(secretOf(rotated.tls)), { ...short, trusted: () => true })
      assert.deepStrictEqual(WebhookTls.pemBlocks(later.tls.caBundle ?? ""), [started.tls.caCert])
    }), 60_000)
})
