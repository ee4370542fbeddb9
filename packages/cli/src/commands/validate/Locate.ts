/**
 * Where a finding's path is in the source: the parser's flat event stream (with source
 * offsets) rebuilt into a tree of start offsets, lazily and only for documents that
 * have something to report. Aliases point at their anchor's node and `<<` merge keys
 * are followed, so a path into a merged or aliased value lands on the text it came from.
 * The tree is built without recursion and only for documents whose aliases were
 * already checked (Aliases.ts): no cycles, bounded expansion.
 */
import { CORE_SCHEMA, EVENT_ID, type Event, getScalarValue, SCALAR_STYLE, type ScalarEvent } from "js-yaml"

export type Path = ReadonlyArray<string | number>

interface MapNode {
  readonly kind: "map"
  readonly start: number
  readonly entries: Map<string, { readonly keyStart: number; readonly node: PosNode }>
  /** the values of its `<<` entries, in order */
  readonly merges: Array<PosNode>
}
type PosNode =
  | MapNode
  | { readonly kind: "seq"; readonly start: number; readonly items: Array<PosNode> }
  | { readonly kind: "leaf"; readonly start: number; readonly key: string; readonly merge: boolean }

const firstOffset = (a: number, b: number, c: number): number => {
  let best = -1
  for (const o of [a, b, c]) if (o >= 0 && (best < 0 || o < best)) best = o
  return best
}

/** Where a node starts: its anchor or tag if it has one, the opening quote of a quoted scalar. */
export const nodeStart = (e: Event): number => {
  if (e.type === EVENT_ID.SCALAR) {
    const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED
    return firstOffset(e.anchorStart, e.tagStart, e.valueStart < 0 ? -1 : e.valueStart - (quoted ? 1 : 0))
  }
  if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) return firstOffset(e.anchorStart, e.tagStart, e.start)
  if (e.type === EVENT_ID.ALIAS) return e.anchorStart - 1
  return -1
}

/** A key as the constructor spells it: a plain `0x10` is the key "16", a plain `~` is "null". */
const keyText = (source: string, e: ScalarEvent): { readonly key: string; readonly merge: boolean } => {
  const raw = getScalarValue(source, e)
  if (e.style !== SCALAR_STYLE.PLAIN || e.tagStart >= 0) return { key: raw, merge: false }
  return { key: String(CORE_SCHEMA.resolveImplicitScalarTag(raw).value), merge: raw === "<<" }
}

type Frame = { node: PosNode; pendingKey?: { key: string; keyStart: number; merge: boolean } }

const attach = (stack: Array<Frame>, node: PosNode, root: { node?: PosNode }): void => {
  const top = stack[stack.length - 1]
  if (top === undefined) root.node = node
  else if (top.node.kind === "seq") top.node.items.push(node)
  else if (top.node.kind === "map") {
    const pending = top.pendingKey
    if (pending === undefined) {
      top.pendingKey = node.kind === "leaf" ? { key: node.key, keyStart: node.start, merge: node.merge } : { key: "", keyStart: node.start, merge: false }
      return
    }
    delete top.pendingKey
    if (pending.merge) top.node.merges.push(node)
    else if (!top.node.entries.has(pending.key)) top.node.entries.set(pending.key, { keyStart: pending.keyStart, node })
  }
}

const anchorOf = (source: string, e: Event): string | undefined =>
  "anchorStart" in e && e.anchorStart >= 0 && e.type !== EVENT_ID.ALIAS ? source.slice(e.anchorStart, e.anchorEnd) : undefined

/** The tree of one document: events `from` (its first node) up to `to` (exclusive). */
const build = (events: ReadonlyArray<Event>, from: number, to: number, source: string): PosNode | undefined => {
  const root: { node?: PosNode } = {}
  const stack: Array<Frame> = []
  const anchors = new Map<string, PosNode>()
  for (let i = from; i < to; i++) {
    const e = events[i]
    if (e === undefined) break
    let node: PosNode | undefined
    if (e.type === EVENT_ID.MAPPING) node = { kind: "map", start: nodeStart(e), entries: new Map(), merges: [] }
    else if (e.type === EVENT_ID.SEQUENCE) node = { kind: "seq", start: nodeStart(e), items: [] }
    else if (e.type === EVENT_ID.SCALAR) node = { kind: "leaf", start: nodeStart(e), ...keyText(source, e) }
    else if (e.type === EVENT_ID.ALIAS) {
      node = anchors.get(source.slice(e.anchorStart, e.anchorEnd)) ?? { kind: "leaf", start: nodeStart(e), key: "", merge: false }
    } else if (e.type === EVENT_ID.POP) stack.pop()
    if (node === undefined) continue
    attach(stack, node, root)
    const anchor = anchorOf(source, e)
    if (anchor !== undefined) anchors.set(anchor, node)
    if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) stack.push({ node })
  }
  return root.node
}

/** Merge sources are followed this deep (a merged map may merge again). */
const maxMergeDepth = 16

const lookup = (map: MapNode, key: string, depth: number): { readonly keyStart: number; readonly node: PosNode } | undefined => {
  const direct = map.entries.get(key)
  if (direct !== undefined || depth > maxMergeDepth) return direct
  for (const source of map.merges) {
    const sources = source.kind === "seq" ? source.items : [source]
    for (const s of sources) {
      const found = s.kind === "map" ? lookup(s, key, depth + 1) : undefined
      if (found !== undefined) return found
    }
  }
  return undefined
}

/**
 * `locate(path)`: the offset of the key of a map entry, the start of a list item, or,
 * when the path does not exist (a missing required field), of its nearest ancestor.
 */
export const locator = (events: ReadonlyArray<Event>, from: number, to: number, source: string, start: number) => {
  let tree: PosNode | undefined
  let built = false
  return (path: Path): number => {
    if (path.length === 0) return start
    if (!built) {
      tree = build(events, from, to, source)
      built = true
    }
    let node = tree
    let offset = start
    for (const segment of path) {
      const found = node?.kind === "map"
        ? lookup(node, String(segment), 0)
        : node?.kind === "seq" && typeof segment === "number"
        ? ((item) => (item === undefined ? undefined : { keyStart: item.start, node: item }))(node.items[segment])
        : undefined
      if (found === undefined) break
      offset = found.keyStart
      node = found.node
    }
    return offset
  }
}
