/**
 * The memory layer's state: objects per collection, one global resourceVersion counter
 * (every change takes the next number, as etcd's revision), a bounded history of change
 * events for watches, the live watchers, the call log and the injected faults. Every
 * method is synchronous, so a change, its event and its delivery to watchers happen
 * together; the Effect wrappers in `memory.ts` are what callers see.
 */
import type { ApiResource } from "../../ApiResource.ts"
import type { Call, Fault } from "../../KubeMemory.ts"
import { keyOf, type KubeObject } from "../../KubeObject.ts"
import { collectionOf } from "./kinds.ts"
import { withMetadata } from "./objects.ts"

export type EventType = "ADDED" | "MODIFIED" | "DELETED"

export interface Change {
  readonly revision: number
  readonly collection: string
  readonly type: EventType
  readonly object: KubeObject
  /** The version before a MODIFIED or DELETED change. */
  readonly previous?: KubeObject | undefined
}

export type Deliver = (change: Change) => void

/** How many change events a watch can resume from before it must relist (Gone). */
export const historyLimit = 1000

interface Armed {
  readonly fault: Fault
  remaining: number
}

export class Store {
  private readonly collections = new Map<string, Map<string, KubeObject>>()
  private readonly history: Array<Change> = []
  private readonly watchers = new Set<{ readonly collection: string; readonly deliver: Deliver }>()
  private readonly faults: Array<Armed> = []
  private revision = 0
  /** Changes at or below this revision are no longer in the history. */
  private floor = 0
  private created = 0
  readonly log: Array<Call> = []
  private readonly limit: number

  constructor(limit: number = historyLimit) {
    this.limit = limit
  }

  get currentRevision(): number {
    return this.revision
  }

  /** A new uid/generateName counter value. */
  nextCreated(): number {
    this.created += 1
    return this.created
  }

  get(resource: ApiResource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.collections.get(collectionOf(resource))?.get(keyOf(resource.namespaced ? namespace : undefined, name))
  }

  /** The objects of a collection (all collections when absent), by namespace and name. */
  list(resource?: ApiResource): ReadonlyArray<KubeObject> {
    const chosen = resource === undefined
      ? [...this.collections.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c)
      : [this.collections.get(collectionOf(resource)) ?? new Map<string, KubeObject>()]
    return chosen.flatMap((c) => [...c.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o))
  }

  /** Stores a new version under the next resourceVersion and tells the watchers. */
  put(resource: ApiResource, object: KubeObject): KubeObject {
    const collection = collectionOf(resource)
    const key = keyOf(object.metadata.namespace, object.metadata.name ?? "")
    const objects = this.collections.get(collection) ?? new Map<string, KubeObject>()
    this.collections.set(collection, objects)
    const previous = objects.get(key)
    this.revision += 1
    const stored = withMetadata(object, { ...object.metadata, resourceVersion: String(this.revision) })
    objects.set(key, stored)
    this.record({ revision: this.revision, collection, type: previous === undefined ? "ADDED" : "MODIFIED", object: stored, previous })
    return stored
  }

  /** Removes an object; its DELETED event carries the next resourceVersion. */
  remove(resource: ApiResource, object: KubeObject): KubeObject {
    const collection = collectionOf(resource)
    this.collections.get(collection)?.delete(keyOf(object.metadata.namespace, object.metadata.name ?? ""))
    this.revision += 1
    const gone = withMetadata(object, { ...object.metadata, resourceVersion: String(this.revision) })
    this.record({ revision: this.revision, collection, type: "DELETED", object: gone, previous: object })
    return gone
  }

  private record(change: Change): void {
    this.history.push(change)
    while (this.history.length > this.limit) {
      const dropped = this.history.shift()
      if (dropped !== undefined) this.floor = dropped.revision
    }
    for (const w of this.watchers) if (w.collection === change.collection) w.deliver(change)
  }

  /** Forgets the history: watches must start from the current revision or relist. */
  compact(): void {
    this.history.length = 0
    this.floor = this.revision
  }

  /**
   * Registers a watcher and returns what it missed since `from` (undefined: the current
   * objects as ADDED), or "gone" when the history no longer reaches back that far.
   */
  subscribe(
    resource: ApiResource,
    from: number | undefined,
    deliver: Deliver
  ): { readonly replay: ReadonlyArray<Change>; readonly unsubscribe: () => void } | "gone" {
    const collection = collectionOf(resource)
    if (from !== undefined && from < this.floor) return "gone"
    const replay = from === undefined
      ? this.list(resource).map((object): Change => ({ revision: this.revision, collection, type: "ADDED", object }))
      : this.history.filter((c) => c.collection === collection && c.revision > from)
    const watcher = { collection, deliver }
    this.watchers.add(watcher)
    return { replay, unsubscribe: () => this.watchers.delete(watcher) }
  }

  arm(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 })
  }

  /** The first armed fault matching a call, consumed by one. */
  takeFault(call: Call, resource: ApiResource): Fault | undefined {
    const armed = this.faults.find(({ fault, remaining }) =>
      remaining > 0 &&
      (fault.verb === undefined || fault.verb === call.verb) &&
      (fault.resource === undefined || collectionOf(fault.resource) === collectionOf(resource)) &&
      (fault.name === undefined || fault.name === call.name)
    )
    if (armed === undefined) return undefined
    armed.remaining -= 1
    return armed.fault
  }
}
