/**
 * RFC 6902 JSON Patch on plain JSON: `diff` computes the patch that turns one document
 * into another (what the admission response carries), `apply` applies a patch (what the
 * API server does, used by tests and by `whatapctl inject -o patch` consumers).
 *
 * `diff` only emits what differs, so a mutation that keeps every field it does not
 * touch yields a patch of exactly its own changes, with no round-trip noise. Subtrees
 * that are the same object on both sides are skipped without being walked, which keeps
 * a diff of a pod against its structurally shared mutation proportional to the change.
 * Arrays: when the old array is a prefix of the new one by identity (same item, or same
 * `name` for named items such as containers and env vars) the common items are diffed
 * in place and the rest appended by index; otherwise the whole array is replaced, which
 * keeps patches of reordered lists (an env upsert) short and readable.
 * Equal values are never patched, even when their keys are in another order (JSON
 * objects are unordered), so such a subtree keeps the input's key order when patched.
 * Pointers escape `~` as `~0` and `/` as `~1` (annotation keys such as `a.io/b`).
 */
import { Result } from "effect"

export type Operation =
  | { readonly op: "add" | "replace" | "test"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string }
  | { readonly op: "move" | "copy"; readonly from: string; readonly path: string }

type JsonRecord = { readonly [key: string]: unknown }

const isRecord = (u: unknown): u is JsonRecord => typeof u === "object" && u !== null && !Array.isArray(u)

/** One reference token (RFC 6901 section 4). */
export const escape = (token: string): string => token.replaceAll("~", "~0").replaceAll("/", "~1")

export const unescape = (token: string): string => token.replaceAll("~1", "/").replaceAll("~0", "~")

/** A JSON pointer from its tokens; `[]` is the whole document (`""`). */
export const pointer = (tokens: ReadonlyArray<string | number>): string =>
  tokens.map((t) => `/${escape(String(t))}`).join("")

/**
 * Nesting beyond which `equal` calls values different instead of recursing further, so
 * hostile nesting cannot exhaust the stack. `diff` then replaces such a value, which is
 * still correct; no Kubernetes object nests anywhere near this deep.
 */
export const maxDepth = 512

const equalAt = (a: unknown, b: unknown, depth: number): boolean => {
  if (a === b) return true
  if (depth > maxDepth) return false
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equalAt(x, b[i], depth + 1))
  if (!isRecord(a) || !isRecord(b)) return false
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equalAt(a[k], b[k], depth + 1))
}

/** Deep equality of JSON values (key order does not matter); see `maxDepth`. */
export const equal = (a: unknown, b: unknown): boolean => equalAt(a, b, 0)

const sameItem = (a: unknown, b: unknown): boolean =>
  equal(a, b) || (isRecord(a) && isRecord(b) && typeof a["name"] === "string" && a["name"] === b["name"])

const diffArrays = (path: string, a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>, out: Array<Operation>): void => {
  if (a.length > b.length || !a.every((x, i) => sameItem(x, b[i]))) {
    out.push({ op: "replace", path, value: b })
    return
  }
  a.forEach((x, i) => diffAt(`${path}/${i}`, x, b[i], out))
  for (let i = a.length; i < b.length; i++) out.push({ op: "add", path: `${path}/${i}`, value: b[i] })
}

const diffRecords = (path: string, a: JsonRecord, b: JsonRecord, out: Array<Operation>): void => {
  for (const [key, value] of Object.entries(b)) {
    if (value === undefined) continue
    const at = `${path}/${escape(key)}`
    if (Object.hasOwn(a, key) && a[key] !== undefined) diffAt(at, a[key], value, out)
    else out.push({ op: "add", path: at, value })
  }
  for (const key of Object.keys(a)) {
    if (a[key] !== undefined && (!Object.hasOwn(b, key) || b[key] === undefined)) out.push({ op: "remove", path: `${path}/${escape(key)}` })
  }
}

const diffAt = (path: string, a: unknown, b: unknown, out: Array<Operation>): void => {
  if (a === b) return
  if (Array.isArray(a) && Array.isArray(b)) return diffArrays(path, a, b, out)
  if (isRecord(a) && isRecord(b)) return diffRecords(path, a, b, out)
  if (!equal(a, b)) out.push({ op: "replace", path, value: b })
}

/** The operations that turn `before` into `after`; empty when they are equal. */
export const diff = (before: unknown, after: unknown): ReadonlyArray<Operation> => {
  const out: Array<Operation> = []
  diffAt("", before, after, out)
  return out
}

const isIndex = (token: string): boolean => /^(0|[1-9][0-9]*)$/.test(token)

const tokens = (path: string): Result.Result<ReadonlyArray<string>, string> => {
  if (path === "") return Result.succeed([])
  if (!path.startsWith("/")) return Result.fail(`invalid JSON pointer ${JSON.stringify(path)}`)
  return Result.succeed(path.slice(1).split("/").map(unescape))
}

const get = (doc: unknown, path: ReadonlyArray<string>): Result.Result<unknown, string> => {
  let node = doc
  for (const t of path) {
    if (Array.isArray(node) && isIndex(t) && Number(t) < node.length) node = node[Number(t)]
    else if (isRecord(node) && Object.hasOwn(node, t)) node = node[t]
    else return Result.fail(`path not found: ${pointer(path)}`)
  }
  return Result.succeed(node)
}

/** The value at a pointer, undefined when there is none. */
export const at = (doc: unknown, path: string): unknown =>
  Result.getOrUndefined(Result.flatMap(tokens(path), (t) => get(doc, t)))

/**
 * Containers this application of a patch created: they are changed in place, everything
 * else (the input, the patch's own values) is copied before its first change. Each
 * operation then costs its path, not the size of the arrays along it.
 */
type Owned = WeakSet<object>

const ownArray = (owned: Owned, a: ReadonlyArray<unknown>): Array<unknown> => {
  if (owned.has(a)) return a as Array<unknown>
  const copy = [...a]
  owned.add(copy)
  return copy
}

const ownRecord = (owned: Owned, r: JsonRecord): Record<string, unknown> => {
  if (owned.has(r)) return r as Record<string, unknown>
  const copy = { ...r }
  owned.add(copy)
  return copy
}

/** An own data property even for `__proto__`; an existing key keeps its place. */
const put = (r: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(r, key, { value, writable: true, enumerable: true, configurable: true })
}

type Edit = (parent: unknown, last: string, owned: Owned) => Result.Result<unknown, string>

/** `doc` with `edit` applied to the parent of the last token, copying only what was not made here. */
const editAt = (doc: unknown, path: ReadonlyArray<string>, from: number, edit: Edit, owned: Owned): Result.Result<unknown, string> => {
  const head = path[from]
  if (head === undefined) return Result.fail("the whole document cannot be edited in place")
  if (from === path.length - 1) return edit(doc, head, owned)
  if (Array.isArray(doc) && isIndex(head) && Number(head) < doc.length) {
    const i = Number(head)
    return Result.map(editAt(doc[i], path, from + 1, edit, owned), (child) => {
      if (child === doc[i]) return doc
      const copy = ownArray(owned, doc)
      copy[i] = child
      return copy
    })
  }
  if (isRecord(doc) && Object.hasOwn(doc, head)) {
    return Result.map(editAt(doc[head], path, from + 1, edit, owned), (child) => {
      if (child === doc[head]) return doc
      const copy = ownRecord(owned, doc)
      put(copy, head, child)
      return copy
    })
  }
  return Result.fail(`path not found: ${pointer(path.slice(0, from + 1))}`)
}

const addEdit = (value: unknown): Edit => (parent, last, owned) => {
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : isIndex(last) ? Number(last) : -1
    if (i < 0 || i > parent.length) return Result.fail(`array index ${last} out of range`)
    const copy = ownArray(owned, parent)
    copy.splice(i, 0, value)
    return Result.succeed(copy)
  }
  if (!isRecord(parent)) return Result.fail(`cannot add ${JSON.stringify(last)} to a scalar`)
  const copy = ownRecord(owned, parent)
  put(copy, last, value)
  return Result.succeed(copy)
}

const removeEdit: Edit = (parent, last, owned) => {
  if (Array.isArray(parent) && isIndex(last) && Number(last) < parent.length) {
    const copy = ownArray(owned, parent)
    copy.splice(Number(last), 1)
    return Result.succeed(copy)
  }
  if (isRecord(parent) && Object.hasOwn(parent, last)) {
    const copy = ownRecord(owned, parent)
    delete copy[last]
    return Result.succeed(copy)
  }
  return Result.fail(`path not found: ${JSON.stringify(last)}`)
}

/** Replacing keeps an object key where it was (key order is part of what tests compare). */
const replaceEdit = (value: unknown): Edit => (parent, last, owned) => {
  if (Array.isArray(parent) && isIndex(last) && Number(last) < parent.length) {
    const copy = ownArray(owned, parent)
    copy[Number(last)] = value
    return Result.succeed(copy)
  }
  if (isRecord(parent) && Object.hasOwn(parent, last)) {
    const copy = ownRecord(owned, parent)
    put(copy, last, value)
    return Result.succeed(copy)
  }
  return Result.fail(`path not found: ${JSON.stringify(last)}`)
}

/** A copied value that later operations change must not change its source too (both could be containers made here). */
const cloned = (value: unknown): Result.Result<unknown, string> =>
  Result.try({ try: () => structuredClone(value), catch: () => "the value to copy is not plain JSON" })

const step = (doc: unknown, op: Operation, owned: Owned): Result.Result<unknown, string> =>
  Result.flatMap(tokens(op.path), (path) => {
    switch (op.op) {
      case "add":
        return path.length === 0 ? Result.succeed(op.value) : editAt(doc, path, 0, addEdit(op.value), owned)
      case "replace":
        return path.length === 0 ? Result.succeed(op.value) : editAt(doc, path, 0, replaceEdit(op.value), owned)
      case "remove":
        return editAt(doc, path, 0, removeEdit, owned)
      case "test":
        return Result.flatMap(get(doc, path), (v) => (equal(v, op.value) ? Result.succeed(doc) : Result.fail(`test failed at ${op.path}`)))
      case "move":
      case "copy":
        return Result.flatMap(tokens(op.from), (from) =>
          Result.flatMap(get(doc, from), (found) => {
            const value = op.op === "copy" ? cloned(found) : Result.succeed(found)
            const source = op.op === "move" ? editAt(doc, from, 0, removeEdit, owned) : Result.succeed(doc)
            return Result.flatMap(Result.all([source, value]), ([d, v]) => (path.length === 0 ? Result.succeed(v) : editAt(d, path, 0, addEdit(v), owned)))
          }))
    }
  })

/**
 * RFC 6902: every operation in order; the first failure rejects the whole patch. The input
 * is never changed; linear in the size of the patch and the paths it touches.
 */
export const apply = (doc: unknown, operations: ReadonlyArray<Operation>): Result.Result<unknown, string> => {
  const owned: Owned = new WeakSet()
  let current: Result.Result<unknown, string> = Result.succeed(doc)
  for (const op of operations) {
    current = Result.flatMap(current, (d) => step(d, op, owned))
    if (Result.isFailure(current)) return current
  }
  return current
}
