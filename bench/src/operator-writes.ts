/**
 * Writes of the operator when nothing changed (target: 0), counted on the API server's
 * side: its audit log, the operator ServiceAccount's user. Leader-election Lease renewals
 * (`update leases`) are the heartbeat and are reported apart, not as reconcile writes.
 * Reads (get, list) and new watch calls are counted too, per reconcile.
 *
 * Two loads, one after the other: the sample WhatapAgent of `npm start` alone, then with
 * `BENCH_MONITORS` (default 200) WhatapPodMonitors spread over 20 namespaces. For each:
 * - `BENCH_TRIGGERS` (default 10) no-op reconciles triggered by annotating the CR (a
 *   metadata-only change, so the spec and its generation stay), one at a time;
 * - an idle window of `BENCH_IDLE_SECONDS` (default 300) in which only the resync runs;
 *   the operator here resyncs every `BENCH_RESYNC` (default 60s, its own default is 5m),
 *   so the window holds several resync passes.
 *
 * Runs alone: `npm run bench:operator-writes -w @whatap-operator/bench`, or
 * `npx node bench/src/operator-writes.ts`. Takes about 2 x (BENCH_IDLE_SECONDS + 40 s):
 * about 11 minutes with the defaults, so `npm run bench` leaves it out.
 */
import { Duration, Effect, Schedule } from "effect"
import type { OperatorProcess } from "@whatap-operator/e2e"
import * as Calls from "./_calls.ts"
import * as Load from "./_load.ts"
import { envNumber, envString, ms, progress, runMain, seconds, table } from "./_main.ts"
import * as Proc from "./_proc.ts"
import * as World from "./_world.ts"

const idleSeconds = envNumber("BENCH_IDLE_SECONDS", 300)
const triggers = Math.round(envNumber("BENCH_TRIGGERS", 10))
const monitorCount = Math.round(envNumber("BENCH_MONITORS", 200))
const resync = envString("BENCH_RESYNC", "60s")
const monitorNamespaces = 20

interface Phase {
  readonly label: string
  readonly triggered: Calls.Calls
  readonly triggerReconciles: number
  readonly idle: Calls.Calls
  readonly idleReconciles: number
  readonly idleCpuSeconds: number
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/** `count` monitors spread round-robin over `monitorNamespaces` namespaces, each its own selector. */
const createMonitors = (count: number) =>
  Effect.gen(function*() {
    const monitors = Array.from({ length: count }, (_, i) =>
      Load.podMonitor(`bench-monitors-${pad(i % monitorNamespaces, 2)}`, `bench-pm-${pad(i, 4)}`, `svc-${i}`, i))
    yield* Load.createNamespaces([...new Set(monitors.map((m) => m.metadata.namespace ?? ""))], 8)
    yield* Load.createMonitors(monitors, 8)
  })

/** `count` annotation changes, each waited for (its reconcile finished and the operator quiet for 2 s). */
const annotate = (operator: OperatorProcess.OperatorProcess, count: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < count; i++) {
      const before = yield* World.counters(operator)
      yield* World.mergePatchAgent({ metadata: { annotations: { "bench.whatap.io/poke": `${Date.now()}-${i}` } } })
      yield* World.counters(operator).pipe(
        Effect.filterOrFail((now) => now.reconciles > before.reconciles, () => new Error("the annotation did not start a reconcile within 10 s")),
        Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo({ duration: "10 seconds" })))
      )
      yield* World.settle(operator, "2 seconds", "30 seconds")
    }
  })

const measurePhase = (label: string, operator: OperatorProcess.OperatorProcess, log: (message: string) => Effect.Effect<void>) =>
  Effect.gen(function*() {
    yield* log(`${label}: settled after ${ms(yield* World.settle(operator))}`)
    const triggerStart = new Date()
    const before = yield* World.counters(operator)
    yield* annotate(operator, triggers)
    const afterTriggers = yield* World.counters(operator)
    const triggered = yield* Calls.between(triggerStart, new Date())
    yield* log(`${label}: ${triggers} annotation triggers, ${afterTriggers.reconciles - before.reconciles} reconciles; idle for ${idleSeconds} s ...`)
    const idleStart = new Date()
    const cpuBefore = Proc.cpuSeconds(operator.pid)
    yield* Effect.sleep(Duration.seconds(idleSeconds))
    const cpuAfter = Proc.cpuSeconds(operator.pid)
    const idleEnd = new Date()
    const afterIdle = yield* World.counters(operator)
    const idle = yield* Calls.between(idleStart, idleEnd)
    return {
      label,
      triggered,
      triggerReconciles: afterTriggers.reconciles - before.reconciles,
      idle,
      idleReconciles: afterIdle.reconciles - afterTriggers.reconciles,
      idleCpuSeconds: cpuAfter - cpuBefore
    } satisfies Phase
  })

const lease = (c: Calls.Calls): string => `${c.leaseReads}+${c.leaseWrites}`

const per = (n: number, d: number): string => (d === 0 ? "-" : (n / d).toFixed(2))

const report = (phases: ReadonlyArray<Phase>) => {
  console.log(`\nNo-op reconciles triggered by a metadata-only annotation of WhatapAgent/whatap (${triggers} triggers per load):`)
  console.log(table([
    ["load", "reconciles", "writes", "writes/trigger", "gets/reconcile", "lists/reconcile", "new watches", "lease get+update"],
    ...phases.map((p) => [p.label, String(p.triggerReconciles), String(p.triggered.writeCount), per(p.triggered.writeCount, triggers),
      per(p.triggered.gets, p.triggerReconciles), per(p.triggered.lists, p.triggerReconciles), String(p.triggered.watches), lease(p.triggered)])
  ]))
  console.log(`\nIdle window of ${idleSeconds} s (${seconds(idleSeconds * 1000)}), operator resync every ${resync}:`)
  console.log(table([
    ["load", "reconciles", "writes", "writes/5 min", "gets", "lists", "new watches", "lease get+update", "operator CPU s"],
    ...phases.map((p) => [p.label, String(p.idleReconciles), String(p.idle.writeCount), (p.idle.writeCount * 300 / idleSeconds).toFixed(1),
      String(p.idle.gets), String(p.idle.lists), String(p.idle.watches), lease(p.idle), p.idleCpuSeconds.toFixed(2)])
  ]))
  for (const p of phases) {
    console.log(`${p.label}, triggers: writes ${Calls.describe(p.triggered.writes)}; reads ${Calls.describe(p.triggered.reads)}`)
    console.log(`${p.label}, idle: writes ${Calls.describe(p.idle.writes)}; reads ${Calls.describe(p.idle.reads)}`)
  }
  console.log("target: 0 writes per no-op reconcile and per idle window (Lease renewals apart)")
  console.log("Go operator (commit a7e2ace, same control plane): no monitor CRs: 9 PUTs of unchanged objects + 2 status writes per 5 idle minutes;")
  console.log("  >= 2 monitor CRs: 10,433 PUTs in 25 minutes (about 2,087 per 5 minutes)")
}

const entry = World.entryFromEnv()

const program = Effect.gen(function*() {
  const log = progress(performance.now())
  const kubeconfig = yield* World.install
  const operator = yield* World.startOperator(kubeconfig, resync, entry)
  yield* World.applyAgent
  yield* World.waitAgentReady
  yield* log(`operator ready (pid ${operator.pid}, resync ${resync}), WhatapAgent/whatap Ready`)
  const bare = yield* measurePhase("0 monitor CRs", operator, log)
  yield* createMonitors(monitorCount)
  yield* log(`${monitorCount} WhatapPodMonitors in ${Math.min(monitorCount, monitorNamespaces)} namespaces are in the scrape config`)
  const loaded = yield* measurePhase(`${monitorCount} WhatapPodMonitors`, operator, log)
  report([bare, loaded])
})

runMain(program.pipe(Effect.scoped, Effect.provide(World.layer())))
