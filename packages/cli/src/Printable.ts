/**
 * Text from outside (a file, a cluster's answer, a device's report) made safe for a
 * terminal before it is printed: control characters never reach it raw.
 */

// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a terminal shows
const unsafe = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g

/** Text for a terminal: control characters (ESC, BEL, newlines) as `\u001b` escapes, never raw. */
export const printable = (s: string): string =>
  s.replace(unsafe, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`)

/** Lines for a terminal: each `printable`, the line breaks between them kept. */
export const printableLines = (s: string): string => s.split("\n").map(printable).join("\n")
