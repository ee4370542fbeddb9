/**
 * The output side of libyaml's emitter as yaml.v2 v2.4.0 configures it (2-space
 * indent, 80-column preferred width, unicode output, `\n` breaks): the state it keeps
 * between tokens (column, whether the last thing written was whitespace or
 * indentation, the current indent) and the primitives every emit step is made of.
 * Columns count characters (code points), as libyaml's do.
 */

export const bestIndent = 2
export const bestWidth = 80

/** One emitter run's mutable state; created per document, never shared. */
export interface Writer {
  readonly out: Array<string>
  column: number
  /** The last thing written was whitespace (so an indicator needs no leading space). */
  whitespace: boolean
  /** Only indentation has been written on this line so far. */
  indention: boolean
  /** Indent of the current node; -1 before the root node. */
  indent: number
}

export const make = (): Writer => ({ out: [], column: 0, whitespace: true, indention: true, indent: -1 })

/** `put`: one ASCII character. */
export const put = (w: Writer, ch: string): void => {
  w.out.push(ch)
  w.column++
}

export const putBreak = (w: Writer): void => {
  w.out.push("\n")
  w.column = 0
}

/** `write`: one character of a scalar's value. */
export const write = (w: Writer, cp: number): void => {
  w.out.push(String.fromCodePoint(cp))
  w.column++
}

/** `write_break`: a line feed becomes the output break; other breaks are copied as they are. */
export const writeBreak = (w: Writer, cp: number): void => {
  if (cp === 0x0a) putBreak(w)
  else {
    write(w, cp)
    w.column = 0
  }
}

/** `yaml_emitter_write_indent`: a new line unless only indentation is on this one, then spaces. */
export const writeIndent = (w: Writer): void => {
  const indent = Math.max(w.indent, 0)
  if (!w.indention || w.column > indent || (w.column === indent && !w.whitespace)) putBreak(w)
  while (w.column < indent) put(w, " ")
  w.whitespace = true
  w.indention = true
}

/** `yaml_emitter_write_indicator`. */
export const writeIndicator = (
  w: Writer,
  indicator: string,
  needWhitespace: boolean,
  isWhitespace: boolean,
  isIndention: boolean
): void => {
  if (needWhitespace && !w.whitespace) put(w, " ")
  for (const ch of indicator) put(w, ch)
  w.whitespace = isWhitespace
  w.indention = w.indention && isIndention
}

/** Run `body` one indentation step deeper (`increase_indent`), then restore the indent. */
export const indented = (w: Writer, flow: boolean, indentless: boolean, body: () => void): void => {
  const saved = w.indent
  if (saved < 0) w.indent = flow ? bestIndent : 0
  else if (!indentless) w.indent = saved + bestIndent
  body()
  w.indent = saved
}
