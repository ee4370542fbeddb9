/**
 * Scalars as yaml.v2 v2.4.0 writes them: the style yaml.v2 asks for (literal when the
 * string has a line feed, double-quoted when plain would resolve to another type,
 * plain otherwise), libyaml's analysis of what the text allows (`analyze_scalar`),
 * its fallbacks (plain -> single-quoted -> double-quoted; literal -> double-quoted)
 * and its four writers, folding at 80 columns where they do.
 */
import { needsQuotes } from "./yamlResolve.ts"
import * as W from "./yamlWriter.ts"

export type Style = "plain" | "single" | "double" | "literal"

/** What `yaml_emitter_analyze_scalar` finds out about a value. */
export interface Analysis {
  readonly cps: ReadonlyArray<number>
  /** Length in UTF-8 bytes: libyaml's simple-key limit counts bytes. */
  readonly bytes: number
  readonly multiline: boolean
  readonly blockPlainAllowed: boolean
  readonly singleQuotedAllowed: boolean
  readonly blockAllowed: boolean
}

const space = 0x20
const isBreak = (cp: number | undefined): boolean =>
  cp === 0x0d || cp === 0x0a || cp === 0x85 || cp === 0x2028 || cp === 0x2029
const isBlank = (cp: number | undefined): boolean => cp === space || cp === 0x09
const isBlankz = (cp: number): boolean => isBlank(cp) || isBreak(cp) || cp === 0

/** libyaml `is_printable` on UTF-8: no C0/C1 controls but LF, no BOM, nothing beyond the BMP. */
const isPrintable = (cp: number): boolean =>
  cp === 0x0a ||
  (cp >= 0x20 && cp <= 0x7e) ||
  (cp >= 0xa0 && cp <= 0xd7ff) ||
  (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)

const utf8Length = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4)

const firstIndicators = new Set("#,[]{}&*!|>'\"%@`")

/** Indicator flags of `analyze_scalar` (block context only: scalars are never emitted in flow). */
const blockIndicators = (cps: ReadonlyArray<number>): boolean => {
  const text = String.fromCodePoint(...cps.slice(0, 3))
  let found = text === "---" || text === "..."
  let precededByWhitespace = true
  cps.forEach((cp, i) => {
    const ch = String.fromCodePoint(cp)
    const followedByWhitespace = i + 1 >= cps.length || isBlank(cps[i + 1])
    if (i === 0) {
      if (firstIndicators.has(ch)) found = true
      if ((ch === "?" || ch === ":" || ch === "-") && followedByWhitespace) found = true
    } else if ((ch === ":" && followedByWhitespace) || (ch === "#" && precededByWhitespace)) found = true
    precededByWhitespace = isBlankz(cp)
  })
  return found
}

/** Line-break, space and printability flags of `analyze_scalar`. */
const spacing = (cps: ReadonlyArray<number>) => {
  const last = cps.length - 1
  const flags = { edges: false, lineBreaks: false, breakSpace: false, spaceBreak: false, special: false }
  let previousSpace = false
  let previousBreak = false
  cps.forEach((cp, i) => {
    const isSpace = cp === space
    const brk = isBreak(cp)
    if (!isPrintable(cp)) flags.special = true
    if ((isSpace || brk) && (i === 0 || i === last)) flags.edges = true
    if (isSpace && previousBreak) flags.breakSpace = true
    if (brk && previousSpace) flags.spaceBreak = true
    if (brk) flags.lineBreaks = true
    previousSpace = isSpace
    previousBreak = brk
  })
  return flags
}

export const analyze = (value: string): Analysis => {
  const cps = Array.from(value, (ch) => ch.codePointAt(0) ?? 0)
  const bytes = cps.reduce((n, cp) => n + utf8Length(cp), 0)
  if (cps.length === 0) {
    return { cps, bytes, multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false }
  }
  const s = spacing(cps)
  const trailingSpace = cps[cps.length - 1] === space
  return {
    cps,
    bytes,
    multiline: s.lineBreaks,
    blockPlainAllowed: !(s.edges || s.breakSpace || s.spaceBreak || s.special || s.lineBreaks || blockIndicators(cps)),
    singleQuotedAllowed: !(s.breakSpace || s.spaceBreak || s.special),
    blockAllowed: !(trailingSpace || s.spaceBreak || s.special)
  }
}

/** The style yaml.v2 requests (`stringv`) and what libyaml settles on (`select_scalar_style`). */
export const style = (value: string, a: Analysis, simpleKey: boolean, isString: boolean): Style => {
  let chosen: Style = value.includes("\n") ? "literal" : isString && needsQuotes(value) ? "double" : "plain"
  if (simpleKey && a.multiline) chosen = "double"
  if (chosen === "plain" && (!a.blockPlainAllowed || (a.cps.length === 0 && simpleKey))) chosen = "single"
  if (chosen === "single" && !a.singleQuotedAllowed) chosen = "double"
  if (chosen === "literal" && (!a.blockAllowed || simpleKey)) chosen = "double"
  return chosen
}

/** Whether a space at `i` may become a line break (`allow_breaks` and the 80-column rule). */
const foldable = (w: W.Writer, allowBreaks: boolean, spaces: boolean): boolean =>
  allowBreaks && !spaces && w.column > W.bestWidth

/** Breaks inside plain and single-quoted text: a line feed is written twice (a blank line). */
const quotedBreak = (w: W.Writer, cp: number, breaks: boolean): void => {
  if (!breaks && cp === 0x0a) W.putBreak(w)
  W.writeBreak(w, cp)
  w.indention = true
}

const writePlain = (w: W.Writer, cps: ReadonlyArray<number>, allowBreaks: boolean): void => {
  if (!w.whitespace) W.put(w, " ")
  let spaces = false
  let breaks = false
  cps.forEach((cp, i) => {
    if (cp === space) {
      if (foldable(w, allowBreaks, spaces) && cps[i + 1] !== space) W.writeIndent(w)
      else W.write(w, cp)
      spaces = true
    } else if (isBreak(cp)) {
      quotedBreak(w, cp, breaks)
      breaks = true
    } else {
      if (breaks) W.writeIndent(w)
      W.write(w, cp)
      w.indention = false
      spaces = breaks = false
    }
  })
  w.whitespace = false
  w.indention = false
}

const writeSingle = (w: W.Writer, cps: ReadonlyArray<number>, allowBreaks: boolean): void => {
  W.writeIndicator(w, "'", true, false, false)
  let spaces = false
  let breaks = false
  cps.forEach((cp, i) => {
    if (cp === space) {
      const inside = i > 0 && i < cps.length - 1 && cps[i + 1] !== space
      if (foldable(w, allowBreaks, spaces) && inside) W.writeIndent(w)
      else W.write(w, cp)
      spaces = true
    } else if (isBreak(cp)) {
      quotedBreak(w, cp, breaks)
      breaks = true
    } else {
      if (breaks) W.writeIndent(w)
      if (cp === 0x27) W.put(w, "'")
      W.write(w, cp)
      w.indention = false
      spaces = breaks = false
    }
  })
  W.writeIndicator(w, "'", false, false, false)
  w.whitespace = false
  w.indention = false
}

const shortEscapes: ReadonlyMap<number, string> = new Map([
  [0x00, "0"], [0x07, "a"], [0x08, "b"], [0x09, "t"], [0x0a, "n"], [0x0b, "v"], [0x0c, "f"], [0x0d, "r"],
  [0x1b, "e"], [0x22, "\""], [0x5c, "\\"], [0x85, "N"], [0xa0, "_"], [0x2028, "L"], [0x2029, "P"]
])

const escape = (cp: number): string => {
  const short = shortEscapes.get(cp)
  if (short !== undefined) return `\\${short}`
  const hex = cp.toString(16).toUpperCase()
  if (cp <= 0xff) return `\\x${hex.padStart(2, "0")}`
  return cp <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`
}

/** libyaml escapes every character of a value that starts with a BOM (its `is_bom` looks at the start). */
const writeDouble = (w: W.Writer, cps: ReadonlyArray<number>, allowBreaks: boolean): void => {
  W.writeIndicator(w, "\"", true, false, false)
  const bom = cps[0] === 0xfeff
  let spaces = false
  cps.forEach((cp, i) => {
    if (!isPrintable(cp) || bom || isBreak(cp) || cp === 0x22 || cp === 0x5c) {
      for (const ch of escape(cp)) W.put(w, ch)
      spaces = false
    } else if (cp === space) {
      if (foldable(w, allowBreaks, spaces) && i > 0 && i < cps.length - 1) {
        W.writeIndent(w)
        if (cps[i + 1] === space) W.put(w, "\\")
      } else W.write(w, cp)
      spaces = true
    } else {
      W.write(w, cp)
      spaces = false
    }
  })
  W.writeIndicator(w, "\"", false, false, false)
  w.whitespace = false
  w.indention = false
}

/** `|`, with an indentation hint when the text starts with a space or break, and `-`/`+` chomping. */
const blockHints = (cps: ReadonlyArray<number>): string => {
  const indentHint = cps[0] === space || isBreak(cps[0]) ? String(W.bestIndent) : ""
  const last = cps.length - 1
  if (!isBreak(cps[last])) return `${indentHint}-`
  return last === 0 || isBreak(cps[last - 1]) ? `${indentHint}+` : indentHint
}

const writeLiteral = (w: W.Writer, cps: ReadonlyArray<number>): void => {
  W.writeIndicator(w, "|", true, false, false)
  const hints = blockHints(cps)
  if (hints !== "") W.writeIndicator(w, hints, false, false, false)
  W.putBreak(w)
  w.indention = true
  w.whitespace = true
  let breaks = true
  for (const cp of cps) {
    if (isBreak(cp)) {
      W.writeBreak(w, cp)
      w.indention = true
      breaks = true
    } else {
      if (breaks) W.writeIndent(w)
      W.write(w, cp)
      w.indention = false
      breaks = false
    }
  }
}

/** Write an analysed scalar in the chosen style; keys (`simpleKey`) never fold. */
export const writeScalar = (w: W.Writer, a: Analysis, chosen: Style, simpleKey: boolean): void => {
  if (chosen === "plain") writePlain(w, a.cps, !simpleKey)
  else if (chosen === "single") writeSingle(w, a.cps, !simpleKey)
  else if (chosen === "double") writeDouble(w, a.cps, !simpleKey)
  else writeLiteral(w, a.cps)
}
