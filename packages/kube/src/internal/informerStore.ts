/**
 * The informer's cache as a pure value: a map by key, replaced by a list or updated by a
 * watch event, each step returning the changes it made. A change is only reported when the
 * object's resourceVersion moved, so a relist of an unchanged object and a watch event
 * replayed after a resume are both silent.
 */
import { HashMap, Option } from "effect"
import { type KubeObject, key } from "../KubeObject.ts"

export type Store = HashMap.HashMap<string, KubeObject>

export interface Change {
  readonly type: "upsert" | "delete"
  /** `namespace/name`, or `name` for a cluster-scoped object (`KubeObject.key`). */
  readonly key: string
  /** The new state; for a delete, the object's last state as the server sent it. */
  readonly object: KubeObject
  /** What the cache held before, when it held anything. */
  readonly previous?: KubeObject
}

export const empty: Store = HashMap.empty()

const byKey = (a: { readonly key: string }, b: { readonly key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0

const upsert = (k: string, object: KubeObject, previous: KubeObject | undefined): Change =>
  previous === undefined ? { type: "upsert", key: k, object } : { type: "upsert", key: k, object, previous }

const unchanged = (previous: KubeObject | undefined, object: KubeObject): boolean =>
  previous !== undefined &&
  previous.metadata.resourceVersion !== undefined &&
  previous.metadata.resourceVersion === object.metadata.resourceVersion

/** A complete list replaces the store: upserts for new or changed items, deletes for vanished ones, by key. */
export const replace = (store: Store, items: ReadonlyArray<KubeObject>): readonly [Store, ReadonlyArray<Change>] => {
  const next = HashMap.fromIterable(items.map((object) => [key(object), object] as const))
  const upserts: Array<Change> = []
  for (const [k, object] of next) {
    const previous = Option.getOrUndefined(HashMap.get(store, k))
    if (!unchanged(previous, object)) upserts.push(upsert(k, object, previous))
  }
  const deletes: Array<Change> = []
  for (const [k, object] of store) {
    if (!HashMap.has(next, k)) deletes.push({ type: "delete", key: k, object, previous: object })
  }
  return [next, [...upserts.sort(byKey), ...deletes.sort(byKey)]]
}

/** One ADDED/MODIFIED (an upsert) or DELETED event. */
export const applyEvent = (
  store: Store,
  type: "ADDED" | "MODIFIED" | "DELETED",
  object: KubeObject
): readonly [Store, Option.Option<Change>] => {
  const k = key(object)
  const previous = Option.getOrUndefined(HashMap.get(store, k))
  if (type === "DELETED") {
    if (previous === undefined) return [store, Option.none()]
    return [HashMap.remove(store, k), Option.some({ type: "delete", key: k, object, previous })]
  }
  if (unchanged(previous, object)) return [store, Option.none()]
  return [HashMap.set(store, k, object), Option.some(upsert(k, object, previous))]
}

/** The store's objects sorted by key: the same store always lists the same way. */
export const sorted = (store: Store): ReadonlyArray<KubeObject> =>
  Array.from(store)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, object]) => object)

/** Drops `metadata.managedFields`: a large part of every object that a cache rarely needs. */
export const stripManagedFields = (object: KubeObject): KubeObject => {
  if (object.metadata.managedFields === undefined) return object
  const { managedFields: _dropped, ...metadata } = object.metadata
  return { ...object, metadata }
}
