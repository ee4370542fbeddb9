/**
 * `spec.features.apm.instrumentation`: supported languages, unique and reachable
 * targets (the webhook applies the first enabled target that matches a pod), selector
 * syntax and the `config` options that only work together.
 */
import { isLanguage, languages } from "../../Language.ts"
import { tagError } from "./imageRef.ts"
import { checkSelectors } from "./endpoint.ts"
import { error, type Issue, warning } from "./issue.ts"
import { field, items, nonEmptyStr, type Path, pairs, str } from "./json.ts"
import { checkDuplicateNames, covers, formatIndex, type Shape, shape } from "./targets.ts"

const checkLanguage = (target: unknown, path: Path): ReadonlyArray<Issue> => {
  const language = str(field(target, "language"))
  if (language === undefined || isLanguage(language)) return []
  return [error("apm-language", [...path, "language"], `unknown language ${JSON.stringify(language)}: expected one of ${languages.join(", ")}`)]
}

const checkConfig = (config: unknown, path: Path): ReadonlyArray<Issue> => {
  const mode = str(field(config, "mode"))
  const ref = field(config, "configMapRef")
  if (mode === "custom" && ref === undefined) {
    return [warning("conflict", [...path, "configMapRef"], "mode custom has no effect without configMapRef; the default whatap.conf is used")]
  }
  if (mode !== "custom" && ref !== undefined) {
    return [warning("conflict", [...path, "mode"], "configMapRef is ignored unless mode is custom")]
  }
  return []
}

const checkImages = (target: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  if (nonEmptyStr(field(target, "customImageFullName")) !== undefined && nonEmptyStr(field(target, "customImageName")) !== undefined) {
    out.push(warning("conflict", [...path, "customImageName"], "customImageName is ignored because customImageFullName is set"))
  }
  for (const [language, version] of pairs(field(target, "whatapApmVersions"))) {
    const problem = typeof version === "string" ? tagError(version) : undefined
    if (problem !== undefined) out.push(error("image-reference", [...path, "whatapApmVersions", language], problem))
  }
  return out
}

const enabled = (target: unknown): boolean => field(target, "enabled") === true

/**
 * Pairwise comparisons the shadowing check may spend. Real CRs have a handful of
 * targets; a hostile one with tens of thousands would otherwise keep the validator
 * (and the admission webhook sharing it) busy for minutes.
 */
const maxComparisons = 2_000_000

const shadowWarning = (targets: ReadonlyArray<unknown>, path: Path, i: number, j: number): Issue => {
  const name = JSON.stringify(str(field(targets[j], "name")) ?? "")
  const earlierName = JSON.stringify(str(field(targets[i], "name")) ?? "")
  return warning("shadowed-target", [...path, j], `target ${name} never applies: the earlier target ${earlierName} (${formatIndex(path, i)}) matches every pod it matches, and the first match wins`)
}

const checkShadowed = (targets: ReadonlyArray<unknown>, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const earlier: Array<{ readonly index: number; readonly shape: Shape }> = []
  let budget = maxComparisons
  for (let j = 0; j < targets.length; j++) {
    if (!enabled(targets[j])) continue
    if (budget < earlier.length) {
      out.push(warning("shadowed-target", [...path, j], `too many targets: shadowing is not checked from ${formatIndex(path, j)} on`))
      break
    }
    budget -= earlier.length
    const later = shape(targets[j])
    const first = earlier.find((e) => covers(e.shape, later))
    if (first !== undefined) out.push(shadowWarning(targets, path, first.index, j))
    earlier.push({ index: j, shape: later })
  }
  return out
}

export const checkInstrumentation = (instrumentation: unknown, path: Path): ReadonlyArray<Issue> => {
  const targetsPath = [...path, "targets"]
  const targets = items(field(instrumentation, "targets"))
  return [
    ...checkDuplicateNames(targets, targetsPath, "name"),
    ...checkShadowed(targets, targetsPath),
    ...targets.flatMap((target, i) => {
      const here = [...targetsPath, i]
      return [
        ...checkLanguage(target, here),
        ...checkSelectors(target, here, "podSelector"),
        ...checkConfig(field(target, "config"), [...here, "config"]),
        ...checkImages(target, here)
      ]
    })
  ]
}
