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

/**
 * An error finding: the resource is rejected.
 *
 * @example
 * ```ts
 * import { Finding } from "@whatap-operator/core"
 *
 * Finding.error(["spec", "port"], "expected string") // => { severity: "error", path: ["spec", "port"], message: "expected string" }
 * ```
 */
export const error = (path: Path, message: string): Finding => ({ severity: "error", path, message })

/**
 * A warning finding: accepted, but probably not what the author meant.
 *
 * @example
 * ```ts
 * import { Finding } from "@whatap-operator/core"
 *
 * Finding.warning(["spec", "globalInterval"], "unknown field").severity // => "warning"
 * ```
 */
export const warning = (path: Path, message: string): Finding => ({ severity: "warning", path, message })

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/**
 * `spec.features.openAgent.targets[0]["app.kubernetes.io/name"]`; the empty path is `.`
 *
 * @example
 * ```ts
 * import { Finding } from "@whatap-operator/core"
 *
 * Finding.formatPath(["spec", "targets", 0, "app.kubernetes.io/name"]) // => 'spec.targets[0]["app.kubernetes.io/name"]'
 * Finding.formatPath([]) // => "."
 * ```
 */
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

/**
 * Whether any finding is an error (warnings alone leave a resource valid).
 *
 * @example
 * ```ts
 * import { Finding } from "@whatap-operator/core"
 *
 * Finding.hasErrors([Finding.warning(["spec", "x"], "unknown field")]) // => false
 * Finding.hasErrors([Finding.error(["spec", "port"], "expected string")]) // => true
 * ```
 */
export const hasErrors = (findings: ReadonlyArray<Finding>): boolean =>
  findings.some((f) => f.severity === "error")

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Segment by segment: indices numerically (`[2]` before `[10]`), keys as text, a prefix first. */
const comparePaths = (a: Path, b: Path): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i], y = b[i]
    if (x === y || x === undefined || y === undefined) continue
    if (typeof x === "number" && typeof y === "number") return x - y
    if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1
    return compareText(String(x), String(y))
  }
  return a.length - b.length
}

/**
 * The order of `sort`: by path, then errors before warnings, then message.
 *
 * @example
 * ```ts
 * import { Finding } from "@whatap-operator/core"
 *
 * Finding.compare(Finding.error(["spec"], "b"), Finding.warning(["spec"], "a")) // => -1
 * ```
 */
export const compare = (a: Finding, b: Finding): number =>
  comparePaths(a.path, b.path) ||
  (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
  compareText(a.message, b.message)

/**
 * Stable, deterministic order (see `compare`); works for any finding-shaped value.
 *
 * @example
 * ```ts
 * import { Finding } from "@whatap-operator/core"
 *
 * const findings = [Finding.warning(["spec", "b"], "w"), Finding.error(["spec", "a", 10], "e"), Finding.error(["spec", "a", 2], "e")]
 * Finding.sort(findings).map((f) => Finding.formatPath(f.path)) // => ["spec.a[2]", "spec.a[10]", "spec.b"]
 * ```
 */
export const sort = <F extends Finding>(findings: ReadonlyArray<F>): ReadonlyArray<F> => [...findings].sort(compare)
