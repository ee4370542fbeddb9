/**
 * `whatapctl inject -f POD --agent CR`: the input with every Pod, and the pod template
 * of every workload, mutated exactly as the pod admission webhook would mutate it
 * (`Inject.mutate`, the webhook's own function), like `istioctl kube-inject`. Other
 * documents pass through unchanged, so a whole manifest can be piped through it.
 * `-o patch` prints the JSON patch of each document instead, one line per document.
 *
 * A pod that is not injected is printed as the webhook leaves it, with the reason on
 * stderr; that is no failure (exit 0). Invalid input (YAML syntax, a CR with validation
 * errors, an object that is no Pod) is exit 1 with FILE:LINE:COL findings and nothing on
 * stdout. License values are `[redacted]` unless `--show-secrets`.
 */
import type { JsonPatch } from "@whatap-operator/injector"
import { Effect, Result } from "effect"
import * as Args from "../Args.ts"
import type { Handler } from "../Command.ts"
import * as Exit from "../Exit.ts"
import { Io } from "../Io.ts"
import * as Evaluate from "./inject/Evaluate.ts"
import * as Input from "./inject/Input.ts"
import * as Notes from "./inject/Notes.ts"
import * as Settings from "./inject/Settings.ts"
import { escapeInQuotes, jsonText, printableLines } from "../Printable.ts"
import * as Yaml from "../Yaml.ts"

const command = "inject"

type Format = "yaml" | "json" | "patch"

const output = (documents: ReadonlyArray<unknown>, format: "yaml" | "json"): string => {
  if (format === "yaml") return documents.map((d) => `---\n${Yaml.stringify(d)}`).join("")
  const [only] = documents
  const value = documents.length === 1 ? only : { apiVersion: "v1", kind: "List", items: documents }
  return jsonText(value)
}

/** Per pod: the outcome (and warnings) on stderr. */
const unitLines = (e: Evaluate.Evaluated): ReadonlyArray<string> => {
  const who = Input.label(e.unit, e.namespace.name)
  return [`${who}: ${Notes.outcome(e.outcome)}\n`, ...e.warnings.map((w) => `${who}: warning: ${w}\n`)]
}

const stderrOf = (results: ReadonlyArray<Evaluate.Evaluated>, settings: Settings.Settings): string =>
  [
    ...results.flatMap(unitLines),
    ...Notes.common(results, settings),
    ...(results.some((r) => r.unit.template.length > 0) ? [Notes.workloads] : []),
    ...(results.some((r) => r.redacted) ? [Notes.redacted] : [])
  ].join("")

/** The patch of every document, in input order (`[]` for documents without a pod); one pass over the results. */
const documentPatches = (results: ReadonlyArray<Evaluate.Evaluated>, count: number) => {
  const patches: Array<Array<JsonPatch.Operation>> = Array.from({ length: count }, () => [])
  for (const result of results) {
    const into = patches[result.unit.document]
    if (into !== undefined) for (const op of Evaluate.documentPatch(result)) into.push(op)
  }
  return patches
}

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    const io = yield* Io
    const format = Args.choice<Format>(parsed, "output", ["yaml", "json", "patch"], "yaml")
    if (Result.isFailure(format)) return yield* Settings.usage(command)(format.failure)
    const prepared = yield* Evaluate.prepare(command, parsed)
    if (prepared === undefined) return Exit.failed
    const { settings, results } = prepared
    const patches = documentPatches(results, settings.input.documents.length)
    if (format.success === "patch") {
      yield* io.out(patches.map((p) => `${escapeInQuotes(JSON.stringify(p))}\n`).join(""))
    } else {
      const documents = settings.input.documents.map((d, i) => Evaluate.patchedDocument(d.value, patches[i] ?? [], settings))
      yield* io.out(output(documents, format.success))
    }
    // names, namespaces and messages come from the input: no control character reaches the terminal raw
    yield* io.err(printableLines(stderrOf(results, settings)))
    return Exit.ok
  })
