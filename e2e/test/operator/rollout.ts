/**
 * B3, the opt-in rollout restart, through the real kube-apiserver and controller-manager:
 * a Deployment, a StatefulSet and a DaemonSet whose pods were created before a target
 * selected them are restarted by the operator (with the RBAC of
 * deploy/operator/rollout-restart-rbac.yaml) once the WhatapAgent opts in, their new pods
 * are injected by the webhook, the condition reports the rollout done, and no workload is
 * restarted a second time for the same instrumentation. Crash loops, budgets that allow no
 * disruption and refused patches are covered by the unit tests (kwok pods do not crash).
 */
import { assert, type Vitest } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as Cluster from "./Cluster.ts"
import type * as SuiteTypes from "./Suite.ts"
import { condition, eventually } from "./Suite.ts"

type It = Vitest.MethodsNonLive<SuiteTypes.Services>

const ns = "e2e-rollout"
const R = Naming.rolloutRestart

const labels = (app: string) => ({ "rollout-e2e": "yes", app })

const template = (app: string) => ({
  metadata: { labels: labels(app) },
  spec: { containers: [{ name: "app", image: `example.com/${app}:1` }] }
})

const workloads: ReadonlyArray<{ readonly resource: ApiResource.ApiResource; readonly object: KubeObject.KubeObject }> = [
  {
    resource: ApiResource.Deployment,
    object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: ns }, spec: { replicas: 2, selector: { matchLabels: labels("web") }, template: template("web") } }
  },
  {
    resource: ApiResource.StatefulSet,
    object: { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: ns }, spec: { replicas: 1, serviceName: "db", selector: { matchLabels: labels("db") }, template: template("db") } }
  },
  {
    resource: ApiResource.DaemonSet,
    object: { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "node-probe", namespace: ns }, spec: { selector: { matchLabels: labels("node-probe") }, template: template("node-probe") } }
  }
]

const target = {
  name: "rollout-e2e",
  enabled: true,
  language: "java",
  whatapApmVersions: { java: "2.2.58" },
  namespaceSelector: { matchNames: [ns] },
  podSelector: { matchLabels: { "rollout-e2e": "yes" } }
}

const livePods = Effect.map(
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.list(ApiResource.Pod, { namespace: ns, labelSelector: "rollout-e2e=yes" })),
  (l) => l.items.filter((p) => p.metadata.deletionTimestamp === undefined)
)

const injected = (pod: KubeObject.KubeObject) => pod.metadata.annotations?.[Naming.apmAnnotations.injected] === "true"

const templateAnnotations = (object: KubeObject.KubeObject) =>
  (object["spec"] as { template: { metadata?: { annotations?: Record<string, string> } } }).template.metadata?.annotations ?? {}

export const rolloutSpecs = (it: It) => {
  it.effect("B3: opted in, the pods of a Deployment, a StatefulSet and a DaemonSet that were not instrumented are restarted and injected", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      yield* kube.create(ApiResource.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } })
      // a budget the restart reads and that allows it (one of web's two pods may go)
      yield* kube.create(ApiResource.PodDisruptionBudget, {
        apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: ns }, spec: { maxUnavailable: 1, selector: { matchLabels: labels("web") } }
      }, { namespace: ns })
      for (const w of workloads) yield* kube.create(w.resource, w.object, { namespace: ns })
      // no target selects them yet: their pods run uninstrumented
      const before = yield* eventually(Effect.filterOrFail(livePods, (pods) => pods.length >= 4, (pods) => new Error(`${pods.length} pods`)), "60 seconds")
      assert.isFalse(before.some(injected))
      const agent = yield* Cluster.agent
      const targets = (agent["spec"] as { features: { apm: { instrumentation: { targets?: ReadonlyArray<unknown> } } } }).features.apm.instrumentation.targets ?? []
      yield* Cluster.mergePatchAgent({
        metadata: { annotations: { [R.annotation]: R.enabled, [R.maxConcurrent]: "2" } },
        spec: { features: { apm: { instrumentation: { enabled: true, targets: [...targets, target] } } } }
      })
      const done = yield* eventually(Effect.gen(function*() {
        const pods = yield* livePods
        const missing = pods.filter((p) => !injected(p)).map((p) => p.metadata.name)
        if (missing.length > 0 || pods.length < 4) return yield* Effect.fail(new Error(`not injected yet: ${missing.join(", ")} (${pods.length} pods)`))
        const a = yield* Cluster.agent
        const c = condition(a, "RolloutRestart")
        if (c?.reason !== "Completed") return yield* Effect.fail(new Error(JSON.stringify(c)))
        return c
      }), "180 seconds")
      assert.strictEqual(done.status, "True")
      assert.include(String(done.message), "3 workloads restarted and rolled out")
      const restartedAt = new Map<string, string | undefined>()
      for (const w of workloads) {
        const live = yield* kube.get(w.resource, w.object.metadata.name ?? "", { namespace: ns })
        const annotations = templateAnnotations(live)
        assert.match(annotations[R.restartedFor] ?? "", /^[0-9a-f]{16}$/, `${w.object.kind} ${w.object.metadata.name}`)
        restartedAt.set(w.object.kind, annotations[R.restartedAt])
      }
      const events = (yield* kube.list(ApiResource.Event, {})).items.filter((e) => e["reason"] === "RolloutRestart").map((e) => String(e["message"]))
      for (const name of ["Deployment e2e-rollout/web", "StatefulSet e2e-rollout/db", "DaemonSet e2e-rollout/node-probe"]) {
        assert.isTrue(events.some((m) => m.startsWith(`restarted ${name}:`)), `${name}: ${events.join(" | ")}`)
      }
      // the same instrumentation never restarts a workload twice: a change of the CR that leaves
      // the instrumentation as it is makes the operator look again, and it restarts nothing
      yield* Cluster.mergePatchAgent({ metadata: { labels: { "e2e-rollout-poke": "1" } } })
      yield* Effect.sleep(Duration.seconds(8))
      assert.strictEqual(condition(yield* Cluster.agent, "RolloutRestart")?.reason, "Completed")
      for (const w of workloads) {
        const live = yield* kube.get(w.resource, w.object.metadata.name ?? "", { namespace: ns })
        assert.strictEqual(templateAnnotations(live)[R.restartedAt], restartedAt.get(w.object.kind))
      }
    }).pipe(Effect.ensuring(Effect.gen(function*() {
      const kube = yield* KubeClient
      const agent = yield* Cluster.agent
      const targets = (agent["spec"] as { features: { apm: { instrumentation: { targets?: ReadonlyArray<{ name?: string }> } } } }).features.apm.instrumentation.targets ?? []
      yield* Cluster.mergePatchAgent({
        metadata: { annotations: { [R.annotation]: null, [R.maxConcurrent]: null }, labels: { "e2e-rollout-poke": null } },
        spec: { features: { apm: { instrumentation: { targets: targets.filter((t) => t.name !== target.name) } } } }
      })
      yield* kube.delete(ApiResource.Namespace, ns)
    }).pipe(Effect.ignore))), 240_000)
}
