/**
 * The object operations of server-side apply: merging an applied configuration into the
 * live object (maps key by key, associative lists element by element by key, atomic
 * lists and maps replaced, set lists united; `MergeKeys` decides which is which), and
 * removing the fields an applier gave up.
 */
import * as MergeKeys from "../../MergeKeys.ts"
import * as FieldSet from "../ssa/fieldSet.ts"
import { clone, isRecord, type JsonRecord } from "../ssa/json.ts"
import * as P from "../ssa/path.ts"

/** `applied` merged into `live` at the schema path `at` of an object of `kind`. */
export const merge = (kind: string, at: ReadonlyArray<string>, live: unknown, applied: unknown): unknown => {
  if (applied === undefined) return live
  if (Array.isArray(applied)) return mergeList(kind, at, live, applied)
  if (isRecord(applied)) {
    if (!isRecord(live) || MergeKeys.isAtomicMap(kind, at)) return clone(applied)
    const out: Record<string, unknown> = { ...live }
    for (const [name, value] of Object.entries(applied)) out[name] = merge(kind, [...at, name], live[name], value)
    return out
  }
  return applied
}

/** What tells an item of a list apart: its key (associative lists) or its value (sets); undefined without its key fields. */
const identity = (rule: MergeKeys.ListRule, item: unknown): unknown => (rule.type === "set" ? item : MergeKeys.keyOf(rule, item))

/**
 * A list merged as structured-merge-diff merges it (typed/merge.go, visitListItems): the
 * items walked in live and applied order at once, shared items in the applied order, an
 * item only the live object has kept where it stands, one only the applied configuration
 * has put where that configuration has it (a re-added env var goes back to its place, not
 * to the end). Items are told apart by their key (associative lists) or value (sets).
 */
const mergeList = (kind: string, at: ReadonlyArray<string>, live: unknown, applied: ReadonlyArray<unknown>): unknown => {
  const rule = MergeKeys.listRule(kind, at)
  if (!Array.isArray(live) || rule === undefined) return clone(applied)
  // an item without its key fields is never the same as another
  const idOf = (side: string) => (item: unknown, i: number): string => {
    const key = identity(rule, item)
    return key === undefined ? `${side}${i}` : JSON.stringify(key)
  }
  const lhs = live.map(idOf("live#"))
  const rhs = applied.map(idOf("applied#"))
  // where each id stands; a live id that stands twice is merged as if absent (smd: "duplicated
  // items are not merged with the new value"), an applied one cannot occur (listProblem)
  const positions = (ids: ReadonlyArray<string>) => {
    const at = new Map<string, number | undefined>()
    ids.forEach((id, i) => at.set(id, at.has(id) ? undefined : i))
    return at
  }
  const inLive = positions(lhs)
  const inApplied = positions(rhs)
  const item = (id: string): unknown => {
    const l = inLive.get(id)
    const r = inApplied.get(id)
    return merge(kind, [...at, "[]"], l === undefined ? undefined : live[l], r === undefined ? undefined : applied[r])
  }
  // the shared items in the applied order: the next one expected decides which live item waits
  const shared = rhs.filter((id) => inLive.has(id))
  let nextAt = 0
  let next: string | undefined = shared[nextAt++]
  const advance = () => (next = shared[nextAt++])
  const merged = new Set<string>()
  const out: Array<unknown> = []
  for (let l = 0, r = 0; l < lhs.length || r < rhs.length;) {
    const lId = lhs[l]
    const rId = rhs[r]
    if (lId !== undefined && rId !== undefined) {
      if (lId === rId) {
        merged.add(lId)
        out.push(item(lId))
        l++
        r++
        advance()
        continue
      }
      if (inApplied.has(lId) && next !== undefined && next !== lId) {
        l++
        continue
      }
    }
    if (lId !== undefined) {
      if (!inApplied.has(lId)) {
        out.push(clone(live[l]))
        l++
        continue
      }
      if (merged.has(lId)) l++
    }
    if (rId !== undefined) {
      merged.add(rId)
      out.push(item(rId))
      r++
      if (next === rId) advance()
    }
  }
  return out
}

const keyText = (key: Readonly<Record<string, unknown>>): string =>
  `[${Object.entries(key).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(",")}]`

/**
 * The first list an applied configuration gives that the API server cannot take apart by
 * key, worded as structured-merge-diff words it (the request is refused whole): an item of
 * an associative list without its key fields, a key or set value given twice.
 */
export const listProblem = (kind: string, at: ReadonlyArray<string>, applied: unknown, path = ""): string | undefined => {
  if (isRecord(applied)) {
    for (const [name, value] of Object.entries(applied)) {
      const found = listProblem(kind, [...at, name], value, `${path}.${name}`)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (!Array.isArray(applied)) return undefined
  const rule = MergeKeys.listRule(kind, at)
  if (rule === undefined) return undefined
  const seen = new Set<string>()
  for (let i = 0; i < applied.length; i++) {
    const item: unknown = applied[i]
    const key = identity(rule, item)
    if (key === undefined && rule.type === "map") {
      return `${path}: element ${i}: associative list with keys has an element that omits key field ${JSON.stringify(rule.keys.find((k) => !isRecord(item) || item[k] === undefined) ?? rule.keys[0])}`
    }
    const id = JSON.stringify(key)
    const named = rule.type === "map" && isRecord(key) ? keyText(key) : `[=${id}]`
    if (seen.has(id)) return `${path}: duplicate entries for key ${named}`
    seen.add(id)
    const found = rule.type === "map" ? listProblem(kind, [...at, "[]"], item, `${path}${named}`) : undefined
    if (found !== undefined) return found
  }
  return undefined
}

const isEmpty = (u: unknown): boolean => (Array.isArray(u) && u.length === 0) || (isRecord(u) && Object.keys(u).length === 0)

/**
 * `node` without the value at `path` (from element `i` on). A map or list that the removal
 * leaves empty goes too, unless `keep` says someone owns it as a field of its own.
 */
const removeIn = (
  kind: string,
  node: unknown,
  path: P.Path,
  i: number,
  keep: (encoded: string) => boolean
): unknown => {
  const element = path[i]
  const step = element === undefined ? undefined : P.parse(element)
  if (step === undefined) return node
  const here = path.slice(0, i + 1)
  const last = i === path.length - 1
  const prune = (child: unknown, before: unknown) =>
    isEmpty(child) && !isEmpty(before) && !keep(FieldSet.encodePath(here))
  if (step.type === "field") {
    if (!isRecord(node) || !Object.hasOwn(node, step.name)) return node
    const before = node[step.name]
    const child = last ? undefined : removeIn(kind, before, path, i + 1, keep)
    return child === undefined || prune(child, before) ? omitKey(node, step.name) : { ...node, [step.name]: child }
  }
  if (!Array.isArray(node)) return node
  const at = P.indexIn(kind, P.schemaPath(path.slice(0, i)), node, step)
  if (at < 0) return node
  const before = node[at]
  const child = last ? undefined : removeIn(kind, before, path, i + 1, keep)
  return child === undefined || prune(child, before)
    ? node.filter((_, j) => j !== at)
    : node.map((item, j) => (j === at ? child : item))
}

const omitKey = (record: JsonRecord, name: string): JsonRecord =>
  Object.fromEntries(Object.entries(record).filter(([k]) => k !== name))

/** `object` without the fields at the encoded `paths`. */
export const removePaths = (kind: string, object: unknown, paths: Iterable<string>, keep: (encoded: string) => boolean): unknown => {
  let current: unknown = object
  for (const encoded of paths) current = removeIn(kind, current, FieldSet.decodePath(encoded), 0, keep)
  return current
}

/** A JSON value without null fields (an applied configuration's null means "not set"). */
export const withoutNulls = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutNulls)
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]))
  }
  return value
}
