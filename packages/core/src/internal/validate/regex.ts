/**
 * Relabel regexes run in Go (RE2). JavaScript's engine is used to check the syntax,
 * after translating the RE2-only spellings it would otherwise reject (`(?P<n>`,
 * `(?i)` flag groups, `\z`, `\A`, POSIX classes, `\Q...\E`), and RE2's refusals
 * that JavaScript would accept (lookaround, backreferences) are reported first.
 */
import { Result } from "effect"

const unsupported: ReadonlyArray<readonly [RegExp, string]> = [
  [/\(\?<?[=!]/, "RE2 does not support lookahead or lookbehind"],
  [/(?<!\\)(?:\\\\)*\\[1-9]/, "RE2 does not support backreferences"],
  [/(?<!\\)(?:\\\\)*\\k</, "RE2 does not support backreferences"]
]

const quoteMeta = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

const translate = (pattern: string): string =>
  pattern
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, literal: string) => quoteMeta(literal))
    .replaceAll("(?P<", "(?<")
    .replace(/\(\?[imsU-]+\)/g, "")
    .replace(/\(\?[imsU-]+:/g, "(?:")
    .replace(/\[:\^?[a-z]+:\]/g, "a")
    .replace(/\\[zA]/g, "")

/** undefined when valid RE2 (as far as the syntax can be checked), else the reason. */
export const re2Error = (pattern: string): string | undefined => {
  for (const [re, message] of unsupported) {
    if (re.test(pattern)) return `invalid regex ${JSON.stringify(pattern)}: ${message}`
  }
  const compiled = Result.try(() => new RegExp(translate(pattern)))
  if (Result.isSuccess(compiled)) return undefined
  const reason = compiled.failure instanceof Error ? compiled.failure.message : String(compiled.failure)
  return `invalid regex ${JSON.stringify(pattern)}: ${reason.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, "")}`
}
