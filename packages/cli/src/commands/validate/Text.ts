/**
 * The human and machine line formats: `FILE:LINE:COL: severity: PATH: message` lines
 * (stdout), the summary (stderr, so stdout stays pure results), and the flat JSON array
 * of the CLI contract. Both are written document by document (Output.ts); the summary
 * keeps counts and the first few skipped documents only.
 */
import type { Located, Outcome } from "./Check.ts"
import type { Writer } from "./Output.ts"
import { escapeInQuotes, printable } from "../../Printable.ts"

/** One finding as `FILE:LINE:COL: severity: PATH: message` (also JUnit's failure text). */
export const line = (file: string, f: Located): string =>
  printable(`${file}:${f.line}:${f.column}: ${f.severity}: ${f.path === "" ? "" : `${f.path}: `}${f.message}`)

export const text = (): Writer => ({
  file: () => "",
  document: (file, outcome) => {
    let out = ""
    for (const doc of outcome.resources) for (const f of doc.findings) out += `${line(file, f)}\n`
    return out
  },
  end: () => ""
})

/** Rows as `JSON.stringify(rows, null, 2)` writes them, one at a time. */
export const json = (): Writer => {
  let rows = 0
  return {
    file: () => "",
    document: (file, outcome) => {
      let out = ""
      for (const doc of outcome.resources) {
        for (const f of doc.findings) {
          const row = { file, line: f.line, column: f.column, kind: doc.kind, name: doc.name, severity: f.severity, path: f.path, message: f.message }
          out += `${rows++ === 0 ? "[\n" : ",\n"}  ${escapeInQuotes(JSON.stringify(row, null, 2)).replaceAll("\n", "\n  ")}`
        }
      }
      return out
    },
    end: () => (rows === 0 ? "[]\n" : "\n]\n")
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** Skipped documents listed up to this many, then counted. */
const maxSkippedListed = 5

export interface Summary {
  readonly add: (file: string, outcome: Outcome) => void
  readonly errors: () => number
  readonly warnings: () => number
  readonly text: () => string
}

export const summary = (): Summary => {
  let checked = 0
  let errors = 0
  let warnings = 0
  let skipped = 0
  const listed: Array<string> = []
  return {
    add: (file, outcome) => {
      checked += outcome.resources.length
      for (const doc of outcome.resources) {
        for (const f of doc.findings) f.severity === "error" ? errors++ : warnings++
      }
      for (const s of outcome.skipped) {
        if (skipped++ < maxSkippedListed) listed.push(printable(`${file}:${s.line}:${s.column} (${s.what})`))
      }
    },
    errors: () => errors,
    warnings: () => warnings,
    text: () => {
      const parts = [`${plural(checked, "document")} checked: ${plural(errors, "error")}, ${plural(warnings, "warning")}`]
      if (skipped > 0) {
        const more = skipped > maxSkippedListed ? ` and ${skipped - maxSkippedListed} more` : ""
        parts.push(`skipped ${plural(skipped, "non-WhaTap document")}: ${listed.join(", ")}${more}`)
      }
      return `whatapctl: ${parts.join("; ")}\n`
    }
  }
}
