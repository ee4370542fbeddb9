/**
 * The per-run work directory (PKI, kubeconfig, etcd data, component logs) as a scoped
 * resource. It is acquired first, so it is released last, after every process has stopped:
 * removed on success, kept with the log tails printed when the scope closed with a failure,
 * and kept when someone (the test setup, after failed tests) dropped a `kept` marker in it.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { join } from "node:path"
import { Cause, Console, Effect, Exit } from "effect"
import * as Audit from "./Audit.ts"
import * as Component from "./Component.ts"
import * as Janitor from "./Janitor.ts"

/** Tails of every component log in `dir`, for failure reports (not the audit log: one JSON line is ~1 KB). */
export const logTails = (dir: string, lines = 25): string =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".log") && f !== Audit.LOG_FILE)
    .map((f) => `----- ${f} (last ${lines} lines) -----\n${Component.logTail(join(dir, f), lines)}`)
    .join("\n")

// Ctrl-C interrupts the scope; that is a normal way to stop, not a failure to report.
const failed = <A, E>(exit: Exit.Exit<A, E>): boolean => Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause)

/** Asks for the directory to survive the scope (e.g. because tests against it failed). */
export const keep = (dir: string): void => writeFileSync(join(dir, Janitor.KEPT), "")

const markKept = (dir: string) => Effect.sync(() => keep(dir))

const release = <A, E>(dir: string, exit: Exit.Exit<A, E>, keepAlways: boolean) => {
  if (failed(exit)) {
    return markKept(dir).pipe(Effect.andThen(Console.error(`[controlplane] failed; logs kept in ${dir}\n${logTails(dir)}`)))
  }
  if (keepAlways || existsSync(join(dir, Janitor.KEPT))) {
    return markKept(dir).pipe(Effect.andThen(Console.log(`[controlplane] work directory kept: ${dir}`)))
  }
  return Effect.promise(() => rm(dir, { recursive: true, force: true }))
}

export const scoped = <E, R>(create: Effect.Effect<string, E, R>, keepAlways: boolean) =>
  Effect.acquireRelease(
    Janitor.sweep.pipe(Effect.andThen(create), Effect.tap((dir) => Effect.sync(() => Janitor.claim(dir)))),
    // Registered with the exit hook until released: a kept directory carries the marker the
    // hook respects, and a process that exits halfway through the removal still finishes it.
    (dir, exit) =>
      Effect.suspend(() => release(dir, exit, keepAlways)).pipe(Effect.ensuring(Effect.sync(() => Janitor.forget(dir))))
  )
