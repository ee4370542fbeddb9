/**
 * Entry point of `whatapctl` (and `kubectl-whatap`): runs argv through the command tree
 * with the Node I/O layer and leaves the exit code to the process, so buffered stdout
 * is flushed before Node exits (process.exit would cut piped output short).
 */
import { Effect } from "effect"
import * as Cli from "./Cli.ts"
import * as Io from "./Io.ts"

Io.tuneV8(process.argv.slice(2))
Io.endOnOutputError()
const code = await Effect.runPromise(Cli.run(process.argv.slice(2)).pipe(Effect.provide(Io.layerNode)))
process.exitCode = code
