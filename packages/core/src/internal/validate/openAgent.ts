/**
 * `spec.features.openAgent`: inline scrape targets must have unique names and the
 * fields their type needs (a selector and endpoint ports for pod/service targets,
 * endpoint addresses for static ones), plus a valid image name/version pair.
 */
import type { OpenAgentSpec, OpenAgentTargetSpec } from "../../OpenAgent.ts"
import { checkEndpoints, checkLabelSelector, checkNamespaceSelector, type TargetType } from "./endpoint.ts"
import { nameError, tagError } from "./imageRef.ts"
import { error, type Issue, issues, warning } from "./issue.ts"
import { at, child, type L, nonEmpty, type Path } from "./model.ts"
import { checkDuplicateNames } from "./targets.ts"

/** The operator's automatic GPU scrape target; an inline target of that name suppresses it. */
export const gpuTargetName = "dcgm-exporter-auto"

const checkTypeFields = (target: L<OpenAgentTargetSpec>, path: Path, type: TargetType): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const { value: endpoints, path: endpointsPath } = child(target, "endpoints", path)
  const count = (endpoints ?? []).length
  if (type === "StaticEndpoints") {
    for (const [value, here] of [at(target, "selector", path), at(target, "namespaceSelector", path)]) {
      if (value !== undefined) out.push(warning("target-type", here, `${String(here.at(-1))} is ignored for StaticEndpoints targets`))
    }
    if (count === 0) out.push(warning("target-type", endpointsPath, "a StaticEndpoints target without endpoints scrapes nothing; give one with an address (host:port)"))
  } else {
    const { value: selector, path: selectorPath } = child(target, "selector", path)
    if (selector === undefined) {
      // the scrape config is the same as for selector: {} (the Go generator writes neither)
      out.push(warning("target-type", selectorPath, `a ${type} target without a selector selects as selector: {} does (everything in its namespaces); write selector: {} to say so`))
    }
    if (count === 0) out.push(warning("target-type", endpointsPath, `a ${type} target without endpoints scrapes nothing; give one with a port`))
  }
  return [...out, ...checkEndpoints(endpoints, endpointsPath, type)]
}

const checkTarget = (target: L<OpenAgentTargetSpec>, path: Path, gpuEnabled: boolean): ReadonlyArray<Issue> => {
  const out: Array<Issue> = [
    ...checkLabelSelector(...at(target, "selector", path)),
    ...checkNamespaceSelector(...at(target, "namespaceSelector", path))
  ]
  if (target.type !== undefined) out.push(...checkTypeFields(target, path, target.type))
  const { value: name, path: namePath } = child(target, "targetName", path)
  if (gpuEnabled && name === gpuTargetName) {
    out.push(warning("conflict", namePath, `a target named ${gpuTargetName} replaces the automatic GPU scrape target`))
  }
  return out
}

/** An image given as name and version next to `customImageFullName`, which wins. */
interface ImageParts {
  readonly customImageFullName?: string | undefined
}

/**
 * `<name>:<version>` pairs; each part is checked on its own so the path is exact, and
 * setting them next to `customImageFullName` (which wins) is flagged.
 */
export const checkImageParts = <T extends ImageParts, N extends keyof T & string, V extends keyof T & string>(
  owner: T | undefined,
  path: Path,
  nameKey: N,
  versionKey: V
): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const { value: name, path: namePath } = child(owner, nameKey, path)
  const { value: version, path: versionPath } = child(owner, versionKey, path)
  const ignored = nonEmpty(owner?.customImageFullName)
  if (ignored) {
    for (const [value, here, key] of [[name, namePath, nameKey], [version, versionPath, versionKey]] as const) {
      if (typeof value === "string" && value !== "") out.push(warning("conflict", here, `${key} is ignored because customImageFullName is set`))
    }
  }
  // "" is unset: the default repository or tag takes its place, as in the Go operator; a
  // part that customImageFullName overrides breaks nothing, so its problem is a warning
  const report = ignored ? warning : error
  const nameProblem = typeof name === "string" && name !== "" ? nameError(name) : undefined
  if (nameProblem !== undefined) out.push(report("image-reference", namePath, nameProblem))
  const versionProblem = typeof version === "string" && version !== "" ? tagError(version) : undefined
  if (versionProblem !== undefined) out.push(report("image-reference", versionPath, versionProblem))
  return out
}

export const checkOpenAgent = (openAgent: L<OpenAgentSpec> | undefined, path: Path, gpuEnabled: boolean): ReadonlyArray<Issue> => {
  const { value: targets, path: targetsPath } = child(openAgent, "targets", path)
  return issues(
    checkImageParts(openAgent, path, "imageName", "imageVersion"),
    checkDuplicateNames(targets, targetsPath, "targetName", (t) => t.targetName, "error"),
    (targets ?? []).flatMap((target, i) => (target === undefined ? [] : checkTarget(target, [...targetsPath, i], gpuEnabled)))
  )
}
