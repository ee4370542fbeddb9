/**
 * `whatapctl validate FILE...`: checks every YAML document of every input (`-` is
 * stdin) and prints findings in the chosen format. Exit 1 when any error (or, with
 * `--strict`, any warning) is found; exit 2 when an input cannot be read, after the
 * readable inputs were still reported.
 */
import { Effect, Result } from "effect"
import * as Args from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import { checkText, type FileResult } from "./validate/Check.ts"
import { junit } from "./validate/Junit.ts"
import { sarif } from "./validate/Sarif.ts"
import { json, summary, text } from "./validate/Text.ts"

const formats = ["text", "json", "sarif", "junit"] as const
type Format = (typeof formats)[number]

const render: Readonly<Record<Format, (results: ReadonlyArray<FileResult>) => string>> = { text, json, sarif, junit }

const stdinName = "<stdin>"

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = Args.choice(parsed, "output", formats, "text")
    if (Result.isFailure(format)) return yield* new Exit.UsageError({ message: format.failure, command: "validate" })
    if (parsed.operands.length === 0) {
      return yield* new Exit.UsageError({ message: "no files given (use - for stdin)", command: "validate" })
    }
    const results: Array<FileResult> = []
    let unreadable = false
    let stdinText: string | undefined
    for (const operand of parsed.operands) {
      // stdin can be read once; naming it twice checks the same text twice
      const read = operand === "-"
        ? (stdinText === undefined ? io.readStdin : Effect.succeed(stdinText))
        : io.readFile(operand)
      const input = yield* Effect.result(read)
      if (Result.isFailure(input)) {
        unreadable = true
        yield* io.err(`whatapctl: ${input.failure.message}\n`)
        continue
      }
      if (operand === "-") stdinText = input.success
      results.push(checkText(operand === "-" ? stdinName : operand, input.success))
    }
    yield* io.out(render[format.success](results))
    if (format.success === "text") yield* io.err(summary(results))
    const findings = results.flatMap((r) => r.resources.flatMap((d) => d.findings))
    const failing = findings.some((f) => f.severity === "error" || parsed.switches.has("strict"))
    return unreadable ? Exit.usage : failing ? Exit.failed : Exit.ok
  })
