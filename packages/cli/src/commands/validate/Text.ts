/**
 * The human and machine line formats: `FILE:LINE:COL: severity: PATH: message` lines
 * (stdout), the summary (stderr, so stdout stays pure results), and the flat JSON array
 * of the CLI contract.
 */
import type { FileResult, Located } from "./Check.ts"

/** One finding as `FILE:LINE:COL: severity: PATH: message` (also JUnit's failure text). */
export const line = (file: string, f: Located): string =>
  `${file}:${f.line}:${f.column}: ${f.severity}: ${f.path === "" ? "" : `${f.path}: `}${f.message}`

export const text = (results: ReadonlyArray<FileResult>): string =>
  results.flatMap((r) => r.resources.flatMap((doc) => doc.findings.map((f) => `${line(r.file, f)}\n`))).join("")

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** Skipped documents listed up to this many, then counted. */
const maxSkippedListed = 5

export const summary = (results: ReadonlyArray<FileResult>): string => {
  const all = results.flatMap((r) => r.resources.flatMap((d) => d.findings))
  const errors = all.filter((f) => f.severity === "error").length
  const checked = results.reduce((n, r) => n + r.resources.length, 0)
  const parts = [`${plural(checked, "document")} checked: ${plural(errors, "error")}, ${plural(all.length - errors, "warning")}`]
  const skipped = results.flatMap((r) => r.skipped.map((s) => `${r.file}:${s.line}:${s.column} (${s.what})`))
  if (skipped.length > 0) {
    const listed = skipped.slice(0, maxSkippedListed).join(", ")
    const more = skipped.length > maxSkippedListed ? ` and ${skipped.length - maxSkippedListed} more` : ""
    parts.push(`skipped ${plural(skipped.length, "non-WhaTap document")}: ${listed}${more}`)
  }
  return `whatapctl: ${parts.join("; ")}\n`
}

export const json = (results: ReadonlyArray<FileResult>): string => {
  const rows = results.flatMap((r) =>
    r.resources.flatMap((doc) =>
      doc.findings.map((f) => ({
        file: r.file,
        line: f.line,
        column: f.column,
        kind: doc.kind,
        name: doc.name,
        severity: f.severity,
        path: f.path,
        message: f.message
      }))
    )
  )
  return `${JSON.stringify(rows, null, 2)}\n`
}
