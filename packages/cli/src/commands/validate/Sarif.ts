/**
 * SARIF 2.1.0 for code-scanning UIs: one run, every rule of the validator (sorted, so
 * a result's `ruleIndex` is known before the input is read to its end), one result per
 * finding with its physical location (UTF-16 columns, as the YAML positions are
 * counted), written as each document is checked. Paths become URI references: each
 * segment percent-encoded, absolute paths as `file://` URIs.
 */
import { Validate } from "@whatap-operator/core"
import * as Meta from "../../Meta.ts"
import { escapeInQuotes } from "../../Printable.ts"
import type { Outcome } from "./Check.ts"
import type { Writer } from "./Output.ts"

const ruleIds = (Object.keys(Validate.rules) as Array<Validate.Rule>).sort()
const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]))

const encodePath = (path: string): string => path.split("/").map(encodeURIComponent).join("/")

/** A file name as a SARIF `uri`: a relative reference, or a `file:` URI for an absolute path. */
export const uri = (file: string): string => {
  if (file === "<stdin>") return "stdin"
  const slashed = file.replaceAll("\\", "/")
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${slashed.slice(0, 2)}${encodePath(slashed.slice(2))}`
  return slashed.startsWith("/") ? `file://${encodePath(slashed)}` : encodePath(slashed)
}

const placeholder = "\u0000results"

/** The log around its results, as `JSON.stringify(log, null, 2)` lays it out. */
const frame = (): readonly [string, string] => {
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: Meta.name,
          version: Meta.version,
          rules: ruleIds.map((id) => ({ id, name: id, shortDescription: { text: Validate.rules[id] } }))
        }
      },
      columnKind: "utf16CodeUnits",
      results: placeholder
    }]
  }
  const [before = "", after = ""] = JSON.stringify(log, null, 2).split(JSON.stringify(placeholder))
  return [`${before}[`, `]${after}\n`]
}

const indent = "        "

const results = (file: string, outcome: Outcome, first: boolean): string => {
  let out = ""
  let index = first ? 0 : 1
  for (const doc of outcome.resources) {
    for (const f of doc.findings) {
      const result = {
        ruleId: f.rule,
        ruleIndex: ruleIndex.get(f.rule) ?? -1,
        level: f.severity,
        message: { text: f.path === "" ? f.message : `${f.path}: ${f.message}` },
        locations: [{
          physicalLocation: { artifactLocation: { uri: uri(file) }, region: { startLine: f.line, startColumn: f.column } },
          ...(f.path === "" ? {} : { logicalLocations: [{ fullyQualifiedName: f.path }] })
        }]
      }
      out += `${index++ === 0 ? "\n" : ",\n"}${indent}${escapeInQuotes(JSON.stringify(result, null, 2)).replaceAll("\n", `\n${indent}`)}`
    }
  }
  return out
}

const count = (outcome: Outcome): number => outcome.resources.reduce((n, doc) => n + doc.findings.length, 0)

export const sarif = (): Writer => {
  const [before, after] = frame()
  let written = 0
  let started = false
  const open = (): string => {
    if (started) return ""
    started = true
    return before
  }
  return {
    file: () => open(),
    document: (file, outcome) => {
      const out = `${open()}${results(file, outcome, written === 0)}`
      written += count(outcome)
      return out
    },
    end: () => `${open()}${written === 0 ? "" : `\n${indent.slice(2)}`}${after}`
  }
}
