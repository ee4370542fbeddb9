/**
 * The operator as a process among others: its metrics pass the real promtool, the API
 * server never dials anything but loopback for its webhook, it survives an API server
 * outage without a restart and repairs drift afterwards, a replica whose webhook Secret was
 * spoiled stays unready saying why until its own reconcile repairs it, leadership moves within 15 s of
 * a leader's death and at once on SIGTERM, and deleting the CR removes everything.
 */
import { assert, type Vitest } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { ControlPlane } from "../../src/ControlPlane.ts"
import * as NetworkGuard from "../../src/NetworkGuard.ts"
import * as Promtool from "../../src/Promtool.ts"
import * as Cluster from "./Cluster.ts"
import type * as SuiteTypes from "./Suite.ts"
import { eventually, exists, namespace as ns, read, Suite } from "./Suite.ts"

type It = Vitest.MethodsNonLive<SuiteTypes.Services>

const dsName = Naming.nodeAgent.daemonSet

const holder = Effect.map(read(ApiResource.Lease, Naming.leaderElectionLease, ns), (lease) =>
  (lease["spec"] as { holderIdentity?: string } | undefined)?.holderIdentity ?? "")

const deleteAndAwaitRepair = (timeout: Duration.Input) =>
  Effect.gen(function*() {
    const kube = yield* KubeClient
    const before = yield* read(ApiResource.DaemonSet, dsName, ns)
    yield* kube.delete(ApiResource.DaemonSet, dsName, { namespace: ns })
    yield* eventually(Effect.filterOrFail(read(ApiResource.DaemonSet, dsName, ns), (ds) => ds.metadata.uid !== before.metadata.uid, () => new Error("not recreated")), timeout)
  })

export const resilienceSpecs = (it: It) => {
  it.effect("/metrics passes promtool check metrics and carries the operator's series", () =>
    Effect.gen(function*() {
      const suite = yield* Suite
      const metrics = yield* suite.primary.get("/metrics")
      assert.strictEqual(metrics.status, 200)
      for (const name of ["whatap_operator_reconcile_total", "whatap_operator_reconcile_duration_seconds_bucket", "whatap_operator_workqueue_depth", "whatap_operator_api_requests_total", "whatap_operator_leader"]) {
        assert.include(metrics.body, name)
      }
      const findings = yield* Promtool.checkMetrics(metrics.body)
      assert.isTrue(Promtool.isClean(findings), JSON.stringify(findings))
    }))

  it.effect("the API server calls the webhook on loopback only", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const kube = yield* KubeClient
      const mwc = yield* read(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration)
      for (const hook of mwc["webhooks"] as ReadonlyArray<{ clientConfig: { url?: string; service?: unknown } }>) {
        assert.isUndefined(hook.clientConfig.service)
        assert.strictEqual(new URL(hook.clientConfig.url ?? "").hostname, "127.0.0.1")
      }
      // Pod creations go through the webhook (nothing listens: failurePolicy Ignore lets them pass).
      const sampled = yield* NetworkGuard.during(
        plane.nonLoopbackConnections,
        Effect.forEach([1, 2, 3], (i) =>
          kube.create(ApiResource.Pod, {
            apiVersion: "v1", kind: "Pod", metadata: { name: `e2e-net-${i}`, namespace: "default" },
            spec: { containers: [{ name: "c", image: "example.com/app:1" }] }
          } as KubeObject.KubeObject, { namespace: "default" }))
      )
      assert.deepStrictEqual(sampled.connections.map(NetworkGuard.format), [])
      yield* Effect.forEach([1, 2, 3], (i) => kube.delete(ApiResource.Pod, `e2e-net-${i}`, { namespace: "default" }))
    }))

  it.effect("survives the API server being down for 20 s without a restart, then repairs drift; a replica started meanwhile waits for it", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const suite = yield* Suite
      const pid = suite.primary.pid
      yield* plane.stopApiServer
      // The watches fail: the operator says it is not ready, and keeps running.
      const unready = yield* eventually(Effect.filterOrFail(suite.primary.get("/readyz"), (r) => r.status === 503, (r) => new Error(r.body)), "20 seconds")
      assert.match(unready.body, /not/)
      // A replica that starts now cannot read its webhook certificate: it serves its probes and retries.
      const late = yield* suite.start("operator-late")
      yield* Effect.sleep(Duration.seconds(20))
      assert.isTrue(suite.primary.exitCode() === undefined, `exited: ${suite.primary.stderr()}`)
      assert.isTrue(late.exitCode() === undefined, `the late replica exited: ${late.stderr()}`)
      assert.strictEqual((yield* late.get("/healthz")).status, 200)
      assert.strictEqual((yield* late.get("/readyz")).status, 503)
      yield* plane.startApiServer
      yield* deleteAndAwaitRepair("90 seconds")
      yield* suite.primary.waitReady("60 seconds")
      yield* late.waitReady("60 seconds")
      assert.strictEqual(suite.primary.pid, pid)
      assert.strictEqual((yield* suite.primary.get("/healthz")).status, 200)
    }), 180_000)

  it.effect("a webhook Secret spoiled while the leader is away: a replica started then is unready and says why, takes the lease, repairs the Secret and serves", () =>
    Effect.gen(function*() {
      const suite = yield* Suite
      const kube = yield* KubeClient
      assert.strictEqual(yield* holder, suite.primary.identity)
      yield* suite.primary.signal("SIGSTOP")
      const repairer = yield* Effect.gen(function*() {
        const garbage = Buffer.from("not a certificate").toString("base64")
        yield* kube.patch(ApiResource.Secret, Naming.webhook.secret, { type: "merge", body: { data: { [Naming.webhook.secretKeys.tlsCert]: garbage } } }, { namespace: ns })
        const started = yield* suite.start("operator-repair")
        const unready = yield* eventually(Effect.filterOrFail(started.get("/readyz"), (r) => r.status === 503 && r.body.includes("holds no usable certificate"), (r) => new Error(`${r.status} ${r.body}`)), "30 seconds")
        assert.include(unready.body, `Secret ${ns}/${Naming.webhook.secret}`)
        // it campaigns meanwhile: once the stopped leader's lease expires it leads, and its reconcile issues a new serving certificate
        yield* started.waitReady("60 seconds")
        assert.strictEqual(yield* holder, started.identity)
        const secret = yield* read(ApiResource.Secret, Naming.webhook.secret, ns)
        const served = Buffer.from((secret["data"] as Record<string, string>)[Naming.webhook.secretKeys.tlsCert] ?? "", "base64").toString("utf8")
        assert.include(served, "BEGIN CERTIFICATE")
        return started
      }).pipe(Effect.ensuring(suite.primary.signal("SIGCONT")))
      // back to the primary as leader for the specs that follow
      yield* repairer.signal("SIGTERM")
      assert.strictEqual(yield* repairer.exited, 0)
      yield* eventually(Effect.filterOrFail(holder, (h) => h === suite.primary.identity, (h) => new Error(`holder ${h}`)), "30 seconds")
      yield* suite.primary.waitReady("30 seconds")
    }), 150_000)

  it.effect("leadership moves within 15 s of kill -9, at once on SIGTERM; deleting the CR removes everything", () =>
    Effect.gen(function*() {
      const suite = yield* Suite
      const kube = yield* KubeClient
      const b = yield* suite.start("operator-b")
      yield* b.waitReady()
      assert.strictEqual(yield* holder, suite.primary.identity)
      assert.match((yield* b.get("/readyz")).body, /standby/)
      // kill -9: no release, the lease has to expire.
      yield* suite.primary.signal("SIGKILL")
      const killed = Date.now()
      yield* eventually(Effect.filterOrFail(holder, (h) => h === b.identity, (h) => new Error(`holder ${h}`)), "20 seconds")
      assert.isBelow(Date.now() - killed, 15_000)
      yield* deleteAndAwaitRepair("30 seconds")
      // SIGTERM: the leader releases the lease as it exits, the standby takes it at its next try.
      const c = yield* suite.start("operator-c")
      yield* c.waitReady()
      yield* b.signal("SIGTERM")
      const terminated = Date.now()
      assert.strictEqual(yield* b.exited, 0)
      yield* eventually(Effect.filterOrFail(holder, (h) => h === c.identity, (h) => new Error(`holder ${h}`)), "20 seconds")
      assert.isBelow(Date.now() - terminated, 5_000)
      // Deleting the CR: the new leader removes every object, then the finalizer. (No wait for
      // Ready here: after the API server restart the controller-manager's DaemonSet controller
      // may take minutes to trust its pod cache again, which is not the operator's business.)
      yield* kube.delete(ApiResource.WhatapAgent, Naming.agentName)
      yield* eventually(Effect.filterOrFail(exists(ApiResource.WhatapAgent, Naming.agentName), (e) => !e, () => new Error("CR still there")), "30 seconds")
      assert.deepStrictEqual(yield* Cluster.owned, [])
      for (const [resource, name] of [
        [ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration],
        [ApiResource.ValidatingWebhookConfiguration, Naming.webhook.validatingConfiguration],
        [ApiResource.ClusterRole, Naming.openAgent.clusterRole],
        [ApiResource.ClusterRoleBinding, Naming.openAgent.clusterRoleBinding]
      ] as const) {
        assert.isFalse(yield* exists(resource, name), `${resource.kind} ${name} left behind`)
      }
      yield* c.signal("SIGTERM")
      assert.strictEqual(yield* c.exited, 0)
    }), 180_000)
}
