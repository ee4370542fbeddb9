/**
 * Relabel and allowlist regexes run in Go (`regexp`, the RE2 dialect). They are checked
 * with re2js, a maintained port of RE2/J, whose parser follows Go's `regexp/syntax`
 * (the same grammar, the same limits: repeat counts up to 1000, nesting depth), so its
 * verdicts and messages match Go's; test/fixtures/re2-golden.json (1,500 patterns
 * through Go's own `regexp.Compile`, written by scripts/re2-golden) proves it in CI.
 *
 * One difference is bridged here: Go accepts two groups with the same name, RE2 does
 * not, so named groups are renamed apart before re2js sees them. Constructs people
 * bring from other dialects (lookaround, backreferences) get a hint after Go's message.
 */
import { Result } from "effect"
import { RE2JS } from "re2js"
import { remembered } from "./remembered.ts"

const hints: ReadonlyArray<readonly [RegExp, string]> = [
  [/\(\?<?[=!]/, "RE2 does not support lookahead or lookbehind"],
  [/(?<!\\)(?:\\\\)*\\[1-9]/, "RE2 does not support backreferences"],
  [/(?<!\\)(?:\\\\)*\\[kg]/, "RE2 does not support backreferences"]
]

/** `(?P<name>` and `(?<name>` with Go-valid names, renamed `_0`, `_1`, ...: validity is unchanged. */
const uniqueGroupNames = (pattern: string): string => {
  let n = 0
  return pattern.replace(/\(\?P?<[A-Za-z0-9_]+>/g, (open) => `${open.startsWith("(?P") ? "(?P" : "(?"}<_${n++}>`)
}

const compileError = (pattern: string): string | undefined => {
  const compiled = Result.try(() => RE2JS.compile(pattern))
  if (Result.isSuccess(compiled)) return undefined
  const failure = compiled.failure
  return failure instanceof Error ? failure.message : String(failure)
}

/**
 * Characters of regex one resource may have checked. re2js spends about 1 to 6 µs per
 * character, so this bounds the check at well under half a second even for a 3 MiB CR of
 * nothing but regexes; what lies beyond is reported as unchecked (a warning), not guessed.
 */
export const maxCheckedCharacters = 65_536

export interface RegexVerdict {
  readonly severity: "error" | "warning"
  readonly message: string
}

/** A check with its own budget of `maxCheckedCharacters`; make one per resource. */
export type RegexCheck = (pattern: string) => RegexVerdict | undefined

export const budgeted = (budget: number = maxCheckedCharacters): RegexCheck => {
  let remaining = budget
  return (pattern) => {
    if (pattern.length > remaining) {
      return { severity: "warning", message: `regex of ${pattern.length} characters not checked: the validator checks at most ${budget} characters of regexes per resource` }
    }
    remaining -= pattern.length
    const message = rememberedError(pattern)
    return message === undefined ? undefined : { severity: "error", message }
  }
}

export const maxRemembered = 4096
export const maxRememberedLength = 256

/** undefined when Go's `regexp.Compile` accepts the pattern, else the reason (Go's wording, plus a hint). */
export const re2Error = (pattern: string): string | undefined => {
  const first = compileError(pattern)
  const message = first !== undefined && first.includes("duplicate capture group name") ? compileError(uniqueGroupNames(pattern)) : first
  if (message === undefined) return undefined
  const reason = message.replace(/^error parsing regexp: /, "")
  const hint = hints.find(([re]) => re.test(pattern))
  return `invalid regex ${JSON.stringify(pattern)}: ${reason}${hint === undefined ? "" : ` (${hint[1]})`}`
}

/**
 * Verdicts of patterns seen before (`remembered.ts`, about 2 MiB at most): a compile costs
 * 10 to 20 µs, a repeat a lookup. `budgeted` charges its budget either way, so a verdict
 * never depends on what was checked before.
 */
const rememberedError = remembered(re2Error, maxRemembered, maxRememberedLength)
