/**
 * Scheduling fields the operator copies into its pod templates: `tolerations` and
 * `affinity`. The CRDs take their operators and effects as free strings (as the Go
 * operator's do), and the API server only checks them when the Deployment or DaemonSet
 * is created, long after the CR was accepted; so the rules of Kubernetes'
 * `ValidateTolerations` and `ValidateAffinity` are applied here, with the same wording
 * where it helps.
 */
import type { Affinity, NodeAffinity, NodeSelectorTerm, PodAffinity, PodAffinityTerm } from "../../Affinity.ts"
import { nodeSelectorOperators } from "../../Affinity.ts"
import type { Toleration } from "../../KubeTypes.ts"
import { dnsLabelErrors, labelKeyErrors, labelValueErrors } from "../../LabelSyntax.ts"
import { labelIssues } from "../selector/Typed.ts"
import { error, type Issue, issues, none, tag } from "./issue.ts"
import { at, child, each, type L, type List, type Path } from "./model.ts"

const effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

type NodeRequirement = NonNullable<NonNullable<L<NodeSelectorTerm>["matchExpressions"]>[number]>

const keyErrors = (key: string, path: Path): ReadonlyArray<Issue> =>
  labelKeyErrors(key).map((m) => error("scheduling", path, `invalid key ${JSON.stringify(key)}: ${m}`))

const checkTolerationOperator = (operator: string, value: string, path: Path): ReadonlyArray<Issue> => {
  if (operator === "Equal" || operator === "") {
    return labelValueErrors(value).map((m) => error("scheduling", [...path, "value"], `invalid value ${JSON.stringify(value)}: ${m}`))
  }
  if (operator === "Exists") {
    return value === "" ? [] : [error("scheduling", [...path, "value"], "value must be empty when `operator` is 'Exists'")]
  }
  return [error("scheduling", [...path, "operator"], `unsupported operator ${JSON.stringify(operator)}: expected Equal or Exists`)]
}

const checkToleration = (toleration: L<Toleration>, path: Path): ReadonlyArray<Issue> => {
  const key = toleration.key ?? ""
  const operator = toleration.operator ?? ""
  const effect = toleration.effect ?? ""
  const out: Array<Issue> = key === "" ? [] : [...keyErrors(key, [...path, "key"])]
  if (key === "" && operator !== "Exists") {
    out.push(error("scheduling", [...path, "operator"], "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
  }
  out.push(...checkTolerationOperator(operator, toleration.value ?? "", path))
  if (effect !== "" && !effects.includes(effect)) {
    out.push(error("scheduling", [...path, "effect"], `unsupported effect ${JSON.stringify(effect)}: expected one of ${effects.join(", ")}`))
  }
  if (toleration.tolerationSeconds !== undefined && effect !== "NoExecute") {
    out.push(error("scheduling", [...path, "effect"], "effect must be 'NoExecute' when `tolerationSeconds` is set"))
  }
  return out
}

export const checkTolerations = (tolerations: List<Toleration>, path: Path): ReadonlyArray<Issue> =>
  each(tolerations, path, checkToleration)

const valueCountError = (operator: string, count: number): string | undefined => {
  if ((operator === "In" || operator === "NotIn") && count === 0) return "must be specified when `operator` is 'In' or 'NotIn'"
  if ((operator === "Exists" || operator === "DoesNotExist") && count > 0) return "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
  if ((operator === "Gt" || operator === "Lt") && count !== 1) return "must be specified single value when `operator` is 'Lt' or 'Gt'"
  return undefined
}

const checkNodeRequirement = (requirement: NodeRequirement, path: Path): ReadonlyArray<Issue> => {
  const operator = requirement.operator ?? ""
  const out: Array<Issue> = [...keyErrors(requirement.key ?? "", [...path, "key"])]
  if (!(nodeSelectorOperators as ReadonlyArray<string>).includes(operator)) {
    out.push(error("scheduling", [...path, "operator"], `unsupported operator ${JSON.stringify(operator)}: expected one of ${nodeSelectorOperators.join(", ")}`))
  }
  const problem = valueCountError(operator, (requirement.values ?? []).length)
  if (problem !== undefined) out.push(error("scheduling", [...path, "values"], problem))
  if (operator === "In" || operator === "NotIn") {
    // the API server (1.36) checks these values as label values
    for (const [i, value] of (requirement.values ?? []).entries()) {
      if (value !== undefined) out.push(...labelValueErrors(value).map((m) => error("scheduling", [...path, "values", i], `invalid value ${JSON.stringify(value)}: ${m}`)))
    }
  }
  return out
}

/** `matchFields` can only select `metadata.name`, with In or NotIn and a single value. */
const checkFieldRequirement = (requirement: NodeRequirement, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const { key, operator } = requirement
  if (key !== "metadata.name") out.push(error("scheduling", [...path, "key"], `unsupported field ${JSON.stringify(key ?? "")}: only metadata.name`))
  if (operator !== "In" && operator !== "NotIn") out.push(error("scheduling", [...path, "operator"], "matchFields support only In and NotIn"))
  if ((requirement.values ?? []).length !== 1) out.push(error("scheduling", [...path, "values"], "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
  return out
}

const checkNodeTerm = (term: L<NodeSelectorTerm> | undefined, path: Path): ReadonlyArray<Issue> => issues(
  each(...at(term, "matchExpressions", path), checkNodeRequirement),
  each(...at(term, "matchFields", path), checkFieldRequirement)
)

const checkWeight = (weight: number | undefined, path: Path): ReadonlyArray<Issue> =>
  weight !== undefined && (weight < 1 || weight > 100)
    ? [error("scheduling", path, `weight ${weight} must be in the range 1-100`)]
    : []

const checkPodTerm = (term: L<PodAffinityTerm> | undefined, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  for (const [selector, selectorPath] of [at(term, "labelSelector", path), at(term, "namespaceSelector", path)]) {
    if (selector !== undefined) out.push(...tag("selector", labelIssues(selector, selectorPath)))
  }
  const { value: topologyKey, path: topologyPath } = child(term, "topologyKey", path)
  if (topologyKey === "") out.push(error("scheduling", topologyPath, "can not be empty"))
  else if (topologyKey !== undefined) out.push(...keyErrors(topologyKey, topologyPath))
  for (const [i, namespace] of (term?.namespaces ?? []).entries()) {
    if (namespace !== undefined) out.push(...dnsLabelErrors(namespace).map((m) => error("scheduling", [...path, "namespaces", i], `invalid namespace ${JSON.stringify(namespace)}: ${m}`)))
  }
  out.push(...checkLabelKeyLists(term, path))
  return out
}

/**
 * `matchLabelKeys`/`mismatchLabelKeys` as the API server's `validateMatchLabelKeysAndMismatchLabelKeys`:
 * only next to a `labelSelector`, label keys, never the same key in both.
 */
const checkLabelKeyLists = (term: L<PodAffinityTerm> | undefined, path: Path): ReadonlyArray<Issue> => {
  const match = term?.matchLabelKeys ?? []
  const mismatch = term?.mismatchLabelKeys ?? []
  if (match.length === 0 && mismatch.length === 0) return none
  if (term?.labelSelector === undefined) {
    return (["matchLabelKeys", "mismatchLabelKeys"] as const)
      .filter((field) => (term?.[field] ?? []).length > 0)
      .map((field) => error("scheduling", [...path, field], "must not be specified when labelSelector is not set"))
  }
  const out: Array<Issue> = []
  for (const [field, keys] of [["matchLabelKeys", match], ["mismatchLabelKeys", mismatch]] as const) {
    for (const [i, key] of keys.entries()) if (key !== undefined) out.push(...keyErrors(key, [...path, field, i]))
  }
  const mismatched = new Set(mismatch)
  for (const [i, key] of match.entries()) {
    if (key !== undefined && mismatched.has(key)) out.push(error("scheduling", [...path, "matchLabelKeys", i], `${JSON.stringify(key)} exists in both matchLabelKeys and mismatchLabelKeys`))
  }
  return out
}

const checkPodAffinity = (affinity: L<PodAffinity> | undefined, path: Path): ReadonlyArray<Issue> => affinity === undefined ? none : issues(
  each(...at(affinity, "requiredDuringSchedulingIgnoredDuringExecution", path), checkPodTerm),
  each(...at(affinity, "preferredDuringSchedulingIgnoredDuringExecution", path), (weighted, here) => issues(
    checkWeight(...at(weighted, "weight", here)),
    checkPodTerm(...at(weighted, "podAffinityTerm", here))
  ))
)

const checkNodeAffinity = (affinity: L<NodeAffinity> | undefined, path: Path, termsReachPods: boolean): ReadonlyArray<Issue> => {
  if (affinity === undefined) return none
  const { value: required, path: requiredPath } = child(affinity, "requiredDuringSchedulingIgnoredDuringExecution", path)
  const { value: terms, path: termsPath } = child(required, "nodeSelectorTerms", requiredPath)
  // ValidateNodeSelector: a required node affinity with no term matches no node, and is refused
  // (an absent list is the schema's finding: the field is required)
  const noTerm = termsReachPods && terms !== undefined && terms.length === 0
  return issues(
    noTerm ? [error("scheduling", termsPath, "must have at least one node selector term")] : none,
    each(terms, termsPath, checkNodeTerm),
    each(...at(affinity, "preferredDuringSchedulingIgnoredDuringExecution", path), (weighted, here) => issues(
      checkWeight(...at(weighted, "weight", here)),
      checkNodeTerm(...at(weighted, "preference", here))
    ))
  )
}

/**
 * `termsReachPods`: whether the required node terms are copied into a pod template as
 * written; the node agent's are replaced by GPU split-mode terms in some cases (see
 * `gpuReplacesNodeTerms`), and an empty list is then no mistake.
 */
export const checkAffinity = (affinity: L<Affinity> | undefined, path: Path, termsReachPods = true): ReadonlyArray<Issue> => affinity === undefined ? none : issues(
  checkNodeAffinity(...at(affinity, "nodeAffinity", path), termsReachPods),
  checkPodAffinity(...at(affinity, "podAffinity", path)),
  checkPodAffinity(...at(affinity, "podAntiAffinity", path))
)
