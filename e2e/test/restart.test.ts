/**
 * kube-apiserver can be stopped and started again under a running control plane: the same
 * URL answers afterwards with the same data (same etcd), the controllers carry on, and the
 * audit log goes on in the same file. This file has a control plane of its own (the
 * suite's is shared by specs that must not see it go away).
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { CoreV1Api } from "@kubernetes/client-node"
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Audit from "../src/Audit.ts"
import { ControlPlane } from "../src/ControlPlane.ts"
import * as Probe from "../src/Probe.ts"

// One GET of /readyz with the admin certificate (from the PKI in the work directory).
const readyz = (plane: ControlPlane["Service"]) =>
  Probe.get(`${plane.apiServerUrl}/readyz`, {
    ca: plane.caCert,
    cert: readFileSync(join(plane.workDir, "admin.crt"), "utf8"),
    key: readFileSync(join(plane.workDir, "admin.key"), "utf8")
  })

// A live clock: the restart really waits.
layer(ControlPlane.layer(), { timeout: "3 minutes", excludeTestServices: true })("kube-apiserver restart", (it) => {
  it.effect("stops, stays down, and comes back on the same URL with the same data", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const core = plane.kubeConfig.makeApiClient(CoreV1Api)
      yield* Effect.promise(() => core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "before-restart" } } }))
      const before = Option.getOrThrow(yield* plane.apiServerPid)

      yield* plane.stopApiServer
      assert.isTrue(Option.isNone(yield* plane.apiServerPid))
      const down = yield* Effect.flip(readyz(plane))
      assert.match(down.message, /ECONNREFUSED/)
      assert.deepStrictEqual(yield* plane.nonLoopbackConnections, [])

      yield* plane.startApiServer
      const after = Option.getOrThrow(yield* plane.apiServerPid)
      assert.notStrictEqual(after, before)
      assert.strictEqual((yield* readyz(plane)).status, 200)
      const kept = yield* Effect.promise(() => core.readNamespacedConfigMap({ namespace: "default", name: "before-restart" }))
      assert.strictEqual(kept.metadata?.name, "before-restart")
    }), 60_000)

  it.effect("restartApiServer waits out the down time and returns once ready", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const started = Date.now()
      yield* plane.restartApiServer("1 second")
      assert.isAtLeast(Date.now() - started, 1_000)
      assert.strictEqual((yield* readyz(plane)).status, 200)
      // The controller-manager reconnected (it gives the new namespace its `default`
      // ServiceAccount) and the new process appends to the same audit log. Its reflectors
      // retry with client-go's backoff (0.8 s doubling with jitter, up to 30 s, reset only
      // after 2 min of health, so the first test's outage counts too): 0-20 s here.
      const core = plane.kubeConfig.makeApiClient(CoreV1Api)
      const since = new Date()
      yield* Effect.promise(() => core.createNamespace({ body: { metadata: { name: "after-restart" } } }))
      yield* Probe.until(
        "default ServiceAccount of after-restart",
        "60 seconds",
        Effect.tryPromise(() => core.readNamespacedServiceAccount({ namespace: "after-restart", name: "default" }))
      )
      yield* Audit.flush(plane.auditLogPath, plane.kubeConfig)
      const events = yield* Audit.events(plane.auditLogPath, { since })
      const writes = Audit.writes(events).map((e) => `${e.user.username} ${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`)
      assert.include(writes, "e2e-admin create namespaces/after-restart")
      assert.include(writes, "system:kube-controller-manager create serviceaccounts/default")
    }), 90_000)
})
