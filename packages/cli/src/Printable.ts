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
