/**
 * `spec.features.openAgent`: inline scrape targets must have unique names and the
 * fields their type needs (a selector and endpoint ports for pod/service targets,
 * endpoint addresses for static ones), plus a valid image name/version pair.
 */
import { checkEndpoints, checkSelectors, type TargetType } from "./endpoint.ts"
import { nameError, tagError } from "./imageRef.ts"
import { error, type Issue, warning } from "./issue.ts"
import { field, items, nonEmptyStr, type Path, str } from "./json.ts"
import { checkDuplicateNames } from "./targets.ts"

const targetTypes: ReadonlyArray<TargetType> = ["PodMonitor", "ServiceMonitor", "StaticEndpoints"]

/** The operator's automatic GPU scrape target; an inline target of that name suppresses it. */
export const gpuTargetName = "dcgm-exporter-auto"

const checkTypeFields = (target: unknown, path: Path, type: TargetType): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const endpoints = items(field(target, "endpoints"))
  if (type === "StaticEndpoints") {
    for (const key of ["selector", "namespaceSelector"]) {
      if (field(target, key) !== undefined) out.push(warning("target-type", [...path, key], `${key} is ignored for StaticEndpoints targets`))
    }
    if (endpoints.length === 0) out.push(error("target-type", [...path, "endpoints"], "StaticEndpoints targets need at least one endpoint with an address (host:port)"))
  } else {
    if (field(target, "selector") === undefined) {
      out.push(error("target-type", [...path, "selector"], `${type} targets need a selector (use selector: {} to select everything on purpose)`))
    }
    if (endpoints.length === 0) out.push(error("target-type", [...path, "endpoints"], `${type} targets need at least one endpoint with a port`))
  }
  return [...out, ...checkEndpoints(field(target, "endpoints"), [...path, "endpoints"], type)]
}

const checkTarget = (target: unknown, path: Path, gpuEnabled: boolean): ReadonlyArray<Issue> => {
  const out: Array<Issue> = [...checkSelectors(target, path)]
  const type = targetTypes.find((t) => t === field(target, "type"))
  if (type !== undefined) out.push(...checkTypeFields(target, path, type))
  if (gpuEnabled && field(target, "targetName") === gpuTargetName) {
    out.push(warning("conflict", [...path, "targetName"], `a target named ${gpuTargetName} replaces the automatic GPU scrape target`))
  }
  return out
}

/**
 * `<name>:<version>` pairs; each part is checked on its own so the path is exact, and
 * setting them next to `customImageFullName` (which wins) is flagged.
 */
export const checkImageParts = (owner: unknown, path: Path, nameKey: string, versionKey: string): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  if (nonEmptyStr(field(owner, "customImageFullName")) !== undefined) {
    for (const key of [nameKey, versionKey]) {
      if (nonEmptyStr(field(owner, key)) !== undefined) {
        out.push(warning("conflict", [...path, key], `${key} is ignored because customImageFullName is set`))
      }
    }
  }
  const name = str(field(owner, nameKey))
  const nameProblem = name === undefined ? undefined : nameError(name)
  if (nameProblem !== undefined) out.push(error("image-reference", [...path, nameKey], nameProblem))
  const version = str(field(owner, versionKey))
  const versionProblem = version === undefined ? undefined : tagError(version)
  if (versionProblem !== undefined) out.push(error("image-reference", [...path, versionKey], versionProblem))
  return out
}

export const checkOpenAgent = (openAgent: unknown, path: Path, gpuEnabled: boolean): ReadonlyArray<Issue> => {
  const targetsPath = [...path, "targets"]
  return [
    ...checkImageParts(openAgent, path, "imageName", "imageVersion"),
    ...checkDuplicateNames(field(openAgent, "targets"), targetsPath, "targetName"),
    ...items(field(openAgent, "targets")).flatMap((target, i) => checkTarget(target, [...targetsPath, i], gpuEnabled))
  ]
}
