/**
 * Shared ending for the command-line entry points (build, start): an expected failure is
 * printed as one readable message and exit code 1, not a stack trace; SIGINT, SIGTERM and
 * SIGHUP interrupt the program, so its scope closes and every process it started stops.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect } from "effect"
import type { ControlPlaneError } from "./ControlPlaneError.ts"

// runMain turns SIGINT and SIGTERM into interruption, but not SIGHUP (the terminal running
// `npm start` was closed), whose default kills Node without running a single finalizer.
const hangup = Effect.callback<never>((resume) => {
  const onHangup = () => resume(Effect.interrupt)
  process.once("SIGHUP", onHangup)
  return Effect.sync(() => {
    process.off("SIGHUP", onHangup)
  })
})

export const runMain = <A>(program: Effect.Effect<A, ControlPlaneError>): void =>
  NodeRuntime.runMain(
    program.pipe(
      Effect.raceFirst(hangup),
      Effect.catchTag("ControlPlaneError", (error) =>
        Console.error(`[controlplane] ${error.step}: ${error.message}`).pipe(
          Effect.andThen(Effect.sync(() => {
            process.exitCode = 1
          }))
        ))
    )
  )
