/**
 * Runs a short-lived command to completion (go, openssl, promtool) and returns its output.
 * Long-lived components are not started here but by `Component.ts`, which owns their lifetime.
 */
import { spawn } from "node:child_process"
import { Effect } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Janitor from "./Janitor.ts"

export interface Options {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  /** Passes stderr through to ours, for long builds whose own output is the progress. */
  readonly inheritStderr?: boolean
  /** Written to the command's stdin, which is then closed (default: no stdin). */
  readonly input?: string
}

/** How a command ended: its exit code (null when a signal stopped it) and what it printed. */
export interface Result {
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

const tail = (text: string, lines = 30): string => text.trimEnd().split("\n").slice(-lines).join("\n")

const cannotStart = (command: string, error: NodeJS.ErrnoException) =>
  new ControlPlaneError({
    step: command,
    message: error.code === "ENOENT" ? `'${command}' was not found on PATH` : error.message
  })

/**
 * Runs the command to its end and returns how it ended, whatever the exit code; fails only
 * when it cannot be started.
 */
export const result = (command: string, args: ReadonlyArray<string>, options: Options = {}) =>
  Effect.callback<Result, ControlPlaneError>((resume) => {
    // Its own process group, so that stopping it also stops what it forked: `go build` runs
    // compile and link as children, which a killed `go` leaves running until they finish.
    // Janitor's exit hook covers a runner that exits without interrupting us.
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", options.inheritStderr === true ? "inherit" : "pipe"],
      detached: true
    })
    const pid = child.pid ?? 0
    Janitor.killOnExit(pid)
    let closed = false
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    // A command that exits without reading all of its input closes the pipe: not our failure.
    child.stdin?.on("error", () => undefined)
    child.stdin?.end(options.input)
    child.on("error", (error: NodeJS.ErrnoException) => resume(Effect.fail(cannotStart(command, error))))
    child.on("close", (code, signal) => {
      closed = true
      Janitor.forget(pid)
      resume(Effect.succeed({ code, signal, stdout, stderr }))
    })
    // Interruption (Ctrl-C during a build) must not leave a compiler running, and the caller
    // may remove the output directory next: wait until the whole group is gone.
    return Effect.callback<void>((stopped) => {
      if (closed) return stopped(Effect.void)
      child.once("close", () => stopped(Effect.void))
      Janitor.killGroup(pid, "SIGKILL")
    }).pipe(Effect.timeoutOption("10 seconds"))
  }).pipe(Effect.withSpan("Exec.result", { attributes: { command } }))

/** Runs the command and returns its stdout; a non-zero exit is a failure with the output's tail. */
export const run = (command: string, args: ReadonlyArray<string>, options: Options = {}) =>
  result(command, args, options).pipe(
    Effect.flatMap(({ code, signal, stdout, stderr }) =>
      code === 0
        ? Effect.succeed(stdout)
        : Effect.fail(new ControlPlaneError({
          step: command,
          message: `'${command} ${args.join(" ")}' exited with ${code ?? signal}\n${tail(stderr || stdout)}`
        }))
    ),
    Effect.withSpan("Exec.run", { attributes: { command } })
  )
