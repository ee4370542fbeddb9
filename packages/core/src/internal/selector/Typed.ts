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
import { dnsLabelErrors, isLabelKey, isLabelValue } from "../../LabelSyntax.ts"
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

/** `path` is the requirement's; the issue's is its `operator`. */
const operatorOf = (operator: string | undefined, path: Finding.Path): Decoded<StructuredOperator | undefined> => {
  if (operator === undefined) return { value: undefined, issues: [issue([...path, "operator"], `required: one of ${supported}`)] }
  const known = labelSelectorOperators.find((o) => o === operator)
  return known !== undefined
    ? { value: known, issues: [] }
    : { value: undefined, issues: [issue([...path, "operator"], `unsupported operator ${JSON.stringify(operator)}: supported values: ${supported}${suggestion(operator)}`)] }
}

/** The structured rules use apimachinery's API-validation wording, not NewRequirement's; `path` is the requirement's. */
const countIssues = (operator: StructuredOperator, values: ReadonlyArray<string>, path: Finding.Path): ReadonlyArray<Issue> => {
  if ((operator === "In" || operator === "NotIn") && values.length === 0) {
    return [issue([...path, "values"], "must be specified when `operator` is 'In' or 'NotIn'")]
  }
  if ((operator === "Exists" || operator === "DoesNotExist") && values.length > 0) {
    return [issue([...path, "values"], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")]
  }
  return []
}

const defined = <A>(items: ReadonlyArray<A | undefined> | undefined): ReadonlyArray<A> =>
  (items ?? []).filter((item): item is A => item !== undefined)

// Paths are built only for an issue: selectors are checked in every document the validator reads.

export const requirementOf = (json: RequirementValue, path: Finding.Path): Decoded<Requirement | undefined> => {
  const { key } = json
  const issues: Array<Issue> = []
  if (key === undefined) issues.push(issue([...path, "key"], "required: a label key string"))
  else if (!isLabelKey(key)) issues.push(...keyIssues(key, [...path, "key"]))
  const operator = operatorOf(json.operator, path)
  if (operator.issues.length > 0) issues.push(...operator.issues)
  const values = defined(json.values)
  const given = json.values ?? []
  for (let i = 0; i < given.length; i++) {
    const v = given[i]
    if (v !== undefined && !isLabelValue(v)) issues.push(...valueIssues(v, [...path, "values", i]))
  }
  if (operator.value !== undefined) issues.push(...countIssues(operator.value, values, path))
  const complete = key !== undefined && operator.value !== undefined
  return { value: complete ? { key, operator: operator.value, values } : undefined, issues }
}

/** The issues of a present selector's `matchLabels` and `matchExpressions`, and its requirements into `requirements` when given. */
const collect = (json: LabelSelectorValue, path: Finding.Path, requirements: Array<Requirement> | undefined): ReadonlyArray<Issue> => {
  const issues: Array<Issue> = []
  const labels = json.matchLabels
  const keys = labels === undefined ? [] : Object.keys(labels)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? ""
    const value = labels?.[key]
    if (value === undefined) continue
    if (!isLabelKey(key) || !isLabelValue(value)) {
      const at = [...path, "matchLabels", key]
      issues.push(...keyIssues(key, at), ...valueIssues(value, at))
    }
    requirements?.push({ key, operator: "Equals", values: [value] })
  }
  const expressions = json.matchExpressions ?? []
  for (let i = 0; i < expressions.length; i++) {
    const expression = expressions[i]
    if (expression === undefined) continue
    const decoded = requirementOf(expression, [...path, "matchExpressions", i])
    if (decoded.issues.length > 0) issues.push(...decoded.issues)
    if (decoded.value !== undefined) requirements?.push(decoded.value)
  }
  return issues
}

/** `matchLabels` and `matchExpressions` of a present selector; `{}` is everything. */
export const labelPart = (json: LabelSelectorValue, path: Finding.Path): Decoded<Selector> => {
  const requirements: Array<Requirement> = []
  const issues = collect(json, path, requirements)
  return { value: make(requirements), issues }
}

/** The issues `labelPart` finds, without the selector (what the validator needs). */
export const labelIssues = (json: LabelSelectorValue, path: Finding.Path): ReadonlyArray<Issue> => collect(json, path, undefined)

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

/** The issues `namespacePart` finds, without the selector. */
export const namespaceIssues = (json: NamespaceSelectorValue, path: Finding.Path): ReadonlyArray<Issue> => {
  const names = json.matchNames === undefined ? [] : matchNames(json.matchNames, [...path, "matchNames"])
  const labels = labelIssues(json, path)
  return names.length === 0 ? labels : [...names, ...labels]
}
