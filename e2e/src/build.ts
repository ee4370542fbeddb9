/**
 * `npm run controlplane:build`: fills the control-plane binary cache and the tools the
 * specs run (promtool); a no-op for whatever is complete.
 */
import { Console, Effect } from "effect"
import * as Cli from "./Cli.ts"
import * as Builder from "./Builder.ts"
import * as Tools from "./Tools.ts"

const program = Effect.gen(function*() {
  const layout = yield* Builder.ensure()
  yield* Console.log(`[controlplane] binaries: ${layout.binDir}`)
  const promtool = yield* Tools.promtool
  yield* Console.log(`[tools] promtool: ${promtool}`)
})

Cli.runMain(program)
