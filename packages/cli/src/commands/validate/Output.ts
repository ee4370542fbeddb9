/**
 * The output formats as writers that turn each document's outcome into text as soon as
 * it is checked, so findings reach stdout while a large input is still being read and
 * nothing but counters grows with the input. `-o junit` is the exception: its totals
 * come before its test cases, so it keeps one short line per document until the end.
 */
import type { Outcome } from "./Check.ts"
import { junit } from "./Junit.ts"
import { sarif } from "./Sarif.ts"
import { json, text } from "./Text.ts"

export interface Writer {
  /** called when an input starts (a file with no document still gets its JUnit suite) */
  readonly file: (file: string) => string
  readonly document: (file: string, outcome: Outcome) => string
  readonly end: () => string
}

export const formats = ["text", "json", "sarif", "junit"] as const
export type Format = (typeof formats)[number]

export const writer = (format: Format): Writer =>
  format === "json" ? json() : format === "sarif" ? sarif() : format === "junit" ? junit() : text()
