/**
 * `whatapctl explain -f POD --agent CR` (B1): for every Pod and workload pod template of
 * the input, which target the webhook applies (the first that matches), why every other
 * target does not, the outcome and the exact JSON patch, computed by the webhook's own
 * functions (`Inject.explain`, `Inject.mutate`). The exit code answers "is it
 * injected?": 0 when every pod is, 1 when one is not (or the input is invalid), 2 on
 * usage errors, so CI can assert injection. License values are `[redacted]` in the patch
 * unless `--show-secrets`.
 */
import { Effect, Result } from "effect"
import * as Args from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import * as Evaluate from "./inject/Evaluate.ts"
import * as Notes from "./inject/Notes.ts"
import * as Redact from "./inject/Redact.ts"
import * as Report from "./inject/Report.ts"
import * as Settings from "./inject/Settings.ts"
import * as Structured from "../Structured.ts"
import { printableLines } from "../Printable.ts"

const command = "explain"

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = Args.choice(parsed, "output", Structured.formats, "text")
    if (Result.isFailure(format)) return yield* Settings.usage(command)(format.failure)
    const prepared = yield* Evaluate.prepare(command, parsed)
    if (prepared === undefined) return Exit.failed
    const { settings, results } = prepared
    // the verdicts quote the pods' labels: a license found there (the CLI's, the CR's, the pod's own) is redacted too
    const licenses = new Set(results.flatMap((r) => [...r.licenses]))
    // the text report echoes names, namespaces and labels of the input: no control character reaches the terminal raw
    yield* io.out(format.success === "text"
      ? printableLines(Redact.text(Report.text(results, settings), licenses))
      : yield* Structured.as(format.success, Report.json(results, (entries) => Redact.values(entries, licenses))))
    const redacted = format.success !== "text" && results.some((r) => r.redacted) ? [Notes.redacted] : []
    yield* io.err(printableLines([...Notes.common(results, settings), ...redacted].join("")))
    return results.every((r) => r.outcome.injected) ? Exit.ok : Exit.failed
  })
