/**
 * Resident memory and idle CPU of the operator process at scale (target: at most 100 MiB
 * RSS with 1,000 namespaces, 10,000 pods and 200 WhatapPodMonitors), read from
 * /proc/<pid>/status (VmRSS, VmHWM) and /proc/<pid>/stat (utime + stime). The operator
 * runs as in `npm start` (`whatapctl run` from source, its ServiceAccount, leader
 * election on, resync `BENCH_RESYNC`, default its own 5m, its admission webhooks served
 * on loopback, so every pod created here goes through it) and keeps every pod's and
 * namespace's metadata in its caches for the WhatapAgent status counts.
 *
 * Steps: the sample WhatapAgent alone; then `BENCH_NAMESPACES` (1,000) namespaces and
 * `BENCH_PODS` (10,000) pods created directly (`BENCH_CONCURRENCY`, 16 requests in flight;
 * the Go operator's figure used 1,000 Deployments x 10 replicas, which takes ~11 minutes
 * here), scheduled by kube-scheduler onto `BENCH_NODES` (20) kwok nodes and marked
 * Running by kwok; then 200 and 1,000 WhatapPodMonitors (`BENCH_MONITORS`), each step
 * followed by an idle window of `BENCH_IDLE_SECONDS` (300) for the CPU figure and the
 * operator's writes. `BENCH_OPERATOR=bundle` runs the esbuild bundle (as shipped) instead
 * of the source, `BENCH_OPERATOR=in-cluster` the bundle with the in-cluster config as in its
 * pod (no kubeconfig; Linux, root); `BENCH_OPERATOR_NODE_OPTIONS` adds Node/V8 flags to the operator only,
 * `BENCH_OPERATOR_MALLOC_ARENA_MAX` sets glibc's MALLOC_ARENA_MAX for it (the chart sets both),
 * `BENCH_OPERATOR_JIT` passes `--jit` to `whatapctl run` (the chart: baseline; unset: V8's default);
 * `BENCH_HEAP_SNAPSHOT=200` writes a V8 heap snapshot of the operator (SIGUSR2) after the
 * idle window of the 200-monitor step, into a directory that is kept and printed.
 *
 * Runs alone: `npm run bench:operator-scale -w @whatap-operator/bench`, or
 * `npx node bench/src/operator-scale.ts`. About 15 minutes with the defaults on 2 cores
 * (pods about 4, idle windows 10), so `npm run bench` leaves it out.
 */
import { mkdtempSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Duration, Effect, Ref } from "effect"
import type { OperatorProcess } from "@whatap-operator/e2e"
import { ApiResource } from "@whatap-operator/kube"
import * as Calls from "./_calls.ts"
import * as Load from "./_load.ts"
import { envNumber, envString, mib, progress, runMain, seconds, table } from "./_main.ts"
import * as Proc from "./_proc.ts"
import * as World from "./_world.ts"

const podCount = Math.round(envNumber("BENCH_PODS", 10_000))
const namespaceCount = Math.round(envNumber("BENCH_NAMESPACES", 1_000))
const nodeCount = Math.round(envNumber("BENCH_NODES", 20))
const concurrency = Math.round(envNumber("BENCH_CONCURRENCY", 16))
const idleSeconds = envNumber("BENCH_IDLE_SECONDS", 300)
const resync = envString("BENCH_RESYNC", "5m")
const monitorSteps = envString("BENCH_MONITORS", "200,1000").split(",").map((s) => Math.round(Number(s)))
/** The monitor step after whose idle window a heap snapshot is written, if any. */
const snapshotStep = process.env["BENCH_HEAP_SNAPSHOT"] === undefined ? undefined : Math.round(Number(process.env["BENCH_HEAP_SNAPSHOT"]))
const snapshotDir = snapshotStep === undefined ? undefined : mkdtempSync(join(tmpdir(), "whatap-bench-heap-"))
const nodeOptions = envString("BENCH_OPERATOR_NODE_OPTIONS", "")
const mallocArenaMax = envString("BENCH_OPERATOR_MALLOC_ARENA_MAX", "")
const jit = envString("BENCH_OPERATOR_JIT", "")

// Room for every pod plus the agents' own; the default kwok node takes 110.
const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `kwok-node-${i}`, capacity: { pods: String(Math.ceil(podCount / nodeCount) + 20) } }))
const pad = (n: number, width: number): string => String(n).padStart(width, "0")
const namespaceName = (k: number): string => `bench-ns-${pad(k, 4)}`

interface Row {
  readonly load: string
  readonly rssBytes: number
  readonly hwmBytes: number
  readonly idle?: { readonly cpuSeconds: number; readonly rssEndBytes: number; readonly reconciles: number; readonly calls: Calls.Calls }
}

type Log = (message: string) => Effect.Effect<void>

const createPods = (log: Log) =>
  Effect.gen(function*() {
    const started = performance.now()
    yield* Load.createNamespaces(Array.from({ length: namespaceCount }, (_, k) => namespaceName(k)), concurrency)
    yield* log(`${namespaceCount} namespaces created in ${seconds(performance.now() - started)}`)
    const pods = Array.from({ length: podCount }, (_, j) => Load.pod(namespaceName(j % namespaceCount), `app-${Math.floor(j / namespaceCount) % 10}`, j))
    yield* Load.createObjects(ApiResource.Pod, pods, concurrency)
    yield* log(`${podCount} pods created in ${seconds(performance.now() - started)} (${concurrency} in flight)`)
    let pending = yield* Load.podsNotRunning
    while (pending > 0) {
      yield* Effect.sleep("10 seconds")
      pending = yield* Load.podsNotRunning
      yield* log(`${pending} pods not Running yet`)
    }
    yield* log(`all ${podCount} pods scheduled and Running after ${seconds(performance.now() - started)}`)
  })

/** Monitors in `count` of the namespaces, spread evenly, so a smaller step's set is part of a larger one's. */
const monitorsFor = (count: number) =>
  Array.from({ length: count }, (_, j) => {
    const k = Math.floor((j * namespaceCount) / count)
    return Load.podMonitor(namespaceName(k), `bench-pm-${pad(k, 4)}`, `app-${k % 10}`, k)
  })

const snapshot = (operator: OperatorProcess.OperatorProcess, log: Log) =>
  Effect.gen(function*() {
    if (snapshotDir === undefined) return
    const before = readdirSync(snapshotDir).length
    yield* operator.signal("SIGUSR2")
    while (readdirSync(snapshotDir).length === before) yield* Effect.sleep("1 second")
    yield* Effect.sleep("5 seconds") // the file appears at once and is written for a while
    yield* log(`heap snapshot written to ${snapshotDir}`)
  })

const idleWindow = (operator: OperatorProcess.OperatorProcess, log: Log, step: number) =>
  Effect.gen(function*() {
    yield* log(`idle for ${idleSeconds} s ...`)
    const since = new Date()
    const before = yield* World.counters(operator)
    const cpuBefore = Proc.cpuSeconds(operator.pid)
    yield* Effect.sleep(Duration.seconds(idleSeconds))
    const cpuSeconds = Proc.cpuSeconds(operator.pid) - cpuBefore
    const rssEndBytes = Proc.memory(operator.pid).rssBytes
    const until = new Date()
    const after = yield* World.counters(operator)
    const calls = yield* Calls.between(since, until)
    if (step === snapshotStep) yield* snapshot(operator, log)
    return { cpuSeconds, rssEndBytes, reconciles: after.reconciles - before.reconciles, calls }
  })

const measure = (load: string, operator: OperatorProcess.OperatorProcess, log: Log) =>
  Effect.gen(function*() {
    const took = yield* World.settle(operator, "10 seconds", "5 minutes")
    const { rssBytes, hwmBytes } = Proc.memory(operator.pid)
    yield* log(`${load}: settled after ${seconds(took)}, RSS ${mib(rssBytes)} (peak ${mib(hwmBytes)})`)
    return { load, rssBytes, hwmBytes } satisfies Row
  })

const report = (rows: ReadonlyArray<Row>, sampledPeak: number) => {
  const how = entry === "source" ? "TypeScript source" : entry === "bundle" ? "the esbuild bundle" : "the esbuild bundle, in-cluster config"
  console.log(`\nOperator process (whatapctl run from ${how} on Node ${process.version}${nodeOptions === "" ? "" : `, ${nodeOptions}`}${mallocArenaMax === "" ? "" : `, MALLOC_ARENA_MAX=${mallocArenaMax}`}${jit === "" ? "" : `, --jit=${jit}`}), ${nodeCount} kwok nodes, idle window ${idleSeconds} s, resync ${resync}:`)
  console.log(table([
    ["load", "RSS settled", "peak RSS (VmHWM)", "CPU s / idle window", "RSS end of window", "reconciles", "writes", "gets+lists"],
    ...rows.map((r) => [r.load, mib(r.rssBytes), mib(r.hwmBytes),
      r.idle === undefined ? "-" : r.idle.cpuSeconds.toFixed(2), r.idle === undefined ? "-" : mib(r.idle.rssEndBytes),
      r.idle === undefined ? "-" : String(r.idle.reconciles), r.idle === undefined ? "-" : String(r.idle.calls.writeCount),
      r.idle === undefined ? "-" : String(r.idle.calls.gets + r.idle.calls.lists)])
  ]))
  console.log(`peak RSS sampled every 500 ms over the whole run: ${mib(sampledPeak)}`)
  for (const r of rows) if (r.idle !== undefined) console.log(`${r.load}, idle: writes ${Calls.describe(r.idle.calls.writes)}; reads ${Calls.describe(r.idle.calls.reads)}`)
  console.log("target: RSS <= 100 MiB with 1,000 namespaces / 10,000 pods / 200 WhatapPodMonitors")
  console.log("Go operator (commit a7e2ace, same control plane): RSS 57 MiB idle; 97 MiB with 1,000 namespaces / 10,000 pods / 200 WhatapPodMonitors;")
  console.log("  2.2 CPU-seconds per idle 5 minutes at that load")
}

const entry = World.entryFromEnv()

const program = Effect.gen(function*() {
  const log = progress(performance.now())
  const kubeconfig = yield* World.install
  // Set only now: the operator is the first process started after this line that reads it.
  const heapFlags = snapshotDir === undefined ? "" : `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`
  process.env["NODE_OPTIONS"] = [process.env["NODE_OPTIONS"] ?? "", nodeOptions, heapFlags].join(" ").trim()
  if (mallocArenaMax !== "") process.env["MALLOC_ARENA_MAX"] = mallocArenaMax
  const operator = yield* World.startOperator(kubeconfig, resync, entry, jit === "" ? [] : [`--jit=${jit}`])
  const peak = yield* Proc.samplePeak(operator.pid)
  yield* World.applyAgent
  yield* World.waitAgentReady
  yield* log(`operator ready (pid ${operator.pid}), WhatapAgent/whatap Ready`)
  const rows: Array<Row> = [yield* measure("sample WhatapAgent only", operator, log)]
  yield* createPods(log)
  rows.push(yield* measure(`${namespaceCount} namespaces, ${podCount} pods`, operator, log))
  for (const step of monitorSteps) {
    yield* Load.createMonitors(monitorsFor(step), concurrency)
    const row = yield* measure(`${namespaceCount} ns, ${podCount} pods, ${step} WhatapPodMonitors`, operator, log)
    rows.push({ ...row, idle: yield* idleWindow(operator, log, step) })
  }
  report(rows, yield* Ref.get(peak))
})

runMain(program.pipe(Effect.scoped, Effect.provide(World.layer(nodes))))
