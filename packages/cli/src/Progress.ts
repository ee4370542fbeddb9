/**
 * Progress of cluster calls: a step that is still running after one second says what it
 * is waiting for, on stderr (`whatapctl: checking RBAC of ...`), so a slow or unreachable
 * API server never looks like a hung command. Quick steps print nothing, which keeps the
 * output of a healthy run short and stable. stdout is never touched: results stay
 * machine-readable.
 */
import { Duration, Effect, Fiber } from "effect"
import { Io } from "./Io.ts"
import * as Meta from "./Meta.ts"

/** How long a step runs before it is announced. */
export const threshold = Duration.seconds(1)

/** Runs `self`; when it is still running after `threshold`, prints `whatapctl: <label> ...` once. */
export const during = (label: string) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    const notice = yield* Effect.forkChild(Effect.andThen(Effect.sleep(threshold), io.err(`${Meta.name}: ${label} ...\n`)))
    return yield* Effect.ensuring(self, Fiber.interrupt(notice))
  })
