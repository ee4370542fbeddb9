/**
 * `spec.features.apm.instrumentation`: supported languages, unique and reachable
 * targets (the webhook applies the first enabled target that matches a pod), selector
 * syntax and the `config` options that only work together.
 */
import type { AgentConfig, InstrumentationSpec, TargetSpec } from "../../Instrumentation.ts"
import { isLanguage, languages } from "../../Language.ts"
import { dnsLabelErrors } from "../../LabelSyntax.ts"
import { checkLabelSelector, checkNamespaceSelector } from "./endpoint.ts"
import { tagError } from "./imageRef.ts"
import { add, error, type Issue, issues, none, subdomainIssues, warning } from "./issue.ts"
import { type Context, each, entries, type L, nonEmpty, type Path } from "./model.ts"
import { checkDuplicateNames, covers, formatIndex, mayCover, type Outline, outline, type Shape, shape } from "./targets.ts"

/**
 * A language without a WhaTap init image (`apm-init-ruby`) leaves injected pods in
 * Init:ImagePullBackOff; with a custom init image the pod starts (the generic init
 * container), so then it is a warning.
 */
/** A custom init image replaces the language's own (its version and its env). */
const hasCustomImage = (target: L<TargetSpec>): boolean => nonEmpty(target.customImageFullName) || nonEmpty(target.customImageName)

const checkLanguage = (target: L<TargetSpec>, path: Path): ReadonlyArray<Issue> => {
  const language = target.language
  if (language === undefined || isLanguage(language)) return none
  const languagePath = [...path, "language"]
  const message = `unknown language ${JSON.stringify(language)}: expected one of ${languages.join(", ")}`
  return hasCustomImage(target)
    ? [warning("apm-language", languagePath, `${message} (the custom init image is used, without a language's own env)`)]
    : [error("apm-language", languagePath, message)]
}

const checkConfigMode = (config: L<AgentConfig> | undefined, path: Path): ReadonlyArray<Issue> => {
  const mode = config?.mode
  const ref = config?.configMapRef
  if (mode === "custom" && ref === undefined) {
    return [warning("conflict", [...path, "configMapRef"], "mode custom has no effect without configMapRef; the default whatap.conf is used")]
  }
  if (mode !== "custom" && ref !== undefined) {
    return [warning("conflict", [...path, "mode"], "configMapRef is ignored unless mode is custom")]
  }
  return []
}

// the init container runs `cp <mountPath>/whatap.conf ...` through `sh -c`, unquoted (as the Go operator writes it)
const plainPath = /^\/[A-Za-z0-9._/-]*$/

/** The names and path the webhook copies into every injected pod: a bad one gets every such pod refused. */
const checkConfigNames = (config: L<AgentConfig> | undefined, path: Path): ReadonlyArray<Issue> => {
  if (config === undefined) return []
  const out: Array<Issue> = []
  const volume = config.volumeName
  if (nonEmpty(volume)) for (const m of dnsLabelErrors(volume)) out.push(error("object-name", [...path, "volumeName"], `invalid volume name ${JSON.stringify(volume)}: ${m}`))
  for (const key of ["configMapRef", "pluginConfigMapRef"] as const) {
    const ref = config[key]
    if (ref === undefined) continue
    const name = ref.name ?? ""
    const namePath = [...path, key, "name"]
    if (name === "") out.push(error("object-name", namePath, "a ConfigMap name is required"))
    else out.push(...subdomainIssues("object-name", name, namePath, "ConfigMap name"))
  }
  const mountPath = config.mountPath
  if (nonEmpty(mountPath) && !plainPath.test(mountPath)) {
    out.push(error("mount-path", [...path, "mountPath"], `mountPath ${JSON.stringify(mountPath)} must be an absolute path of letters, digits, ".", "_", "-" and "/": the init container's copy command uses it unquoted`))
  }
  return out
}

const checkConfig = (config: L<AgentConfig> | undefined, path: Path): ReadonlyArray<Issue> => {
  const names = checkConfigNames(config, path)
  const mode = checkConfigMode(config, path)
  return names.length === 0 ? mode : [...names, ...mode]
}

const checkImages = (target: L<TargetSpec>, path: Path): ReadonlyArray<Issue> => {
  const versions = target.whatapApmVersions
  const named = nonEmpty(target.customImageFullName) && nonEmpty(target.customImageName)
  if (versions === undefined && !named) return none
  const out: Array<Issue> = []
  if (named) {
    out.push(warning("conflict", [...path, "customImageName"], "customImageName is ignored because customImageFullName is set"))
  }
  const versionsPath = [...path, "whatapApmVersions"]
  const custom = hasCustomImage(target)
  for (const [language, version] of entries(versions)) {
    // "" is unset: the init image takes `latest`, as in the Go operator
    const problem = version === "" ? undefined : tagError(version)
    if (problem === undefined) continue
    // only the target's own language's version makes the image, and only without a custom image
    const unused = custom ? "a custom init image is used" : language !== target.language ? `only the version of ${JSON.stringify(target.language ?? "")} is read` : undefined
    out.push(unused === undefined ? error("image-reference", [...versionsPath, language], problem) : warning("image-reference", [...versionsPath, language], `${problem} (${unused})`))
  }
  return out
}

/**
 * Pairwise comparisons the shadowing check may spend. Real CRs have a handful of
 * targets; a hostile one with tens of thousands would otherwise keep the validator
 * (and the admission webhook sharing it) busy for minutes.
 */
const maxComparisons = 2_000_000

type Targets = ReadonlyArray<L<TargetSpec> | undefined>

const shadowWarning = (targets: Targets, path: Path, i: number, j: number): Issue => {
  const name = JSON.stringify(targets[j]?.name ?? "")
  const earlierName = JSON.stringify(targets[i]?.name ?? "")
  return warning("shadowed-target", [...path, j], `target ${name} never applies: the earlier target ${earlierName} (${formatIndex(path, i)}) matches every pod it matches, and the first match wins`)
}

interface Earlier {
  readonly index: number
  readonly target: L<TargetSpec>
  outline: Outline | undefined
  shape: Shape | undefined
}

// both made on first use: a list of one enabled target compares nothing
const outlineOf = (e: Earlier): Outline => (e.outline ??= outline(e.target))
const shapeOf = (e: Earlier): Shape => (e.shape ??= shape(e.target))

/**
 * A target the schema rejected in part is left out: its selectors as decoded say less than
 * it does. Shapes are built only for pairs that `mayCover` cannot tell apart.
 */
const checkShadowed = (targets: Targets, path: Path, damaged: Context["damaged"]): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const earlier: Array<Earlier> = []
  let budget = maxComparisons
  for (let j = 0; j < targets.length; j++) {
    const target = targets[j]
    if (target?.enabled !== true || damaged([...path, j])) continue
    if (budget < earlier.length) {
      out.push(warning("shadowed-target", [...path, j], `too many targets: shadowing is not checked from ${formatIndex(path, j)} on`))
      break
    }
    budget -= earlier.length
    const later: Earlier = { index: j, target, outline: undefined, shape: undefined }
    for (let i = 0; i < earlier.length; i++) {
      const e = earlier[i]
      if (e === undefined || !mayCover(outlineOf(e), outlineOf(later)) || !covers(shapeOf(e), shapeOf(later))) continue
      out.push(shadowWarning(targets, path, e.index, j))
      break
    }
    earlier.push(later)
  }
  return out
}

const checkTarget = (target: L<TargetSpec>, path: Path): ReadonlyArray<Issue> => {
  const { podSelector, namespaceSelector, config } = target
  const out: Array<Issue> = []
  add(out, checkLanguage(target, path))
  if (podSelector !== undefined) add(out, checkLabelSelector(podSelector, [...path, "podSelector"]))
  if (namespaceSelector !== undefined) add(out, checkNamespaceSelector(namespaceSelector, [...path, "namespaceSelector"]))
  if (config !== undefined) add(out, checkConfig(config, [...path, "config"]))
  add(out, checkImages(target, path))
  return out
}

export const checkInstrumentation = (instrumentation: L<InstrumentationSpec> | undefined, path: Path, context: Context): ReadonlyArray<Issue> => {
  const list = instrumentation?.targets ?? []
  if (list.length === 0) return none
  const targetsPath = [...path, "targets"]
  return issues(
    checkDuplicateNames(list, targetsPath, "name", (t) => t.name, "warning"),
    checkShadowed(list, targetsPath, context.damaged),
    each(list, targetsPath, checkTarget)
  )
}
