/**
 * The structured selector forms as raw JSON (a `--selector '{"matchLabels":...}'`
 * argument, a library caller's parsed object): `metav1.LabelSelector` and WhaTap's
 * `NamespaceSelector`. This layer checks the JSON shapes and reads values the way Go's
 * `encoding/json` fills the Go structs (a `null` string is `""`, so `{"a": null}` in
 * `matchLabels` selects `a=`; a `null` list or map is absent), warns about unknown
 * fields (Go ignores them silently, and a typo like `matchLabel` would select
 * everything), and hands the typed parts to `Typed.ts`, which owns the selector rules.
 * Resources do not come through here: the decoder decodes them with the Schema once,
 * and the validator and the webhook take their selectors from the decoded value.
 */
import * as Finding from "../../Finding.ts"
import { isRecord } from "../validate/json.ts"
import { issue, type Issue, keyIssues, make, type Requirement, type Selector, valueIssues } from "./Model.ts"
import type { Decoded } from "./Decoded.ts"
import { requirementOf } from "./Typed.ts"

export { isRecord }

const isAbsent = (u: unknown): u is null | undefined => u === undefined || u === null

const warning = (path: Finding.Path, message: string): Issue => ({ severity: "warning", path, message })

/** Go's `encoding/json` leaves a string zero when it reads `null`. */
const goString = (u: unknown): string | undefined => (u === null ? "" : typeof u === "string" ? u : undefined)

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
  for (const [key, raw] of Object.entries(json)) {
    const at = [...path, key]
    const labelValue = goString(raw)
    issues.push(...keyIssues(key, at))
    if (labelValue === undefined) issues.push(issue(at, "must be a string"))
    else {
      issues.push(...valueIssues(labelValue, at))
      value.push({ key, operator: "Equals", values: [labelValue] })
    }
  }
  return { value, issues }
}

const decodeValues = (json: unknown, path: Finding.Path): Decoded<ReadonlyArray<string | undefined> | undefined> => {
  if (isAbsent(json)) return { value: undefined, issues: [] }
  if (!Array.isArray(json)) return { value: undefined, issues: [issue(path, "must be an array of strings")] }
  const values = json.map(goString)
  const issues = values.flatMap((v, i) => (v === undefined ? [issue([...path, i], "must be a string")] : []))
  return { value: values, issues }
}

/** A non-string operator is shown as JSON (`unsupported operator "5"`). */
const operatorText = (json: unknown): string | undefined =>
  json === undefined ? undefined : goString(json) ?? JSON.stringify(json)

const decodeExpression = (json: unknown, path: Finding.Path): Decoded<Requirement | undefined> => {
  if (!isRecord(json)) return { value: undefined, issues: [issue(path, "must be an object with key, operator and values")] }
  const values = decodeValues(json["values"], [...path, "values"])
  const operator = operatorText(json["operator"])
  const key = goString(json["key"])
  const typed = requirementOf({
    ...(key === undefined ? {} : { key }),
    ...(operator === undefined ? {} : { operator }),
    ...(values.value === undefined ? {} : { values: values.value })
  }, path)
  return { value: typed.value, issues: [...unknownFieldIssues(json, ["key", "operator", "values"], path), ...typed.issues, ...values.issues] }
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
