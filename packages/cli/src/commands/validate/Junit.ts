/**
 * JUnit XML for CI dashboards: a test suite per input file, a test case per document;
 * each error is a <failure>, warnings go to the case's <system-out>.
 */
import type { Checked, FileResult } from "./Check.ts"
import { line } from "./Text.ts"

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;" })[c] ?? c)
    // XML 1.0 cannot carry most control characters at all, not even escaped
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "\uFFFD")

const caseName = (doc: Checked): string =>
  `${doc.kind ?? "document"}${doc.name === null ? "" : `/${doc.name}`} (line ${doc.line})`

const testCase = (file: string, doc: Checked): string => {
  const lines = (severity: string) =>
    doc.findings.filter((f) => f.severity === severity).map((f) => line(file, f))
  const errors = lines("error")
  const warnings = lines("warning")
  const body = [
    ...(errors.length === 0 ? [] : [`      <failure message="${escape(`${errors.length} error(s)`)}" type="error">${escape(errors.join("\n"))}</failure>`]),
    ...(warnings.length === 0 ? [] : [`      <system-out>${escape(warnings.join("\n"))}</system-out>`])
  ]
  const open = `    <testcase classname="${escape(file)}" name="${escape(caseName(doc))}"`
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join("\n")}\n    </testcase>`
}

const failed = (doc: Checked): boolean => doc.findings.some((f) => f.severity === "error")

export const junit = (results: ReadonlyArray<FileResult>): string => {
  const tests = results.reduce((n, r) => n + r.resources.length, 0)
  const failures = results.reduce((n, r) => n + r.resources.filter(failed).length, 0)
  const suites = results.map((r) => [
    `  <testsuite name="${escape(r.file)}" tests="${r.resources.length}" failures="${r.resources.filter(failed).length}" errors="0" skipped="0">`,
    ...r.resources.map((doc) => testCase(r.file, doc)),
    "  </testsuite>"
  ].join("\n"))
  return [
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
    `<testsuites name="whatapctl validate" tests="${tests}" failures="${failures}">`,
    ...suites,
    "</testsuites>",
    ""
  ].join("\n")
}
