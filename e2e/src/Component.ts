/**
 * One long-lived control-plane process (etcd, kube-apiserver, ...) as a scoped resource.
 *
 * Each child gets its own process group (`detached`) so stopping it also stops anything it
 * forked, and a Ctrl-C in the terminal is not delivered to it directly: shutdown order is
 * ours to choose. Release sends SIGTERM to the group, then SIGKILL after a grace period.
 * stdout/stderr go to `<workDir>/<name>.log`, whose tail is printed when something fails.
 */
import { spawn } from "node:child_process"
import { closeSync, openSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Deferred, Effect, Exit } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Janitor from "./Janitor.ts"

export interface Spec {
  readonly name: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly workDir: string
  readonly env?: NodeJS.ProcessEnv
}

export interface Running {
  readonly name: string
  readonly pid: number
  readonly logFile: string
  /** Completes when the process exits, with its exit code or signal. */
  readonly exited: Deferred.Deferred<string>
}

const GRACE_MS = 5_000

// Components of this process by pid; Janitor's exit hook covers a scope that never closes.
const live = new Map<number, string>()

export const logTail = (logFile: string, lines = 25): string =>
  Effect.runSync(
    Effect.try(() => readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n")).pipe(
      Effect.orElseSucceed(() => "(no log)")
    )
  )

/** PID and name of every component still running in this process (for the RSS monitor). */
export const liveComponents = (): ReadonlyArray<readonly [number, string]> => [...live.entries()]

const acquire = (spec: Spec) =>
  Effect.gen(function*() {
    const logFile = join(spec.workDir, `${spec.name}.log`)
    const exited = yield* Deferred.make<string>()
    const fd = openSync(logFile, "a")
    const child = spawn(spec.command, spec.args, {
      cwd: spec.workDir,
      env: spec.env ?? process.env,
      stdio: ["ignore", fd, fd],
      detached: true
    })
    closeSync(fd)
    const pid = yield* Effect.callback<number, ControlPlaneError>((resume) => {
      child.once("spawn", () =>
        resume(
          child.pid === undefined
            ? Effect.fail(new ControlPlaneError({ step: spec.name, message: "started without a pid" }))
            : Effect.succeed(child.pid)
        ))
      child.once("error", (error) =>
        resume(Effect.fail(new ControlPlaneError({ step: spec.name, message: `cannot start: ${error.message}` }))))
    })
    live.set(pid, spec.name)
    Janitor.record(spec.workDir, pid)
    child.once("exit", (code, signal) => {
      live.delete(pid)
      Janitor.forget(pid)
      Deferred.doneUnsafe(exited, Exit.succeed(signal ?? `exit code ${code}`))
    })
    // Without this, a detached child keeps the event loop (and `npm start`) alive.
    child.unref()
    const running: Running = { name: spec.name, pid, logFile, exited }
    return running
  })

const release = (running: Running) =>
  Effect.gen(function*() {
    if (!live.has(running.pid)) return
    Janitor.killGroup(running.pid, "SIGTERM")
    const stopped = yield* Deferred.await(running.exited).pipe(Effect.timeoutOption(GRACE_MS))
    if (stopped._tag === "None") {
      Janitor.killGroup(running.pid, "SIGKILL")
      yield* Deferred.await(running.exited).pipe(Effect.timeoutOption(GRACE_MS))
    }
  })

/** Starts the process; it is stopped when the enclosing scope closes. */
export const start = (spec: Spec) => Effect.acquireRelease(acquire(spec), release)

/** Fails as soon as the component exits, with its log tail: race it against readiness waits. */
export const failOnExit = (running: Running) =>
  Deferred.await(running.exited).pipe(
    Effect.flatMap((how) =>
      Effect.fail(new ControlPlaneError({
        step: running.name,
        message: `exited early (${how}); last log lines:\n${logTail(running.logFile)}`
      }))
    )
  )
