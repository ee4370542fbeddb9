/**
 * `npm run controlplane:build`: fills the control-plane binary cache (no-op when complete).
 */
import { Console, Effect } from "effect"
import * as Cli from "./Cli.ts"
import * as Builder from "./Builder.ts"

const program = Effect.gen(function*() {
  const layout = yield* Builder.ensure()
  yield* Console.log(`[controlplane] binaries: ${layout.binDir}`)
})

Cli.runMain(program)
