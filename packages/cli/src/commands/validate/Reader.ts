/**
 * The one YAML reader of the CLI: a piece of text (Split.ts) to its documents, each
 * empty, invalid (one finding per problem, never quoting the input) or parsed (its
 * JSON value and `locate`, from a path to a line and column). js-yaml's flat event
 * parser and its constructor read every document, with the YAML 1.2 core schema plus
 * `<<` merge keys, duplicate keys refused, as the API server's JSON would need them.
 * The same reader serves every input, so a verdict never depends on which reader a
 * file happened to take; documents in the common subset of YAML are read first by a
 * one-pass reader (Quick.ts) that returns exactly what this one would, or gives up.
 *
 * Bounds (see the README): nesting `maxDepth`; aliases by Aliases.ts; document size by
 * Split.ts. Everything here is linear in the size of the piece.
 */
import { Result } from "effect"
import { CORE_SCHEMA, constructFromEvents, EVENT_ID, type Event, mergeTag, parseEvents, strTag, YAMLException } from "js-yaml"
import * as Aliases from "./Aliases.ts"
import { saveAsUnicode } from "./Encoding.ts"
import { locator, nodeStart, type Path } from "./Locate.ts"
import * as Quick from "./Quick.ts"
import { maxDocumentChars, type Piece } from "./Split.ts"
import * as Syntax from "./Syntax.ts"

export type { Path }

export interface Position {
  readonly line: number
  readonly column: number
}

export interface Problem {
  readonly position: Position
  readonly message: string
}

export type Doc =
  | { readonly _tag: "Empty"; readonly position: Position }
  | { readonly _tag: "Invalid"; readonly errors: ReadonlyArray<Problem> }
  | {
    readonly _tag: "Parsed"
    readonly position: Position
    readonly value: unknown
    readonly locate: (path: Path) => Position
  }

/** Nesting deeper than this is one finding; no Kubernetes object comes near it. */
export const maxDepth = 200

const schema = CORE_SCHEMA.withTags(mergeTag)

/** Offset in the piece to line and column in the file, by binary search over line starts built on first use. */
const positions = (piece: Piece): ((offset: number) => Position) => {
  let starts: Array<number> | undefined
  return (offset) => {
    if (starts === undefined) {
      starts = [0]
      for (let i = piece.text.indexOf("\n"); i >= 0; i = piece.text.indexOf("\n", i + 1)) starts.push(i + 1)
    }
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: piece.line + lo, column: offset - (starts[lo] ?? 0) + 1 }
  }
}

const invalid = (position: Position, message: string): Doc => ({ _tag: "Invalid", errors: [{ position, message }] })

/** `8.0 MiB` */
export const mib = (chars: number): string => `${(chars / (1024 * 1024)).toFixed(1)} MiB`

const kinds: Readonly<Record<string, string>> = { "[": "flow sequence", "{": "flow mapping" }

/** A parser failure as one finding: at the unclosed bracket that caused it, else where the parser stopped. */
const syntaxError = (piece: Piece, error: unknown, at: (offset: number) => Position): Doc => {
  if (!(error instanceof YAMLException)) {
    // an engine limit (a string too long for V8) is no stack trace either
    const deep = error instanceof RangeError && /call stack/i.test(error.message)
    return invalid({ line: piece.line, column: 1 }, deep ? Syntax.tooDeep : "the document is too large to read")
  }
  const offset = Math.min(error.mark?.position ?? 0, piece.text.length)
  const message = Syntax.message(error.reason, piece.text[offset])
  // where the parser ran out of depth says nothing useful: the document's start does
  if (message === Syntax.tooDeep) return invalid({ line: piece.line, column: 1 }, message)
  // a quoted string opened before where the parser stopped and never closed: its closing
  // quote is missing (an error inside a string closed later stays where the parser saw it)
  const open = Syntax.openAt(piece.text, piece.text.length)
  const inQuote = open.quote
  if (inQuote !== undefined && inQuote < offset && at(inQuote).line < at(offset).line) {
    return invalid(at(inQuote), `the quoted string opened here is not closed before line ${at(offset).line}, where the parser stopped (${message})`)
  }
  const opener = open.flow
  if (opener === undefined || opener > offset) return invalid(at(offset), message)
  const bracket = piece.text[opener] ?? "["
  const end = at(piece.text.trimEnd().length).line
  return invalid(at(opener), `the ${kinds[bracket] ?? "flow collection"} "${bracket}" opened here is never closed (the document ends at line ${end})`)
}

/**
 * The first mapping key that is itself a mapping or a sequence: the constructor refuses
 * it where the key ends, which has no offset of its own.
 */
const complexKey = (events: ReadonlyArray<Event>, from: number, to: number): number | undefined => {
  // per open collection: is it a mapping, and is its next child a key
  const stack: Array<{ readonly map: boolean; key: boolean }> = []
  for (let i = from; i < to; i++) {
    const e = events[i]
    if (e === undefined || e.type === EVENT_ID.DOCUMENT) continue
    if (e.type === EVENT_ID.POP) {
      stack.pop()
      continue
    }
    const top = stack[stack.length - 1]
    const isKey = top?.map === true && top.key
    if (top?.map === true) top.key = !top.key
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) {
      if (isKey) return nodeStart(e)
      stack.push({ map: e.type === EVENT_ID.MAPPING, key: true })
    }
  }
  return undefined
}

/** One document: events[first] is its DOCUMENT event, events[last] the POP that ends it. */
const documentAt = (events: Array<Event>, first: number, last: number, piece: Piece, at: (offset: number) => Position, aliased: boolean): Doc => {
  const head = events[first + 1]
  const start = head === undefined || first + 1 >= last ? 0 : Math.max(nodeStart(head), 0)
  if (first + 1 >= last) return { _tag: "Empty", position: at(start) }
  const aliases = aliased ? Aliases.check(events, first + 1, last, piece.text) : Aliases.ok
  if (aliases._tag === "Cycle") return invalid(at(aliases.offset), "an alias (*name) refers to the node that contains it: the value would be infinite")
  if (aliases._tag === "Expansion") {
    return invalid(at(start), `aliases expand the document to more than ${aliases.budget} nodes (${aliases.written} written; at most ${Aliases.expansionFactor} per node written, or ${Aliases.minBudget}, are read)`)
  }
  // a piece usually holds one document: its events are then passed as they are
  const own = first === 0 && last === events.length - 1 ? events : events.slice(first, last + 1)
  const built = Result.try(() => constructFromEvents(own, { source: piece.text, schema, maxAliases: -1 }))
  if (Result.isFailure(built)) {
    const key = built.failure instanceof YAMLException && built.failure.reason.includes("complex keys") ? complexKey(events, first, last) : undefined
    return key === undefined ? syntaxError(piece, built.failure, at) : invalid(at(key), Syntax.message(built.failure instanceof YAMLException ? built.failure.reason : "", undefined))
  }
  const value: unknown = built.success[0]
  if (value === null || value === undefined) return { _tag: "Empty", position: at(start) }
  const locate = locator(events, first + 1, last, piece.text, start)
  return { _tag: "Parsed", position: at(start), value, locate: (path) => at(locate(path)) }
}

/**
 * The first characters with which a plain scalar can resolve to anything but itself (null,
 * a boolean, a number, `<<`), as the schema's implicit tags declare them for its own
 * dispatch by first character; undefined when a tag takes any first character. A scalar
 * starting otherwise is the default tag's, a string, as the schema would resolve it.
 */
const resolvable: ReadonlySet<string> | undefined = (() => {
  if (schema.defaultScalarTag !== strTag) return undefined
  const chars = new Set<string>()
  for (const tag of schema.implicitScalarTags) {
    if (tag.implicitFirstChars === null || tag.implicitFirstChars === undefined) return undefined
    for (const c of tag.implicitFirstChars) chars.add(c)
  }
  return chars
})()

/**
 * Values of plain scalars resolved before: a bundle repeats `true`, `30s`, `100m` in every
 * document, and the schema tries a regex per tag on each. Bounded: scalars of up to 64
 * characters, the first `maxResolved` of them, primitive values only (shared safely).
 */
const resolved = new Map<string, unknown>()
const maxResolved = 4096

/** A plain scalar's value, as the schema resolves it. */
const resolvePlain = (raw: string): unknown => {
  if (resolvable !== undefined && !resolvable.has(raw.charAt(0))) return raw
  if (resolved.has(raw)) return resolved.get(raw)
  const value: unknown = schema.resolveImplicitScalarTag(raw).value
  if (raw.length <= 64 && resolved.size < maxResolved && (typeof value !== "object" || value === null)) resolved.set(raw, value)
  return value
}

/** The one-pass reader's result for a piece (Quick.ts), or undefined where the full reader must read it. */
export const quickly = (piece: Piece): ReturnType<typeof Quick.read> =>
  piece.oversized === undefined && piece.invalid.length === 0 ? Quick.read(piece.text, resolvePlain) : undefined

/**
 * Every document of a piece, in order: by the one-pass reader (Quick.ts) when the piece
 * is in the subset it reads, else by the full reader. A document the one-pass reader
 * took is read again, by the same reader recording positions, when a finding must be
 * located in it (by the full reader for a path through an empty list item).
 */
export const read = (piece: Piece): ReadonlyArray<Doc> => {
  const quick = quickly(piece)
  if (quick === undefined) return readFully(piece)
  const at = positions(piece)
  const position = at(quick.start)
  const quickLocate = Quick.locator(piece.text, resolvePlain)
  let full: ((path: Path) => Position) | undefined
  const locate = (path: Path): Position => {
    if (path.length === 0) return position
    const offset = quickLocate(path)
    if (offset !== undefined) return at(offset)
    if (full === undefined) {
      const doc = readFully(piece)[0]
      full = doc?._tag === "Parsed" ? doc.locate : () => position
    }
    return full(path)
  }
  return [{ _tag: "Parsed", position, value: quick.value, locate }]
}

/** Every document of a piece, in order, by the full reader. */
export const readFully = (piece: Piece): ReadonlyArray<Doc> => {
  const at = positions(piece)
  if (piece.oversized !== undefined) {
    return [invalid({ line: piece.line, column: 1 }, `the document is ${mib(piece.oversized)}, more than the ${mib(maxDocumentChars)} read in one document (the API server takes 3 MiB per object): split it`)]
  }
  const bad = piece.invalid[0]
  if (bad !== undefined) return [invalid(at(bad), `invalid UTF-8: ${saveAsUnicode}`)]
  const parsed = Result.try(() => parseEvents(piece.text, { maxDepth }))
  if (Result.isFailure(parsed)) return [syntaxError(piece, parsed.failure, at)]
  const events = parsed.success
  const docs: Array<Doc> = []
  let depth = 0
  let first = 0
  // whether the current document holds an alias (only those need the alias check)
  let aliased = false
  for (let i = 0; i < events.length; i++) {
    const type = events[i]?.type
    if (type === EVENT_ID.DOCUMENT || type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) {
      if (depth === 0) [first, aliased] = [i, false]
      depth++
    } else if (type === EVENT_ID.ALIAS) aliased = true
    else if (type === EVENT_ID.POP && --depth === 0) docs.push(documentAt(events, first, i, piece, at, aliased))
  }
  return docs
}
