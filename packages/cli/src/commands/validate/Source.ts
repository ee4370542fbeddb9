/**
 * YAML documents with source positions. Every document of a (multi-document) stream
 * becomes empty, invalid (syntax errors with their line/column) or parsed (its JSON
 * value plus `locate`, which maps a finding's JSON path back to a line and column).
 *
 * Parsing follows what kubectl sends to the API server as closely as the `yaml`
 * package allows: YAML 1.2 core schema, `<<` merge keys, duplicate keys rejected.
 * Plain streams take the faster js-yaml event path (Events.ts) with the same schema;
 * the `yaml` package handles everything else and reports all syntax errors.
 */
import { Result } from "effect"
import * as Events from "./Events.ts"
import { Composer, type Document, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, type YAMLMap } from "yaml"

export interface Position {
  readonly line: number
  readonly column: number
}

export type Path = ReadonlyArray<string | number>

export type Doc =
  | { readonly _tag: "Empty"; readonly position: Position }
  | { readonly _tag: "Invalid"; readonly errors: ReadonlyArray<{ readonly position: Position; readonly message: string }> }
  | {
    readonly _tag: "Parsed"
    readonly position: Position
    readonly value: unknown
    readonly locate: (path: Path) => Position
  }

/** Alias bombs ("billion laughs") stop here instead of exhausting memory. */
const maxAliasCount = 1000

type Located = { readonly node: unknown; readonly offset: number }

const mergeKey = "<<"

interface KeyIndex {
  /** the first pair of each key, as written */
  readonly direct: ReadonlyMap<string, Located>
  /** the values of its `<<` entries, in order */
  readonly merges: ReadonlyArray<unknown>
}

// with `merge: true` the key's value is `Symbol("<<")`, not the string
const isMergeKey = (key: unknown): boolean =>
  key === mergeKey || (typeof key === "symbol" && key.description === mergeKey)

/** Built once per map, so locating every finding of a 30,000-key map is not quadratic. */
const indexes = new WeakMap<object, KeyIndex>()

const indexOf = (map: YAMLMap): KeyIndex => {
  const cached = indexes.get(map)
  if (cached !== undefined) return cached
  const direct = new Map<string, Located>()
  const merges: Array<unknown> = []
  for (const pair of map.items) {
    const key: unknown = isScalar(pair.key) ? pair.key.value : undefined
    if (isMergeKey(key)) merges.push(...(isSeq(pair.value) ? pair.value.items : [pair.value]))
    else if (isScalar(pair.key) && pair.key.range && !direct.has(String(key))) {
      direct.set(String(key), { node: pair.value, offset: pair.key.range[0] })
    }
  }
  const index = { direct, merges }
  indexes.set(map, index)
  return index
}

/** The pair for `key` in a map, following `<<` merge keys when it is not a direct key. */
const lookup = (doc: Document, map: unknown, key: string, depth = 0): Located | undefined => {
  if (!isMap(map) || depth > 16) return undefined
  const index = indexOf(map)
  const found = index.direct.get(key)
  if (found !== undefined) return found
  for (const source of index.merges) {
    const merged = lookup(doc, isAlias(source) ? source.resolve(doc) : source, key, depth + 1)
    if (merged !== undefined) return merged
  }
  return undefined
}

const step = (doc: Document, node: unknown, segment: string | number): Located | undefined => {
  const target = isAlias(node) ? node.resolve(doc) : node
  if (isSeq(target) && typeof segment === "number") {
    const item: unknown = target.items[segment]
    const range = (isScalar(item) || isMap(item) || isSeq(item) || isAlias(item)) ? item.range : undefined
    return range ? { node: item, offset: range[0] } : undefined
  }
  return lookup(doc, target, String(segment))
}

/**
 * Position of the node at `path`: the key of a map entry, the start of a list item,
 * or, when the path does not exist (a missing required field), its nearest ancestor.
 */
const locator = (doc: Document, lines: LineCounter, start: number) => (path: Path): Position => {
  let node: unknown = doc.contents
  let offset = start
  for (const segment of path) {
    const found = step(doc, node, segment)
    if (found === undefined) break
    node = found.node
    offset = found.offset
  }
  const { line, col } = lines.linePos(offset)
  return { line, column: col }
}

/** A parser that ran out of stack says so in engine words; the user needs to hear why. */
const tooDeep = "the document nests too deeply to parse"
const readable = (message: string): string =>
  /Maximum call stack size exceeded|Stack overflow/.test(message) ? tooDeep : message

const position = (lines: LineCounter, offset: number): Position => {
  const { line, col } = lines.linePos(offset)
  return { line, column: col }
}

const toDoc = (doc: Document.Parsed, lines: LineCounter): Doc => {
  if (doc.errors.length > 0) {
    return {
      _tag: "Invalid",
      errors: doc.errors.map((e) => {
        const message = readable(e.message)
        // where the stack ran out depends on the engine's frame sizes, so it is no position
        // to print: the document's start is, and it stays the same from run to run
        return { position: position(lines, message === tooDeep ? doc.range[0] : e.pos[0]), message }
      })
        // one stack overflow tends to surface as several errors; one finding says it
        .filter((e, i, all) => e.message !== tooDeep || all.findIndex((x) => x.message === tooDeep) === i)
    }
  }
  const start = doc.contents?.range[0] ?? doc.range[0]
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { _tag: "Empty", position: position(lines, start) }
  }
  const value = Result.try(() => doc.toJS({ maxAliasCount }) as unknown)
  if (Result.isFailure(value)) {
    const reason = value.failure instanceof Error ? value.failure.message : String(value.failure)
    return { _tag: "Invalid", errors: [{ position: position(lines, start), message: readable(reason) }] }
  }
  return { _tag: "Parsed", position: position(lines, start), value: value.success, locate: locator(doc, lines, start) }
}

/** Offset to 1-based line/column, by binary search over the line starts. */
const lineIndex = (text: string): ((offset: number) => Position) => {
  let starts: Array<number> | undefined
  return (offset) => {
    if (starts === undefined) {
      starts = [0]
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1)
    }
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((starts[mid] ?? 0) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 }
  }
}

const fromFast = (doc: Events.FastDoc, position: (offset: number) => Position): Doc =>
  doc.value === null || doc.value === undefined
    ? { _tag: "Empty", position: position(Math.max(doc.start, 0)) }
    : {
      _tag: "Parsed",
      position: position(Math.max(doc.start, 0)),
      value: doc.value,
      locate: (path) => position(Math.max(doc.locate(path), 0))
    }

/**
 * The documents of a stream, one at a time: composing lazily (instead of
 * `parseAllDocuments`) lets each document's syntax tree die young once it has been
 * checked, which keeps garbage collection cheap on large multi-document files.
 */
export function* composed(text: string): Generator<Doc, void, void> {
  const lines = new LineCounter()
  const parser = new Parser(lines.addNewLine)
  // logLevel error: the parser must not print Node process warnings (stringified collection keys) to stderr
  const composer = new Composer({ logLevel: "error", merge: true, prettyErrors: false, uniqueKeys: true })
  const docs = composer.compose(parser.parse(text))
  while (true) {
    // a pathological stream (e.g. nesting deep enough to exhaust the stack) is one finding, not a crash
    const next = Result.try(() => docs.next())
    if (Result.isFailure(next)) {
      const reason = next.failure instanceof Error ? next.failure.message : String(next.failure)
      yield { _tag: "Invalid", errors: [{ position: { line: 1, column: 1 }, message: `cannot parse: ${readable(reason)}` }] }
      return
    }
    if (next.success.done === true) return
    yield toDoc(next.success.value, lines)
  }
}

export function* documents(input: string): Generator<Doc, void, void> {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input
  const fast = Events.documents(text)
  if (fast === undefined) {
    yield* composed(text)
    return
  }
  const position = lineIndex(text)
  for (const doc of fast) yield fromFast(doc, position)
}
