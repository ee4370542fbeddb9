/**
 * `whatapctl crds`: the four generated CRDs, serialised exactly as the committed
 * `deploy/crds/*.yaml` files and joined with `---` (a test keeps them byte-identical).
 */
import { Crd } from "@whatap-operator/core"
import { Effect } from "effect"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import * as Yaml from "../Yaml.ts"

/** One multi-document YAML stream: the per-CRD documents (each ending in a newline) joined with `---`. */
export const render = (): string =>
  Crd.generateAll().map((crd) => Yaml.stringify(crd)).join("---\n")

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    if (parsed.operands.length > 0) return yield* new Exit.UsageError({ message: "crds takes no arguments", command: "crds" })
    yield* (yield* Io).out(render())
    return Exit.ok
  })
