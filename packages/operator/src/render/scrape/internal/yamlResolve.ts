/**
 * Would gopkg.in/yaml.v2 (v2.4.0) quote this string? yaml.v2 double-quotes a string
 * whose plain form would read back as another type (its `resolve`: YAML 1.1 booleans
 * and nulls, `.inf`/`.nan`, integers as Go's `strconv.ParseInt/ParseUint` with base 0
 * accept them after dropping `_`, floats as `strconv.ParseFloat` accepts them, four
 * timestamp layouts of Go's `time.Parse`) and base-60 floats such as `1:20`.
 * Ported from yaml.v2's resolve.go and the Go standard library, ASCII rules only: a
 * non-ASCII character never makes a number or a timestamp, in Go either.
 */

const keywords = new Set([
  "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
  "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
  "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
  "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<"
])

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9"

/** yaml.v2's resolveTable: the first byte decides which rules apply at all. */
const hint = (s: string): "S" | "D" | "M" | "." | "N" | undefined => {
  const c = s[0]
  if (c === undefined) return "N"
  if (c === "+" || c === "-") return "S"
  if (isDigit(c)) return "D"
  if ("yYnNtTfFoO~".includes(c)) return "M"
  return c === "." ? "." : undefined
}

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/

/** yaml.v2 `isBase60Float`: quoted on the way out although never resolved on the way in. */
const isBase60Float = (s: string): boolean => {
  const c = s[0]
  if (c === undefined || !(c === "+" || c === "-" || isDigit(c)) || !s.includes(":")) return false
  return base60Float.test(s)
}

/** The digit value of an ASCII letter or digit as Go's ParseUint sees it (36 = not a digit). */
const digitValue = (c: string): number => {
  if (isDigit(c)) return c.charCodeAt(0) - 48
  const lower = c.toLowerCase()
  return c.length === 1 && c.charCodeAt(0) < 128 && lower >= "a" && lower <= "z" ? lower.charCodeAt(0) - 87 : 36
}

const maxUint64 = (1n << 64n) - 1n

/** `strconv.ParseUint(s, base, 64)` without underscores (resolve removed them): the value, or undefined on any error. */
const parseUint = (s: string, base: number): bigint | undefined => {
  if (s === "") return undefined
  let digits = s
  let radix = base
  if (base === 0) {
    radix = 10
    if (s[0] === "0") {
      const prefix = s.length >= 3 ? s[1]?.toLowerCase() : undefined
      radix = prefix === "b" ? 2 : prefix === "o" ? 8 : prefix === "x" ? 16 : 8
      digits = prefix === "b" || prefix === "o" || prefix === "x" ? s.slice(2) : s.slice(1)
    }
  }
  let n = 0n
  for (const c of digits) {
    const d = digitValue(c)
    if (d >= radix) return undefined
    n = n * BigInt(radix) + BigInt(d)
    if (n > maxUint64) return undefined
  }
  return n
}

/** `strconv.ParseInt(s, base, 64)` succeeds. */
const parseIntOk = (s: string, base: number): boolean => {
  const neg = s[0] === "-"
  const unsigned = parseUint(s[0] === "+" || neg ? s.slice(1) : s, base)
  if (unsigned === undefined) return false
  return neg ? unsigned <= 1n << 63n : unsigned < 1n << 63n
}

/** Go's `underscoreOK`: underscores only between digits (or after a base prefix). */
const underscoreOk = (input: string): boolean => {
  const s = input[0] === "-" || input[0] === "+" ? input.slice(1) : input
  let saw = "^"
  let i = 0
  const prefix = s.length >= 2 && s[0] === "0" ? s[1]?.toLowerCase() : undefined
  const hex = prefix === "x"
  if (prefix === "b" || prefix === "o" || prefix === "x") {
    i = 2
    saw = "0"
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? ""
    const lower = c.toLowerCase()
    if (isDigit(c) || (hex && lower >= "a" && lower <= "f" && c.length === 1)) saw = "0"
    else if (c === "_") {
      if (saw !== "0") return false
      saw = "_"
    } else if (saw === "_") return false
    else saw = "!"
  }
  return saw !== "_"
}

/** `strconv.ParseFloat(s, 64)` for a string that starts with '.': decimal syntax, no overflow. */
const parseDotFloatOk = (s: string): boolean => {
  const match = /^\.([0-9_]*)(?:[eE][-+]?([0-9][0-9_]*))?$/.exec(s)
  if (match === null || !/[0-9]/.test(match[1] ?? "")) return false
  if (s.includes("_") && !underscoreOk(s)) return false
  return Number.isFinite(Number(s.replaceAll("_", "")))
}

/** What resolve's 'D'/'S' branch does after the timestamp check. */
const resolvesToNumber = (s: string): boolean => {
  const plain = s.replaceAll("_", "")
  if (parseIntOk(plain, 0) || parseUint(plain, 0) !== undefined) return true
  if (yamlStyleFloat.test(plain) && Number.isFinite(Number(plain))) return true
  if (plain.startsWith("0b")) return parseIntOk(plain.slice(2), 2) || parseUint(plain.slice(2), 2) !== undefined
  if (plain.startsWith("-0b")) return parseIntOk(`-${plain.slice(3)}`, 2)
  return false
}

/** True when yaml.v2 must quote `s` because plain it would read back as another type. */
export const needsQuotes = (s: string): boolean => {
  if (isBase60Float(s)) return true
  const h = hint(s)
  if (h === undefined) return false
  if (keywords.has(s)) return true
  if (h === ".") return parseDotFloatOk(s)
  if (h === "D" || h === "S") return isTimestamp(s) || resolvesToNumber(s)
  return false
}

// ---- Go's time.Parse for yaml.v2's four timestamp layouts ----

interface Cursor {
  rest: string
  ok: boolean
}

/** Go's `getnum(s, false)`: one or two digits. */
const num = (c: Cursor, min: number, max: number): number => {
  const a = c.rest[0]
  if (!isDigit(a)) {
    c.ok = false
    return 0
  }
  const two = isDigit(c.rest[1])
  const value = two ? Number(c.rest.slice(0, 2)) : Number(a)
  c.rest = c.rest.slice(two ? 2 : 1)
  if (value < min || value > max) c.ok = false
  return value
}

/** Go's `skip`: a space in the layout matches any run of spaces. */
const literal = (c: Cursor, text: string): void => {
  if (text === " ") {
    if (c.rest.length > 0 && c.rest[0] !== " ") c.ok = false
    c.rest = c.rest.replace(/^ +/, "")
  } else if (c.rest.startsWith(text)) c.rest = c.rest.slice(text.length)
  else c.ok = false
}

/** `.999999999`: optional; any number of digits after a '.' or ','. */
const fraction = (c: Cursor): void => {
  const match = /^[.,][0-9]+/.exec(c.rest)
  if (match !== null) c.rest = c.rest.slice(match[0].length)
}

/** `Z07:00`: Z, or a sign and two-digit hours and minutes (hours <= 24, minutes <= 60). */
const zone = (c: Cursor): void => {
  if (c.rest.startsWith("Z")) {
    c.rest = c.rest.slice(1)
    return
  }
  const match = /^[-+]([0-9]{2}):([0-9]{2})/.exec(c.rest)
  if (match === null || Number(match[1]) > 24 || Number(match[2]) > 60) c.ok = false
  else c.rest = c.rest.slice(6)
}

const daysIn = (month: number, year: number): number => {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return leap ? 29 : 28
}

type Layout = "T" | "t" | " " | "date"

/** One layout of `allowedTimestampFormats`; every step runs only while the previous ones matched. */
const parseLayout = (s: string, layout: Layout): boolean => {
  const c: Cursor = { rest: s.slice(4), ok: true }
  const year = Number(s.slice(0, 4))
  literal(c, "-")
  const month = c.ok ? num(c, 1, 12) : 0
  if (c.ok) literal(c, "-")
  const day = c.ok ? num(c, 0, 99) : 0
  if (layout !== "date") {
    const steps: ReadonlyArray<() => void> = [
      () => literal(c, layout), () => num(c, 0, 23), () => literal(c, ":"), () => num(c, 0, 59),
      () => literal(c, ":"), () => num(c, 0, 59), () => fraction(c), () => (layout === " " ? undefined : zone(c))
    ]
    for (const step of steps) if (c.ok) step()
  }
  return c.ok && c.rest === "" && day >= 1 && day <= daysIn(month, year)
}

/** yaml.v2 `parseTimestamp`: four digits and a '-' first, then any of the four layouts. */
const isTimestamp = (s: string): boolean => {
  if (!/^[0-9]{4}-/.test(s)) return false
  return (["T", "t", " ", "date"] as const).some((layout) => parseLayout(s, layout))
}
