/**
 * Admission latency of the APM injection webhook over HTTPS on loopback (targets: p99 under
 * 1.6 ms at 500 requests/s; saturation throughput above the Go operator's on the same
 * machine; memory flat over 10 minutes at 200 requests/s). About 15 minutes by default.
 *
 * The server is the operator's code (`AdmissionServer.serve` with `PodAdmission.handler`,
 * a WhatapAgent of 20 targets, see `_admission-fixtures.ts`) in its own Node process
 * (`_admission-server.ts`); the load generator is vegeta, built from its Go module on first
 * use, over HTTP/1.1 keep-alive connections that trust only the server's CA. Nothing is
 * pinned to a core. Every run prints vegeta's own report, then the figures taken from its
 * JSON report, and checks every response: status 200 and the expected answer (for the
 * matching pod a patch as long as `Inject.mutate`'s own, 17 operations today; for the other
 * no patch), else the benchmark exits non-zero.
 *
 * Phases (`BENCH_ADMISSION_PHASES`, default `latency,saturation,soak`), after a warm-up of
 * `BENCH_ADMISSION_WARMUP_SECONDS` (10) per pod at 500/s (JIT compilation; not counted):
 * - latency: each pod at each of `BENCH_ADMISSION_RATES` (200,500) requests/s for
 *   `BENCH_ADMISSION_SECONDS` (30);
 * - saturation: each pod with vegeta's unlimited rate (`-rate=0`) and exactly W requests in
 *   flight (`-workers=W -max-workers=W`) for W in `BENCH_ADMISSION_SATURATION_WORKERS`
 *   (1,2,4,8,16,32), `BENCH_ADMISSION_SATURATION_SECONDS` (10) each; the saturation
 *   throughput is the highest successful requests/s of a step whose responses all checked;
 * - soak, on a fresh server warmed up the same way: both pods alternately at
 *   `BENCH_ADMISSION_SOAK_RATE` (200)/s for `BENCH_ADMISSION_SOAK_SECONDS` (600), the
 *   server's resident memory sampled every 10 s.
 * The CR is decoded once, as the operator's webhook decodes each version of it once;
 * `BENCH_ADMISSION_DECODE=perRequest` decodes it on every request instead; `BENCH_ADMISSION_JIT=baseline`
 * runs the server without V8's optimizing compilers (`whatapctl run --jit baseline`, the chart's setting). Each run prints the vegeta command it ran.
 * The load averages printed include this benchmark's own two processes.
 *
 * Run: `npx node bench/src/admission-latency.ts`; a quick run (about 2 minutes):
 * `BENCH_ADMISSION_SECONDS=5 BENCH_ADMISSION_WARMUP_SECONDS=3 BENCH_ADMISSION_SATURATION_SECONDS=3
 * BENCH_ADMISSION_SOAK_SECONDS=30 npx node bench/src/admission-latency.ts`.
 */
import { rm, writeFile } from "node:fs/promises"
import { cpus, loadavg } from "node:os"
import { join } from "node:path"
import { Naming } from "@whatap-operator/core"
import { Tools } from "@whatap-operator/e2e"
import { Effect, Fiber, Schedule, Schema } from "effect"
import * as Fixtures from "./_admission-fixtures.ts"
import * as Server from "./_admission-process.ts"
import * as Vegeta from "./_admission-vegeta.ts"
import { envNumber, envString, mib, runMain, table } from "./_main.ts"
import { cpuSeconds, memory } from "./_proc.ts"

/** The fixtures would not measure what they should, or some responses were not the expected answers. */
class AdmissionBenchError extends Schema.TaggedError<AdmissionBenchError>()("AdmissionBenchError", { message: Schema.String }) {}

const list = (name: string, fallback: string): ReadonlyArray<number> =>
  envString(name, fallback).split(",").map((s) => {
    const n = Number(s.trim())
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: ${s} is not a positive integer`)
    return n
  })

const settings = {
  seconds: envNumber("BENCH_ADMISSION_SECONDS", 30),
  rates: list("BENCH_ADMISSION_RATES", "200,500"),
  warmupSeconds: envNumber("BENCH_ADMISSION_WARMUP_SECONDS", 10),
  saturationSeconds: envNumber("BENCH_ADMISSION_SATURATION_SECONDS", 10),
  saturationWorkers: list("BENCH_ADMISSION_SATURATION_WORKERS", "1,2,4,8,16,32"),
  soakSeconds: envNumber("BENCH_ADMISSION_SOAK_SECONDS", 600),
  soakRate: envNumber("BENCH_ADMISSION_SOAK_RATE", 200),
  phases: new Set(envString("BENCH_ADMISSION_PHASES", "latency,saturation,soak").split(",").map((s) => s.trim()))
}

/** The Go operator's figures on this kind of machine (same control plane, loopback HTTPS, vegeta, 2 shared cores). */
const go = {
  matching: { 200: "0.65 / 1.60", 500: "0.46 / 1.73", saturation: 4080 },
  nonMatching: { saturation: 6723 }
} as const

interface Pod {
  readonly name: "matching" | "non-matching"
  readonly targets: string
  /** What every response must be, as `Vegeta.verify` counts them. */
  readonly expect: string
}

interface World {
  readonly vegeta: string
  readonly dir: string
  readonly server: Server.Running
  readonly pods: ReadonlyArray<Pod>
  readonly mixed: string
  readonly failures: Array<string>
}

interface Run {
  readonly name: string
  readonly report: Vegeta.ReportJson
  readonly ok: boolean
  /** Server CPU time per request, in microseconds. */
  readonly cpuMicros: number
  readonly load: number
  /** The server's resident memory after the run. */
  readonly rss: number
}

const millis = (nanos: number): string => (nanos / 1e6).toFixed(2)
const load1 = (): number => loadavg()[0] ?? 0

/** vegeta's http targets format: one request, the body from a file. */
const targetsText = (port: number, body: string): string =>
  `POST https://127.0.0.1:${port}${Naming.webhook.podPath}\nContent-Type: application/json\n@${body}\n`

const expectationOf = (operations: number): string => (operations === 0 ? "200 no patch" : `200 ${operations}-operation patch`)

const prepare = Effect.fn("Admission.prepare")(function*(vegeta: string, dir: string, server: Server.Running, failures: Array<string>) {
  const files = (name: string, object: unknown) =>
    Effect.gen(function*() {
      const body = join(dir, `${name}.json`)
      const targets = join(dir, `${name}.targets`)
      yield* Effect.promise(() => writeFile(body, JSON.stringify(Fixtures.review(object, `bench-${name}`))))
      yield* Effect.promise(() => writeFile(targets, targetsText(server.port, body)))
      return { body, targets }
    })
  const matching = yield* files("matching", Fixtures.matchingPod)
  const nonMatching = yield* files("non-matching", Fixtures.nonMatchingPod)
  // Both requests in one file: vegeta sends them in turn.
  const mixed = join(dir, "mixed.targets")
  yield* Effect.promise(() => writeFile(mixed, targetsText(server.port, matching.body) + "\n" + targetsText(server.port, nonMatching.body)))
  const pods: ReadonlyArray<Pod> = [
    { name: "matching", targets: matching.targets, expect: expectationOf(Fixtures.expected(Fixtures.matchingPod).operations) },
    { name: "non-matching", targets: nonMatching.targets, expect: expectationOf(Fixtures.expected(Fixtures.nonMatchingPod).operations) }
  ]
  return { vegeta, dir, server, pods, mixed, failures } satisfies World
})

/** An argument as a shell reads it back. */
const quoted = (arg: string): string => (/^[\w./=:,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`)

/** What the benchmark saw of one attack: the server's CPU seconds during it and the load average right after. */
interface Attacked {
  readonly cpu: number
  readonly load: number
}

/** Runs one attack, printing its command first; the server's CPU time is measured around it. */
const attack = Effect.fn("Admission.attack")(function*(world: World, attack: Vegeta.Attack) {
  yield* Effect.sync(() => console.log(`\n$ vegeta ${Vegeta.attackArgs(attack).map(quoted).join(" ")}`))
  const before = cpuSeconds(world.server.pid)
  yield* Vegeta.attack(world.vegeta, attack)
  return { cpu: cpuSeconds(world.server.pid) - before, load: load1() } satisfies Attacked
})

/** Report, check and print one attack's results; the results file is removed. */
const evaluate = Effect.fn("Admission.evaluate")(function*(world: World, name: string, output: string, expect: ReadonlyArray<string>, attacked: Attacked) {
  const report = yield* Vegeta.report(world.vegeta, output)
  const counts = yield* Vegeta.verify(world.vegeta, output)
  yield* Effect.promise(() => rm(output, { force: true }))
  const ok = [...counts.keys()].every((key) => expect.includes(key)) && expect.every((key) => counts.has(key))
  if (!ok) world.failures.push(`${name}: ${Vegeta.describeCounts(counts)} (expected only ${expect.join(" and ")})`)
  const { cpu, load } = attacked
  const rss = memory(world.server.pid).rssBytes
  const p = report.json.latencies
  yield* Effect.sync(() =>
    console.log(`--- ${name} (load average ${load.toFixed(2)} after the attack, server RSS ${mib(rss)}) ---\n${report.text}\n` +
      `extracted: p50 ${millis(p["50th"])} ms, p99 ${millis(p["99th"])} ms, throughput ${report.json.throughput.toFixed(0)}/s\n` +
      `responses: ${Vegeta.describeCounts(counts)} ${ok ? "(as expected)" : "(NOT as expected)"}`))
  return { name, report: report.json, ok, cpuMicros: (cpu / Math.max(1, report.json.requests)) * 1e6, load, rss } satisfies Run
})

interface Load {
  readonly rate: number
  readonly workers?: number
  readonly seconds: number
}

const measure = Effect.fn("Admission.measure")(function*(world: World, name: string, targets: string, expect: ReadonlyArray<string>, load: Load) {
  const output = join(world.dir, "results.bin")
  const attacked = yield* attack(world, { name, targets, rootCerts: world.server.ca, output, ...load })
  return yield* evaluate(world, name, output, expect, attacked)
})

const runRow = (run: Run, extra: ReadonlyArray<string> = []): ReadonlyArray<string> => [
  run.name,
  millis(run.report.latencies["50th"]),
  millis(run.report.latencies["99th"]),
  millis(run.report.latencies.max),
  run.report.throughput.toFixed(0),
  `${(run.report.success * 100).toFixed(2)}%`,
  run.cpuMicros.toFixed(0),
  run.load.toFixed(2),
  mib(run.rss),
  ...extra
]

const header = ["run", "p50 ms", "p99 ms", "max ms", "ok req/s", "success", "server CPU µs/req", "load", "server RSS"]

const latency = Effect.fn("Admission.latency")(function*(world: World) {
  const rows: Array<ReadonlyArray<string>> = []
  for (const rate of settings.rates) {
    for (const pod of world.pods) {
      const run = yield* measure(world, `${pod.name} at ${rate}/s`, pod.targets, [pod.expect], { rate, seconds: settings.seconds })
      const goFigure = pod.name === "matching" && (rate === 200 || rate === 500) ? go.matching[rate] : "-"
      rows.push(runRow(run, [goFigure]))
    }
  }
  console.log(`\n=== latency (${settings.seconds} s per run) ===\n${table([[...header, "Go p50 / p99 ms"], ...rows])}`)
})

const saturation = Effect.fn("Admission.saturation")(function*(world: World) {
  const summary: Array<ReadonlyArray<string>> = []
  for (const pod of world.pods) {
    const runs: Array<Run> = []
    for (const workers of settings.saturationWorkers) {
      runs.push(yield* measure(world, `${pod.name}, -rate=0, ${workers} in flight`, pod.targets, [pod.expect], { rate: 0, workers, seconds: settings.saturationSeconds }))
    }
    const best = runs.filter((r) => r.ok && r.report.success === 1).reduce<Run | undefined>((b, r) => (b === undefined || r.report.throughput > b.report.throughput ? r : b), undefined)
    console.log(`\n=== saturation, ${pod.name} pod (${settings.saturationSeconds} s per step) ===\n${table([header, ...runs.map((r) => runRow(r))])}`)
    const goFigure = pod.name === "matching" ? go.matching.saturation : go.nonMatching.saturation
    summary.push([pod.name, best === undefined ? "none" : best.report.throughput.toFixed(0), best?.name ?? "-", String(goFigure)])
  }
  console.log(`\n=== saturation throughput (highest successful req/s of a fully checked step) ===\n${table([["pod", "req/s", "step", "Go req/s"], ...summary])}`)
})

const soak = Effect.fn("Admission.soak")(function*(world: World) {
  const samples: Array<readonly [number, number]> = []
  const started = performance.now()
  const sample = Effect.sync(() => void samples.push([Math.round((performance.now() - started) / 1000), memory(world.server.pid).rssBytes]))
  const sampler = yield* Effect.forkChild(Effect.repeat(sample, Schedule.spaced("10 seconds")))
  const output = join(world.dir, "soak.bin")
  const attacked = yield* attack(world, { name: "soak", targets: world.mixed, rate: settings.soakRate, seconds: settings.soakSeconds, rootCerts: world.server.ca, output })
  yield* Fiber.interrupt(sampler)
  yield* sample
  yield* evaluate(world, `soak, both pods alternately at ${settings.soakRate}/s for ${settings.soakSeconds} s`, output, world.pods.map((p) => p.expect), attacked)
  const rss = samples.map(([, bytes]) => bytes)
  const [first, last, max] = [rss[0] ?? 0, rss[rss.length - 1] ?? 0, Math.max(...rss)]
  console.log(`\n=== soak: server RSS every 10 s ===\n${table([["t (s)", "RSS"], ...samples.map(([t, bytes]) => [String(t), mib(bytes)])])}`)
  const secondHalf = rss.slice(Math.floor(rss.length / 2))
  console.log(`first ${mib(first)}, last ${mib(last)}, max ${mib(max)}, last - first ${mib(last - first)}; ` +
    `second half ${mib(Math.min(...secondHalf))} to ${mib(Math.max(...secondHalf))}`)
})

const warmUp = Effect.fn("Admission.warmUp")(function*(world: World) {
  for (const pod of world.pods) {
    yield* measure(world, `warm-up, ${pod.name} at 500/s`, pod.targets, [pod.expect], { rate: 500, seconds: settings.warmupSeconds })
  }
})

/** A fresh server, warmed up, for `phases`; stopped afterwards. */
const session = (vegeta: string, dir: string, failures: Array<string>, phases: (world: World) => Effect.Effect<void, Vegeta.VegetaError>) =>
  Effect.gen(function*() {
    const server = yield* Server.start(dir)
    const world = yield* prepare(vegeta, dir, server, failures)
    console.log(`\nserver pid ${server.pid} on 127.0.0.1:${server.port}, CR decoded ${envString("BENCH_ADMISSION_DECODE", "once")}${Server.jitFlags.length > 0 ? `, V8 ${Server.jitFlags.join(" ")}` : ""}; ` +
      `expected: ${world.pods.map((p) => `${p.name} pod ${p.expect}`).join(", ")}`)
    yield* warmUp(world)
    yield* phases(world)
  }).pipe(Effect.scoped)

const program = Effect.gen(function*() {
  console.log(`admission latency: load average at start ${loadavg().map((l) => l.toFixed(2)).join(" ")} (${cpus().length} CPUs)`)
  const vegeta = yield* Tools.vegeta
  console.log(`vegeta: ${vegeta}`)
  const problems = Fixtures.problems()
  if (problems.length > 0) return yield* Effect.fail(new AdmissionBenchError({ message: `the fixtures do not measure what they should: ${problems.join("; ")}` }))
  const dir = yield* Server.workDir
  const failures: Array<string> = []
  if (settings.phases.has("latency") || settings.phases.has("saturation")) {
    yield* session(vegeta, dir, failures, (world) =>
      Effect.gen(function*() {
        if (settings.phases.has("latency")) yield* latency(world)
        if (settings.phases.has("saturation")) yield* saturation(world)
      }))
  }
  // Its own server: memory that saturation made the heap grow to would hide a slow leak.
  if (settings.phases.has("soak")) yield* session(vegeta, dir, failures, soak)
  console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}`)
  if (failures.length > 0) return yield* Effect.fail(new AdmissionBenchError({ message: `responses not as expected:\n${failures.join("\n")}` }))
}).pipe(Effect.scoped)

runMain(program)
