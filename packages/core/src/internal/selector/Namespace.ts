/**
 * WhaTap's `NamespaceSelector` (spec §3.3): `matchNames` plus label selection on the
 * Namespace object's labels. A namespace matches when `matchNames` is empty or lists
 * its name, AND the label part matches. The label part of a present namespace selector
 * follows LabelSelector rules for a present object (`{}` is everything).
 */
import * as Finding from "../../Finding.ts"
import { dnsLabelErrors } from "../../LabelSyntax.ts"
import { compile, type Compiled, type Explanation, explain, type Labels } from "./Compile.ts"
import { everything, issue, type Issue, type Selector } from "./Model.ts"
import type { Decoded } from "./Decoded.ts"
import { decodeLabelPart, isRecord, unknownFieldIssues } from "./Structured.ts"
import { namespacePart, type NamespaceSelectorValue } from "./Typed.ts"

export interface NamespaceSelector {
  /** Empty = any name. */
  readonly matchNames: ReadonlyArray<string>
  readonly labels: Selector
}

export const anyNamespace: NamespaceSelector = { matchNames: [], labels: everything }

/**
 * Namespaces by name only (a monitor's own namespace, for instance).
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * const shop = Selector.compileNamespace(Selector.onlyNamespaces(["shop"]))
 * Selector.matchesNamespace(shop, "shop", undefined) // => true
 * ```
 */
export const onlyNamespaces = (names: ReadonlyArray<string>): NamespaceSelector => ({ matchNames: names, labels: everything })

/**
 * Raw JSON: a name that is no DNS-1123 label can never be a namespace (a warning, since
 * the Go operator accepted it); `null` is Go's `""`, as `encoding/json` reads it.
 */
const decodeMatchNames = (json: unknown, path: Finding.Path): Decoded<ReadonlyArray<string>> => {
  if (json === undefined || json === null) return { value: [], issues: [] }
  if (!Array.isArray(json)) return { value: [], issues: [issue(path, "must be an array of namespace names")] }
  const issues: Array<Issue> = []
  const value: Array<string> = []
  json.forEach((raw: unknown, i) => {
    const name = raw === null ? "" : raw
    if (typeof name !== "string") issues.push(issue([...path, i], "must be a string"))
    else {
      value.push(name)
      if (dnsLabelErrors(name).length > 0) {
        issues.push({ severity: "warning", path: [...path, i], message: `${JSON.stringify(name)} is not a valid namespace name, so it never matches` })
      }
    }
  })
  return { value, issues }
}

/** A decoded namespace selector (the model's type, strict or lenient); absence is the caller's to decide. */
export const fromNamespaceValue = (json: NamespaceSelectorValue, path: Finding.Path): Decoded<NamespaceSelector> =>
  namespacePart(json, path)

/** A present namespace selector as raw JSON. Absence is decided by the caller (see `Selector.fromNamespaceSelectorJson`). */
export const decodeNamespaceSelector = (json: unknown, path: Finding.Path): Decoded<NamespaceSelector> => {
  if (!isRecord(json)) {
    return { value: anyNamespace, issues: [issue(path, "must be an object with matchNames, matchLabels and/or matchExpressions")] }
  }
  const record = json
  const names = decodeMatchNames(record["matchNames"], [...path, "matchNames"])
  const labels = decodeLabelPart(record, path)
  return {
    value: { matchNames: names.value, labels: labels.value },
    issues: [...unknownFieldIssues(record, ["matchNames", "matchLabels", "matchExpressions"], path), ...names.issues, ...labels.issues]
  }
}

export interface CompiledNamespace {
  readonly namespace: NamespaceSelector
  readonly names: ReadonlySet<string> | undefined
  readonly labels: Compiled
}

/**
 * Compiles a namespace selector once, for `matchesNamespace` and `explainNamespace`.
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * const any = Selector.compileNamespace(Selector.anyNamespace)
 * Selector.matchesNamespace(any, "kube-system", { "kubernetes.io/metadata.name": "kube-system" }) // => true
 * ```
 */
export const compileNamespace = (namespace: NamespaceSelector): CompiledNamespace => ({
  namespace,
  names: namespace.matchNames.length === 0 ? undefined : new Set(namespace.matchNames),
  labels: compile(namespace.labels)
})

/**
 * Whether a namespace, by its name and labels, is selected.
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * const shop = Selector.compileNamespace(Selector.onlyNamespaces(["shop"]))
 * Selector.matchesNamespace(shop, "shop", {}) // => true
 * Selector.matchesNamespace(shop, "billing", {}) // => false
 * ```
 */
export const matchesNamespace = (compiled: CompiledNamespace, name: string, labels: Labels | undefined): boolean =>
  (compiled.names === undefined || compiled.names.has(name)) && compiled.labels.test(labels)

/**
 * Whether a namespace is selected and, if not, why: `explain` for namespaces.
 *
 * @example
 * ```ts
 * import { Selector } from "@whatap-operator/core"
 *
 * const shop = Selector.compileNamespace(Selector.onlyNamespaces(["shop"]))
 * Selector.explainNamespace(shop, "kube-system", {}) // => { matched: false, requirement: "matchNames (shop)", reason: 'namespace "kube-system" is not in matchNames (shop)' }
 * ```
 */
export const explainNamespace = (compiled: CompiledNamespace, name: string, labels: Labels | undefined): Explanation => {
  if (compiled.names !== undefined && !compiled.names.has(name)) {
    const list = `(${compiled.namespace.matchNames.join(",")})`
    return { matched: false, requirement: `matchNames ${list}`, reason: `namespace ${JSON.stringify(name)} is not in matchNames ${list}` }
  }
  return explain(compiled.labels, labels)
}
