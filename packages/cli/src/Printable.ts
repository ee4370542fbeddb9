/**
 * Text from outside (a file, a cluster's answer, a device's report) made safe for a
 * terminal before it is printed: control characters never reach it raw.
 */

// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows
const unsafe = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

/** A character as its `\uXXXX` escape (JSON, YAML double quotes, and what a terminal shows). */
const escaped = (c: string): string => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`

/** Text for a terminal: control characters (ESC, BEL, newlines) as `\u001b` escapes, never raw. */
export const printable = (s: string): string => s.replace(unsafe, escaped)

/** Lines for a terminal: each `printable`, the line breaks between them kept. */
export const printableLines = (s: string): string => s.split("\n").map(printable).join("\n")

/** Deeper than any report's data; past it, values are left as they are. */
const maxDataDepth = 64

const isPlain = (u: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * A report's data with every string in it (keys included) `printable`, through arrays and
 * plain objects (other objects are kept as they are), for text that is styled after: the
 * style's own escape sequences must stay raw, the input's never are.
 */
export const printableData = <T>(value: T, depth = 0): T => {
  if (typeof value === "string") return printable(value) as T
  if (typeof value !== "object" || value === null || depth > maxDataDepth) return value
  if (Array.isArray(value)) return value.map((v: unknown) => printableData(v, depth + 1)) as T
  if (!isPlain(value)) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [printable(k), printableData(v, depth + 1)])) as T
}

/**
 * What JSON.stringify leaves raw and a terminal acts on: DEL, the C1 controls (U+009B is
 * CSI), the line separators and the bidirectional overrides. In JSON and in YAML's
 * double-quoted scalars the `\uXXXX` escape stands for the same character.
 */
export const rawInQuotes = /[\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/** Whether `text` holds such a character (a test without the global pattern's `lastIndex`). */
export const hasRawInQuotes = (text: string): boolean => text.search(rawInQuotes) >= 0

/** JSON text (or YAML whose such characters are all in double quotes) with those characters escaped: the same value. */
export const escapeInQuotes = (text: string): string => text.replace(rawInQuotes, escaped)

/** `JSON.stringify(value, null, 2)` and a newline, safe to print (see `escapeInQuotes`). */
export const jsonText = (value: unknown): string => `${escapeInQuotes(JSON.stringify(value, null, 2))}\n`
