/**
 * What `whatapctl explain` prints per pod (B1): every target in order with its verdict
 * (the first match is applied, a later match is shadowed, every other target says
 * which selector requirement failed and why, in the selector engine's words), the
 * outcome, the warnings and the patch. Text for people, JSON for programs.
 */
import { Selector } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import { Result } from "effect"
import type { Evaluated } from "./Evaluate.ts"
import * as Input from "./Input.ts"
import * as Notes from "./Notes.ts"
import type { Settings } from "./Settings.ts"

type Verdict = Inject.Verdict

/** `requirement: reason`, or the reason alone when it already names the requirement. */
const failed = (selector: string, requirement: string, reason: string): string =>
  requirement === "" || reason.includes(requirement) ? `${selector}: ${reason}` : `${selector}: ${requirement}: ${reason}`

const skipped = (v: Exclude<Verdict, { readonly _tag: "Matched" }>): string => {
  switch (v._tag) {
    case "Disabled":
      return "disabled (enabled: false)"
    case "InvalidSelector":
      return `${v.field} is invalid, so it never matches: ${v.message}`
    case "PodMismatch":
      return failed("podSelector", v.requirement, v.reason)
    case "NamespaceUnknown":
      return "the namespace is unknown, so namespaceSelector cannot be evaluated"
    case "NamespaceMismatch":
      return failed("namespaceSelector", v.requirement, v.reason)
  }
}

/** The selectors of the target that matched, as the engine formats them. */
const selectors = (settings: Settings, index: number): string => {
  const target = settings.agent.agent?.spec.features.apm?.instrumentation?.targets?.[index]
  const pods = Result.map(Selector.forTarget(target?.podSelector), (s) => Selector.format(s) || "all")
  const namespaces = Result.map(Selector.fromNamespaceSelector(target?.namespaceSelector), (ns) => {
    const parts = [...(ns.matchNames.length > 0 ? [`matchNames (${ns.matchNames.join(",")})`] : []), ...(Selector.format(ns.labels) === "" ? [] : [Selector.format(ns.labels)])]
    return parts.length === 0 ? "all" : parts.join(", ")
  })
  return `pods: ${Result.getOrElse(pods, () => "?")}; namespaces: ${Result.getOrElse(namespaces, () => "?")}`
}

const row = (t: Inject.TargetExplanation, all: ReadonlyArray<Inject.TargetExplanation>, settings: Settings, width: number): string => {
  const name = t.name.padEnd(width)
  if (t.verdict._tag !== "Matched") return `${t.index + 1} ${name}  skipped   ${skipped(t.verdict)}`
  if (t.selected) return `${t.index + 1} ${name}  MATCH     ${selectors(settings, t.index)}`
  const first = all.find((x) => x.selected)
  return `${t.index + 1} ${name}  shadowed  matches too, but target ${first === undefined ? "?" : `${first.index + 1} ${first.name}`} matched first`
}

const targetLines = (e: Evaluated, settings: Settings): ReadonlyArray<string> => {
  if (e.targets.length === 0) return ["targets: none"]
  const width = Math.max(...e.targets.map((t) => t.name.length))
  return ["targets (first match wins):", ...e.targets.map((t) => `  ${row(t, e.targets, settings, width)}`)]
}

const labelsText = (labels: Readonly<Record<string, string>>): string =>
  Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ""}`).join(", ")

const patchLine = (e: Evaluated): string => {
  if (e.excluded) return "patch: none (the webhook's namespaceSelector keeps pods of this namespace away from the webhook)"
  if (e.patch.length === 0) return "patch: none"
  return `patch: ${e.patch.length} operation${e.patch.length === 1 ? "" : "s"} (-o json shows them)`
}

const block = (e: Evaluated, settings: Settings): string => {
  const template = e.unit.template.length > 0 ? ", pod template" : ""
  const lines = [
    `namespace: ${e.namespace.name} (labels: ${labelsText(e.namespace.labels)})`,
    ...targetLines(e, settings),
    `result: ${Notes.outcome(e.outcome)}`,
    ...e.warnings.map((w) => `warning: ${w}`),
    patchLine(e)
  ]
  return `${Input.label(e.unit, e.namespace.name)}${template} (from ${Input.where(e.unit)})\n${lines.map((l) => `  ${l}\n`).join("")}`
}

export const text = (results: ReadonlyArray<Evaluated>, settings: Settings): string =>
  results.map((e) => block(e, settings)).join("\n")

const verdictJson = (v: Verdict) => {
  const { _tag, ...details } = v
  return { verdict: _tag, ...details, description: Inject.describeVerdict(v) }
}

const entry = (e: Evaluated) => ({
  file: e.unit.file,
  line: e.unit.position.line,
  column: e.unit.position.column,
  kind: e.unit.kind,
  name: e.unit.name,
  namespace: e.namespace.name,
  namespaceLabels: e.namespace.labels,
  template: e.unit.template.length > 0,
  injected: e.outcome.injected,
  outcome: e.outcome,
  targets: e.targets.map((t) => ({ index: t.index, name: t.name, language: t.language, selected: t.selected, ...verdictJson(t.verdict) })),
  warnings: e.warnings,
  excluded: e.excluded,
  patch: e.patch
})

/** The `-o json` report; `redact` runs over the entries before they are serialized. */
export const json = (results: ReadonlyArray<Evaluated>, redact: (entries: unknown) => unknown = (entries) => entries): string =>
  `${JSON.stringify(redact(results.map(entry)), null, 2)}\n`
