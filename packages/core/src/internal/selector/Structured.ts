/**
 * Decoding of the structured selector forms found in resources: `metav1.LabelSelector`
 * (`{matchLabels, matchExpressions}`) and WhaTap's `NamespaceSelector` (the same plus
 * `matchNames`). Input is untrusted JSON, so every shape is checked, and every problem
 * is collected with its JSON path instead of stopping at the first one; that makes the
 * same pass serve both decoding (`Result`) and validation (`Finding`s).
 *
 * Checks follow apimachinery's `ValidateLabelSelector` plus `LabelSelectorAsSelector`:
 * operators In, NotIn, Exists, DoesNotExist (case-sensitive), In/NotIn need values,
 * Exists/DoesNotExist take none, keys and values obey the label syntax.
 */
import * as Finding from "../../Finding.ts"
import { isRecord } from "../validate/json.ts"
import {
  issue, keyIssues, make, valueIssues,
  type Issue, type Requirement, type Selector
} from "./Model.ts"

export const structuredOperators = ["In", "NotIn", "Exists", "DoesNotExist"] as const
type StructuredOperator = typeof structuredOperators[number]

export interface Decoded<A> {
  readonly value: A
  readonly issues: ReadonlyArray<Issue>
}

export { isRecord }

const isAbsent = (u: unknown): u is null | undefined => u === undefined || u === null

const warning = (path: Finding.Path, message: string): Issue => ({ severity: "warning", path, message })

/** Unknown fields are pruned by the API server; a typo like `matchLabel` would silently select everything. */
export const unknownFieldIssues = (
  json: Readonly<Record<string, unknown>>,
  known: ReadonlyArray<string>,
  path: Finding.Path
): ReadonlyArray<Issue> =>
  Object.keys(json)
    .filter((k) => !known.includes(k))
    .map((k) => warning([...path, k], `unknown field ${JSON.stringify(k)} is ignored (expected one of ${known.join(", ")})`))

const decodeMatchLabels = (json: unknown, path: Finding.Path): Decoded<ReadonlyArray<Requirement>> => {
  if (isAbsent(json)) return { value: [], issues: [] }
  if (!isRecord(json)) return { value: [], issues: [issue(path, "must be an object mapping label keys to values")] }
  const issues: Array<Issue> = []
  const value: Array<Requirement> = []
  for (const [key, labelValue] of Object.entries(json)) {
    const at = [...path, key]
    issues.push(...keyIssues(key, at))
    if (typeof labelValue !== "string") issues.push(issue(at, "must be a string"))
    else {
      issues.push(...valueIssues(labelValue, at))
      value.push({ key, operator: "Equals", values: [labelValue] })
    }
  }
  return { value, issues }
}

const suggestion = (operator: string): string => {
  const match = structuredOperators.find((o) => o.toLowerCase() === operator.toLowerCase())
  return match === undefined ? "" : ` (operators are case-sensitive: did you mean ${JSON.stringify(match)}?)`
}

const decodeOperator = (json: unknown, path: Finding.Path): Decoded<StructuredOperator | undefined> => {
  const supported = structuredOperators.map((o) => JSON.stringify(o)).join(", ")
  if (isAbsent(json)) return { value: undefined, issues: [issue(path, `required: one of ${supported}`)] }
  const operator = typeof json === "string" ? json : JSON.stringify(json)
  const known = structuredOperators.find((o) => o === operator)
  return known !== undefined
    ? { value: known, issues: [] }
    : {
      value: undefined,
      issues: [issue(path, `unsupported operator ${JSON.stringify(operator)}: supported values: ${supported}${suggestion(operator)}`)]
    }
}

const decodeValues = (json: unknown, path: Finding.Path): Decoded<ReadonlyArray<string>> => {
  if (isAbsent(json)) return { value: [], issues: [] }
  if (!Array.isArray(json)) return { value: [], issues: [issue(path, "must be an array of strings")] }
  const strings = json.filter((v): v is string => typeof v === "string")
  const issues = json.flatMap((v, i) => (typeof v === "string" ? [] : [issue([...path, i], "must be a string")]))
  return { value: strings, issues }
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

const decodeExpression = (json: unknown, path: Finding.Path): Decoded<Requirement | undefined> => {
  if (!isRecord(json)) return { value: undefined, issues: [issue(path, "must be an object with key, operator and values")] }
  const key = json["key"]
  const keyProblems = typeof key === "string" ? keyIssues(key, [...path, "key"]) : [issue([...path, "key"], "required: a label key string")]
  const operator = decodeOperator(json["operator"], [...path, "operator"])
  const values = decodeValues(json["values"], [...path, "values"])
  const issues = [...unknownFieldIssues(json, ["key", "operator", "values"], path), ...keyProblems, ...operator.issues, ...values.issues]
  values.value.forEach((v, i) => issues.push(...valueIssues(v, [...path, "values", i])))
  if (operator.value !== undefined) issues.push(...countIssues(operator.value, values.value, [...path, "values"]))
  const complete = typeof key === "string" && operator.value !== undefined
  return { value: complete ? { key, operator: operator.value, values: values.value } : undefined, issues }
}

const decodeMatchExpressions = (json: unknown, path: Finding.Path): Decoded<ReadonlyArray<Requirement>> => {
  if (isAbsent(json)) return { value: [], issues: [] }
  if (!Array.isArray(json)) return { value: [], issues: [issue(path, "must be an array of label selector requirements")] }
  const decoded = json.map((e, i) => decodeExpression(e, [...path, i]))
  return {
    value: decoded.flatMap((d) => (d.value === undefined ? [] : [d.value])),
    issues: decoded.flatMap((d) => d.issues)
  }
}

/** The `matchLabels`/`matchExpressions` part of a present selector object; `{}` is everything. */
export const decodeLabelPart = (json: Readonly<Record<string, unknown>>, path: Finding.Path): Decoded<Selector> => {
  const labels = decodeMatchLabels(json["matchLabels"], [...path, "matchLabels"])
  const expressions = decodeMatchExpressions(json["matchExpressions"], [...path, "matchExpressions"])
  return { value: make([...labels.value, ...expressions.value]), issues: [...labels.issues, ...expressions.issues] }
}

/** `LabelSelectorAsSelector` semantics: absent (undefined or null) selects nothing, `{}` everything. */
export const decodeLabelSelector = (json: unknown, path: Finding.Path): Decoded<Selector> => {
  if (isAbsent(json)) return { value: { _tag: "Nothing" }, issues: [] }
  if (!isRecord(json)) return { value: { _tag: "Nothing" }, issues: [issue(path, "must be an object with matchLabels and/or matchExpressions")] }
  const decoded = decodeLabelPart(json, path)
  return { value: decoded.value, issues: [...unknownFieldIssues(json, ["matchLabels", "matchExpressions"], path), ...decoded.issues] }
}
