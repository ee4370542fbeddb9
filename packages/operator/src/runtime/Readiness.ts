/**
 * What `/readyz` answers and what the API-request metrics record. A leader is ready when
 * every watch is synced and running (an API server outage turns it unready until the
 * watches recover); a standby is ready when it is waiting for the Lease.
 */
import { Effect, Metric, Option, Ref } from "effect"
import type { KubeClient } from "@whatap-operator/kube"
import type { Caches } from "../controller/Caches.ts"
import type * as LeaderElection from "./LeaderElection.ts"
import * as Metrics from "./Metrics.ts"
import type { Readiness } from "./ProbeServer.ts"
import type * as Webhook from "../webhook/Webhook.ts"

/**
 * Ready when the admission webhooks are served (when this replica serves them: the API
 * server may send it admissions as soon as it is ready) and, on the leader, every watch
 * is synced and watching; a standby with its webhooks up is ready.
 */
export const check = (current: Ref.Ref<Option.Option<Caches["Service"]>>, webhooks: Ref.Ref<Webhook.Serving>): Effect.Effect<Readiness> =>
  Effect.gen(function*() {
    const serving = yield* Ref.get(webhooks)
    if (!serving.serving) return { ready: false, checks: [`webhooks: ${serving.why}`] }
    const caches = yield* Ref.get(current)
    if (Option.isNone(caches)) return { ready: true, checks: ["standby: waiting for the leader election lease"] }
    const checks = yield* Effect.forEach(caches.value.all, (w) =>
      Effect.map(w.informer.health, (h) => {
        const ok = h.synced && h.watching
        return { ok, line: `watch ${w.name}: ${ok ? "ok" : h.synced ? "not watching" : "not synced"}${h.lastError === undefined || ok ? "" : ` (${h.lastError})`}` }
      }))
    yield* Effect.forEach(caches.value.all, (w, i) =>
      Metric.update(Metric.withAttributes(Metrics.watchHealthy, { watch: w.name }), checks[i]?.ok === true ? 1 : 0), { discard: true })
    return { ready: checks.every((c) => c.ok), checks: checks.map((c) => c.line) }
  })

export const publishLeadership = (state: LeaderElection.State) => Metric.update(Metrics.leader, state.isLeader ? 1 : 0)

type Observe = NonNullable<Parameters<typeof KubeClient.layer>[0]>["observe"]

/** The live client's per-request hook: counts requests by verb, resource and code. */
export const observeRequest: Observe = (event) =>
  Metric.update(Metric.withAttributes(Metrics.apiRequestsTotal, {
    verb: event.verb,
    resource: event.resource.plural,
    code: String(event.status)
  }), 1)
