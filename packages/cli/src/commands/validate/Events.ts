/**
 * The fast path for reading YAML: js-yaml's flat event stream (with source offsets) and
 * its constructor give each document's value several times faster than composing a
 * full syntax tree, which is what makes validating thousands of documents quick. The
 * positions a finding needs are rebuilt from the same events, lazily and only for
 * documents that have findings. Anything unusual (a syntax error, aliases, merge keys)
 * returns undefined and the caller falls back to the `yaml` package (Source.ts), which
 * stays the authority for diagnostics.
 */
import { Result } from "effect"
import { CORE_SCHEMA, constructFromEvents, EVENT_ID, type Event, getScalarValue, parseEvents, SCALAR_STYLE } from "js-yaml"

export type Path = ReadonlyArray<string | number>

type PosNode =
  | { readonly kind: "map"; readonly start: number; readonly entries: Map<string, { readonly keyStart: number; node: PosNode | undefined }> }
  | { readonly kind: "seq"; readonly start: number; readonly items: Array<PosNode> }
  | { readonly kind: "leaf"; readonly start: number; readonly key: string }

export interface FastDoc {
  readonly value: unknown
  /** offset where the document's content starts (-1 when it has none) */
  readonly start: number
  /** offset of the node at `path` (or of its nearest existing ancestor) */
  readonly locate: (path: Path) => number
}

const firstOffset = (...offsets: ReadonlyArray<number>): number => {
  const present = offsets.filter((o) => o >= 0)
  return present.length === 0 ? -1 : Math.min(...present)
}

const nodeStart = (e: Event): number => {
  if (e.type === EVENT_ID.SCALAR) {
    // quoted scalars report the offset after the opening quote
    const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED
    return firstOffset(e.anchorStart, e.tagStart, e.valueStart < 0 ? -1 : e.valueStart - (quoted ? 1 : 0))
  }
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return firstOffset(e.anchorStart, e.tagStart, e.start)
  return -1
}

/** Rebuilds a document's map/sequence structure with the start offset of every node and key. */
const buildTree = (events: ReadonlyArray<Event>, from: number, to: number, source: string): PosNode | undefined => {
  let root: PosNode | undefined
  const stack: Array<{ node: PosNode; pendingKey?: { key: string; keyStart: number } }> = []
  const attach = (node: PosNode): void => {
    const top = stack[stack.length - 1]
    if (top === undefined) root = node
    else if (top.node.kind === "seq") top.node.items.push(node)
    else if (top.node.kind === "map") {
      if (top.pendingKey === undefined) top.pendingKey = { key: node.kind === "leaf" ? node.key : "", keyStart: node.start }
      else {
        top.node.entries.set(top.pendingKey.key, { keyStart: top.pendingKey.keyStart, node })
        delete top.pendingKey
      }
    }
  }
  for (let i = from; i < to; i++) {
    const e = events[i]
    if (e === undefined) break
    if (e.type === EVENT_ID.MAPPING) {
      const node: PosNode = { kind: "map", start: nodeStart(e), entries: new Map() }
      attach(node)
      stack.push({ node })
    } else if (e.type === EVENT_ID.SEQUENCE) {
      const node: PosNode = { kind: "seq", start: nodeStart(e), items: [] }
      attach(node)
      stack.push({ node })
    } else if (e.type === EVENT_ID.SCALAR) attach({ kind: "leaf", start: nodeStart(e), key: getScalarValue(source, e) })
    else if (e.type === EVENT_ID.POP) stack.pop()
  }
  return root
}

const locator = (events: ReadonlyArray<Event>, from: number, to: number, source: string, start: number) => {
  let tree: PosNode | undefined
  let built = false
  return (path: Path): number => {
    if (!built) {
      tree = buildTree(events, from, to, source)
      built = true
    }
    let node = tree
    let offset = start
    for (const segment of path) {
      if (node?.kind === "map") {
        const entry = node.entries.get(String(segment))
        if (entry === undefined) break
        offset = entry.keyStart
        node = entry.node
      } else if (node?.kind === "seq" && typeof segment === "number") {
        const item = node.items[segment]
        if (item === undefined) break
        offset = item.start
        node = item
      } else break
    }
    return offset
  }
}

/** Documents of `source`, or undefined when the fast path does not apply. */
export const documents = (source: string): ReadonlyArray<FastDoc> | undefined => {
  // merge keys need the `yaml` package's semantics (and its positions into the merged map)
  if (source.includes("<<")) return undefined
  const parsed = Result.try(() => {
    const events = parseEvents(source, { maxDepth: 200 })
    // aliases are refused: they would turn into shared subtrees the validator walks many times
    const values = constructFromEvents(events, { source, schema: CORE_SCHEMA, maxAliases: 0 })
    return { events, values }
  })
  if (Result.isFailure(parsed)) return undefined
  const { events, values } = parsed.success
  const docs: Array<FastDoc> = []
  let depth = 0
  let from = 0
  for (let i = 0; i < events.length; i++) {
    const e = events[i]
    if (e === undefined) break
    if (e.type === EVENT_ID.POP) {
      depth--
      if (depth === 0) {
        const start = nodeStart(events[from + 1] ?? e)
        docs.push({ value: values[docs.length], start, locate: locator(events, from + 1, i, source, start) })
      }
    } else if (e.type !== EVENT_ID.SCALAR && e.type !== EVENT_ID.ALIAS) {
      if (depth === 0) from = i
      depth++
    }
  }
  return docs.length === values.length ? docs : undefined
}
