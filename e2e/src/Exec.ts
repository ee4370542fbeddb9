/**
 * Runs a short-lived command to completion (go, openssl) and returns its stdout. Long-lived
 * components are not started here but by `Component.ts`, which owns their lifetime.
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
}

const tail = (text: string, lines = 30): string => text.trimEnd().split("\n").slice(-lines).join("\n")

export const run = (command: string, args: ReadonlyArray<string>, options: Options = {}) =>
  Effect.callback<string, ControlPlaneError>((resume) => {
    // Its own process group, so that stopping it also stops what it forked: `go build` runs
    // compile and link as children, which a killed `go` leaves running until they finish.
    // Janitor's exit hook covers a runner that exits without interrupting us.
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", options.inheritStderr === true ? "inherit" : "pipe"],
      detached: true
    })
    const pid = child.pid ?? 0
    Janitor.killOnExit(pid)
    let closed = false
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", (error: NodeJS.ErrnoException) =>
      resume(Effect.fail(new ControlPlaneError({
        step: command,
        message: error.code === "ENOENT" ? `'${command}' was not found on PATH` : error.message
      })))
    )
    child.on("close", (code, signal) => {
      closed = true
      Janitor.forget(pid)
      resume(
        code === 0
          ? Effect.succeed(stdout)
          : Effect.fail(new ControlPlaneError({
            step: command,
            message: `'${command} ${args.join(" ")}' exited with ${code ?? signal}\n${tail(stderr || stdout)}`
          }))
      )
    })
    // Interruption (Ctrl-C during a build) must not leave a compiler running, and the caller
    // may remove the output directory next: wait until the whole group is gone.
    return Effect.callback<void>((stopped) => {
      if (closed) return stopped(Effect.void)
      child.once("close", () => stopped(Effect.void))
      Janitor.killGroup(pid, "SIGKILL")
    }).pipe(Effect.timeoutOption("10 seconds"))
  }).pipe(Effect.withSpan("Exec.run", { attributes: { command } }))
