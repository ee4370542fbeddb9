/**
 * YAML syntax errors as findings: one per problem, at the place to fix it, in words that
 * never quote the input. The parser's own messages echo source text (an alias name, a
 * tag, a block scalar header), which is how a license written as `license: |KEY` or
 * `license: *KEY` would reach CI logs; so only its fixed messages are passed on, and the
 * ones with a variable part are replaced by a fixed sentence.
 *
 * The parser notices an unclosed flow collection only where it gives up, often lines
 * later; `unclosedFlow` finds the bracket itself, so the finding points at it.
 */

/** The parser's messages that carry no input (js-yaml 5). */
const fixed: ReadonlySet<string> = new Set([
  "TAG directive accepts exactly two arguments",
  "YAML directive accepts exactly one argument",
  "a line break is expected",
  "a whitespace character is expected after the key-value separator within a block mapping",
  "alias node should not have any properties",
  "bad explicit indentation width of a block scalar; it cannot be less than one",
  "bad indentation of a mapping entry",
  "bad indentation of a sequence entry",
  "can not read a block mapping entry; a multiline key may not be an implicit key",
  "can not read a document",
  "deficient indentation",
  "directive name must not be less than one character in length",
  "directives end mark is expected",
  "duplicated mapping key",
  "duplication of %YAML directive",
  "duplication of a tag property",
  "duplication of an anchor property",
  "end of the stream or a document separator is expected",
  "expected ':' after a mapping key",
  "expected hexadecimal character",
  "expected the node content, but found ','",
  "expected valid JSON character",
  "ill-formed argument of the YAML directive",
  "ill-formed tag handle (first argument) of the TAG directive",
  "ill-formed tag prefix (second argument) of the TAG directive",
  "missed comma between flow collection entries",
  "name of an alias node must contain at least one character",
  "name of an anchor node must contain at least one character",
  "named tag handle cannot contain such characters",
  "repeat of a chomping mode identifier",
  "repeat of an indentation width identifier",
  "tab characters must not be used in indentation",
  "tag suffix cannot contain exclamation marks",
  "tag suffix cannot contain flow indicator characters",
  "unacceptable YAML version of the document",
  "unexpected end of the document within a double quoted scalar",
  "unexpected end of the document within a single quoted scalar",
  "unexpected end of the stream within a double quoted scalar",
  "unexpected end of the stream within a flow collection",
  "unexpected end of the stream within a single quoted scalar",
  "unexpected end of the stream within a verbatim tag",
  "unknown escape sequence"
])

export const tooDeep = "the document nests too deeply to parse"

/** Messages with a variable part (a name, a tag, a limit), by their fixed beginning. */
const rewritten: ReadonlyArray<readonly [string, string]> = [
  ["unidentified alias", "an alias (*name) refers to no anchor (&name) defined before it"],
  ["unknown scalar tag", "unknown tag: only the YAML 1.2 core schema's tags are read"],
  ["unknown sequence tag", "unknown tag: only the YAML 1.2 core schema's tags are read"],
  ["unknown mapping tag", "unknown tag: only the YAML 1.2 core schema's tags are read"],
  ["cannot resolve a node with", "the value does not match its explicit tag"],
  ["tag name cannot contain such characters", "a tag holds characters that a tag cannot have"],
  ["undeclared tag handle", "a tag uses a handle that no %TAG directive declares"],
  ["there is a previously declared suffix", "a %TAG directive declares a handle twice"],
  ["nesting exceeded maxDepth", tooDeep],
  ["aliases exceeded maxAliases", "more aliases (*name) in one document than are read"],
  ["merge keys exceeded maxTotalMergeKeys", "merge keys (<<) copy more keys in one document than are read"],
  ["abnormal merge sequence size", "a merge key (<<) lists more than 100 mappings"],
  ["cannot merge mappings", "a merge key (<<) takes a mapping or a list of mappings"],
  ["object-based map does not support complex keys", "a mapping key must be a scalar: JSON (and the API server) has no other keys"],
  ["recursive alias", "an alias (*name) refers to the node that contains it"]
]

const hex = (c: number): string => `U+${c.toString(16).toUpperCase().padStart(4, "0")}`

/** The message for a parser failure; `at` is the character the parser stopped at. */
// what YAML 1.2 (5.1) does not allow in a stream at all
const nonPrintable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/

export const message = (reason: string, at: string | undefined): string => {
  const nonPrintableReason = reason === "the stream contains non-printable characters" || reason === "null byte is not allowed in input"
  if (nonPrintableReason || (at !== undefined && nonPrintable.test(at))) {
    const code = at?.codePointAt(0)
    const what = code === undefined ? "a control character" : `the character ${hex(code)}`
    return `${what} is not allowed in YAML (kubectl refuses it too; write it as an escape in a double-quoted string)`
  }
  if (fixed.has(reason)) return reason
  return rewritten.find(([prefix]) => reason.startsWith(prefix))?.[1] ?? "syntax error"
}

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t"
const isBreak = (c: string | undefined): boolean => c === undefined || c === "\n" || c === "\r"

/** Past the quoted scalar at `i`, or -1 when it is still open at `end`. */
const skipQuoted = (text: string, i: number, end: number): number => {
  const quote = text[i]
  for (let j = i + 1; j < end; j++) {
    const c = text[j]
    if (quote === "\"" && c === "\\") j++
    else if (c === quote && quote === "'" && text[j + 1] === "'") j++
    else if (c === quote) return j + 1
  }
  return -1
}

const indentAt = (text: string, lineStart: number): number => {
  let n = 0
  while (text[lineStart + n] === " ") n++
  return n
}

/** The start of the next line that is not part of a block scalar whose header line has `indent`. */
const skipBlockScalar = (text: string, from: number, end: number, indent: number): number => {
  let line = text.indexOf("\n", from) + 1
  while (line > 0 && line < end) {
    const n = indentAt(text, line)
    if (!isBreak(text[line + n]) && n <= indent) return line
    line = text.indexOf("\n", line) + 1
  }
  return end
}

export interface Open {
  /** the outermost `[` or `{` still open */
  readonly flow?: number
  /** a quoted scalar's opening quote, when the scalar runs on to `end` */
  readonly quote?: number
}

/**
 * The outermost `[` or `{` that is still open at `end`, read with just enough YAML to
 * tell a flow collection from brackets in plain text, quotes, comments and block scalars.
 */
export const unclosedFlow = (text: string, end: number = text.length): number | undefined => openAt(text, end).flow

/** What is still open at `end`: a flow collection, or the quoted scalar `end` lies in. */
export const openAt = (text: string, end: number): Open => {
  const open: Array<number> = []
  let valueStart = true
  let lineStart = 0
  for (let i = 0; i < end;) {
    const c = text[i]
    const flow = open.length > 0
    if (c === "\n") {
      lineStart = i + 1
      valueStart = !flow || valueStart
      i++
    } else if (c === "#" && (i === 0 || isSpace(text[i - 1]) || isBreak(text[i - 1]))) {
      const eol = text.indexOf("\n", i)
      i = eol < 0 ? end : eol
    } else if ((c === "\"" || c === "'") && (flow || valueStart)) {
      const past = skipQuoted(text, i, end)
      if (past < 0) return open[0] === undefined ? { quote: i } : { flow: open[0], quote: i }
      i = past
      valueStart = false
    } else if (c === "[" || c === "{") {
      if (flow || valueStart) open.push(i)
      valueStart = flow
      i++
    } else if (flow && (c === "]" || c === "}")) {
      open.pop()
      i++
    } else if (!flow && valueStart && (c === "|" || c === ">")) {
      i = skipBlockScalar(text, i, end, indentAt(text, lineStart))
      lineStart = i
    } else {
      // after an indicator (`- `, `? `, `: `, `, `) or a property (`&a `, `!t `) a node starts
      const next = text[i + 1]
      const indicator: boolean = (c === "-" || c === "?" || c === ":") && (isSpace(next) || isBreak(next))
      const property: boolean = (c === "&" || c === "!") && valueStart
      if (!isSpace(c)) valueStart = indicator || property || (flow && c === ",") || (valueStart && c === "-" && text.startsWith("---", i))
      if (property) while (i < end && !isSpace(text[i]) && !isBreak(text[i])) i++
      else i += c === "-" && text.startsWith("---", i) ? 3 : 1
    }
  }
  return open[0] === undefined ? {} : { flow: open[0] }
}
