/**
 * The semantic validator (PRODUCT.md D1): the decoder's schema findings plus the rules
 * the CRD schema cannot express (selector syntax, languages, unique and reachable
 * targets, target types, quantities, ports, image references, durations, regexes,
 * options that cancel each other). The admission webhook, the CLI and library users
 * all call this one function, so a CR gets the same verdict everywhere.
 *
 * Rules read the raw input, not the decoded value, so a schema error in one place
 * never hides semantic problems elsewhere. Every finding carries its rule id.
 */
import { Option, Result } from "effect"
import * as Decode from "./Decode.ts"
import * as Finding from "./Finding.ts"
import * as Secrets from "./internal/secrets.ts"
import { checkFields } from "./internal/validate/fields.ts"
import { type Issue, type Rule, ruleDescriptions } from "./internal/validate/issue.ts"
import { check, type Kind } from "./internal/validate/kinds.ts"

export type { Issue, Kind, Rule }
/** The known APM languages; `Language.languages` is their home. */
export { languages } from "./Language.ts"

/** Rule id -> one-line description (SARIF rules, documentation). */
export const rules: Readonly<Record<Rule, string>> = ruleDescriptions

export interface Report {
  readonly kind: Option.Option<Kind>
  readonly name: Option.Option<string>
  readonly namespace: Option.Option<string>
  /** Sorted with `Finding.sort`; errors make the resource invalid. */
  readonly issues: ReadonlyArray<Issue>
}

const dedupe = (issues: ReadonlyArray<Issue>): ReadonlyArray<Issue> => {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = `${issue.severity}\u0000${Finding.formatPath(issue.path)}\u0000${issue.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Room for any real message; a hostile 1 MB label key is not echoed (twice) in full. */
const maxMessageLength = 1000

const bounded = (issues: ReadonlyArray<Issue>): ReadonlyArray<Issue> =>
  issues.map((issue) =>
    issue.message.length <= maxMessageLength ? issue : { ...issue, message: `${issue.message.slice(0, maxMessageLength - 3)}...` })

/**
 * Where the schema already rejected a value, a rule's second opinion on it is noise;
 * where a rule explains an unknown field better (the selector engine's "expected one
 * of matchLabels, matchExpressions"), the schema's generic unknown-field warning is.
 */
const merge = (schema: ReadonlyArray<Issue>, semantic: ReadonlyArray<Issue>): ReadonlyArray<Issue> => {
  const rejected = new Set(schema.filter((i) => i.severity === "error").map((i) => Finding.formatPath(i.path)))
  const rules = semantic.filter((i) => !rejected.has(Finding.formatPath(i.path)))
  const explained = new Set(rules.filter((i) => i.severity === "warning").map((i) => Finding.formatPath(i.path)))
  return [...schema.filter((i) => i.rule !== "unknown-field" || !explained.has(Finding.formatPath(i.path))), ...rules]
}

/** Decode + semantic rules for one resource, with its identity for reporting. */
export const document = (input: unknown): Report => {
  const decoded = Decode.resource(input)
  // the API server drops nulls before validating, so `selector:` with no value is absent
  // (dropNulls recurses without a limit; hostile nesting falls back to the raw input)
  const pruned = Result.getOrElse(Result.try(() => Decode.dropNulls(input)), () => input)
  const decodeIssues: ReadonlyArray<Issue> = decoded.findings.map((f) => ({
    severity: f.severity,
    path: f.path,
    message: f.message,
    rule: f.severity === "error" ? "schema" : "unknown-field"
  }))
  const semantic = Option.match(decoded.kind, {
    onNone: () => [],
    onSome: (kind) => [...checkFields(pruned), ...check(kind, pruned)]
  })
  return {
    kind: decoded.kind,
    name: decoded.name,
    namespace: decoded.namespace,
    issues: Finding.sort(bounded(dedupe(Secrets.redact(merge(decodeIssues, semantic), Secrets.values(input)))))
  }
}

/** Every finding about one resource (any JSON value; never throws). */
export const resource = (input: unknown): ReadonlyArray<Finding.Finding> => document(input).issues
