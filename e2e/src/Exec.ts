/**
 * Runs a short-lived command to completion (go, openssl) and returns its stdout. Long-lived
 * components are not started here but by `Component.ts`, which owns their lifetime.
 */
import { spawn } from "node:child_process"
import { Effect } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"

export interface Options {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  /** Passes stderr through to ours, for long builds whose own output is the progress. */
  readonly inheritStderr?: boolean
}

const tail = (text: string, lines = 30): string => text.trimEnd().split("\n").slice(-lines).join("\n")

export const run = (command: string, args: ReadonlyArray<string>, options: Options = {}) =>
  Effect.callback<string, ControlPlaneError>((resume) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", options.inheritStderr === true ? "inherit" : "pipe"]
    })
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
    child.on("close", (code, signal) =>
      resume(
        code === 0
          ? Effect.succeed(stdout)
          : Effect.fail(new ControlPlaneError({
            step: command,
            message: `'${command} ${args.join(" ")}' exited with ${code ?? signal}\n${tail(stderr || stdout)}`
          }))
      )
    )
    // Interruption (Ctrl-C during a build) must not leave a compiler running.
    return Effect.sync(() => {
      child.kill("SIGKILL")
    })
  }).pipe(Effect.withSpan("Exec.run", { attributes: { command } }))
