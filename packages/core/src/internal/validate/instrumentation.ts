/**
 * `spec.features.apm.instrumentation`: supported languages, unique and reachable
 * targets (the webhook applies the first enabled target that matches a pod), selector
 * syntax and the `config` options that only work together.
 */
import { tagError } from "./imageRef.ts"
import { checkSelectors } from "./endpoint.ts"
import { error, type Issue, warning } from "./issue.ts"
import { field, items, nonEmptyStr, type Path, pairs, str } from "./json.ts"
import { checkDuplicateNames, covers, formatIndex } from "./targets.ts"

export const languages = ["java", "python", "nodejs", "php", "dotnet", "golang"] as const

const checkLanguage = (target: unknown, path: Path): ReadonlyArray<Issue> => {
  const language = str(field(target, "language"))
  if (language === undefined || (languages as ReadonlyArray<string>).includes(language)) return []
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

const checkShadowed = (targets: ReadonlyArray<unknown>, path: Path): ReadonlyArray<Issue> =>
  targets.flatMap((later, j) => {
    if (!enabled(later)) return []
    const i = targets.findIndex((earlier, k) => k < j && enabled(earlier) && covers(earlier, later))
    if (i < 0) return []
    const name = JSON.stringify(str(field(later, "name")) ?? "")
    const earlierName = JSON.stringify(str(field(targets[i], "name")) ?? "")
    return [warning("shadowed-target", [...path, j], `target ${name} never applies: the earlier target ${earlierName} (${formatIndex(path, i)}) matches every pod it matches, and the first match wins`)]
  })

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
