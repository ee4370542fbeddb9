/**
 * The selector data model shared by the parser, the structured decoder and the
 * matcher: requirements, selectors, the error type, requirement validation (the
 * rules of apimachinery's `NewRequirement`) and the canonical string form.
 *
 * A `Selector` is plain data so it can be logged, compared and built by hand; the
 * matcher never trusts it (see Compile.ts), because hand-built values skip validation.
 */
import { Schema } from "effect"
import * as Finding from "../../Finding.ts"
import * as LabelSyntax from "../../LabelSyntax.ts"

/** `Equals` is `=`, `DoubleEquals` is `==`; both kept apart so `format` echoes what was parsed. */
export const Operator = Schema.Literals([
  "In", "NotIn", "Equals", "DoubleEquals", "NotEquals", "Exists", "DoesNotExist", "Gt", "Lt"
])
export type Operator = typeof Operator.Type

export interface Requirement {
  readonly key: string
  readonly operator: Operator
  /** Sorted and without duplicates once built by this module (the set semantics of apimachinery). */
  readonly values: ReadonlyArray<string>
}

/**
 * `Nothing` is apimachinery's `labels.Nothing()` (what a nil `*LabelSelector` becomes);
 * `Requirements` with none is `labels.Everything()`.
 */
export type Selector =
  | { readonly _tag: "Nothing" }
  | { readonly _tag: "Requirements"; readonly requirements: ReadonlyArray<Requirement> }

/** One problem: where (JSON path, and the 0-based offset for the string form) and what. */
export const Issue = Schema.Struct({
  severity: Finding.Severity,
  path: Finding.Path,
  message: Schema.String,
  position: Schema.optionalKey(Schema.Number)
})
export type Issue = typeof Issue.Type

export class SelectorError extends Schema.TaggedError<SelectorError>()("SelectorError", {
  message: Schema.String,
  issues: Schema.Array(Issue)
}) {}

export const issue = (path: Finding.Path, message: string, position?: number): Issue =>
  position === undefined ? { severity: "error", path, message } : { severity: "error", path, message, position }

const renderIssue = (i: Issue): string => (i.position === undefined ? i.message : `${i.message} (at position ${i.position})`)

/** Caller guarantees at least one error-severity issue. */
export const selectorError = (issues: ReadonlyArray<Issue>): SelectorError =>
  new SelectorError({
    message: issues.filter((i) => i.severity === "error").map(renderIssue).join("; "),
    issues
  })

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const sortedUnique = (values: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set(values)].sort(compareStrings)

/**
 * Requirements sorted by key (stable, so equal keys keep their input order), values normalised.
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * const selector = Selector.make([{ key: "tier", operator: "In", values: ["db", "cache", "db"] }, { key: "app", operator: "Exists", values: [] }])
 * Selector.format(selector) // => "app,tier in (cache,db)"
 * ```
 */
export const make = (requirements: ReadonlyArray<Requirement>): Selector => ({
  _tag: "Requirements",
  requirements: requirements
    .map((r) => ({ key: r.key, operator: r.operator, values: sortedUnique(r.values) }))
    .sort((a, b) => compareStrings(a.key, b.key))
})

export const everything: Selector = { _tag: "Requirements", requirements: [] }
export const nothing: Selector = { _tag: "Nothing" }

const int64Min = -(2n ** 63n)
const int64Max = 2n ** 63n - 1n

/** Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, 64-bit range. */
export const parseInt64 = (text: string): bigint | undefined => {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined
  const value = BigInt(text)
  return value < int64Min || value > int64Max ? undefined : value
}

export const keyIssues = (key: string, path: Finding.Path, position?: number): ReadonlyArray<Issue> => {
  const errors = LabelSyntax.labelKeyErrors(key)
  return errors.length === 0 ? [] : [issue(path, `invalid label key ${JSON.stringify(key)}: ${errors.join("; ")}`, position)]
}

export const valueIssues = (value: string, path: Finding.Path, position?: number): ReadonlyArray<Issue> => {
  const errors = LabelSyntax.labelValueErrors(value)
  return errors.length === 0
    ? []
    : [issue(path, `invalid label value ${JSON.stringify(value)}: ${errors.join("; ")}`, position)]
}

const countIssue = (operator: Operator, count: number): string | undefined => {
  switch (operator) {
    case "In":
    case "NotIn":
      return count === 0 ? "for 'in', 'notin' operators, values set can't be empty" : undefined
    case "Equals":
    case "DoubleEquals":
    case "NotEquals":
      return count === 1 ? undefined : "exact-match compatibility requires one single value"
    case "Exists":
    case "DoesNotExist":
      return count === 0 ? undefined : "values set must be empty for exists and does not exist"
    case "Gt":
    case "Lt":
      return count === 1 ? undefined : "for 'Gt', 'Lt' operators, exactly one value is required"
  }
}

/**
 * Everything `NewRequirement` would reject, except the key (callers check it where
 * they see it). `positions[i]` locates value i in a selector string.
 */
export const operandIssues = (
  operator: Operator,
  values: ReadonlyArray<string>,
  path: Finding.Path,
  positions: ReadonlyArray<number> = []
): ReadonlyArray<Issue> => {
  const issues: Array<Issue> = []
  const count = countIssue(operator, values.length)
  if (count !== undefined) issues.push(issue([...path, "values"], count, positions[0]))
  values.forEach((value, i) => {
    const at = [...path, "values", i]
    if ((operator === "Gt" || operator === "Lt") && parseInt64(value) === undefined) {
      issues.push(issue(at, `for 'Gt', 'Lt' operators, the value must be an integer, not ${JSON.stringify(value)}`, positions[i]))
    }
    issues.push(...valueIssues(value, at, positions[i]))
  })
  return issues
}

const infix: Record<Operator, string> = {
  In: " in ", NotIn: " notin ", Equals: "=", DoubleEquals: "==", NotEquals: "!=", Gt: ">", Lt: "<",
  Exists: "", DoesNotExist: ""
}

/**
 * apimachinery's `Requirement.String()`: `!k`, `k`, `k in (a,b)`, `k notin (a,b)`, `k=v`, `k>5`.
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * Selector.formatRequirement({ key: "app", operator: "NotIn", values: ["a", "b"] }) // => "app notin (a,b)"
 * Selector.formatRequirement({ key: "legacy", operator: "DoesNotExist", values: [] }) // => "!legacy"
 * ```
 */
export const formatRequirement = (r: Requirement): string => {
  if (r.operator === "DoesNotExist") return `!${r.key}`
  if (r.operator === "Exists") return r.key
  const values = sortedUnique(r.values).join(",")
  const op = infix[r.operator] ?? ` ${String(r.operator)} `
  return r.operator === "In" || r.operator === "NotIn" ? `${r.key}${op}(${values})` : `${r.key}${op}${values}`
}

/**
 * Canonical string form. `nothing` formats as "" exactly like apimachinery's
 * `nothingSelector.String()`; "" parses back as `everything`, so only `nothing`
 * does not round-trip (it has no string form in Kubernetes either).
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * Selector.format(Selector.fromSet({ app: "web" })) // => "app=web"
 * Selector.format(Selector.everything) // => ""
 * ```
 */
export const format = (selector: Selector): string =>
  selector._tag === "Nothing"
    ? ""
    : [...selector.requirements]
      .sort((a, b) => compareStrings(a.key, b.key))
      .map(formatRequirement)
      .join(",")
