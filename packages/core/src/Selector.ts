/**
 * The label selector engine with Kubernetes `labels` semantics: build a selector from the
 * string form (`parse`), from a decoded `LabelSelector` or WhaTap selector of the model
 * (`fromDecoded`, `forTarget`, `fromNamespaceSelector`, `namespaceForMonitor`: the CR is
 * decoded once, by the Schema, and the selector is built from that value), or from raw
 * JSON read the way Go's `encoding/json` reads it (`fromLabelSelector`,
 * `fromLabelSelectorJson`, which also returns the warnings); print it canonically
 * (`format`); `compile` it once and then `matches`/`explain` at full speed. Failures are
 * `Result`s carrying a `SelectorError` whose issues have JSON paths (and string
 * positions), convertible to `Finding`s with `toFindings`;
 * `validateLabelSelector`/`validateNamespaceSelector` return every problem at once.
 *
 * Two meanings of "absent" coexist and are kept apart on purpose:
 * - apimachinery: `LabelSelectorAsSelector(nil)` selects NOTHING, `{}` selects
 *   EVERYTHING. `fromLabelSelector(undefined | null)` is `nothing`, `fromLabelSelector({})`
 *   is `everything`. Use it where Kubernetes semantics apply (e.g. monitors' `selector`).
 * - a WhatapAgent target's `podSelector`/`namespaceSelector` (spec §5.3, the Go
 *   operator's hand-written matcher): an absent selector selects EVERYTHING. Use
 *   `forTarget` and `fromNamespaceSelector` there. Monitors' absent `namespaceSelector`
 *   means "the CR's own namespace": `namespaceForMonitor`.
 *
 * Go operator quirks (spec §5.3) are rejected by validation instead of reproduced:
 * operators are case-sensitive (`in` is an error that suggests `In`), unknown operators
 * and `In`/`NotIn` without values are errors. Should such input reach the matcher anyway
 * (a hand-built `Selector`), its requirement is simply false, as in Go; nothing throws.
 */
import { Result } from "effect"
import * as Finding from "./Finding.ts"
import type { Decoded } from "./internal/selector/Decoded.ts"
import { decodeLabelSelector } from "./internal/selector/Structured.ts"
import {
  decodeNamespaceSelector, fromNamespaceValue, onlyNamespaces, anyNamespace, type NamespaceSelector
} from "./internal/selector/Namespace.ts"
import { labelPart, type LabelSelectorValue, type NamespaceSelectorValue } from "./internal/selector/Typed.ts"
import {
  everything, keyIssues, make, nothing, operandIssues, selectorError, sortedUnique,
  type Operator, type Requirement, type Selector, SelectorError
} from "./internal/selector/Model.ts"

export {
  everything, format, formatRequirement, Issue, make, nothing, Operator, SelectorError
} from "./internal/selector/Model.ts"
export type { Requirement, Selector } from "./internal/selector/Model.ts"
export { parse } from "./internal/selector/Parse.ts"
export { compile, explain, matches } from "./internal/selector/Compile.ts"
export type { Compiled, Explanation, Labels } from "./internal/selector/Compile.ts"
export {
  anyNamespace, compileNamespace, explainNamespace, matchesNamespace, onlyNamespaces
} from "./internal/selector/Namespace.ts"
export type { CompiledNamespace, NamespaceSelector } from "./internal/selector/Namespace.ts"
export type { LabelSelectorValue, NamespaceSelectorValue } from "./internal/selector/Typed.ts"

const toResult = <A>(decoded: Decoded<A>): Result.Result<A, SelectorError> =>
  decoded.issues.some((i) => i.severity === "error") ? Result.fail(selectorError(decoded.issues)) : Result.succeed(decoded.value)

const isAbsent = (json: unknown): boolean => json === undefined || json === null

/**
 * A validated requirement, with `NewRequirement`'s rules (all nine operators).
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const requirement = Result.getOrThrow(Selector.requirement("tier", "NotIn", ["db", "cache"]))
 * Selector.formatRequirement(requirement) // => "tier notin (cache,db)"
 * Result.isFailure(Selector.requirement("tier", "In", [])) // => true
 * ```
 */
export const requirement = (
  key: string,
  operator: Operator,
  values: ReadonlyArray<string> = []
): Result.Result<Requirement, SelectorError> => {
  const issues = [...keyIssues(key, ["key"]), ...operandIssues(operator, values, [])]
  return issues.length > 0 ? Result.fail(selectorError(issues)) : Result.succeed({ key, operator, values: sortedUnique(values) })
}

/**
 * Equality on every pair, like `labels.SelectorFromSet`; `{}` is everything. Not validated.
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * Selector.format(Selector.fromSet({ tier: "front", app: "web" })) // => "app=web,tier=front"
 * ```
 */
export const fromSet = (labels: Readonly<Record<string, string>>): Selector =>
  make(Object.entries(labels).map(([key, value]) => ({ key, operator: "Equals", values: [value] })))

/**
 * Raw JSON as a `metav1.LabelSelector`, read like Go's `encoding/json` (`null` strings
 * are `""`), with apimachinery semantics: absent (undefined/null) is `nothing`, `{}` is
 * `everything`. Warnings (unknown fields) are dropped; `fromLabelSelectorJson` keeps them.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const selector = Selector.fromLabelSelector({ matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] })
 * Selector.format(Result.getOrThrow(selector)) // => "app=web,tier notin (db)"
 * Result.getOrThrow(Selector.fromLabelSelector(undefined)) // => Selector.nothing
 * ```
 */
export const fromLabelSelector = (json: unknown, path: Finding.Path = []): Result.Result<Selector, SelectorError> =>
  toResult(decodeLabelSelector(json, path))

/** A value together with the warnings found while building it. */
export interface WithWarnings<A> {
  readonly value: A
  readonly warnings: ReadonlyArray<Finding.Finding>
}

/**
 * `fromLabelSelector` with its warnings: an unknown field such as `matchLabel` is ignored, which selects more than meant.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const { value, warnings } = Result.getOrThrow(Selector.fromLabelSelectorJson({ matchLabel: { app: "web" } }))
 * value // => Selector.everything
 * warnings.map((w) => w.message) // => ['unknown field "matchLabel" is ignored (expected one of matchLabels, matchExpressions)']
 * ```
 */
export const fromLabelSelectorJson = (json: unknown, path: Finding.Path = []): Result.Result<WithWarnings<Selector>, SelectorError> => {
  const decoded = decodeLabelSelector(json, path)
  return Result.map(toResult(decoded), (value) => ({ value, warnings: findings(decoded.issues.filter((i) => i.severity === "warning")) }))
}

/**
 * A decoded `LabelSelector` (or WhaTap pod selector) with apimachinery semantics: absent is `nothing`, `{}` is `everything`.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * Selector.format(Result.getOrThrow(Selector.fromDecoded({ matchLabels: { app: "web" } }))) // => "app=web"
 * Result.getOrThrow(Selector.fromDecoded(undefined)) // => Selector.nothing
 * ```
 */
export const fromDecoded = (selector: LabelSelectorValue | undefined, path: Finding.Path = []): Result.Result<Selector, SelectorError> =>
  selector === undefined ? Result.succeed(nothing) : toResult(labelPart(selector, path))

/**
 * A WhatapAgent target's decoded `podSelector` (spec §5.3): absent is `everything`; present as `fromDecoded`.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * Result.getOrThrow(Selector.forTarget(undefined)) // => Selector.everything
 * Selector.format(Result.getOrThrow(Selector.forTarget({ matchLabels: { app: "web" } }))) // => "app=web"
 * ```
 */
export const forTarget = (selector: LabelSelectorValue | undefined, path: Finding.Path = []): Result.Result<Selector, SelectorError> =>
  selector === undefined ? Result.succeed(everything) : toResult(labelPart(selector, path))

/**
 * A target's decoded `namespaceSelector` (spec §3.3, §5.3): absent matches every namespace.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const shop = Selector.compileNamespace(Result.getOrThrow(Selector.fromNamespaceSelector({ matchNames: ["shop"] })))
 * Selector.matchesNamespace(shop, "shop", {}) // => true
 * Result.getOrThrow(Selector.fromNamespaceSelector(undefined)) // => Selector.anyNamespace
 * ```
 */
export const fromNamespaceSelector = (
  selector: NamespaceSelectorValue | undefined,
  path: Finding.Path = []
): Result.Result<NamespaceSelector, SelectorError> =>
  selector === undefined ? Result.succeed(anyNamespace) : toResult(fromNamespaceValue(selector, path))

/**
 * A monitor's decoded `namespaceSelector` (spec §3.5): absent means only the monitor's own namespace.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const own = Selector.compileNamespace(Result.getOrThrow(Selector.namespaceForMonitor(undefined, "shop")))
 * Selector.matchesNamespace(own, "shop", {}) // => true
 * Selector.matchesNamespace(own, "billing", {}) // => false
 * ```
 */
export const namespaceForMonitor = (
  selector: NamespaceSelectorValue | undefined,
  ownNamespace: string,
  path: Finding.Path = []
): Result.Result<NamespaceSelector, SelectorError> =>
  selector === undefined ? Result.succeed(onlyNamespaces([ownNamespace])) : toResult(fromNamespaceValue(selector, path))

const findings = (issues: ReadonlyArray<{ readonly severity: Finding.Severity; readonly path: Finding.Path; readonly message: string }>) =>
  issues.map((i) => (i.severity === "error" ? Finding.error(i.path, i.message) : Finding.warning(i.path, i.message)))

/**
 * Every problem of a `metav1.LabelSelector` at `path` (absent is fine). Unknown fields are warnings.
 *
 * @example
 * ```ts
 * import { Finding, Selector } from "@whatap-operator/core"
 *
 * const findings = Selector.validateLabelSelector({ matchExpressions: [{ key: "app", operator: "in", values: ["web"] }] }, ["spec", "selector"])
 * findings.map((f) => Finding.formatPath(f.path)) // => ["spec.selector.matchExpressions[0].operator"]
 * ```
 */
export const validateLabelSelector = (json: unknown, path: Finding.Path): ReadonlyArray<Finding.Finding> =>
  findings(decodeLabelSelector(json, path).issues)

/**
 * Every problem of a `NamespaceSelector` at `path` (absent is fine).
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * const findings = Selector.validateNamespaceSelector({ matchNames: ["Not_A_Name"] }, ["spec", "namespaceSelector"])
 * findings.map((f) => f.severity) // => ["warning"]
 * Selector.validateNamespaceSelector(undefined, ["spec", "namespaceSelector"]) // => []
 * ```
 */
export const validateNamespaceSelector = (json: unknown, path: Finding.Path): ReadonlyArray<Finding.Finding> =>
  isAbsent(json) ? [] : findings(decodeNamespaceSelector(json, path).issues)

/**
 * The error's issues as findings, paths prefixed with `path` (string-form positions go into the message).
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Selector } from "@whatap-operator/core"
 *
 * const parsed = Selector.parse("app in (web")
 * const findings = Result.isFailure(parsed) ? Selector.toFindings(parsed.failure, ["spec", "selector"]) : []
 * findings.map((f) => f.message) // => ["unable to parse requirement: found '', expected: ',' or ')' (at position 11)"]
 * ```
 */
export const toFindings = (error: SelectorError, path: Finding.Path = []): ReadonlyArray<Finding.Finding> =>
  findings(error.issues.map((i) => ({
    ...i,
    path: [...path, ...i.path],
    message: i.position === undefined ? i.message : `${i.message} (at position ${i.position})`
  })))
