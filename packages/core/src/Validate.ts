/**
 * The semantic validator (PRODUCT.md D1): the decoder's schema findings plus the rules
 * the CRD schema cannot express (selector syntax, languages, unique and reachable
 * targets, target types, quantities, ports, image references, durations, regexes,
 * options that cancel each other). The admission webhook, the CLI and library users
 * all call this one function, so a CR gets the same verdict everywhere.
 *
 * The rules read the typed model, decoded leniently: every part of the resource that
 * fits the schema, with the parts that do not left out (and reported by the schema
 * findings), so one schema error never hides the semantic problems elsewhere, and a
 * renamed Schema field breaks the rules at compile time. Every finding carries its rule
 * id. Any JSON value gives a report; a defect in a rule surfaces as an exception, which
 * the CLI, the webhook and the reconcile runner catch at their edge.
 */
import { Option } from "effect"
import * as Document from "./internal/document.ts"
import * as Finding from "./Finding.ts"
import * as Secrets from "./internal/secrets.ts"
import { type Issue, type Rule, ruleDescriptions } from "./internal/validate/issue.ts"
import { check, type Kind } from "./internal/validate/kinds.ts"
import { isPrefix } from "./internal/validate/model.ts"
import { budgeted } from "./internal/validate/regex.ts"

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
  if (issues.length < 2) return issues
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const key = `${issue.severity}\u0000${Finding.formatPath(issue.path)}\u0000${issue.message}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Values (keys, items, scalars) a document may hold; past it, it is one error and read no further. */
export const maxValues: number = Document.maxValues

/**
 * Findings listed per resource. Past it, the errors are kept before the warnings (the
 * verdict never changes) and one more finding says how many were left out, so that what
 * the CLI locates and the webhook redacts and formats stays small whatever the input.
 */
export const maxIssues: number = 1000

const capped = (issues: ReadonlyArray<Issue>): ReadonlyArray<Issue> => {
  if (issues.length <= maxIssues) return issues
  const ranked = [...issues.filter((i) => i.severity === "error"), ...issues.filter((i) => i.severity !== "error")]
  const kept = ranked.slice(0, maxIssues)
  const left = ranked.slice(maxIssues)
  const leftErrors = left.filter((i) => i.severity === "error").length
  const summary: Issue = {
    severity: leftErrors > 0 ? "error" : "warning",
    path: [],
    message: `${left.length} more findings not listed (${leftErrors} errors, ${left.length - leftErrors} warnings): at most ${maxIssues} are listed per resource`,
    rule: "findings-limit"
  }
  return [...kept, summary]
}

/** Room for any real message; a hostile 1 MB label key is not echoed (twice) in full. */
const maxMessageLength = 1000

const bounded = (issues: ReadonlyArray<Issue>): ReadonlyArray<Issue> =>
  issues.map((issue) =>
    issue.message.length <= maxMessageLength ? issue : { ...issue, message: `${issue.message.slice(0, maxMessageLength - 3)}...` })

/**
 * Where the schema already rejected a value, a rule's second opinion on it is noise.
 * A resource without spec is decoded with the Go zero value, which says nothing more
 * than the `empty-spec` warning does.
 */
const merge = (schema: ReadonlyArray<Issue>, semantic: ReadonlyArray<Issue>): ReadonlyArray<Issue> => {
  if (semantic.length === 0) return schema
  if (schema.length === 0) return semantic
  const rejected = new Set(schema.filter((i) => i.severity === "error").map((i) => Finding.formatPath(i.path)))
  const noSpec = schema.some((i) => i.rule === "empty-spec")
  return [
    ...schema,
    ...semantic.filter((i) => !rejected.has(Finding.formatPath(i.path)) && !(noSpec && isPrefix(["spec"], i.path)))
  ]
}

const semanticIssues = (document: Document.Document): ReadonlyArray<Issue> => {
  if (Option.isNone(document.pruned)) return []
  const errors = document.issues.filter((i) => i.severity === "error").map((i) => i.path)
  const damaged = (path: Finding.Path): boolean => errors.some((error) => isPrefix(path, error))
  return Option.match(Document.lenientOf(document), {
    onNone: () => [],
    onSome: (resource) => check(resource, { damaged, regex: budgeted() })
  })
}

/**
 * Decode + semantic rules for one resource, with its identity for reporting.
 *
 * @example
 * ```ts
 * import { Validate } from "@whatap-operator/core"
 *
 * const report = Validate.document({
 *   apiVersion: "monitoring.whatap.com/v2alpha1",
 *   kind: "WhatapAgent",
 *   metadata: { name: "whatap" },
 *   spec: { features: { apm: { instrumentation: { targets: [{ name: "web", enabled: true, language: "jav" }] } } } }
 * })
 * report.issues.map((i) => `${i.severity} ${i.rule}`) // => ["error apm-language"]
 * ```
 */
export const document = (input: unknown): Report => {
  const decoded = Document.decode(withoutStatus(input))
  return {
    kind: decoded.kind,
    name: decoded.name,
    namespace: decoded.namespace,
    issues: Finding.sort(bounded(capped(dedupe(Secrets.redactFrom(merge(decoded.issues, semanticIssues(decoded)), input)))))
  }
}

/**
 * The resource as the API server validates it: every WhaTap CRD has the status
 * subresource, so `status` in a create or update is dropped (kept as stored) before the
 * schema is checked, and a manifest's `status` (a `kubectl get -o yaml` export, say) can
 * neither fail nor pass it. The operator writes status through the subresource.
 */
const withoutStatus = (input: unknown): unknown => {
  if (typeof input !== "object" || input === null || Array.isArray(input) || !Object.hasOwn(input, "status")) return input
  return Object.fromEntries(Object.entries(input).filter(([key]) => key !== "status"))
}

/**
 * Every finding about one resource (any JSON value gives findings; see the module comment on defects).
 *
 * @example
 * ```ts
 * import { Validate } from "@whatap-operator/core"
 *
 * Validate.resource({ apiVersion: "v1", kind: "ConfigMap" }).every((f) => f.severity === "error") // => true
 * ```
 */
export const resource = (input: unknown): ReadonlyArray<Finding.Finding> => document(input).issues

/**
 * The secret values an input carries (the license, bearer `credentials`, a Secret's
 * `WHATAP_LICENSE` key, and the values of env entries named `WHATAP_LICENSE` or `license`;
 * three characters or more), for a
 * caller that prints objects made from it: the findings of this module are already
 * redacted with them. Linear in the input; shared and cyclic values are safe.
 *
 * @example
 * ```ts
 * import { Validate } from "@whatap-operator/core"
 *
 * const envs = [{ name: "WHATAP_LICENSE", value: "xyz-789" }]
 * const cr = { spec: { license: "abc-123", features: { k8sAgent: { masterAgent: { envs } } } } }
 * Array.from(Validate.secretValues(cr)).sort() // => ["abc-123", "xyz-789"]
 * ```
 */
export const secretValues = (input: unknown): ReadonlyArray<string> => Secrets.values(input)

/**
 * A function that replaces, in any text, every spelling (raw, JSON-escaped, cut short as
 * findings quote values) of every secret value of the inputs (see `secretValues`) by
 * `<redacted>`, for a caller that builds text from the inputs' own keys and names (a field
 * path, a denial). Overlapping values are merged, so no part of either is left; one pass
 * per text, linear in its length.
 *
 * @example
 * ```ts
 * import { Validate } from "@whatap-operator/core"
 *
 * const redact = Validate.redactor({ spec: { license: "LIC-123456" } })
 * redact('label key "LIC-123456/x" is invalid') // => 'label key "<redacted>/x" is invalid'
 * ```
 */
export const redactor = (...inputs: ReadonlyArray<unknown>): ((text: string) => string) =>
  Secrets.redactor([...new Set(inputs.flatMap((input) => Secrets.values(input)))])

/**
 * A copy of an input with each of its secret values (see `secretValues`) replaced by
 * `placeholder`, or by what it gives for the value (to tell a changed secret apart
 * without showing it), for a caller that prints objects made from it: what is derived
 * from the copy carries the placeholder, however it is later quoted or escaped. Shared
 * values stay shared; the input is not changed.
 *
 * @example
 * ```ts
 * import { Validate } from "@whatap-operator/core"
 *
 * const cr = { spec: { license: "abc-123", host: "collector" } }
 * Validate.withoutSecrets(cr) // => { spec: { license: "[redacted]", host: "collector" } }
 * Validate.withoutSecrets(cr, (secret) => `[${secret.length} characters]`) // => { spec: { license: "[7 characters]", host: "collector" } }
 * ```
 */
export const withoutSecrets = (input: unknown, placeholder: string | ((secret: string) => string) = "[redacted]"): unknown =>
  Secrets.replaced(input, placeholder)
