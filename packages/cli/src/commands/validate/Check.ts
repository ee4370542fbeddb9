/**
 * Validates every document of one input: WhaTap resources (also inside a `kind: List`)
 * go through `Validate.document`; everything else is recorded as skipped. Findings get
 * the source position of their path and a deterministic order (line, column, path).
 */
import { Finding, Resource, Validate } from "@whatap-operator/core"
import { Option } from "effect"
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

export interface FileResult {
  /** display name: the path as given, `<stdin>` for `-` */
  readonly file: string
  readonly resources: ReadonlyArray<Checked>
  readonly skipped: ReadonlyArray<Skipped>
}

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const text = (u: unknown): string | null => (typeof u === "string" ? u : null)

const isWhatap = (value: Json): boolean =>
  (typeof value["apiVersion"] === "string" && value["apiVersion"].startsWith(`${Resource.group}/`)) ||
  Resource.isKind(value["kind"])

const describe = (value: unknown): string => {
  if (!isRecord(value)) return Array.isArray(value) ? "a list (not a Kubernetes object)" : "a scalar (not a Kubernetes object)"
  const kind = text(value["kind"]) ?? "object without kind"
  return `${text(value["apiVersion"]) ?? "?"} ${kind}`
}

const byPosition = (a: Located, b: Located): number =>
  a.line - b.line || a.column - b.column ||
  (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
  (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1) ||
  (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)

const checkResource = (value: Json, prefix: Source.Path, locate: (path: Source.Path) => Source.Position): Checked => {
  const report = Validate.document(value)
  const findings = report.issues.map((issue): Located => {
    const path = [...prefix, ...issue.path]
    const { line, column } = locate(path)
    return { line, column, severity: issue.severity, path: Finding.formatPath(path), message: issue.message, rule: issue.rule }
  })
  const metadata = value["metadata"]
  const { line, column } = locate(prefix)
  return {
    line,
    column,
    kind: Option.getOrElse(report.kind, (): string | null => text(value["kind"])),
    name: Option.getOrElse(report.name, (): string | null => isRecord(metadata) ? text(metadata["name"]) : null),
    findings: [...findings].sort(byPosition)
  }
}

const listItems = (value: Json): ReadonlyArray<unknown> | undefined => {
  const kind = text(value["kind"])
  const items = value["items"]
  // `v1 List` and typed lists such as `WhatapPodMonitorList` alike
  return kind !== null && kind.endsWith("List") && !Resource.isKind(kind) && Array.isArray(items) ? items : undefined
}

export const checkText = (file: string, input: string): FileResult => {
  const resources: Array<Checked> = []
  const skipped: Array<Skipped> = []
  const visit = (value: unknown, prefix: Source.Path, locate: (path: Source.Path) => Source.Position): void => {
    const items = isRecord(value) ? listItems(value) : undefined
    if (items !== undefined) {
      items.forEach((item, i) => visit(item, [...prefix, "items", i], locate))
    } else if (isRecord(value) && isWhatap(value)) {
      resources.push(checkResource(value, prefix, locate))
    } else {
      skipped.push({ ...locate(prefix), what: describe(value) })
    }
  }
  for (const doc of Source.documents(input)) {
    if (doc._tag === "Parsed") visit(doc.value, [], doc.locate)
    else if (doc._tag === "Invalid") {
      const first = doc.errors[0]?.position ?? { line: 1, column: 1 }
      resources.push({
        ...first,
        kind: null,
        name: null,
        findings: doc.errors.map((e) => ({ ...e.position, severity: "error", path: "", message: `invalid YAML: ${e.message}`, rule: "yaml" }))
      })
    }
  }
  return { file, resources, skipped }
}
