/**
 * The admission benchmark's resources as scoped values: a temporary directory (request
 * bodies, vegeta's results, the CA) and the server process (`_admission-server.ts`, run by
 * the same Node binary as the benchmark), stopped with SIGTERM, then SIGKILL after 10 s,
 * when the scope closes.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { Effect, Schema } from "effect"
import { envString } from "./_main.ts"

export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", { message: Schema.String }) {}

export interface Running {
  readonly port: number
  readonly pid: number
  /** The CA that signed the serving certificate, as a PEM file. */
  readonly ca: string
}

export const workDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "whatap-bench-admission-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const Ready = Schema.fromJsonString(Schema.Struct({ port: Schema.Number, pid: Schema.Number }))
const decodeReady = Schema.decodeUnknownOption(Ready)

const script = join(import.meta.dirname, "_admission-server.ts")

/** Resumes once the server prints its port, or fails if it exits first or prints something else. */
const listening = (child: ChildProcess, dir: string) =>
  Effect.callback<Running, ServerError>((resume) => {
    const onExit = (code: number | null, signal: string | null) => fail(`the server exited with ${code ?? signal} before listening`)
    const onError = (error: Error) => fail(`cannot start the server: ${error.message}`)
    const settle = (outcome: Effect.Effect<Running, ServerError>) => {
      child.off("exit", onExit).off("error", onError)
      resume(outcome)
    }
    const fail = (message: string) => settle(Effect.fail(new ServerError({ message })))
    if (child.stdout === null) return fail("the server's stdout is not a pipe")
    child.once("exit", onExit).once("error", onError)
    createInterface({ input: child.stdout }).once("line", (line) => {
      const ready = decodeReady(line)
      settle(ready._tag === "None"
        ? Effect.fail(new ServerError({ message: `the server printed ${JSON.stringify(line)} instead of its port` }))
        : Effect.succeed({ port: ready.value.port, pid: ready.value.pid, ca: join(dir, "ca.pem") }))
    })
  }).pipe(
    Effect.timeoutOrElse({ duration: "60 seconds", orElse: () => Effect.fail(new ServerError({ message: "the server did not listen within 60 s" })) })
  )

const stop = (child: ChildProcess) =>
  Effect.callback<void>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000)
    child.once("exit", () => {
      clearTimeout(killer)
      resume(Effect.void)
    })
    child.kill("SIGTERM")
  })

const jitMode = (raw: string): "optimizing" | "baseline" => {
  if (raw === "optimizing" || raw === "baseline") return raw
  throw new Error(`BENCH_ADMISSION_JIT=${raw}: expected optimizing or baseline`)
}

/**
 * `BENCH_ADMISSION_JIT=baseline`: the server runs without V8's optimizing compilers, with
 * the flags `whatapctl run --jit baseline` (the Helm chart's setting) sets (the cli's
 * `Io.setJit`, which the bench cannot import: keep the two alike).
 */
export const jitFlags = jitMode(envString("BENCH_ADMISSION_JIT", "optimizing")) === "baseline" ? ["--no-maglev", "--no-opt"] : []

/** The server, listening; stopped when the scope closes. Its stderr (warnings, errors) is ours. */
export const start = (dir: string) =>
  Effect.gen(function*() {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(process.execPath, [...jitFlags, script, dir], { stdio: ["ignore", "pipe", "inherit"] })),
      stop
    )
    return yield* listening(child, dir)
  })
