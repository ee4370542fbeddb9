/**
 * `whatapctl doctor`'s checks against an in-process cluster (test/support/cluster.ts):
 * a healthy install passes all eight; each thing broken on purpose fails the check that
 * is about it, with its fix, and the checks that depend on it are skipped. The e2e suite
 * runs the same command against a real control plane (e2e/test/cli-live.test.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import { Naming } from "@whatap-operator/core"
import { KubeMemory, type KubeObject } from "@whatap-operator/kube"
import { Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { runSteps } from "../src/commands/doctor.ts"
import { agentStep } from "../src/commands/doctor/Agent.ts"
import type * as Check from "../src/commands/doctor/Check.ts"
import { block } from "../src/commands/doctor/Report.ts"
import { plain } from "../src/Style.ts"
import * as World from "./support/cluster.ts"
import { isolatedEnv, run, scratchDir } from "./support/run.ts"
import { writeFileSync } from "node:fs"
import { join } from "node:path"

const initial: Check.Facts = { namespace: World.namespace, serviceAccount: "whatap-operator", reachable: false, crds: false, agentObject: undefined, agent: undefined }

type Objects = ReadonlyArray<KubeObject.KubeObject>
const id = (o: KubeObject.KubeObject) => `${o.kind}/${o.metadata.name ?? ""}`

const edited = (edit: (objects: Objects) => Objects) => Effect.map(World.healthy, edit)
const without = (...ids: ReadonlyArray<string>) => edited((objects) => objects.filter((o) => !ids.includes(id(o))))
const replacing = (next: (o: KubeObject.KubeObject) => KubeObject.KubeObject | undefined) => edited((objects) => objects.map((o) => next(o) ?? o))

/** The results of every step, with the clock at the world's time. */
const doctor = (objects: Effect.Effect<Objects, unknown>, faults: World.Faults = {}, before: Effect.Effect<void, never, KubeMemory> = Effect.void) =>
  Effect.gen(function*() {
    const io = World.recordingIo()
    return yield* Effect.andThen(before, runSteps(initial, () => Effect.void)).pipe(Effect.provide(Layer.merge(World.layer(objects, faults), io.layer)))
  })

const statuses = (results: ReadonlyArray<Check.Result>) => results.map((r) => r.status)
const text = (results: ReadonlyArray<Check.Result>) => results.map((r, i) => block(i + 1, r, plain)).join("")
const titled = (results: ReadonlyArray<Check.Result>, title: string): Check.Result =>
  results.find((r) => r.title.startsWith(title)) ?? assert.fail(`no check ${title}`)

describe("doctor", () => {
  it.effect("a healthy install: eight checks, all ok, and no credential value anywhere", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(World.healthy)
      assert.deepStrictEqual(statuses(results), ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"], text(results))
      assert.deepStrictEqual(results.map((r) => r.title), [
        "API server reachable", "CRDs installed and current", "WhatapAgent valid", "credentials Secret present",
        "operator leader and ready", "webhook reachable (dry-run pod create)", "served certificate against the caBundle", "RBAC of the operator's ServiceAccount"
      ])
      assert.include(text(results), "a pod in default labelled framework=spring came back injected by target spring-apps")
      assert.include(text(results), "holds all 75 permissions")
      assert.notInclude(text(results), "the-license-value-42")
    }))

  it.effect("an unreachable API server fails the first check and skips the rest", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(World.healthy, {}, KubeMemory.use((m) => m.failNext({ reason: "Unavailable", times: 100 })))
      assert.deepStrictEqual(statuses(results), ["fail", "skip", "skip", "skip", "skip", "skip", "skip", "skip"])
      assert.match(results[0]?.fix ?? "", /kubectl config view --minify/)
    }))

  it.effect("a missing and an outdated CRD: one failure naming both, the install command as the fix", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(edited((objects) => objects
        .filter((o) => id(o) !== "CustomResourceDefinition/whatapstaticendpoints.monitoring.whatap.com")
        .map((o) => id(o) === "CustomResourceDefinition/whatappodmonitors.monitoring.whatap.com" ? JSON.parse(JSON.stringify(o).replace("declares pods", "lists pods")) as KubeObject.KubeObject : o)))
      const crds = titled(results, "CRDs")
      assert.strictEqual(crds.status, "fail")
      assert.deepStrictEqual(crds.details, [
        "whatappodmonitors.monitoring.whatap.com: its schema differs from whatapctl 0.1.0's at description",
        "whatapstaticendpoints.monitoring.whatap.com: not installed"
      ])
      assert.strictEqual(crds.fix, "install this release's CRDs: whatapctl crds | kubectl apply --server-side -f -")
    }))

  it.effect("no WhatapAgent: fails with how to create one; the checks that need it are skipped", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(without(`WhatapAgent/${Naming.agentName}`))
      assert.deepStrictEqual(statuses(results).slice(2, 5), ["fail", "skip", "ok"])
      assert.include(titled(results, "WhatapAgent").fix ?? "", "deploy/samples/whatap-agent-basic.yaml")
    }))

  it.effect("a WhatapAgent with a validation error fails with the finding", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(replacing((o) => (o.kind === "WhatapAgent" ? JSON.parse(JSON.stringify(o).replace("\"java\"", "\"jav\"")) as KubeObject.KubeObject : undefined)))
      const agent = titled(results, "WhatapAgent")
      assert.strictEqual(agent.status, "fail")
      assert.match(agent.details.join("\n"), /^error: spec\.features\.apm\.instrumentation\.targets\[0\]\.language: unknown language "jav"/m)
    }))

  it.effect("no credentials Secret: the kubectl line that creates it, with placeholders", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(without(`Secret/${Naming.credentialsSecret}`))
      const check = titled(results, "credentials")
      assert.strictEqual(check.status, "fail")
      assert.strictEqual(check.fix, "kubectl -n whatap-monitoring create secret generic whatap-credentials --from-literal=WHATAP_LICENSE=<license> --from-literal=WHATAP_HOST=<host> --from-literal=WHATAP_PORT=6600")
    }))

  it.effect("a Lease that stops moving fails the operator check, after waiting one lease duration", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      // The world is built first: its certificates come from real (asynchronous) key
      // generation, which must not overlap the virtual seconds advanced below.
      const objects = yield* replacing((o) => (o.kind === "Lease" ? World.lease(World.now - 60_000) : undefined))
      const running = yield* Effect.forkChild(doctor(Effect.succeed(objects)))
      // The check reads the Lease once a second for one lease duration (10 s) before it
      // gives up; every step before it runs on the in-memory API, so yielding lets it get there.
      for (let second = 0; second < 15; second++) {
        for (let i = 0; i < 50; i++) yield* Effect.yieldNow
        yield* TestClock.adjust("1 second")
      }
      const results = yield* Fiber.join(running)
      const check = titled(results, "operator")
      assert.strictEqual(check.status, "fail")
      assert.match(check.summary, /of operator-a was last renewed 60s ago \(lease 10s\): the leader is gone/)
      assert.include(check.fix ?? "", "kubectl -n whatap-monitoring logs -l app.kubernetes.io/name=whatap-operator")
    }))

  it.effect("no Lease, and a WhatapAgent whose generation is not reconciled yet", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const noLease = yield* doctor(without(`Lease/${Naming.leaderElectionLease}`))
      assert.match(titled(noLease, "operator").summary, /no Lease whatap-monitoring\/19e8a60c\.whatap\.com/)
      const stale = yield* doctor(replacing((o) => (o.kind === "WhatapAgent" ? { ...o, metadata: { ...o.metadata, generation: 2 } } : undefined)))
      assert.strictEqual(titled(stale, "operator").status, "fail")
      assert.match(titled(stale, "operator").summary, /generation 2 is not reconciled yet/)
    }))

  it.effect("a halted rollout restart is a warning of the operator check, with the condition's message and how to resume", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const halted = { type: "RolloutRestart", status: "False", reason: "Halted", message: "stopped (instrumentation 0123456789abcdef): Deployment shop/cart: pod shop/cart-1: container \"app\" is in CrashLoopBackOff", lastTransitionTime: "2026-11-30T15:00:00Z" }
      const results = yield* doctor(replacing((o) => {
        if (o.kind !== "WhatapAgent") return undefined
        const status = o["status"] as { conditions?: ReadonlyArray<unknown> } | undefined
        return { ...o, status: { ...status, conditions: [...(status?.conditions ?? []), halted] } }
      }))
      const check = titled(results, "operator")
      assert.strictEqual(check.status, "warn")
      assert.include(check.summary, "its rollout restart stopped")
      assert.deepStrictEqual(check.details, [halted.message])
      assert.include(check.fix ?? "", "monitoring.whatap.com/rollout-restart")
    }))

  it.effect("a webhook the API server cannot call: the dry-run pod comes back without injection", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(World.healthy, { webhookDown: true })
      const check = titled(results, "webhook reachable")
      assert.strictEqual(check.status, "fail")
      assert.include(check.summary, "came back without injection, though target spring-apps matches it")
      assert.include(check.fix ?? "", "failurePolicy Ignore hides why")
    }))

  it.effect("a caBundle of another CA fails the certificate check and names the fix", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const other = yield* World.tls("someone-else-ca")
      const foreign = Buffer.from(other.caCert, "utf8").toString("base64")
      const results = yield* doctor(replacing((o) => {
        if (o.kind !== "MutatingWebhookConfiguration") return undefined
        const webhooks = (o["webhooks"] as ReadonlyArray<{ clientConfig: object }>).map((w, i) => (i === 0 ? { ...w, clientConfig: { ...w.clientConfig, caBundle: foreign } } : w))
        return { ...o, webhooks }
      }))
      const check = titled(results, "served certificate")
      assert.strictEqual(check.status, "fail")
      assert.strictEqual(check.summary, "the caBundle of a webhook does not trust the serving certificate of the webhook")
      assert.match(check.details[0] ?? "", /^mpod\.kb\.io of MutatingWebhookConfiguration whatap-webhook: its caBundle \(CN=someone-else-ca .*\) did not issue the serving certificate, which CN=whatap-webhook-ca issued$/)
      assert.include(check.fix ?? "", "kubectl get mutatingwebhookconfiguration whatap-webhook --show-managed-fields -o yaml")
    }))

  it.effect("permissions the ServiceAccount lacks are listed one by one", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const results = yield* doctor(World.healthy, { denied: ["patch whatapagents/status", "update leases"] })
      const check = titled(results, "RBAC")
      assert.strictEqual(check.status, "fail")
      assert.deepStrictEqual(check.details, ["patch whatapagents.monitoring.whatap.com/status", "update leases.coordination.k8s.io \"19e8a60c.whatap.com\" in whatap-monitoring"])
      assert.include(check.fix ?? "", "deploy/operator/rbac.yaml")
    }))

  it.effect("writes nothing: besides reads, only the dry-run pod and the reviews (answered by the fake) are sent", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(World.now)
      const io = World.recordingIo()
      const writes = yield* Effect.gen(function*() {
        yield* runSteps(initial, () => Effect.void)
        return yield* (yield* KubeMemory).writes
      }).pipe(Effect.provide(Layer.merge(World.layer(World.healthy), io.layer)))
      assert.deepStrictEqual(writes, [])
    }))
})

describe("doctor steps' preconditions", () => {
  it("a user who may not read CRDs still gets the WhatapAgent checked, not told the CRD is missing", () => {
    const facts: Check.Facts = { namespace: "whatap-monitoring", serviceAccount: "whatap-operator", reachable: true, crds: "unknown", agentObject: undefined, agent: undefined }
    assert.isUndefined(agentStep.skipIf(facts))
    assert.strictEqual(agentStep.skipIf({ ...facts, crds: false }), "the WhatapAgent CRD is not installed")
    assert.strictEqual(agentStep.skipIf({ ...facts, reachable: false }), "the API server is not reachable")
  })
})

describe("doctor through the bin", () => {
  const dir = scratchDir("whatapctl-doctor-")

  it("a kubeconfig that cannot be used: one error line, exit 2, nothing on stdout (not even the header)", () => {
    const r = run(["doctor", "--kubeconfig", "/nonexistent"], { env: isolatedEnv() })
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stdout, "")
    assert.match(r.stderr, /^whatapctl: cannot use the kubeconfig: [^\n]*\n$/)
  })

  it("an exec credential plugin that does not return: after a second stderr says what doctor, plan and explain wait for", () => {
    // the plugin waits until its stdin closes, which is when the killed command's pipe does
    const plugin = "process.stdin.resume(); process.stdin.on('end', () => process.exit(1))"
    const kubeconfig = join(dir, "hanging-plugin.kubeconfig")
    writeFileSync(kubeconfig, JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:1", "insecure-skip-tls-verify": true } }],
      users: [{ name: "u", user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: ["-e", plugin], interactiveMode: "Never" } } }],
      contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      "current-context": "x"
    }))
    const commands = [["doctor"], ["plan", "--agent", "deploy/samples/whatap-agent-complete.yaml"], ["explain", "--pod", "p"]]
    for (const command of commands) {
      const r = run([...command, "--kubeconfig", kubeconfig], { env: isolatedEnv(), timeoutMs: 4000 })
      assert.isTrue(r.timedOut, `${command[0]} ended: ${r.stderr}`)
      assert.include(r.stderr, "whatapctl: reading the credentials of the kubeconfig's user (an exec credential plugin may be waiting for a login) ...\n", command[0])
    }
  }, 30_000)
})
