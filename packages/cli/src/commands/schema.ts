/**
 * `whatapctl schema [KIND]`: the JSON Schema of the WhaTap kinds for editors
 * (yaml-language-server, VS Code, IntelliJ), generated from the same model as the CRDs,
 * so completion and checks in the editor match what the API server accepts. Without KIND,
 * one document for all four kinds (the `kind` field selects the definition).
 */
import { Effect, Result } from "effect"
import * as Args from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import * as JsonSchema from "./schema/JsonSchema.ts"
import * as Yaml from "../Yaml.ts"

const usage = (message: string) => new Exit.UsageError({ message, command: "schema" })

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = Args.choice<"json" | "yaml">(parsed, "output", ["json", "yaml"], "json")
    if (Result.isFailure(format)) return yield* usage(format.failure)
    const [name, ...rest] = parsed.operands
    if (rest.length > 0) return yield* usage("schema takes at most one KIND")
    const kind = name === undefined ? undefined : JsonSchema.kindOf(name)
    if (name !== undefined && kind === undefined) {
      return yield* usage(`unknown kind ${JSON.stringify(name)}: expected WhatapAgent, WhatapPodMonitor, WhatapServiceMonitor or WhatapStaticEndpoint`)
    }
    const schema = kind === undefined ? JsonSchema.all() : JsonSchema.document(kind)
    yield* io.out(format.success === "json" ? `${JSON.stringify(schema, null, 2)}\n` : Yaml.stringify(schema))
    return Exit.ok
  })
