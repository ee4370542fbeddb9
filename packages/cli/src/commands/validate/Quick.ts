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
 * document with something to report. The line and scalar level is QuickScan.ts.
 */
import {
  blockKeyEnd,
  blockPlain,
  COMMA,
  cur,
  doubleQuoted,
  DQUOTE,
  endLine,
  fail,
  flowPlain,
  giveUp,
  HASH,
  isEol,
  isSeqEntry,
  keyAt,
  LBRACE,
  LBRACKET,
  nextContent,
  nextLine,
  RBRACE,
  RBRACKET,
  singleQuoted,
  skipSpaces,
  SPACE,
  SQUOTE
} from "./QuickScan.ts"

/** Nesting deeper than this goes to the full reader (which has its own, larger, limit). */
const maxDepth = 64

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

const flowNode = (depth: number): unknown => {
  if (depth > maxDepth) fail()
  const c = cur.text.charCodeAt(cur.p)
  if (c === LBRACKET) return flowSequence(depth)
  if (c === LBRACE) return flowMapping(depth)
  if (c === DQUOTE) return doubleQuoted()
  if (c === SQUOTE) return singleQuoted()
  return flowPlain()
}

/** After an entry of a flow collection: `,` and another entry, or the closing bracket. */
const flowNext = (close: number): boolean => {
  skipSpaces()
  const c = cur.text.charCodeAt(cur.p)
  if (c === close) {
    cur.p++
    return false
  }
  if (c !== COMMA) fail()
  cur.p++
  skipSpaces()
  // a trailing comma
  if (cur.text.charCodeAt(cur.p) === close) fail()
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
  cur.p++
  skipSpaces()
  if (cur.text.charCodeAt(cur.p) !== close) return false
  cur.p++
  return true
}

const flowSequence = (depth: number): Array<unknown> => {
  const out: Array<unknown> = []
  if (opensEmpty(RBRACKET)) return out
  const starts = track(out, newItems)
  do {
    starts?.push(cur.p)
    out.push(flowNode(depth + 1))
  } while (flowNext(RBRACKET))
  return out
}

const flowMapping = (depth: number): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  if (opensEmpty(RBRACE)) return out
  const starts = track(out, newKeys)
  do {
    flowKey.lastIndex = cur.p
    if (!flowKey.test(cur.text)) fail()
    const key = keyAt(cur.p, flowKey.lastIndex - 1, out)
    starts?.set(key, cur.p)
    cur.p = flowKey.lastIndex
    skipSpaces()
    out[key] = flowNode(depth + 1)
  } while (flowNext(RBRACE))
  return out
}

/** A value on the line of its key or `-` (`cur.p` at its first character), then the rest of the line. */
const inlineValue = (depth: number): unknown => {
  const c = cur.text.charCodeAt(cur.p)
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
  if (indent < n || (indent === n && !(sequenceAtN && isSeqEntry(cur.p + n)))) return null
  if (depth > maxDepth) fail()
  return isSeqEntry(cur.p + indent) ? blockSequence(indent, depth + 1) : blockMapping(indent, cur.p + indent, depth + 1)
}

/** After a `:` or `-` (`cur.p` just after it): true when nothing else is on the line (`cur.p` then at the next line), else `cur.p` at the value. */
const restIsEmpty = (): boolean => {
  let i = cur.p
  while (cur.text.charCodeAt(i) === SPACE) i++
  const c = cur.text.charCodeAt(i)
  if (i >= cur.len || isEol(c) || (c === HASH && i > cur.p)) {
    cur.p = nextLine(i)
    return true
  }
  if (i === cur.p) fail()
  cur.p = i
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
    cur.p = end
    out[key] = restIsEmpty() ? blockNode(n, true, depth) : inlineValue(depth)
    const indent = nextContent()
    if (indent < n) return out
    if (indent > n) fail()
    at = cur.p + n
  }
}

const blockSequence = (n: number, depth: number): Array<unknown> => {
  const out: Array<unknown> = []
  const starts = track(out, newItems)
  for (;;) {
    const lineStart = cur.p
    cur.p = cur.p + n + 1
    if (restIsEmpty()) {
      // a nested node starts at its first key or `-`
      const indent = starts === undefined ? -1 : nextContent()
      const start = cur.p + indent
      const item = blockNode(n, false, depth)
      starts?.push(item === null ? -1 : start)
      out.push(item)
    } else if (isSeqEntry(cur.p)) fail()
    else {
      starts?.push(cur.p)
      out.push(blockKeyEnd(cur.p) >= 0 ? blockMapping(cur.p - lineStart, cur.p, depth + 1) : inlineValue(depth))
    }
    const indent = nextContent()
    if (indent < n) return out
    if (indent > n) fail()
    if (!isSeqEntry(cur.p + n)) return out
  }
}

type Read = { readonly value: Record<string, unknown>; readonly start: number }

/** The document's root mapping and where it starts, or undefined: the full reader must read it. */
export const read = (source: string, resolvePlain: (plain: string) => unknown): Read | undefined => {
  if (unusual.test(source)) return undefined
  cur.text = source
  cur.len = source.length
  cur.p = 0
  cur.resolve = resolvePlain
  try {
    let indent = nextContent()
    if (indent === 0 && cur.text.startsWith("---", cur.p)) {
      cur.p += 3
      if (cur.p < cur.len && !isEol(cur.text.charCodeAt(cur.p)) && cur.text.charCodeAt(cur.p) !== SPACE) return undefined
      endLine()
      indent = nextContent()
    }
    if (indent !== 0) return undefined
    const start = cur.p
    const value = blockMapping(0, cur.p, 1)
    return nextContent() === -1 ? { value, start } : undefined
  } catch (e) {
    if (e === giveUp) return undefined
    throw e
  } finally {
    cur.text = ""
    cur.resolve = () => undefined
  }
}

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
        const again = read(source, resolvePlain)
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
