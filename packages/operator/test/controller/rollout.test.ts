/**
 * B3, the opt-in rollout restart: the pure decisions (`Rollout`) on hand-written objects,
 * and the reconciler's steps (`Restarts`) against the in-memory API server — one workload
 * at a time by default, PodDisruptionBudgets respected, a crash loop of the restarted pods
 * stops everything, no workload restarted twice for one instrumentation, and a missing
 * permission named.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Clock, Effect, Option, Schedule } from "effect"
import { Decode, Naming, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, KubeClient, KubeMemory, type KubeObject } from "@whatap-operator/kube"
import { Caches } from "../../src/controller/Caches.ts"
import * as Reconciler from "../../src/controller/Reconciler.ts"
import * as Restarts from "../../src/controller/Restarts.ts"
import { RolloutMemory } from "../../src/controller/RolloutMemory.ts"
import * as Rollout from "../../src/controller/Rollout.ts"
import * as Workloads from "../../src/controller/Workloads.ts"
import * as Support from "./support.ts"

const R = Naming.rolloutRestart
const A = Naming.apmAnnotations

const agentObject = (annotations: Record<string, string> = {}): KubeObject.KubeObject => {
  const object = Support.allOptions()
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...annotations } } }
}

const decoded = (object: KubeObject.KubeObject): WhatapAgent.WhatapAgent => {
  const result = Decode.as("WhatapAgent", object)
  if (Option.isNone(result.value)) throw new Error("the sample does not decode")
  return result.value.value
}

/** A pod of the sample's java-shop target (namespace shop, app=cart) owned by `owner`. */
const pod = (name: string, owner: { kind: string; name: string; apiVersion?: string } | undefined, annotations: Record<string, string> = {}, extra: Partial<KubeObject.KubeObject> = {}): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: "shop",
    uid: `uid-${name}`,
    labels: { app: "cart" },
    annotations,
    ...(owner === undefined ? {} : { ownerReferences: [{ apiVersion: owner.apiVersion ?? "apps/v1", kind: owner.kind, name: owner.name, uid: `uid-${owner.name}`, controller: true }] })
  },
  ...extra
})

describe("Rollout (pure)", () => {
  it("hashes the instrumentation as stored, whatever the key order", () => {
    const a = agentObject()
    const spec = a["spec"] as { features: { apm: { instrumentation: Record<string, unknown> } } }
    const reordered = Object.fromEntries(Object.entries(spec.features.apm.instrumentation).reverse())
    const b = { ...a, spec: { ...spec, features: { ...spec.features, apm: { ...spec.features.apm, instrumentation: reordered } } } }
    assert.strictEqual(Rollout.hash(a), Rollout.hash(b))
    const c = { ...a, spec: { ...spec, features: { ...spec.features, apm: { ...spec.features.apm, instrumentation: { ...reordered, enabled: false } } } } }
    assert.notStrictEqual(Rollout.hash(a), Rollout.hash(c))
    assert.match(Rollout.hash(a), /^[0-9a-f]{16}$/)
  })

  it("plans a restart for missed and stale pods only, grouped by owner, and names the pods nothing can restart", () => {
    const agent = decoded(agentObject())
    const rs = { kind: "ReplicaSet", name: "cart-7d9" }
    const pods = [
      pod("cart-7d9-a", rs),
      pod("cart-7d9-b", rs, { [A.injected]: "true", [A.language]: "java", [A.version]: "2.2.58" }),
      pod("cart-7d9-c", rs, { [A.injected]: "true", [A.language]: "java", [A.version]: "2.2.50" }),
      pod("refused", rs, { [A.injected]: "false", [A.reason]: "SystemNamespace" }),
      pod("gone", rs, {}, { metadata: { name: "gone", namespace: "shop", labels: { app: "cart" }, deletionTimestamp: "2026-12-01T00:00:00Z", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "cart-7d9", uid: "u", controller: true }] } }),
      pod("db-0", { kind: "StatefulSet", name: "db" }, { [R.restartedFor]: "h1" }),
      pod("bare", undefined),
      pod("batch", { kind: "Job", name: "nightly", apiVersion: "batch/v1" }),
      { ...pod("other", rs), metadata: { ...pod("other", rs).metadata, labels: { app: "other" } } },
      { ...pod("elsewhere", rs), metadata: { ...pod("elsewhere", rs).metadata, namespace: "kube-system" } }
    ]
    const plan = Rollout.plan(agent, Support.namespace, pods, () => ({}), "h1")
    assert.deepStrictEqual(plan.candidates, [
      { owner: { kind: "ReplicaSet", namespace: "shop", name: "cart-7d9", uid: "uid-cart-7d9" }, pods: ["shop/cart-7d9-a", "shop/cart-7d9-c"], missed: 1, restartedPod: undefined },
      { owner: { kind: "StatefulSet", namespace: "shop", name: "db", uid: "uid-db" }, pods: ["shop/db-0"], missed: 1, restartedPod: { name: "shop/db-0", created: Number.NaN } }
    ])
    // a stale pod made for this hash is no sign of a failed restart (labels may have moved it to another target)
    const moved = Rollout.plan(agent, Support.namespace, [pod("web-0", { kind: "StatefulSet", name: "web" }, { [A.injected]: "true", [A.language]: "java", [A.version]: "2.2.50", [R.restartedFor]: "h1" })], () => ({}), "h1")
    assert.deepStrictEqual(moved.candidates.map((c) => [c.missed, c.restartedPod]), [[0, undefined]])
    assert.deepStrictEqual(plan.unrestartable, [
      "shop/bare: no controller owns it",
      "shop/batch: owned by Job nightly, not a Deployment, StatefulSet or DaemonSet"
    ])
    const off = decoded({ ...agentObject(), spec: { ...(agentObject()["spec"] as object), features: { apm: { instrumentation: { enabled: false } } } } })
    assert.deepStrictEqual(Rollout.plan(off, Support.namespace, pods, () => ({}), "h1"), { candidates: [], unrestartable: [] })
  })

  it("reads a rollout's progress as kubectl rollout status does", () => {
    const progress = (kind: Rollout.OwnerKind, w: KubeObject.KubeObject) => Workloads.progress(kind, w)
    const deployment = (status: Record<string, unknown>, spec: Record<string, unknown> = { replicas: 2 }): KubeObject.KubeObject =>
      ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", generation: 2 }, spec, status })
    assert.strictEqual(progress("Deployment", deployment({ observedGeneration: 1 }))._tag, "Rolling")
    assert.deepStrictEqual(progress("Deployment", deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 })), { _tag: "Rolling", message: "1/2 replicas updated" })
    assert.deepStrictEqual(progress("Deployment", deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })), { _tag: "Rolling", message: "1 old replicas are pending termination" })
    assert.deepStrictEqual(progress("Deployment", deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })), { _tag: "Done" })
    assert.strictEqual(progress("Deployment", deployment({ observedGeneration: 2, conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }] }))._tag, "Failed")
    const sts = (status: Record<string, unknown>): KubeObject.KubeObject => ({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "s", generation: 1 }, spec: { replicas: 1 }, status })
    assert.strictEqual(progress("StatefulSet", sts({ observedGeneration: 1, updatedReplicas: 1, readyReplicas: 1, currentRevision: "a", updateRevision: "b" }))._tag, "Rolling")
    assert.strictEqual(progress("StatefulSet", sts({ observedGeneration: 1, updatedReplicas: 1, readyReplicas: 1, currentRevision: "b", updateRevision: "b" }))._tag, "Done")
    const ds = (status: Record<string, unknown>): KubeObject.KubeObject => ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "x", generation: 1 }, spec: {}, status })
    assert.deepStrictEqual(progress("DaemonSet", ds({ observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })), { _tag: "Rolling", message: "2/3 nodes available" })
    assert.strictEqual(progress("DaemonSet", ds({ observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }))._tag, "Done")
    // a partitioned StatefulSet is done once the pods above the partition are updated (kubectl)
    const partitioned = (status: Record<string, unknown>): KubeObject.KubeObject =>
      ({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "p", generation: 1 }, spec: { replicas: 4, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } }, status })
    assert.strictEqual(progress("StatefulSet", partitioned({ observedGeneration: 1, readyReplicas: 4, updatedReplicas: 1, currentRevision: "a", updateRevision: "b" }))._tag, "Rolling")
    assert.strictEqual(progress("StatefulSet", partitioned({ observedGeneration: 1, readyReplicas: 4, updatedReplicas: 2, currentRevision: "a", updateRevision: "b" }))._tag, "Done")
    // a Deployment paused after its restart will not roll
    assert.deepStrictEqual(progress("Deployment", deployment({ observedGeneration: 2, updatedReplicas: 0 }, { replicas: 2, paused: true })), { _tag: "Failed", message: "its rollout was paused after the restart" })
  })

  it("finds a crash loop only among the pods made for this instrumentation", () => {
    const crashing = (name: string, hash: string | undefined, container: Record<string, unknown>, init = false) =>
      pod(name, { kind: "ReplicaSet", name: "rs" }, hash === undefined ? {} : { [R.restartedFor]: hash }, { status: { [init ? "initContainerStatuses" : "containerStatuses"]: [container] } })
    const loop = { name: "app", restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } } }
    assert.isUndefined(Rollout.crashOf([crashing("old", undefined, loop), crashing("earlier", "h0", loop)], "h1"))
    assert.strictEqual(Rollout.crashOf([crashing("new", "h1", loop)], "h1"), `pod shop/new: container "app" is in CrashLoopBackOff (restarted 4 times)`)
    assert.strictEqual(Rollout.crashOf([crashing("new", "h1", { name: "whatap-agent-init", restartCount: 0, state: { waiting: { reason: "ImagePullBackOff" } } }, true)], "h1"), `pod shop/new: container "whatap-agent-init" is in ImagePullBackOff (restarted 0 times)`)
    assert.strictEqual(Rollout.crashOf([crashing("new", "h1", { name: "app", restartCount: 3, state: { running: {} } })], "h1"), `pod shop/new: container "app" restarted 3 times`)
    assert.isUndefined(Rollout.crashOf([crashing("new", "h1", { name: "app", restartCount: 2, state: { running: {} } })], "h1"))
  })

  it("holds a workload back while a budget that selects its pods allows no disruption", () => {
    const budget = (name: string, selector: unknown, allowed: number | undefined): KubeObject.KubeObject =>
      ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name, namespace: "shop" }, spec: { selector }, ...(allowed === undefined ? {} : { status: { disruptionsAllowed: allowed } }) })
    const labels = { app: "cart", tier: "web" }
    assert.isUndefined(Rollout.blockingBudget([budget("other", { matchLabels: { app: "db" } }, 0), budget("ok", { matchLabels: { app: "cart" } }, 1)], labels))
    assert.strictEqual(Rollout.blockingBudget([budget("cart", { matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }] }, 0)], labels), "PodDisruptionBudget shop/cart allows no disruption now")
    assert.strictEqual(Rollout.blockingBudget([budget("new", { matchLabels: { app: "cart" } }, undefined)], labels), "PodDisruptionBudget shop/new allows no disruption now")
    // policy/v1: an empty selector selects every pod of the namespace, a null one none
    assert.isDefined(Rollout.blockingBudget([budget("all", {}, 0)], labels))
    assert.isUndefined(Rollout.blockingBudget([budget("none", null, 0)], labels))
  })

  it("does not restart what a template change would not roll", () => {
    const w = (spec: Record<string, unknown>): KubeObject.KubeObject => ({ apiVersion: "apps/v1", kind: "X", metadata: { name: "w" }, spec })
    assert.strictEqual(Rollout.notRestartable("Deployment", w({ paused: true })), "its rollout is paused")
    assert.include(Rollout.notRestartable("StatefulSet", w({ updateStrategy: { type: "OnDelete" } })) ?? "", "OnDelete")
    assert.include(Rollout.notRestartable("DaemonSet", w({ updateStrategy: { type: "OnDelete" } })) ?? "", "OnDelete")
    assert.isUndefined(Rollout.notRestartable("Deployment", w({ strategy: { type: "RollingUpdate" } })))
    assert.strictEqual(Rollout.notRestartable("StatefulSet", w({ replicas: 2, updateStrategy: { rollingUpdate: { partition: 2 } } })), "its partition (2) holds every pod back")
    assert.isUndefined(Rollout.notRestartable("StatefulSet", w({ replicas: 3, updateStrategy: { rollingUpdate: { partition: 2 } } })))
  })
})

// ---------------------------------------------------------------------------------------

const pass = Effect.andThen(Support.settled, Reconciler.reconcile(Naming.agentName))

/** Waits until the pod cache holds `shop/name` (`settled` only compares what a cache already holds). */
const podCached = (name: string) =>
  Effect.flatMap(Effect.service(Caches), (caches) =>
    caches.pods.get(`shop/${name}`).pipe(
      Effect.flatMap((o) => (Option.isSome(o) ? Effect.void : Effect.fail(`pod ${name} not cached yet`))),
      Effect.retry(Schedule.spaced("10 millis").pipe(Schedule.upTo({ duration: "5 seconds" })))
    ))

const workload = (kind: "Deployment" | "StatefulSet", name: string, extra: Record<string, unknown> = {}): KubeObject.KubeObject => ({
  apiVersion: "apps/v1",
  kind,
  metadata: { name, namespace: "shop", uid: `uid-${name}` },
  spec: { replicas: 1, selector: { matchLabels: { app: "cart", workload: name } }, template: { metadata: { labels: { app: "cart", workload: name } }, spec: { containers: [{ name: "app", image: "shop" }] } }, ...extra }
})

const replicaSet = (deployment: string): KubeObject.KubeObject => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: `${deployment}-1`, namespace: "shop", uid: `uid-${deployment}-1`, ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: deployment, uid: `uid-${deployment}`, controller: true }] }
})

const missed = (deployment: string, n = 0): KubeObject.KubeObject => {
  const p = pod(`${deployment}-1-${n}`, { kind: "ReplicaSet", name: `${deployment}-1` })
  return { ...p, metadata: { ...p.metadata, labels: { app: "cart", workload: deployment } } }
}

const namespaces: ReadonlyArray<KubeObject.KubeObject> = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: Support.namespace } },
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }
]

/** The missed pod `name-0` of StatefulSet `name`. */
const statefulPod = (name: string): KubeObject.KubeObject => {
  const p = missed(name)
  return { ...p, metadata: { ...p.metadata, name: `${name}-0`, ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name, uid: `uid-${name}`, controller: true }] } }
}

const restartedFor = (name: string, kind = ApiResource.Deployment) =>
  Effect.map(Support.stored(kind, name, "shop"), (o) =>
    Option.isNone(o) ? undefined : ((o.value["spec"] as { template: { metadata?: { annotations?: Record<string, string> } } }).template.metadata?.annotations?.[R.restartedFor]))

const rolloutCondition = Effect.map(Support.agent, (a) =>
  ((a["status"] as { conditions?: ReadonlyArray<{ type: string; status: string; reason: string; message: string }> } | undefined)?.conditions ?? []).find((c) => c.type === "RolloutRestart"))

const setStatus = (name: string, status: Record<string, unknown>) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) =>
    Effect.flatMap(kube.get(ApiResource.Deployment, name, { namespace: "shop" }), (d) =>
      kube.patch(ApiResource.Deployment, name, { type: "merge", body: { status: { observedGeneration: d.metadata.generation, ...status } } }, { namespace: "shop", subresource: "status" })))

const rolledOut = (name: string) => setStatus(name, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 })

/** A Deployment whose pod template was restarted for `hash` already. */
const withTemplateHash = (object: KubeObject.KubeObject, hash: string): KubeObject.KubeObject => {
  const spec = object["spec"] as { template: { metadata: Record<string, unknown> } }
  return { ...object, spec: { ...spec, template: { ...spec.template, metadata: { ...spec.template.metadata, annotations: { [R.restartedFor]: hash, [R.restartedAt]: "2026-12-01T00:00:00Z" } } } } }
}

/** Runs `effect` with the clock `seconds` ahead (the informers and waits keep the real one). */
const later = <A, E, R>(seconds: number, effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Clock.clockWith((base) => Effect.succeed(base)), (base) => {
    const shifted: Clock.Clock = Object.assign(Object.create(base) as Clock.Clock, {
      currentTimeMillisUnsafe: () => base.currentTimeMillisUnsafe() + seconds * 1000,
      currentTimeMillis: Effect.sync(() => base.currentTimeMillisUnsafe() + seconds * 1000)
    })
    return Effect.provideService(effect, Clock.Clock, shifted)
  })

const events = (reason: string) => Effect.map(Effect.flatMap(Effect.service(KubeClient), (kube) => kube.list(ApiResource.Event, {})), (l) =>
  l.items.filter((e) => e["reason"] === reason).map((e) => String(e["message"])))

describe("Restarts (reconciler, in-memory API server)", () => {
  layer(Support.layer, { excludeTestServices: true })("opted in, one at a time", (it) => {
    it.effect("restarts one Deployment whose pods were missed, and the next only when it has rolled out", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        yield* memory.seed([
          ...namespaces,
          workload("Deployment", "a"), replicaSet("a"), missed("a"),
          workload("Deployment", "b"), replicaSet("b"), missed("b"),
          agentObject({ [R.annotation]: "enabled" })
        ])
        yield* pass
        yield* pass
        const hash = Rollout.hash(yield* Support.agent)
        assert.strictEqual(yield* restartedFor("a"), hash)
        assert.isUndefined(yield* restartedFor("b"))
        const rolling = yield* rolloutCondition
        assert.strictEqual(rolling?.reason, "Restarting")
        assert.include(rolling?.message ?? "", "rolling: Deployment shop/a")
        assert.include(rolling?.message ?? "", "waiting: Deployment shop/b")
        assert.deepStrictEqual(yield* events("RolloutRestart"), ["restarted Deployment shop/a: 1 pod was not instrumented (shop/a-1-0)"])
        // still rolling: nothing more
        yield* pass
        assert.isUndefined(yield* restartedFor("b"))
        // a has rolled out: its old pod was replaced by an injected one
        yield* rolledOut("a")
        const kube = yield* KubeClient
        yield* kube.delete(ApiResource.Pod, "a-1-0", { namespace: "shop" })
        yield* pass
        assert.strictEqual(yield* restartedFor("b"), hash)
        yield* rolledOut("b")
        yield* kube.delete(ApiResource.Pod, "b-1-0", { namespace: "shop" })
        yield* pass
        const done = yield* rolloutCondition
        assert.strictEqual(done?.status, "True")
        assert.strictEqual(done?.reason, "Completed")
        assert.include(done?.message ?? "", "2 workloads restarted and rolled out")
        assert.include(done?.message ?? "", "no pod waits for a restart")
        yield* Support.clearWrites
        yield* pass
        assert.deepStrictEqual(yield* Support.writes, [], "a pass after the rollout writes nothing")
      }))

    it.effect("a restarted pod that is still not instrumented stops the rollout with a Warning Event", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const hash = Rollout.hash(yield* Support.agent)
        const p = missed("c")
        // Deployment c was restarted for this instrumentation (its template says so), has rolled out, yet its new pod was not injected
        yield* memory.seed([
          withTemplateHash(workload("Deployment", "c"), hash),
          replicaSet("c"),
          { ...p, metadata: { ...p.metadata, annotations: { [R.restartedFor]: hash } } }
        ])
        yield* podCached("c-1-0")
        yield* rolledOut("c")
        yield* Support.clearWrites
        yield* pass
        yield* pass
        const halted = yield* rolloutCondition
        assert.strictEqual(halted?.reason, "Halted")
        assert.include(halted?.message ?? "", "Deployment shop/c was restarted, but its pod shop/c-1-0 is still not instrumented")
        assert.strictEqual((yield* events("RolloutRestartHalted")).length, 1)
        assert.notInclude((yield* Support.writes).join("\n"), "deployments.apps shop/c")
      }))
  })

  layer(Support.layer, { excludeTestServices: true })("crash loops and budgets", (it) => {
    it.effect("a budget with no disruption allowed holds the workload back; a crash loop halts everything", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const kube = yield* KubeClient
        yield* memory.seed([
          ...namespaces,
          { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "a-budget", namespace: "shop" }, spec: { selector: { matchLabels: { workload: "a" } } }, status: { disruptionsAllowed: 0 } },
          workload("Deployment", "a"), replicaSet("a"), missed("a"),
          workload("Deployment", "b"), replicaSet("b"), missed("b"),
          workload("Deployment", "d"), replicaSet("d"), missed("d"),
          agentObject({ [R.annotation]: "enabled", [R.maxConcurrent]: "1" })
        ])
        yield* pass
        yield* pass
        const hash = Rollout.hash(yield* Support.agent)
        // a comes first, but its budget holds it back: b takes the one slot
        assert.isUndefined(yield* restartedFor("a"), "held back by its budget")
        assert.strictEqual(yield* restartedFor("b"), hash)
        assert.isUndefined(yield* restartedFor("d"))
        // the new pod of b crash-loops
        const crashing = missed("b", 9)
        yield* memory.seed([{
          ...crashing,
          metadata: { ...crashing.metadata, annotations: { [R.restartedFor]: hash } },
          status: { containerStatuses: [{ name: "app", restartCount: 5, state: { waiting: { reason: "CrashLoopBackOff" } } }] }
        }])
        yield* podCached("b-1-9")
        yield* pass
        const halted = yield* rolloutCondition
        assert.strictEqual(halted?.status, "False")
        assert.strictEqual(halted?.reason, "Halted")
        assert.include(halted?.message ?? "", `Deployment shop/b: pod shop/b-1-9: container "app" is in CrashLoopBackOff (restarted 5 times)`)
        // halted: the budget frees up, yet nothing more is restarted
        yield* kube.patch(ApiResource.PodDisruptionBudget, "a-budget", { type: "merge", body: { status: { disruptionsAllowed: 1 } } }, { namespace: "shop", subresource: "status" })
        yield* pass
        yield* pass
        assert.isUndefined(yield* restartedFor("a"))
        assert.isUndefined(yield* restartedFor("d"))
        assert.strictEqual((yield* events("RolloutRestartHalted")).length, 1)
        // a new leader (its memory empty) keeps the halt the condition records
        ;(yield* RolloutMemory).agents.clear()
        yield* pass
        assert.strictEqual((yield* rolloutCondition)?.message, halted?.message)
        assert.isUndefined(yield* restartedFor("a"))
      }))

    it.effect("a new instrumentation lifts the halt; turning the restart off removes the condition", () =>
      Effect.gen(function*() {
        const kube = yield* KubeClient
        const agent = yield* Support.agent
        const spec = agent["spec"] as { features: { apm: { instrumentation: { targets: Array<Record<string, unknown>> } } } }
        const targets = spec.features.apm.instrumentation.targets.map((t) => ({ ...t, whatapApmVersions: { java: "2.2.59" } }))
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body: { spec: { features: { apm: { instrumentation: { targets } } } } } })
        yield* pass
        const hash = Rollout.hash(yield* Support.agent)
        // the halt is lifted; b's failure holds no slot, so a (its budget free now) rolls
        assert.strictEqual((yield* rolloutCondition)?.reason, "Restarting")
        assert.strictEqual(yield* restartedFor("a"), hash)
        // a rolls out; then b (its crash was for the old instrumentation) is restarted for the new one, then d
        yield* rolledOut("a")
        yield* kube.delete(ApiResource.Pod, "a-1-0", { namespace: "shop" })
        yield* kube.delete(ApiResource.Pod, "b-1-9", { namespace: "shop" })
        yield* pass
        assert.strictEqual(yield* restartedFor("b"), hash)
        assert.notStrictEqual(yield* restartedFor("d"), hash, "one at a time")
        yield* kube.patch(ApiResource.WhatapAgent, Naming.agentName, { type: "merge", body: { metadata: { annotations: { [R.annotation]: null } } } })
        yield* pass
        assert.isUndefined(yield* rolloutCondition)
      }))
  })

  /** Seeds `objects`, makes the next calls matching `fault` Forbidden, and expects a halt naming the chart value. */
  const refused = (objects: ReadonlyArray<KubeObject.KubeObject>, fault: Parameters<KubeMemory["Service"]["failNext"]>[0], expected: string) =>
    Effect.gen(function*() {
      const memory = yield* KubeMemory
      yield* memory.seed([...namespaces, ...objects, agentObject({ [R.annotation]: "enabled" })])
      yield* memory.failNext(fault)
      yield* pass
      yield* pass
      const halted = yield* rolloutCondition
      assert.strictEqual(halted?.reason, "Halted")
      assert.include(halted?.message ?? "", `${expected}: install it with the chart value rolloutRestart.enabled=true`)
    })

  layer(Support.layer, { excludeTestServices: true })("without the RBAC", (it) => {
    it.effect("a refused patch stops the rollout and names the chart value that grants it", () =>
      refused([workload("StatefulSet", "db"), statefulPod("db")], { verb: "patch", resource: ApiResource.StatefulSet, reason: "Forbidden" }, "may not patch statefulsets (StatefulSet shop/db)"))
  })

  layer(Support.layer, { excludeTestServices: true })("without the RBAC to read", (it) => {
    it.effect("a refused read of a ReplicaSet stops the rollout and names the chart value too", () =>
      refused([workload("Deployment", "a"), replicaSet("a"), missed("a")], { verb: "get", resource: ApiResource.ReplicaSet, reason: "Forbidden", times: 10 }, "may not read replicasets"))
  })

  layer(Support.layer, { excludeTestServices: true })("many workloads a restart cannot roll", (it) => {
    it.effect("are read once and do not starve the one after them", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const onDelete = Array.from({ length: 24 }, (_, i) => `a${String(i).padStart(2, "0")}`)
        yield* memory.seed([
          ...namespaces,
          ...onDelete.flatMap((name) => [workload("StatefulSet", name, { updateStrategy: { type: "OnDelete" } }), statefulPod(name)]),
          workload("StatefulSet", "zz"), statefulPod("zz"),
          agentObject({ [R.annotation]: "enabled" })
        ])
        yield* podCached("zz-0")
        for (let i = 0; i < 4 && (yield* restartedFor("zz", ApiResource.StatefulSet)) === undefined; i++) yield* pass
        assert.isDefined(yield* restartedFor("zz", ApiResource.StatefulSet))
        const message = (yield* rolloutCondition)?.message ?? ""
        assert.include(message, "not restarted: shop/a00-0: StatefulSet shop/a00 is not restarted, its updateStrategy is OnDelete")
        yield* memory.clearCalls
        yield* pass
        const reads = (yield* memory.calls).filter((c) => c.resource === "statefulsets.apps" && c.verb === "get")
        assert.deepStrictEqual(reads.map((c) => c.name), ["zz"], "only the rolling one is read again")
      }))

    it.effect("only the WhatapAgent named whatap restarts workloads", () =>
      Effect.gen(function*() {
        const raw = agentObject({ [R.annotation]: "enabled" })
        const step = yield* Restarts.step({
          raw: { ...raw, metadata: { ...raw.metadata, name: "other", uid: "other" } },
          agent: decoded(raw),
          operatorNamespace: Support.namespace,
          pods: [],
          namespaceLabels: () => undefined,
          webhookReady: true,
          current: undefined
        })
        assert.strictEqual(step.update?.reason, "Halted")
        assert.include(step.update?.message ?? "", `only the WhatapAgent named "whatap" restarts workloads`)
      }))
  })

  layer(Support.layer, { excludeTestServices: true })("a new leader, stalls and recreated workloads", (it) => {
    it.effect("a new leader takes over a restart already made before restarting another (one at a time)", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const raw = agentObject({ [R.annotation]: "enabled" })
        const hash = Rollout.hash(raw)
        // b was restarted by an earlier leader: its template says so, its new pods are not up yet
        yield* memory.seed([...namespaces, workload("Deployment", "a"), replicaSet("a"), missed("a"), withTemplateHash(workload("Deployment", "b"), hash), replicaSet("b"), missed("b"), raw])
        yield* setStatus("b", { replicas: 1, updatedReplicas: 0 })
        yield* podCached("b-1-0")
        yield* pass
        yield* pass
        assert.isUndefined(yield* restartedFor("a"), "a waits for b's slot")
        const message = (yield* rolloutCondition)?.message ?? ""
        assert.include(message, "rolling: Deployment shop/b")
        assert.include(message, "waiting: Deployment shop/a")
      }))

    it.effect("a rollout that makes no progress for ten minutes halts; the clock is moved, not waited for", () =>
      Effect.gen(function*() {
        const hash = Rollout.hash(yield* Support.agent)
        yield* pass
        assert.strictEqual((yield* rolloutCondition)?.reason, "Restarting")
        yield* later(11 * 60, pass)
        const halted = yield* rolloutCondition
        assert.strictEqual(halted?.reason, "Halted")
        assert.include(halted?.message ?? "", `stopped (instrumentation ${hash}): Deployment shop/b: it has made no progress for 10 minutes (0/1 replicas updated)`)
      }))
  })

  layer(Support.layer, { excludeTestServices: true })("a new leader with many candidates", (it) => {
    it.effect("reads every candidate before restarting any, so a restart an earlier leader made far down the list keeps the limit", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const raw = agentObject({ [R.annotation]: "enabled" })
        const names = Array.from({ length: 30 }, (_, i) => `a${String(i).padStart(2, "0")}`)
        yield* memory.seed([
          ...namespaces,
          ...names.flatMap((name) => [workload("StatefulSet", name), statefulPod(name)]),
          // zz sorts last: the earlier leader restarted it, its pods are not replaced yet
          withTemplateHash(workload("StatefulSet", "zz"), Rollout.hash(raw)), statefulPod("zz"),
          raw
        ])
        yield* podCached("zz-0")
        for (let i = 0; i < 4; i++) yield* pass
        for (const name of names) assert.isUndefined(yield* restartedFor(name, ApiResource.StatefulSet), name)
        const message = (yield* rolloutCondition)?.message ?? ""
        assert.include(message, "rolling: StatefulSet shop/zz")
      }))
  })

  layer(Support.layer, { excludeTestServices: true })("done, then created again", (it) => {
    it.effect("a workload deleted and created again under its name is restarted again", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const kube = yield* KubeClient
        yield* memory.seed([...namespaces, workload("Deployment", "a"), replicaSet("a"), missed("a"), agentObject({ [R.annotation]: "enabled" })])
        yield* pass
        yield* pass
        const first = (yield* Support.stored(ApiResource.Deployment, "a", "shop")).pipe(Option.getOrUndefined)
        assert.isDefined(yield* restartedFor("a"))
        yield* rolledOut("a")
        yield* kube.delete(ApiResource.Pod, "a-1-0", { namespace: "shop" })
        yield* pass
        assert.strictEqual((yield* rolloutCondition)?.reason, "Completed")
        // a scale-up while the webhook was away, after the rollout: a missed pod like any other, named, no halt
        const hash = Rollout.hash(yield* Support.agent)
        const late = missed("a", 7)
        yield* memory.seed([{ ...late, metadata: { ...late.metadata, annotations: { [R.restartedFor]: hash }, creationTimestamp: new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, "Z") } }])
        yield* podCached("a-1-7")
        yield* pass
        const named = yield* rolloutCondition
        assert.strictEqual(named?.reason, "Completed")
        assert.include(named?.message ?? "", "restarted once for it already, not again: Deployment shop/a (shop/a-1-7)")
        yield* kube.delete(ApiResource.Pod, "a-1-7", { namespace: "shop" })
        // recreated: a new uid, a new ReplicaSet, a missed pod again
        yield* kube.delete(ApiResource.Deployment, "a", { namespace: "shop" })
        yield* kube.delete(ApiResource.ReplicaSet, "a-1", { namespace: "shop" })
        const again = { ...workload("Deployment", "a"), metadata: { name: "a", namespace: "shop", uid: "uid-a-again" } }
        const rs = replicaSet("a")
        const pod2 = missed("a", 2)
        yield* memory.seed([
          again,
          { ...rs, metadata: { ...rs.metadata, name: "a-2", uid: "uid-a-2", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "a", uid: "uid-a-again", controller: true }] } },
          { ...pod2, metadata: { ...pod2.metadata, name: "a-2-0", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "a-2", uid: "uid-a-2", controller: true }] } }
        ])
        yield* podCached("a-2-0")
        yield* pass
        yield* pass
        const second = (yield* Support.stored(ApiResource.Deployment, "a", "shop")).pipe(Option.getOrUndefined)
        assert.notStrictEqual(second?.metadata.uid, first?.metadata.uid)
        assert.isDefined(yield* restartedFor("a"), "the new Deployment a is restarted too")
      }))

    it.effect("a paused workload is read again after five minutes and restarted once unpaused", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        const kube = yield* KubeClient
        // the recreated a rolls out first, so the one slot is free
        yield* rolledOut("a")
        yield* kube.delete(ApiResource.Pod, "a-2-0", { namespace: "shop" })
        yield* memory.seed([workload("Deployment", "p", { paused: true }), replicaSet("p"), missed("p")])
        yield* podCached("p-1-0")
        yield* pass
        assert.include((yield* rolloutCondition)?.message ?? "", "Deployment shop/p is not restarted, its rollout is paused")
        yield* kube.patch(ApiResource.Deployment, "p", { type: "merge", body: { spec: { paused: false } } }, { namespace: "shop" })
        yield* pass
        assert.isUndefined(yield* restartedFor("p"), "not read again at once")
        yield* later(6 * 60, pass)
        assert.isDefined(yield* restartedFor("p"))
      }))
  })

  layer(Support.layer, { excludeTestServices: true })("not opted in", (it) => {
    it.effect("restarts nothing and writes no RolloutRestart condition", () =>
      Effect.gen(function*() {
        const memory = yield* KubeMemory
        yield* memory.seed([
          ...namespaces,
          workload("Deployment", "a"), replicaSet("a"), missed("a"),
          agentObject()
        ])
        yield* pass
        yield* pass
        assert.isUndefined(yield* restartedFor("a"))
        assert.isUndefined(yield* rolloutCondition)
        const calls = yield* memory.calls
        assert.isFalse(calls.some((c) => c.resource.startsWith("replicasets") || c.resource.startsWith("poddisruptionbudgets")), "no read for a restart that is off")
      }))
  })
})
