/**
 * Relabel regexes run in Go (RE2). JavaScript's engine is used to check the syntax,
 * after translating the RE2-only spellings it would otherwise reject (`(?P<n>`,
 * `(?i)` flag groups, `\z`, `\A`, POSIX classes, `\Q...\E`), and RE2's refusals
 * that JavaScript would accept (lookaround, backreferences, repeat counts above 1000)
 * are reported first.
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

/** Go's `regexp/syntax` refuses repeat counts above this; JavaScript has no limit. */
const maxRepeat = 1000
const repeat = /^\{([0-9]+)(?:,([0-9]*))?\}/

/** A `{n}`/`{n,m}` above the limit outside character classes (escapes skipped). */
const repeatTooLarge = (pattern: string): boolean => {
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i)
    if (c === "\\") i++
    else if (inClass) inClass = c !== "]"
    else if (c === "[") {
      inClass = true
      if (pattern.charAt(i + 1) === "^") i++
      if (pattern.charAt(i + 1) === "]") i++ // a leading ] is a literal
    } else if (c === "{") {
      const m = repeat.exec(pattern.slice(i, i + 48))
      if (m !== null && (Number(m[1]) > maxRepeat || Number(m[2] || "0") > maxRepeat)) return true
    }
  }
  return false
}

/** undefined when valid RE2 (as far as the syntax can be checked), else the reason. */
export const re2Error = (pattern: string): string | undefined => {
  for (const [re, message] of unsupported) {
    if (re.test(pattern)) return `invalid regex ${JSON.stringify(pattern)}: ${message}`
  }
  if (repeatTooLarge(translate(pattern))) {
    return `invalid regex ${JSON.stringify(pattern)}: RE2 does not allow repeat counts above ${maxRepeat}`
  }
  const compiled = Result.try(() => new RegExp(translate(pattern)))
  if (Result.isSuccess(compiled)) return undefined
  const reason = compiled.failure instanceof Error ? compiled.failure.message : String(compiled.failure)
  return `invalid regex ${JSON.stringify(pattern)}: ${reason.replace(/^Invalid regular expression: \/[\s\S]*\/[a-z]*: /, "")}`
}
