/**
 * A one-pass reader for the YAML that manifests are nearly always written in, tried
 * before the full reader (Reader.ts) and giving up on anything else: a piece of
 * printable text (LF or CR LF line breaks; no tab or control character) holding one
 * document whose root is a block mapping of plain keys, with block mappings and
 * sequences, single-line plain and quoted scalars (no escapes) and single-line flow
 * collections of those. Anchors, aliases, tags, block scalars, multi-line scalars, `?`
 * and `<<` keys, directives, duplicate keys, a second document, tabs, a CR alone and
 * control characters all send the piece to the full reader, and so does
 * anything the YAML grammar would refuse: a syntax error is always found and reported
 * by the full reader, never here.
 *
 * What it returns is exactly what the full reader would construct (the same scalar
 * resolution, the same key spelling, the same object shapes), so which reader a piece
 * took never changes a verdict: `test/validate-quick.test.ts` compares the two on every
 * sample and fixture and on thousands of edited and generated documents. Positions are
 * not recorded on the first read: `locator` reads the piece again, recording them, for a
 * document with something to report.
 */

/** Thrown to give up; caught by `read`. */
const giveUp: unique symbol = Symbol("giveUp")

/** Nesting deeper than this goes to the full reader (which has its own, larger, limit). */
const maxDepth = 64

/** YAML's limit on an implicit key. */
const maxKeyChars = 1024

// the state of the one read in progress (reads never nest)
let text = ""
let len = 0
let p = 0
let resolve: (plain: string) => unknown = () => undefined
/** Set while locating: where each entry of each container starts (a mapping's keys, a sequence's items; -1 for an empty item). */
let offsets: WeakMap<object, Map<string, number> | Array<number>> | undefined

/** A plain key of letters, digits and `_./-` inside a flow mapping, directly followed by `:` and a space. */
const flowKey = /[A-Za-z_][A-Za-z0-9_./-]*: /y
/**
 * Anything but line breaks (LF, CR LF) and printable characters: tabs, a CR alone, C0 and
 * C1 controls (NEL included), DEL, the line and paragraph separators, a byte order mark,
 * U+FFFE/U+FFFF and unpaired surrogates. Letters of any script, in comments, keys and
 * values, are read here.
 */
const unusual = /\r(?!\n)|[^\n\r\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]/u

const SPACE = 32
const NL = 10
const CR = 13
const HASH = 35
const DASH = 45
const DQUOTE = 34
const SQUOTE = 39
const LBRACKET = 91
const RBRACKET = 93
const LBRACE = 123
const RBRACE = 125
const COMMA = 44
const COLON = 58
const BACKSLASH = 92

/** YAML's indicator characters, which cannot start a plain scalar (`-` can, before a non-space). */
const indicators = new Set("-?:,[]{}#&*!|>'\"%@`".split("").map((c) => c.charCodeAt(0)))

/** A line ends at LF, or at CR, which `unusual` lets through only before LF. */
const isEol = (c: number): boolean => c === NL || c === CR

const fail = (): never => {
  throw giveUp
}

/** Offset just after the end of the line holding `i`. */
const nextLine = (i: number): number => {
  const nl = text.indexOf("\n", i)
  return nl < 0 ? len : nl + 1
}

/** From a line start, past blank and comment lines: the next content line's indentation (`p` at its start), or -1 at the end. */
const nextContent = (): number => {
  for (;;) {
    let i = p
    while (text.charCodeAt(i) === SPACE) i++
    if (i >= len) {
      p = len
      return -1
    }
    const c = text.charCodeAt(i)
    if (isEol(c)) p = nextLine(i)
    else if (c === HASH) p = nextLine(i)
    else return i - p
  }
}

/** After a value: spaces, then the end of the line or a comment after at least one space. */
const endLine = (): void => {
  let i = p
  while (text.charCodeAt(i) === SPACE) i++
  if (i >= len) p = len
  else if (isEol(text.charCodeAt(i))) p = nextLine(i)
  else if (text.charCodeAt(i) === HASH && i > p) p = nextLine(i)
  else fail()
}

const isSeqEntry = (i: number): boolean => {
  if (text.charCodeAt(i) !== DASH) return false
  const next = text.charCodeAt(i + 1)
  return i + 1 >= len || next === SPACE || isEol(next)
}

const isFlowIndicator = (c: number): boolean => c === COMMA || c === LBRACKET || c === RBRACKET || c === LBRACE || c === RBRACE

/** A `---` or `...` document marker at the start of a line: the document ends there. */
const isMarker = (i: number): boolean => {
  if (i > 0 && !isEol(text.charCodeAt(i - 1))) return false
  const m = text.slice(i, i + 3)
  const after = text.charCodeAt(i + 3)
  return (m === "---" || m === "...") && (i + 3 >= len || after === SPACE || isEol(after))
}

/** Whether a plain scalar may start at `i`: not at an indicator, save a `-` before a character that could follow it. */
const plainStartOk = (i: number, flow: boolean): boolean => {
  const c = text.charCodeAt(i)
  if (!indicators.has(c)) return true
  const next = text.charCodeAt(i + 1)
  return c === DASH && i + 1 < len && next !== SPACE && !isEol(next) && !(flow && isFlowIndicator(next))
}

/**
 * Where a plain key starting at `i` ends (just after its `:`, which a space or the end
 * of the line follows), or -1 when the line holds no such key.
 */
const blockKeyEnd = (i: number): number => {
  if (!plainStartOk(i, false) || text.charCodeAt(i) === SPACE || isMarker(i)) return -1
  for (let j = i + 1; j < len; j++) {
    const c = text.charCodeAt(j)
    if (isEol(c) || (c === HASH && text.charCodeAt(j - 1) === SPACE)) return -1
    if (c === COLON) {
      const next = text.charCodeAt(j + 1)
      if (j + 1 >= len || next === SPACE || isEol(next)) return text.charCodeAt(j - 1) === SPACE ? -1 : j + 1
    }
  }
  return -1
}

const plain = (raw: string): unknown => (raw === "<<" ? fail() : resolve(raw))

/** The key text (`end` just after its `:`) as the full reader spells it: `True` is "true". */
const keyAt = (start: number, end: number, into: Record<string, unknown>): string => {
  if (end - start > maxKeyChars) fail()
  const key = String(plain(text.slice(start, end - 1)))
  if (key === "__proto__" || Object.hasOwn(into, key)) fail()
  return key
}

/** A double-quoted scalar on one line, without escapes. */
const doubleQuoted = (): string => {
  let i = p + 1
  for (let c = text.charCodeAt(i); c !== DQUOTE; c = text.charCodeAt(++i)) if (i >= len || isEol(c) || c === BACKSLASH) fail()
  const value = text.slice(p + 1, i)
  p = i + 1
  return value
}

/** A single-quoted scalar on one line (`''` is a quote). */
const singleQuoted = (): string => {
  let value = ""
  let from = p + 1
  for (let i = from; ; i++) {
    const c = text.charCodeAt(i)
    if (i >= len || isEol(c)) fail()
    if (c !== SQUOTE) continue
    value += text.slice(from, i)
    if (text.charCodeAt(i + 1) !== SQUOTE) {
      p = i + 1
      return value
    }
    value += "'"
    from = ++i + 1
  }
}

/** A plain scalar that runs to the end of its line or a comment. */
const blockPlain = (): unknown => {
  if (!plainStartOk(p, false)) fail()
  let end = p
  for (let c = text.charCodeAt(end); end < len && !isEol(c) && !(c === HASH && text.charCodeAt(end - 1) === SPACE); c = text.charCodeAt(++end));
  while (text.charCodeAt(end - 1) === SPACE) end--
  const raw = text.slice(p, end)
  if (raw.includes(": ") || raw.charCodeAt(raw.length - 1) === COLON) fail()
  p = end
  return plain(raw)
}

const skipSpaces = (): void => {
  while (text.charCodeAt(p) === SPACE) p++
}

/** A plain scalar inside a flow collection: up to `,`, `]` or `}`; any `:`, `[`, `{` or comment gives up. */
const flowPlain = (): unknown => {
  if (!plainStartOk(p, true)) fail()
  const start = p
  for (;;) {
    const c = text.charCodeAt(p)
    if (c === COMMA || c === RBRACKET || c === RBRACE) break
    if (p >= len || isEol(c) || c === COLON || c === LBRACKET || c === LBRACE || (c === HASH && text.charCodeAt(p - 1) === SPACE)) fail()
    p++
  }
  let end = p
  while (text.charCodeAt(end - 1) === SPACE) end--
  return plain(text.slice(start, end))
}

const flowNode = (depth: number): unknown => {
  if (depth > maxDepth) fail()
  const c = text.charCodeAt(p)
  if (c === LBRACKET) return flowSequence(depth)
  if (c === LBRACE) return flowMapping(depth)
  if (c === DQUOTE) return doubleQuoted()
  if (c === SQUOTE) return singleQuoted()
  return flowPlain()
}

/** After an entry of a flow collection: `,` and another entry, or the closing bracket. */
const flowNext = (close: number): boolean => {
  skipSpaces()
  const c = text.charCodeAt(p)
  if (c === close) {
    p++
    return false
  }
  if (c !== COMMA) fail()
  p++
  skipSpaces()
  // a trailing comma
  if (text.charCodeAt(p) === close) fail()
  return true
}

const newKeys = (): Map<string, number> => new Map()
const newItems = (): Array<number> => []

/** While locating, a new record (`make`) of where the entries of `container` start: a mapping's by key, a sequence's by index. */
const track = <T extends Map<string, number> | Array<number>>(container: object, make: () => T): T | undefined => {
  if (offsets === undefined) return undefined
  const starts = make()
  offsets.set(container, starts)
  return starts
}

/** Past an opening bracket: whether the collection is empty (its closing bracket then passed too). */
const opensEmpty = (close: number): boolean => {
  p++
  skipSpaces()
  if (text.charCodeAt(p) !== close) return false
  p++
  return true
}

const flowSequence = (depth: number): Array<unknown> => {
  const out: Array<unknown> = []
  if (opensEmpty(RBRACKET)) return out
  const starts = track(out, newItems)
  do {
    starts?.push(p)
    out.push(flowNode(depth + 1))
  } while (flowNext(RBRACKET))
  return out
}

const flowMapping = (depth: number): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  if (opensEmpty(RBRACE)) return out
  const starts = track(out, newKeys)
  do {
    flowKey.lastIndex = p
    if (!flowKey.test(text)) fail()
    const key = keyAt(p, flowKey.lastIndex - 1, out)
    starts?.set(key, p)
    p = flowKey.lastIndex
    skipSpaces()
    out[key] = flowNode(depth + 1)
  } while (flowNext(RBRACE))
  return out
}

/** A value on the line of its key or `-` (`p` at its first character), then the rest of the line. */
const inlineValue = (depth: number): unknown => {
  const c = text.charCodeAt(p)
  const value = c === DQUOTE
    ? doubleQuoted()
    : c === SQUOTE
    ? singleQuoted()
    : c === LBRACKET || c === LBRACE
    ? flowNode(depth + 1)
    : blockPlain()
  endLine()
  return value
}

/**
 * A node on the lines after its key or `-` at indentation `n`: nested deeper, or a
 * sequence at `n` itself where a mapping's value may be one. null when there is none.
 */
const blockNode = (n: number, sequenceAtN: boolean, depth: number): unknown => {
  const indent = nextContent()
  if (indent < n || (indent === n && !(sequenceAtN && isSeqEntry(p + n)))) return null
  if (depth > maxDepth) fail()
  return isSeqEntry(p + indent) ? blockSequence(indent, depth + 1) : blockMapping(indent, p + indent, depth + 1)
}

/** After a `:` or `-` (`p` just after it): true when nothing else is on the line (`p` then at the next line), else `p` at the value. */
const restIsEmpty = (): boolean => {
  let i = p
  while (text.charCodeAt(i) === SPACE) i++
  const c = text.charCodeAt(i)
  if (i >= len || isEol(c) || (c === HASH && i > p)) {
    p = nextLine(i)
    return true
  }
  if (i === p) fail()
  p = i
  return false
}

const blockMapping = (n: number, first: number, depth: number): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const starts = track(out, newKeys)
  let at = first
  for (;;) {
    const end = blockKeyEnd(at)
    if (end < 0) fail()
    const key = keyAt(at, end, out)
    starts?.set(key, at)
    p = end
    out[key] = restIsEmpty() ? blockNode(n, true, depth) : inlineValue(depth)
    const indent = nextContent()
    if (indent < n) return out
    if (indent > n) fail()
    at = p + n
  }
}

const blockSequence = (n: number, depth: number): Array<unknown> => {
  const out: Array<unknown> = []
  const starts = track(out, newItems)
  for (;;) {
    const lineStart = p
    p = p + n + 1
    if (restIsEmpty()) {
      // a nested node starts at its first key or `-`
      const indent = starts === undefined ? -1 : nextContent()
      const start = p + indent
      const item = blockNode(n, false, depth)
      starts?.push(item === null ? -1 : start)
      out.push(item)
    } else if (isSeqEntry(p)) fail()
    else {
      starts?.push(p)
      out.push(blockKeyEnd(p) >= 0 ? blockMapping(p - lineStart, p, depth + 1) : inlineValue(depth))
    }
    const indent = nextContent()
    if (indent < n) return out
    if (indent > n) fail()
    if (!isSeqEntry(p + n)) return out
  }
}

type Read = { readonly value: Record<string, unknown>; readonly start: number }

const run = (source: string, resolvePlain: (plain: string) => unknown): Read | undefined => {
  if (unusual.test(source)) return undefined
  text = source
  len = source.length
  p = 0
  resolve = resolvePlain
  try {
    let indent = nextContent()
    if (indent === 0 && text.startsWith("---", p)) {
      p += 3
      if (p < len && !isEol(text.charCodeAt(p)) && text.charCodeAt(p) !== SPACE) return undefined
      endLine()
      indent = nextContent()
    }
    if (indent !== 0) return undefined
    const start = p
    const value = blockMapping(0, p, 1)
    return nextContent() === -1 ? { value, start } : undefined
  } catch (e) {
    if (e === giveUp) return undefined
    throw e
  } finally {
    text = ""
    resolve = () => undefined
  }
}

/** The document's root mapping and where it starts, or undefined: the full reader must read it. */
export const read = (source: string, resolvePlain: (plain: string) => unknown): Read | undefined => run(source, resolvePlain)

/**
 * For a piece `read` took: `locate(path)`, the offset of the key of a map entry or the
 * start of a list item (of the nearest ancestor where the path does not exist), as the
 * full reader's locator (Locate.ts) gives it; undefined for a path through an empty list
 * item, which the full reader must locate. The piece is read a second time, recording
 * positions, on the first call.
 */
export const locator = (source: string, resolvePlain: (plain: string) => unknown): ((path: ReadonlyArray<string | number>) => number | undefined) => {
  let tree: { readonly read: Read; readonly starts: WeakMap<object, Map<string, number> | Array<number>> } | undefined
  return (path) => {
    if (tree === undefined) {
      const starts = new WeakMap<object, Map<string, number> | Array<number>>()
      offsets = starts
      try {
        const again = run(source, resolvePlain)
        if (again === undefined) return undefined
        tree = { read: again, starts }
      } finally {
        offsets = undefined
      }
    }
    let node: unknown = tree.read.value
    let offset = tree.read.start
    for (const segment of path) {
      if (typeof node !== "object" || node === null) break
      const starts = tree.starts.get(node)
      const at = Array.isArray(starts) ? (typeof segment === "number" ? starts[segment] : undefined) : starts?.get(String(segment))
      if (at === undefined) break
      if (at < 0) return undefined
      offset = at
      node = (node as Record<string | number, unknown>)[Array.isArray(node) ? segment : String(segment)]
    }
    return offset
  }
}
