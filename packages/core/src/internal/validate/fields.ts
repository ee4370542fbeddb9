/**
 * Rules keyed by field name rather than by position: every `resources` block, image
 * field, label map, `interval`, relabel list, `tolerations` and `affinity` is checked
 * wherever it appears in a resource. One walk covers all four kinds and any field added to the model later.
 */
import { labelKeyErrors, labelValueErrors } from "../../LabelSyntax.ts"
import { durationError } from "./duration.ts"
import { referenceError } from "./imageRef.ts"
import { error, type Issue, warning } from "./issue.ts"
import { isRecord, items, type Path, pairs, str } from "./json.ts"
import { checkRelabelConfigs } from "./relabel.ts"
import { checkResources } from "./resources.ts"
import { checkAffinity, checkTolerations } from "./scheduling.ts"

const imageFields = new Set(["image", "customImageFullName", "customAgentImageFullName", "customImageName"])
const labelMaps = new Set(["labels", "podLabels", "nodeSelector"])
const annotationMaps = new Set(["annotations", "podAnnotations"])
const resourceFields = new Set(["resources", "initContainerResources"])
const relabelFields = new Set(["relabelConfigs", "metricRelabelConfigs"])

/** Deeper than any real resource; stops hostile nesting from exhausting the stack. */
const maxDepth = 64

const checkLabelMap = (map: unknown, path: Path, withValues: boolean): ReadonlyArray<Issue> =>
  pairs(map).flatMap(([key, value]) => [
    ...labelKeyErrors(key).map((m) => error("labels", [...path, key], `invalid key ${JSON.stringify(key)}: ${m}`)),
    ...(withValues && typeof value === "string"
      ? labelValueErrors(value).map((m) => error("labels", [...path, key], `invalid value ${JSON.stringify(value)}: ${m}`))
      : [])
  ])

const checkEnvs = (envs: unknown, path: Path): ReadonlyArray<Issue> => {
  const seen = new Map<string, number>()
  return items(envs).flatMap((env, i) => {
    const name = str(isRecord(env) ? env["name"] : undefined)
    if (name === undefined) return []
    const first = seen.get(name)
    if (first === undefined) {
      seen.set(name, i)
      return []
    }
    return [warning("conflict", [...path, i, "name"], `duplicate env ${JSON.stringify(name)} (also at index ${first}); Kubernetes keeps the last one`)]
  })
}

const checkField = (key: string, value: unknown, path: Path): ReadonlyArray<Issue> => {
  if (imageFields.has(key) && typeof value === "string") {
    const problem = referenceError(value)
    return problem === undefined ? [] : [error("image-reference", path, problem)]
  }
  if (labelMaps.has(key)) return checkLabelMap(value, path, true)
  if (annotationMaps.has(key)) return checkLabelMap(value, path, false)
  if (resourceFields.has(key)) return checkResources(value, path)
  if (relabelFields.has(key)) return checkRelabelConfigs(value, path)
  if (key === "envs") return checkEnvs(value, path)
  if (key === "tolerations") return checkTolerations(value, path)
  if (key === "affinity") return checkAffinity(value, path)
  if (key === "interval" && typeof value === "string") {
    const problem = durationError(value)
    return problem === undefined ? [] : [error("duration", path, problem)]
  }
  return []
}

const walk = (node: unknown, path: Path, depth: number, out: Array<Issue>): void => {
  if (depth > maxDepth) return
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, [...path, i], depth + 1, out))
    return
  }
  for (const [key, value] of pairs(node)) {
    const here = [...path, key]
    out.push(...checkField(key, value, here))
    // label and annotation maps hold data, not fields: never look for rules inside them
    if (!labelMaps.has(key) && !annotationMaps.has(key)) walk(value, here, depth + 1, out)
  }
}

/** Field-name rules over the whole resource except `status` (written by the operator). */
export const checkFields = (input: unknown): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  for (const [key, value] of pairs(input)) {
    if (key === "status") continue
    const here = [key]
    out.push(...checkField(key, value, here))
    walk(value, here, 1, out)
  }
  return out
}
