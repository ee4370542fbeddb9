/**
 * Scheduling fields the operator copies into its pod templates: `tolerations` and
 * `affinity`. The CRDs take them as free-form strings (as the Go operator's do), and
 * the API server only checks them when the Deployment or DaemonSet is created, long
 * after the CR was accepted; so the rules of Kubernetes' `ValidateTolerations` and
 * `ValidateAffinity` are applied here, with the same wording where it helps.
 */
import { labelKeyErrors, labelValueErrors } from "../../LabelSyntax.ts"
import * as Selector from "../../Selector.ts"
import { error, type Issue, tag } from "./issue.ts"
import { field, items, type Path, str } from "./json.ts"

const effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
const required = "requiredDuringSchedulingIgnoredDuringExecution"
const preferred = "preferredDuringSchedulingIgnoredDuringExecution"
const nodeOperators = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]

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

const checkToleration = (toleration: unknown, path: Path): ReadonlyArray<Issue> => {
  const key = str(field(toleration, "key")) ?? ""
  const operator = str(field(toleration, "operator")) ?? ""
  const effect = str(field(toleration, "effect")) ?? ""
  const out: Array<Issue> = key === "" ? [] : [...keyErrors(key, [...path, "key"])]
  if (key === "" && operator !== "Exists") {
    out.push(error("scheduling", [...path, "operator"], "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
  }
  out.push(...checkTolerationOperator(operator, str(field(toleration, "value")) ?? "", path))
  if (effect !== "" && !effects.includes(effect)) {
    out.push(error("scheduling", [...path, "effect"], `unsupported effect ${JSON.stringify(effect)}: expected one of ${effects.join(", ")}`))
  }
  if (field(toleration, "tolerationSeconds") !== undefined && effect !== "NoExecute") {
    out.push(error("scheduling", [...path, "effect"], "effect must be 'NoExecute' when `tolerationSeconds` is set"))
  }
  return out
}

export const checkTolerations = (tolerations: unknown, path: Path): ReadonlyArray<Issue> =>
  items(tolerations).flatMap((t, i) => checkToleration(t, [...path, i]))

const valueCountError = (operator: string, count: number): string | undefined => {
  if ((operator === "In" || operator === "NotIn") && count === 0) return "must be specified when `operator` is 'In' or 'NotIn'"
  if ((operator === "Exists" || operator === "DoesNotExist") && count > 0) return "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
  if ((operator === "Gt" || operator === "Lt") && count !== 1) return "must be specified single value when `operator` is 'Lt' or 'Gt'"
  return undefined
}

const checkNodeRequirement = (requirement: unknown, path: Path): ReadonlyArray<Issue> => {
  const operator = str(field(requirement, "operator")) ?? ""
  const out: Array<Issue> = [...keyErrors(str(field(requirement, "key")) ?? "", [...path, "key"])]
  if (!nodeOperators.includes(operator)) {
    out.push(error("scheduling", [...path, "operator"], `unsupported operator ${JSON.stringify(operator)}: expected one of ${nodeOperators.join(", ")}`))
  }
  const problem = valueCountError(operator, items(field(requirement, "values")).length)
  if (problem !== undefined) out.push(error("scheduling", [...path, "values"], problem))
  return out
}

/** `matchFields` can only select `metadata.name`, with In or NotIn and a single value. */
const checkFieldRequirement = (requirement: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const key = str(field(requirement, "key"))
  if (key !== "metadata.name") out.push(error("scheduling", [...path, "key"], `unsupported field ${JSON.stringify(key ?? "")}: only metadata.name`))
  const operator = str(field(requirement, "operator"))
  if (operator !== "In" && operator !== "NotIn") out.push(error("scheduling", [...path, "operator"], "matchFields support only In and NotIn"))
  if (items(field(requirement, "values")).length !== 1) out.push(error("scheduling", [...path, "values"], "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
  return out
}

const checkNodeTerm = (term: unknown, path: Path): ReadonlyArray<Issue> => [
  ...items(field(term, "matchExpressions")).flatMap((r, i) => checkNodeRequirement(r, [...path, "matchExpressions", i])),
  ...items(field(term, "matchFields")).flatMap((r, i) => checkFieldRequirement(r, [...path, "matchFields", i]))
]

const checkWeight = (weighted: unknown, path: Path): ReadonlyArray<Issue> => {
  const weight = field(weighted, "weight")
  return typeof weight === "number" && (weight < 1 || weight > 100)
    ? [error("scheduling", [...path, "weight"], `weight ${weight} must be in the range 1-100`)]
    : []
}

const checkPodTerm = (term: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  for (const key of ["labelSelector", "namespaceSelector"]) {
    const selector = field(term, key)
    if (selector !== undefined) out.push(...tag("selector", Selector.validateLabelSelector(selector, [...path, key])))
  }
  const topologyKey = str(field(term, "topologyKey"))
  if (topologyKey === "") out.push(error("scheduling", [...path, "topologyKey"], "can not be empty"))
  else if (topologyKey !== undefined) out.push(...keyErrors(topologyKey, [...path, "topologyKey"]))
  return out
}

const checkPodAffinity = (affinity: unknown, path: Path): ReadonlyArray<Issue> => [
  ...items(field(affinity, required)).flatMap((term, i) => checkPodTerm(term, [...path, required, i])),
  ...items(field(affinity, preferred)).flatMap((weighted, i) => {
    const here = [...path, preferred, i]
    return [...checkWeight(weighted, here), ...checkPodTerm(field(weighted, "podAffinityTerm"), [...here, "podAffinityTerm"])]
  })
]

const checkNodeAffinity = (affinity: unknown, path: Path): ReadonlyArray<Issue> => [
  ...items(field(field(affinity, required), "nodeSelectorTerms"))
    .flatMap((term, i) => checkNodeTerm(term, [...path, required, "nodeSelectorTerms", i])),
  ...items(field(affinity, preferred)).flatMap((weighted, i) => {
    const here = [...path, preferred, i]
    return [...checkWeight(weighted, here), ...checkNodeTerm(field(weighted, "preference"), [...here, "preference"])]
  })
]

export const checkAffinity = (affinity: unknown, path: Path): ReadonlyArray<Issue> => [
  ...checkNodeAffinity(field(affinity, "nodeAffinity"), [...path, "nodeAffinity"]),
  ...checkPodAffinity(field(affinity, "podAffinity"), [...path, "podAffinity"]),
  ...checkPodAffinity(field(affinity, "podAntiAffinity"), [...path, "podAntiAffinity"])
]
