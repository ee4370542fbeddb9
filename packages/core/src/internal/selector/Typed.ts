/**
 * A decoded label selector turned into a `Selector`, with apimachinery's rules
 * (`ValidateLabelSelector` plus `LabelSelectorAsSelector`): operators In, NotIn, Exists,
 * DoesNotExist (case-sensitive), In/NotIn need values, Exists/DoesNotExist take none,
 * keys and values obey the label syntax. Every problem is collected with its JSON path.
 *
 * The input is the model's own type (a `LabelSelector`, a WhaTap pod or namespace
 * selector) as the strict or the lenient decoder produces it, so a renamed field breaks
 * this module at compile time. A part the lenient decoder left out (`undefined`) was a
 * schema error, already reported; it is skipped here.
 */
import type * as Finding from "../../Finding.ts"
import type { LabelSelector, LabelSelectorRequirement } from "../../KubeTypes.ts"
import { labelSelectorOperators } from "../../KubeTypes.ts"
import { dnsLabelErrors } from "../../LabelSyntax.ts"
import type { NamespaceSelector as NamespaceSelectorSpec, PodSelector, SelectorRequirement } from "../../Scrape.ts"
import type { Lenient } from "../lenient.ts"
import type { Decoded } from "./Decoded.ts"
import { issue, type Issue, keyIssues, make, type Requirement, type Selector, valueIssues } from "./Model.ts"

export type StructuredOperator = typeof labelSelectorOperators[number]

/** A `metav1.LabelSelector` or a WhaTap `podSelector`, strictly or leniently decoded. */
export type LabelSelectorValue = Lenient<LabelSelector> | Lenient<PodSelector>
export type NamespaceSelectorValue = Lenient<NamespaceSelectorSpec>
type RequirementValue = Lenient<LabelSelectorRequirement> | Lenient<SelectorRequirement>

const supported = labelSelectorOperators.map((o) => JSON.stringify(o)).join(", ")

const suggestion = (operator: string): string => {
  const match = labelSelectorOperators.find((o) => o.toLowerCase() === operator.toLowerCase())
  return match === undefined ? "" : ` (operators are case-sensitive: did you mean ${JSON.stringify(match)}?)`
}

const operatorOf = (operator: string | undefined, path: Finding.Path): Decoded<StructuredOperator | undefined> => {
  if (operator === undefined) return { value: undefined, issues: [issue(path, `required: one of ${supported}`)] }
  const known = labelSelectorOperators.find((o) => o === operator)
  return known !== undefined
    ? { value: known, issues: [] }
    : { value: undefined, issues: [issue(path, `unsupported operator ${JSON.stringify(operator)}: supported values: ${supported}${suggestion(operator)}`)] }
}

/** The structured rules use apimachinery's API-validation wording, not NewRequirement's. */
const countIssues = (operator: StructuredOperator, values: ReadonlyArray<string>, path: Finding.Path): ReadonlyArray<Issue> => {
  if ((operator === "In" || operator === "NotIn") && values.length === 0) {
    return [issue(path, "must be specified when `operator` is 'In' or 'NotIn'")]
  }
  if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
    return [issue(path, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]
  }
  return []
}

const defined = <A>(items: ReadonlyArray<A | undefined> | undefined): ReadonlyArray<A> =>
  (items ?? []).filter((item): item is A => item !== undefined)

export const requirementOf = (json: RequirementValue, path: Finding.Path): Decoded<Requirement | undefined> => {
  const { key } = json
  const issues: Array<Issue> = [...(key === undefined ? [issue([...path, "key"], "required: a label key string")] : keyIssues(key, [...path, "key"]))]
  const operator = operatorOf(json.operator, [...path, "operator"])
  issues.push(...operator.issues)
  const values = defined(json.values)
  ;(json.values ?? []).forEach((v, i) => {
    if (v !== undefined) issues.push(...valueIssues(v, [...path, "values", i]))
  })
  if (operator.value !== undefined) issues.push(...countIssues(operator.value, values, [...path, "values"]))
  const complete = key !== undefined && operator.value !== undefined
  return { value: complete ? { key, operator: operator.value, values } : undefined, issues }
}

/** `matchLabels` and `matchExpressions` of a present selector; `{}` is everything. */
export const labelPart = (json: LabelSelectorValue, path: Finding.Path): Decoded<Selector> => {
  const issues: Array<Issue> = []
  const requirements: Array<Requirement> = []
  for (const [key, value] of Object.entries(json.matchLabels ?? {})) {
    if (value === undefined) continue
    const at = [...path, "matchLabels", key]
    issues.push(...keyIssues(key, at), ...valueIssues(value, at))
    requirements.push({ key, operator: "Equals", values: [value] })
  }
  ;(json.matchExpressions ?? []).forEach((expression, i) => {
    if (expression === undefined) return
    const decoded = requirementOf(expression, [...path, "matchExpressions", i])
    issues.push(...decoded.issues)
    if (decoded.value !== undefined) requirements.push(decoded.value)
  })
  return { value: make(requirements), issues }
}

/** A name that is no DNS-1123 label can never be a namespace: a warning, since the Go operator accepted it. */
const matchNames = (names: ReadonlyArray<string | undefined> | undefined, path: Finding.Path): ReadonlyArray<Issue> =>
  (names ?? []).flatMap((name, i) =>
    name !== undefined && dnsLabelErrors(name).length > 0
      ? [{ severity: "warning", path: [...path, i], message: `${JSON.stringify(name)} is not a valid namespace name, so it never matches` } as const]
      : [])

/** `matchNames` plus the label part of a present namespace selector. */
export const namespacePart = (
  json: NamespaceSelectorValue,
  path: Finding.Path
): Decoded<{ readonly matchNames: ReadonlyArray<string>; readonly labels: Selector }> => {
  const labels = labelPart(json, path)
  return {
    value: { matchNames: defined(json.matchNames), labels: labels.value },
    issues: [...matchNames(json.matchNames, [...path, "matchNames"]), ...labels.issues]
  }
}
