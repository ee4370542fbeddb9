/**
 * Validates the documents of an input: WhaTap resources (also inside a `kind: List`)
 * go through `Validate.document`; everything else is recorded as skipped. Findings get
 * the source position of their path and a deterministic order (line, column, path).
 * Text echoed from the input into a result (a path, a name, a kind) is cut to
 * `maxEchoed` characters, so a hostile key cannot make the output quadratic.
 */
import { Finding, Resource, Validate } from "@whatap-operator/core"
import { Option } from "effect"
import * as Reader from "./Reader.ts"
import * as Source from "./Source.ts"

export interface Located {
  readonly line: number
  readonly column: number
  readonly severity: Finding.Severity
  /** `Finding.formatPath`, or "" for YAML syntax errors (no path) */
  readonly path: string
  readonly message: string
  readonly rule: Validate.Rule
}

export interface Checked {
  readonly line: number
  readonly column: number
  readonly kind: string | null
  readonly name: string | null
  readonly findings: ReadonlyArray<Located>
}

export interface Skipped {
  readonly line: number
  readonly column: number
  readonly what: string
}

/** What one document (or a List's items) gave. */
export interface Outcome {
  readonly resources: ReadonlyArray<Checked>
  readonly skipped: ReadonlyArray<Skipped>
}

export interface FileResult extends Outcome {
  /** display name: the path as given, `<stdin>` for `-` */
  readonly file: string
}

/** Paths, names and kinds in results are cut to this many characters. */
export const maxEchoed = 1000

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const text = (u: unknown): string | null => (typeof u === "string" ? u : null)

export const clip = (s: string, max: number = maxEchoed): string =>
  s.length <= max ? s : `${s.slice(0, max)}... (${s.length} characters)`

const clipOrNull = (s: string | null): string | null => (s === null ? null : clip(s))

/** `Finding.formatPath` of as many segments as fit, so a 16,000-segment path costs no more than a short one. */
export const formatPath = (path: Source.Path): string => {
  let length = 0
  let count = 0
  while (count < path.length && length <= maxEchoed) length += String(path[count++]).length + 3
  const formatted = Finding.formatPath(count === path.length ? path : path.slice(0, count))
  return count === path.length ? clip(formatted) : `${formatted.slice(0, maxEchoed)}... (${path.length} segments)`
}

const isWhatap = (value: Json): boolean =>
  (typeof value["apiVersion"] === "string" && value["apiVersion"].startsWith(`${Resource.group}/`)) ||
  Resource.isKind(value["kind"])

const describe = (value: unknown): string => {
  if (!isRecord(value)) return Array.isArray(value) ? "a list (not a Kubernetes object)" : "a scalar (not a Kubernetes object)"
  const kind = text(value["kind"]) ?? "object without kind"
  return clip(`${text(value["apiVersion"]) ?? "?"} ${kind}`, 200)
}

const byPosition = (a: Located, b: Located): number =>
  a.line - b.line || a.column - b.column ||
  (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
  (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
  (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)

const checkResource = (value: Json, prefix: Source.Path, locate: (path: Source.Path) => Source.Position): Checked => {
  const report = Validate.document(value)
  const findings = report.issues.map((issue): Located => {
    const path = prefix.length === 0 ? issue.path : [...prefix, ...issue.path]
    const { line, column } = locate(path)
    return { line, column, severity: issue.severity, path: formatPath(path), message: issue.message, rule: issue.rule }
  })
  const metadata = value["metadata"]
  const { line, column } = locate(prefix)
  return {
    line,
    column,
    kind: clipOrNull(Option.getOrElse(report.kind, (): string | null => text(value["kind"]))),
    name: clipOrNull(Option.getOrElse(report.name, (): string | null => isRecord(metadata) ? text(metadata["name"]) : null)),
    findings: findings.sort(byPosition)
  }
}

const listItems = (value: Json): ReadonlyArray<unknown> | undefined => {
  const kind = text(value["kind"])
  const items = value["items"]
  // `v1 List` and typed lists such as `WhatapPodMonitorList` alike
  return kind !== null && kind.endsWith("List") && !Resource.isKind(kind) && Array.isArray(items) ? items : undefined
}

/** The findings of a document the reader could not read. */
const unreadable = (errors: ReadonlyArray<Reader.Problem>): Checked => ({
  ...(errors[0]?.position ?? { line: 1, column: 1 }),
  kind: null,
  name: null,
  findings: errors.map((e) => ({ ...e.position, severity: "error", path: "", message: `invalid YAML: ${e.message}`, rule: "yaml" }))
})

/** One document: its resources (a List's items in order, without recursion) and what was skipped. */
export const checkDoc = (doc: Reader.Doc): Outcome => {
  if (doc._tag === "Empty") return { resources: [], skipped: [] }
  if (doc._tag === "Invalid") return { resources: [unreadable(doc.errors)], skipped: [] }
  const resources: Array<Checked> = []
  const skipped: Array<Skipped> = []
  // a List inside a List is read as well; the reader already refused cycles
  const pending: Array<{ readonly value: unknown; readonly prefix: Source.Path }> = [{ value: doc.value, prefix: [] }]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, prefix } = next
    const items = isRecord(value) ? listItems(value) : undefined
    if (items !== undefined) {
      for (let i = items.length - 1; i >= 0; i--) pending.push({ value: items[i], prefix: [...prefix, "items", i] })
    } else if (isRecord(value) && isWhatap(value)) resources.push(checkResource(value, prefix, doc.locate))
    else skipped.push({ ...doc.locate(prefix), what: describe(value) })
  }
  return { resources, skipped }
}

/** Every document of a whole input held as text (for `render` and `inject`). */
export const checkText = (file: string, input: string): FileResult => {
  const resources: Array<Checked> = []
  const skipped: Array<Skipped> = []
  for (const doc of Source.documents(input)) {
    const outcome = checkDoc(doc)
    for (const r of outcome.resources) resources.push(r)
    for (const s of outcome.skipped) skipped.push(s)
  }
  return { file, resources, skipped }
}
