/**
 * A finding is one problem the decoder or the validator reports about a resource:
 * an error (the resource is rejected) or a warning (accepted, but probably not what
 * the author meant). The same shape travels to the CLI, the admission webhook and
 * library consumers, so every producer in core emits it.
 */
import { Schema } from "effect"

export const Severity = Schema.Literals(["error", "warning"])
export type Severity = typeof Severity.Type

/** JSON path into the resource: object keys and array indices. */
export const Path = Schema.Array(Schema.Union([Schema.String, Schema.Number]))
export type Path = typeof Path.Type

export const Finding = Schema.Struct({
  severity: Severity,
  path: Path,
  message: Schema.String
})
export type Finding = typeof Finding.Type

export const error = (path: Path, message: string): Finding => ({ severity: "error", path, message })
export const warning = (path: Path, message: string): Finding => ({ severity: "warning", path, message })

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** `spec.features.openAgent.targets[0]["app.kubernetes.io/name"]`; the empty path is `.` */
export const formatPath = (path: Path): string => {
  if (path.length === 0) return "."
  let out = ""
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`
    else if (identifier.test(segment)) out += out === "" ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}

export const hasErrors = (findings: ReadonlyArray<Finding>): boolean =>
  findings.some((f) => f.severity === "error")

/** Stable order: by path text, then errors before warnings, then message. */
export const sort = (findings: ReadonlyArray<Finding>): ReadonlyArray<Finding> =>
  [...findings].sort((a, b) => {
    const pa = formatPath(a.path), pb = formatPath(b.path)
    if (pa !== pb) return pa < pb ? -1 : 1
    if (a.severity !== b.severity) return a.severity === "error" ? -1 : 1
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0
  })
