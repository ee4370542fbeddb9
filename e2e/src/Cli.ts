/**
 * Shared ending for the command-line entry points (build, start): an expected failure is
 * printed as one readable message and exit code 1, not a stack trace.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import type { ControlPlaneError } from "./ControlPlaneError.ts"

export const runMain = <A>(program: Effect.Effect<A, ControlPlaneError>): void =>
  NodeRuntime.runMain(
    program.pipe(
      Effect.catchTag("ControlPlaneError", (error) =>
        Console.error(`[controlplane] ${error.step}: ${error.message}`).pipe(
          Effect.andThen(Effect.sync(() => {
            process.exitCode = 1
          }))
        ))
    )
  )
