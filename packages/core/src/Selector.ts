/**
 * The label selector engine with Kubernetes `labels` semantics: build a selector from the
 * string form (`parse`), from a `metav1.LabelSelector` (`fromLabelSelector`) or from
 * WhaTap's `NamespaceSelector`; print it canonically (`format`); `compile` it once and
 * then `matches`/`explain` at full speed. Failures are `Result`s carrying a
 * `SelectorError` whose issues have JSON paths (and string positions), convertible to
 * `Finding`s with `toFindings`; `validateLabelSelector`/`validateNamespaceSelector`
 * return every problem at once.
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
import { decodeLabelSelector, type Decoded } from "./internal/selector/Structured.ts"
import { decodeNamespaceSelector, onlyNamespaces, anyNamespace, type NamespaceSelector } from "./internal/selector/Namespace.ts"
import {
  everything, keyIssues, make, operandIssues, selectorError, sortedUnique,
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

const toResult = <A>(decoded: Decoded<A>): Result.Result<A, SelectorError> =>
  decoded.issues.some((i) => i.severity === "error") ? Result.fail(selectorError(decoded.issues)) : Result.succeed(decoded.value)

const isAbsent = (json: unknown): boolean => json === undefined || json === null

/** A validated requirement, with `NewRequirement`'s rules (all nine operators). */
export const requirement = (
  key: string,
  operator: Operator,
  values: ReadonlyArray<string> = []
): Result.Result<Requirement, SelectorError> => {
  const issues = [...keyIssues(key, ["key"]), ...operandIssues(operator, values, [])]
  return issues.length > 0 ? Result.fail(selectorError(issues)) : Result.succeed({ key, operator, values: sortedUnique(values) })
}

/** Equality on every pair, like `labels.SelectorFromSet`; `{}` is everything. Not validated. */
export const fromSet = (labels: Readonly<Record<string, string>>): Selector =>
  make(Object.entries(labels).map(([key, value]) => ({ key, operator: "Equals", values: [value] })))

/** A `metav1.LabelSelector` with apimachinery semantics: absent (undefined/null) is `nothing`, `{}` is `everything`. */
export const fromLabelSelector = (json: unknown, path: Finding.Path = []): Result.Result<Selector, SelectorError> =>
  toResult(decodeLabelSelector(json, path))

/** A WhatapAgent target's `podSelector` (spec §5.3): absent is `everything`; present as `fromLabelSelector`. */
export const forTarget = (json: unknown, path: Finding.Path = []): Result.Result<Selector, SelectorError> =>
  isAbsent(json) ? Result.succeed(everything) : fromLabelSelector(json, path)

/** A target's `namespaceSelector` (spec §3.3, §5.3): absent matches every namespace. */
export const fromNamespaceSelector = (json: unknown, path: Finding.Path = []): Result.Result<NamespaceSelector, SelectorError> =>
  isAbsent(json) ? Result.succeed(anyNamespace) : toResult(decodeNamespaceSelector(json, path))

/** A monitor's `namespaceSelector` (spec §3.5): absent means only the monitor's own namespace. */
export const namespaceForMonitor = (
  json: unknown,
  ownNamespace: string,
  path: Finding.Path = []
): Result.Result<NamespaceSelector, SelectorError> =>
  isAbsent(json) ? Result.succeed(onlyNamespaces([ownNamespace])) : toResult(decodeNamespaceSelector(json, path))

const findings = (issues: ReadonlyArray<{ readonly severity: Finding.Severity; readonly path: Finding.Path; readonly message: string }>) =>
  issues.map((i) => (i.severity === "error" ? Finding.error(i.path, i.message) : Finding.warning(i.path, i.message)))

/** Every problem of a `metav1.LabelSelector` at `path` (absent is fine). Unknown fields are warnings. */
export const validateLabelSelector = (json: unknown, path: Finding.Path): ReadonlyArray<Finding.Finding> =>
  findings(decodeLabelSelector(json, path).issues)

/** Every problem of a `NamespaceSelector` at `path` (absent is fine). */
export const validateNamespaceSelector = (json: unknown, path: Finding.Path): ReadonlyArray<Finding.Finding> =>
  isAbsent(json) ? [] : findings(decodeNamespaceSelector(json, path).issues)

/** The error's issues as findings, paths prefixed with `path` (string-form positions go into the message). */
export const toFindings = (error: SelectorError, path: Finding.Path = []): ReadonlyArray<Finding.Finding> =>
  findings(error.issues.map((i) => ({
    ...i,
    path: [...path, ...i.path],
    message: i.position === undefined ? i.message : `${i.message} (at position ${i.position})`
  })))
