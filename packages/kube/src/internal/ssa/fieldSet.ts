/**
 * Field sets: the `fieldsV1` trees of `managedFields` and, for set arithmetic, the flat
 * form (a `Set` of encoded paths). In the tree, a node whose path is itself a member is
 * `{}` when it has no children and carries `"."` when it does; other nodes are prefixes.
 * `fieldsOf` computes the set an applied object claims, by the same rules as
 * structured-merge-diff's `ToFieldSet`, taking list and map types from `MergeKeys`.
 */
import * as MergeKeys from "../../MergeKeys.ts"
import { isRecord } from "./json.ts"
import * as P from "./path.ts"

export type FieldsV1 = { readonly [element: string]: FieldsV1 }

/** Bound on the depth of a `fieldsV1` tree read from a server: deeper nodes are dropped. */
export const maxDepth = 100

/** A `fieldsV1` value from the wire as a tree; anything that is not an object of objects is left out. */
export const decode = (u: unknown, depth = 0): FieldsV1 =>
  isRecord(u) && depth < maxDepth
    ? Object.fromEntries(Object.entries(u).filter(([, v]) => isRecord(v)).map(([k, v]) => [k, decode(v, depth + 1)]))
    : {}

export const encodePath = (path: P.Path): string => JSON.stringify(path)

export const decodePath = (encoded: string): P.Path => {
  const parsed: unknown = JSON.parse(encoded)
  return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === "string") : []
}

/** The member paths of a tree, encoded. */
export const toSet = (tree: FieldsV1): Set<string> => {
  const out = new Set<string>()
  const walk = (node: FieldsV1, path: P.Path) => {
    const children = Object.keys(node).filter((k) => k !== ".")
    if (path.length > 0 && (children.length === 0 || Object.hasOwn(node, "."))) out.add(encodePath(path))
    for (const child of children) walk(node[child] ?? {}, [...path, child])
  }
  walk(tree, [])
  return out
}

type Mutable = { [element: string]: Mutable }

const order = (element: string): number => (element === "." ? 0 : " fkvi".indexOf(element.charAt(0)))

const sorted = (node: Mutable): FieldsV1 =>
  Object.fromEntries(
    Object.keys(node)
      .sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => [k, sorted(node[k] ?? {})])
  )

/** The tree of a set of encoded member paths, children in the API server's order. */
export const fromSet = (set: ReadonlySet<string>): FieldsV1 => {
  const root: Mutable = {}
  const members: Array<Mutable> = []
  for (const encoded of set) {
    let node = root
    for (const element of decodePath(encoded)) {
      node[element] ??= {}
      node = node[element]
    }
    members.push(node)
  }
  for (const node of members) if (Object.keys(node).length > 0) node["."] = {}
  return sorted(root)
}

/** Metadata the server keeps out of every field set: identity and bookkeeping, not intent. */
export const unmanagedMetadata: ReadonlyArray<string> = [
  "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
  "deletionGracePeriodSeconds", "managedFields", "selfLink"
]

const walkValue = (kind: string, path: P.Path, value: unknown, out: Set<string>): void => {
  if (Array.isArray(value)) return walkList(kind, path, value, out)
  if (isRecord(value) && Object.keys(value).length > 0 && !MergeKeys.isAtomicMap(kind, P.schemaPath(path))) {
    for (const [name, child] of Object.entries(value)) {
      if (child !== undefined) walkValue(kind, [...path, P.field(name)], child, out)
    }
    return
  }
  if (value !== undefined) out.add(encodePath(path))
}

const walkList = (kind: string, path: P.Path, list: ReadonlyArray<unknown>, out: Set<string>): void => {
  const rule = MergeKeys.listRule(kind, P.schemaPath(path))
  const keys = rule?.type === "map" ? list.map((item) => MergeKeys.keyOf(rule, item)) : []
  if (rule === undefined || keys.some((k) => k === undefined)) {
    out.add(encodePath(path))
    return
  }
  for (const [i, item] of list.entries()) {
    const k = keys[i]
    const element = rule.type === "set" || k === undefined ? P.value(item) : P.key(k)
    const itemPath = [...path, element]
    if (rule.type === "map") walkValue(kind, itemPath, item, out)
    out.add(encodePath(itemPath))
  }
}

/** The encoded member paths an object claims when it is applied (see `fieldsOf`). */
export const pathsOf = (object: { readonly kind?: unknown; readonly [key: string]: unknown }): Set<string> => {
  const kind = typeof object.kind === "string" ? object.kind : ""
  const out = new Set<string>()
  for (const [name, value] of Object.entries(object)) {
    if (name === "apiVersion" || name === "kind" || value === undefined) continue
    const content = name === "metadata" && isRecord(value)
      ? Object.fromEntries(Object.entries(value).filter(([k]) => !unmanagedMetadata.includes(k)))
      : value
    if (name === "metadata" && isRecord(content) && Object.keys(content).length === 0) continue
    walkValue(kind, [P.field(name)], content, out)
  }
  return out
}
