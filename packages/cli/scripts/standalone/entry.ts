/**
 * Entry of the standalone executable. It is `src/main.ts` without the top-level await:
 * a Node 24 single-executable application runs one CommonJS script, and a CommonJS bundle
 * cannot hold a top-level await. Everything else (the command tree, the Node I/O layer,
 * the exit code left to the process so piped output is flushed) is the same code.
 */
import { Effect } from "effect"
import * as Cli from "../../src/Cli.ts"
import * as Io from "../../src/Io.ts"

Io.tuneV8(process.argv.slice(2))
Io.endOnOutputError()
void Effect.runPromise(Cli.run(process.argv.slice(2)).pipe(Effect.provide(Io.layerNode))).then((code) => {
  process.exitCode = code
})
