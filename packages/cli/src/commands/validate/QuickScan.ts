/**
 * The line and scalar level of the one-pass reader (Quick.ts): the state of the read in
 * progress, line ends and comments, plain keys, plain and quoted scalars. Every scan stops
 * at its line's end, so a read is linear; anything outside the subset gives up (`fail`).
 */

/** Thrown to give up; caught by Quick.read. */
export const giveUp: unique symbol = Symbol("giveUp")

/** YAML's limit on an implicit key. */
export const maxKeyChars = 1024

/** The state of the one read in progress (reads never nest): the text, its length, the position, the plain-scalar resolver. */
export const cur = {
  text: "",
  len: 0,
  p: 0,
  resolve: (_plain: string): unknown => undefined
}

export const SPACE = 32
export const NL = 10
export const CR = 13
export const HASH = 35
export const DASH = 45
export const DQUOTE = 34
export const SQUOTE = 39
export const LBRACKET = 91
export const RBRACKET = 93
export const LBRACE = 123
export const RBRACE = 125
export const COMMA = 44
export const COLON = 58
export const BACKSLASH = 92

/** YAML's indicator characters, which cannot start a plain scalar (`-` can, before a non-space). */
export const indicators = new Set("-?:,[]{}#&*!|>'\"%@`".split("").map((c) => c.charCodeAt(0)))

/** A line ends at LF, or at CR, which `unusual` lets through only before LF. */
export const isEol = (c: number): boolean => c === NL || c === CR

export const fail = (): never => {
  throw giveUp
}

/** Offset just after the end of the line holding `i`. */
export const nextLine = (i: number): number => {
  const nl = cur.text.indexOf("\n", i)
  return nl < 0 ? cur.len : nl + 1
}

/** From a line start, past blank and comment lines: the next content line's indentation (`cur.p` at its start), or -1 at the end. */
export const nextContent = (): number => {
  for (;;) {
    let i = cur.p
    while (cur.text.charCodeAt(i) === SPACE) i++
    if (i >= cur.len) {
      cur.p = cur.len
      return -1
    }
    const c = cur.text.charCodeAt(i)
    if (isEol(c)) cur.p = nextLine(i)
    else if (c === HASH) cur.p = nextLine(i)
    else return i - cur.p
  }
}

/** After a value: spaces, then the end of the line or a comment after at least one space. */
export const endLine = (): void => {
  let i = cur.p
  while (cur.text.charCodeAt(i) === SPACE) i++
  if (i >= cur.len) cur.p = cur.len
  else if (isEol(cur.text.charCodeAt(i))) cur.p = nextLine(i)
  else if (cur.text.charCodeAt(i) === HASH && i > cur.p) cur.p = nextLine(i)
  else fail()
}

export const isSeqEntry = (i: number): boolean => {
  if (cur.text.charCodeAt(i) !== DASH) return false
  const next = cur.text.charCodeAt(i + 1)
  return i + 1 >= cur.len || next === SPACE || isEol(next)
}

export const isFlowIndicator = (c: number): boolean => c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE

/** A `---` or `...` document marker at the start of a line: the document ends there. */
export const isMarker = (i: number): boolean => {
  if (i > 0 && !isEol(cur.text.charCodeAt(i - 1))) return false
  const m = cur.text.slice(i, i + 3)
  const after = cur.text.charCodeAt(i + 3)
  return (m === "---" || m === "...") && (i + 3 >= cur.len || after === SPACE || isEol(after))
}

/** Whether a plain scalar may start at `i`: not at an indicator, save a `-` before a character that could follow it. */
export const plainStartOk = (i: number, flow: boolean): boolean => {
  const c = cur.text.charCodeAt(i)
  if (!indicators.has(c)) return true
  const next = cur.text.charCodeAt(i + 1)
  return c === DASH && i + 1 < cur.len && next !== SPACE && !isEol(next) && !(flow && isFlowIndicator(next))
}

/**
 * Where a plain key starting at `i` ends (just after its `:`, which a space or the end
 * of the line follows), or -1 when the line holds no such key.
 */
export const blockKeyEnd = (i: number): number => {
  if (!plainStartOk(i, false) || cur.text.charCodeAt(i) === SPACE || isMarker(i)) return -1
  for (let j = i + 1; j < cur.len; j++) {
    const c = cur.text.charCodeAt(j)
    if (isEol(c) || (c === HASH && cur.text.charCodeAt(j - 1) === SPACE)) return -1
    if (c === COLON) {
      const next = cur.text.charCodeAt(j + 1)
      if (j + 1 >= cur.len || next === SPACE || isEol(next)) return cur.text.charCodeAt(j - 1) === SPACE ? -1 : j + 1
    }
  }
  return -1
}

export const plain = (raw: string): unknown => (raw === "<<" ? fail() : cur.resolve(raw))

/** The key text (`end` just after its `:`) as the full reader spells it: `True` is "true". */
export const keyAt = (start: number, end: number, into: Record<string, unknown>): string => {
  if (end - start > maxKeyChars) fail()
  const key = String(plain(cur.text.slice(start, end - 1)))
  if (key === "__proto__" || Object.hasOwn(into, key)) fail()
  return key
}

/** A double-quoted scalar on one line, without escapes. */
export const doubleQuoted = (): string => {
  let i = cur.p + 1
  for (let c = cur.text.charCodeAt(i); c !== DQUOTE; c = cur.text.charCodeAt(++i)) if (i >= cur.len || isEol(c) || c === BACKSLASH) fail()
  const value = cur.text.slice(cur.p + 1, i)
  cur.p = i + 1
  return value
}

/** A single-quoted scalar on one line (`''` is a quote). */
export const singleQuoted = (): string => {
  let value = ""
  let from = cur.p + 1
  for (let i = from; ; i++) {
    const c = cur.text.charCodeAt(i)
    if (i >= cur.len || isEol(c)) fail()
    if (c !== SQUOTE) continue
    value += cur.text.slice(from, i)
    if (cur.text.charCodeAt(i + 1) !== SQUOTE) {
      cur.p = i + 1
      return value
    }
    value += "'"
    from = ++i + 1
  }
}

/** A plain scalar that runs to the end of its line or a comment. */
export const blockPlain = (): unknown => {
  if (!plainStartOk(cur.p, false)) fail()
  let end = cur.p
  for (let c = cur.text.charCodeAt(end); end < cur.len && !isEol(c) && !(c === HASH && cur.text.charCodeAt(end - 1) === SPACE); c = cur.text.charCodeAt(++end));
  while (cur.text.charCodeAt(end - 1) === SPACE) end--
  const raw = cur.text.slice(cur.p, end)
  if (raw.includes(": ") || raw.charCodeAt(raw.length - 1) === COLON) fail()
  cur.p = end
  return plain(raw)
}

export const skipSpaces = (): void => {
  while (cur.text.charCodeAt(cur.p) === SPACE) cur.p++
}

/** A plain scalar inside a flow collection: up to `,`, `]` or `}`; any `:`, `[`, `{` or comment gives up. */
export const flowPlain = (): unknown => {
  if (!plainStartOk(cur.p, true)) fail()
  const start = cur.p
  for (;;) {
    const c = cur.text.charCodeAt(cur.p)
    if (c === COMMA || c === RBRACKET || c === RBRACE) break
    if (cur.p >= cur.len || isEol(c) || c === COLON || c === LBRACKET || c === LBRACE || (c === HASH && cur.text.charCodeAt(cur.p - 1) === SPACE)) fail()
    cur.p++
  }
  let end = cur.p
  while (cur.text.charCodeAt(end - 1) === SPACE) end--
  return plain(cur.text.slice(start, end))
}
