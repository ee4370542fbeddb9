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
import { type Duration, Deferred, Effect, Exit, Option, Scope, SynchronizedRef } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Janitor from "./Janitor.ts"
import * as Probe from "./Probe.ts"

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

/**
 * Starts the process and polls `ready` until it succeeds; fails as soon as the process
 * exits (with its log tail) or after `timeout`, whichever comes first.
 */
export const startReady = <A, E, R>(
  spec: Spec,
  what: string,
  ready: Effect.Effect<A, E, R>,
  timeout: Duration.Input = "60 seconds"
) =>
  Effect.gen(function*() {
    const running = yield* start(spec)
    yield* Effect.raceFirst(Probe.until(what, timeout, ready), failOnExit(running))
    return running
  })

export interface Restartable {
  /** The running process' pid; none while stopped. Changes with every start. */
  readonly pid: Effect.Effect<Option.Option<number>>
  /** Stops the process (SIGTERM to its group, SIGKILL after 5 s); a no-op when stopped. */
  readonly stop: Effect.Effect<void>
  /** Starts it again and waits for `ready`; a no-op when it runs. */
  readonly start: Effect.Effect<void, ControlPlaneError>
}

interface Run {
  readonly scope: Scope.Closeable
  readonly running: Running
}

/**
 * Like `startReady`, but the process can be stopped and started again. Each run lives in a
 * scope of its own; the enclosing scope's finalizer stops whichever run is current, at the
 * point in the shutdown order where this was called.
 */
export const restartable = <A, R>(spec: Spec, what: string, ready: Effect.Effect<A, ControlPlaneError, R>) =>
  Effect.gen(function*() {
    const context = yield* Effect.context<R>()
    const current = yield* SynchronizedRef.make(Option.none<Run>())
    const launch = Effect.gen(function*() {
      const scope = yield* Scope.make()
      const running = yield* startReady(spec, what, ready).pipe(
        Scope.provide(scope),
        Effect.provideContext(context),
        // A start that failed or was interrupted half-way stops what it started.
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      return Option.some<Run>({ scope, running })
    })
    const start = SynchronizedRef.updateEffect(current, (run) => (Option.isSome(run) ? Effect.succeed(run) : launch))
    const stop = SynchronizedRef.updateEffect(current, (run) =>
      Option.match(run, {
        onNone: () => Effect.succeed(run),
        onSome: ({ scope }) => Scope.close(scope, Exit.void).pipe(Effect.as(Option.none<Run>()))
      }))
    yield* Effect.addFinalizer(() => stop)
    yield* start
    const restartable: Restartable = {
      pid: SynchronizedRef.get(current).pipe(Effect.map(Option.map(({ running }) => running.pid))),
      stop,
      start
    }
    return restartable
  })
