/**
 * JUnit XML for CI dashboards: a test suite per input file, a test case per document;
 * each error is a <failure>, warnings go to the case's <system-out>; a document that is
 * not a WhaTap resource is a <skipped/> case, as the text summary counts it. The totals open
 * the document, so each case is kept as one line until the end.
 *
 * Text is escaped for XML 1.0: markup characters as entities, the characters a terminal
 * acts on (C1 controls, DEL, line separators, bidirectional overrides) as character
 * references, and every character XML cannot carry at all, not even as a reference (most
 * C0 controls, lone surrogates, U+FFFE and U+FFFF), as U+FFFD.
 */
import type { Checked, Skipped } from "./Check.ts"
import type { Writer } from "./Output.ts"
import { line } from "./Text.ts"
import { rawInQuotes } from "../../Printable.ts"

const entities: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;" }

export const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => entities[c] ?? c)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(rawInQuotes, (c) => `&#x${(c.codePointAt(0) ?? 0).toString(16)};`)

const caseName = (doc: Checked): string =>
  `${doc.kind ?? "document"}${doc.name === null ? "" : `/${doc.name}`} (line ${doc.line})`

const testCase = (file: string, doc: Checked): string => {
  const lines = (severity: string) => doc.findings.filter((f) => f.severity === severity).map((f) => line(file, f))
  const errors = lines("error")
  const warnings = lines("warning")
  const body = [
    ...(errors.length === 0 ? [] : [`      <failure message="${escape(`${errors.length} error(s)`)}" type="error">${escape(errors.join("\n"))}</failure>`]),
    ...(warnings.length === 0 ? [] : [`      <system-out>${escape(warnings.join("\n"))}</system-out>`])
  ]
  const open = `    <testcase classname="${escape(file)}" name="${escape(caseName(doc))}"`
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`
}

const skippedCase = (file: string, doc: Skipped): string =>
  `    <testcase classname="${escape(file)}" name="${escape(`${doc.what} (line ${doc.line})`)}">\n      <skipped message="not a WhaTap resource"/>\n    </testcase>`

interface Suite {
  readonly file: string
  readonly cases: Array<string>
  failures: number
  skipped: number
}

const render = (suites: ReadonlyArray<Suite>): string => {
  const tests = suites.reduce((n, s) => n + s.cases.length, 0)
  const failures = suites.reduce((n, s) => n + s.failures, 0)
  const skipped = suites.reduce((n, s) => n + s.skipped, 0)
  const body = suites.map((s) =>
    [
      `  <testsuite name="${escape(s.file)}" tests="${s.cases.length}" failures="${s.failures}" errors="0" skipped="${s.skipped}">`,
      ...s.cases,
      "  </testsuite>"
    ].join("\n")
  )
  return [
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    `<testsuites name="whatapctl validate" tests="${tests}" failures="${failures}" skipped="${skipped}">`,
    ...body,
    "</testsuites>",
    ""
  ].join("\n")
}

export const junit = (): Writer => {
  const suites: Array<Suite> = []
  return {
    file: (file) => {
      suites.push({ file, cases: [], failures: 0, skipped: 0 })
      return ""
    },
    document: (file, outcome) => {
      const suite = suites[suites.length - 1]
      if (suite === undefined) return ""
      for (const doc of outcome.resources) {
        suite.cases.push(testCase(file, doc))
        if (doc.findings.some((f) => f.severity === "error")) suite.failures++
      }
      for (const doc of outcome.skipped) {
        suite.cases.push(skippedCase(file, doc))
        suite.skipped++
      }
      return ""
    },
    end: () => render(suites)
  }
}
