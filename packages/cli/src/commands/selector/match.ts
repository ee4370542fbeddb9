/**
 * `whatapctl selector match`: evaluates a selector (string form or JSON LabelSelector)
 * against labels with the core engine's exact Kubernetes semantics. The exit code is
 * the answer (0 match, 1 no match); `--explain` shows the verdict per requirement.
 */
import { Finding, LabelSyntax, Selector } from "@whatap-operator/core"
import { Effect, Result } from "effect"
import * as Args from "../../Args.ts"
import type { Handler } from "../../Command.ts"
import * as Exit from "../../Exit.ts"
import { Io } from "../../Io.ts"
import * as Meta from "../../Meta.ts"
import { printable } from "../../Printable.ts"
import * as Structured from "../../Structured.ts"

const command = "selector match"

export const parseLabels = (text: string): Result.Result<Selector.Labels, string> => {
  const labels: Record<string, string> = {}
  for (const item of text.split(",")) {
    if (item.trim() === "") continue
    const eq = item.indexOf("=")
    if (eq < 0) return Result.fail(`invalid label ${JSON.stringify(item)}: expected key=value`)
    const key = item.slice(0, eq).trim()
    const value = item.slice(eq + 1).trim()
    const problem = [...LabelSyntax.labelKeyErrors(key), ...LabelSyntax.labelValueErrors(value)][0]
    if (problem !== undefined) return Result.fail(`invalid label ${JSON.stringify(item)}: ${problem}`)
    // a pod has one value per key: two would leave the answer to whichever came last
    if (Object.hasOwn(labels, key)) return Result.fail(`label ${JSON.stringify(key)} given twice (${key}=${labels[key] ?? ""} and ${key}=${value})`)
    labels[key] = value
  }
  return Result.succeed(labels)
}

/** A selector in string form or as a JSON LabelSelector, with what JSON it ignored (an unknown field such as `matchLabel`). */
export const parseSelector = (text: string): Result.Result<{ readonly selector: Selector.Selector; readonly warnings: ReadonlyArray<string> }, string> => {
  if (!text.trimStart().startsWith("{")) return Result.map(Result.mapError(Selector.parse(text), (e) => e.message), (selector) => ({ selector, warnings: [] }))
  const json = Result.try(() => JSON.parse(text) as unknown)
  if (Result.isFailure(json)) return Result.fail(`not valid JSON: ${json.failure instanceof Error ? json.failure.message : "parse error"}`)
  return Result.map(
    // each problem with the field it is in (`matchLabels.app: must be a string`)
    Result.mapError(Selector.fromLabelSelectorJson(json.success), (e) =>
      e.issues.length === 0 ? e.message : e.issues.map((i) => (i.path.length === 0 ? i.message : `${Finding.formatPath(i.path)}: ${i.message}`)).join("; ")),
    ({ value, warnings }) => ({ selector: value, warnings: warnings.map((w) => w.message) })
  )
}

interface Verdict {
  readonly requirement: string
  readonly matched: boolean
  readonly reason?: string
}

/** One verdict per requirement (key order), each explained on its own. */
export const verdicts = (selector: Selector.Selector, labels: Selector.Labels): ReadonlyArray<Verdict> => {
  if (selector._tag === "Nothing") {
    const e = Selector.explain(Selector.compile(selector), labels)
    return [{ requirement: "<nil>", matched: false, ...(e.matched ? {} : { reason: e.reason }) }]
  }
  return selector.requirements.map((r) => {
    const e = Selector.explain(Selector.compile(Selector.make([r])), labels)
    const requirement = Selector.formatRequirement(r)
    return e.matched ? { requirement, matched: true } : { requirement, matched: false, reason: e.reason }
  })
}

const renderText = (matched: boolean, selector: Selector.Selector, labels: Selector.Labels, explain: boolean): string => {
  if (!explain) return matched ? "match\n" : "no match\n"
  const lines = [
    `selector: ${Selector.format(selector) || "<everything>"}`,
    `labels:   ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",") || "<none>"}`,
    ...verdicts(selector, labels).map((v) => v.matched ? `  ok    ${v.requirement}` : `  FAIL  ${v.requirement}: ${v.reason ?? ""}`),
    matched ? "match" : "no match"
  ]
  return `${lines.join("\n")}\n`
}

const renderJson = (matched: boolean, selector: Selector.Selector, labels: Selector.Labels): string =>
  `${JSON.stringify({ matched, selector: Selector.format(selector), labels, requirements: verdicts(selector, labels) }, null, 2)}\n`

const usage = (message: string) => new Exit.UsageError({ message, command })

export const run: Handler = (parsed) =>
  Effect.gen(function*() {
    if (parsed.operands.length > 0) return yield* usage(`unexpected argument ${JSON.stringify(parsed.operands[0])}`)
    const format = Args.choice(parsed, "output", Structured.formats, "text")
    if (Result.isFailure(format)) return yield* usage(format.failure)
    const text = parsed.values.get("selector")
    if (text === undefined) return yield* usage("--selector is required")
    const parsedSelector = parseSelector(text)
    if (Result.isFailure(parsedSelector)) return yield* usage(`invalid selector: ${parsedSelector.failure}`)
    const { selector, warnings } = parsedSelector.success
    const labels = parseLabels(parsed.values.get("labels") ?? "")
    if (Result.isFailure(labels)) return yield* usage(labels.failure)
    const io = yield* Io
    for (const warning of warnings) yield* io.err(`${Meta.name}: warning: selector: ${printable(warning)}\n`)
    const matched = Selector.matches(Selector.compile(selector), labels.success)
    yield* io.out(format.success === "text"
      ? renderText(matched, selector, labels.success, parsed.switches.has("explain"))
      : yield* Structured.as(format.success, renderJson(matched, selector, labels.success)))
    return matched ? Exit.ok : Exit.failed
  })
