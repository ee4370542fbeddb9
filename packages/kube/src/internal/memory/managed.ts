/**
 * `metadata.managedFields` as the memory layer keeps it: one entry per manager, operation
 * (Apply or Update) and subresource, each a set of encoded field paths. Updates give the
 * writer every field it changed (and take those from everyone else), as the API server
 * does; fields that left the object leave every set; empty entries disappear; entries
 * are ordered as the server orders them (operation, time, manager).
 */
import type { KubeObject, ManagedFieldsEntry } from "../../KubeObject.ts"
import * as FieldSet from "../ssa/fieldSet.ts"
import { equal } from "../ssa/json.ts"
import * as P from "../ssa/path.ts"

export interface Entry {
  readonly manager: string
  readonly operation: string
  /** `""` for the main resource. */
  readonly subresource: string
  readonly apiVersion: string
  readonly time: string
  readonly fields: ReadonlySet<string>
}

export interface Writer {
  readonly manager: string
  readonly subresource: string
  readonly apiVersion: string
  readonly time: string
}

export const decode = (entries: ReadonlyArray<ManagedFieldsEntry> | undefined): ReadonlyArray<Entry> =>
  (entries ?? []).map((e) => ({
    manager: e.manager ?? "",
    operation: e.operation ?? "Update",
    subresource: e.subresource ?? "",
    apiVersion: e.apiVersion ?? "",
    time: e.time ?? "",
    fields: FieldSet.toSet(FieldSet.decode(e.fieldsV1))
  }))

const compare = (a: Entry, b: Entry): number =>
  a.operation.localeCompare(b.operation) || a.time.localeCompare(b.time) || a.manager.localeCompare(b.manager) ||
  a.apiVersion.localeCompare(b.apiVersion) || a.subresource.localeCompare(b.subresource)

export const encode = (entries: ReadonlyArray<Entry>): ReadonlyArray<ManagedFieldsEntry> =>
  entries.filter((e) => e.fields.size > 0).toSorted(compare).map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    time: e.time,
    fieldsType: "FieldsV1",
    fieldsV1: FieldSet.fromSet(e.fields),
    ...(e.subresource === "" ? {} : { subresource: e.subresource })
  }))

export const isEntryOf = (entry: Entry, manager: string, operation: string, subresource: string): boolean =>
  entry.manager === manager && entry.operation === operation && entry.subresource === subresource

/** Every proper prefix of every path in `sets`, and the paths themselves, encoded. */
export const prefixesOf = (sets: ReadonlyArray<ReadonlySet<string>>): Set<string> => {
  const out = new Set<string>()
  for (const set of sets) {
    for (const encoded of set) {
      const path = FieldSet.decodePath(encoded)
      for (let i = 1; i <= path.length; i++) out.add(FieldSet.encodePath(path.slice(0, i)))
    }
  }
  return out
}

/** Entries without the paths that no longer lead to a value of `object`. */
export const retainExisting = (kind: string, entries: ReadonlyArray<Entry>, object: KubeObject): ReadonlyArray<Entry> =>
  entries.map((e) => ({
    ...e,
    fields: new Set([...e.fields].filter((p) => P.valueAt(kind, object, FieldSet.decodePath(p)) !== undefined))
  }))

/** The encoded proper prefixes of the paths in `set`: the paths that have descendants there. */
export const parentsIn = (set: ReadonlySet<string>): Set<string> => {
  const out = new Set<string>()
  for (const encoded of set) {
    const path = FieldSet.decodePath(encoded)
    for (let i = 1; i < path.length; i++) out.add(FieldSet.encodePath(path.slice(0, i)))
  }
  return out
}

/**
 * What an update changed, as structured-merge-diff's comparison reports it: every leaf of
 * `after` whose value differs from `before`, and every node `before` did not have at all
 * (so a new map or list element is owned as a whole, `"."`).
 */
export const changedPaths = (kind: string, before: KubeObject, after: KubeObject): Set<string> => {
  const members = FieldSet.pathsOf(after)
  const parents = parentsIn(members)
  const out = new Set<string>()
  for (const encoded of [...members, ...parents]) {
    const path = FieldSet.decodePath(encoded)
    const old = P.valueAt(kind, before, path)
    const changed = parents.has(encoded) ? old === undefined : !equal(old, P.valueAt(kind, after, path))
    if (changed) out.add(encoded)
  }
  return out
}

/** The entries after `writer` updated `before` to `after` (operation Update). */
export const recordUpdate = (
  kind: string,
  entries: ReadonlyArray<Entry>,
  writer: Writer,
  before: KubeObject,
  after: KubeObject
): ReadonlyArray<Entry> => {
  const changed = changedPaths(kind, before, after)
  if (changed.size === 0) return retainExisting(kind, entries, after)
  const own = entries.find((e) => isEntryOf(e, writer.manager, "Update", writer.subresource))
  const others = entries
    .filter((e) => e !== own)
    .map((e) => ({ ...e, fields: new Set([...e.fields].filter((p) => !changed.has(p))) }))
  const mine: Entry = { ...writer, operation: "Update", fields: new Set([...(own?.fields ?? []), ...changed]) }
  return retainExisting(kind, [...others, mine], after)
}
