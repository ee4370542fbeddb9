/**
 * Memory layer of KubeClient: an in-process API server for unit tests of controllers,
 * with the semantics such tests observe (see `KubeClient.layerMemory`):
 * - uid and creationTimestamp on create; one global resourceVersion counter bumped by
 *   every change and not by a write that changes nothing; 409 Conflict on a stale
 *   resourceVersion; AlreadyExists; NotFound;
 * - generation 1 on create, +1 when anything outside metadata and status changes, for the
 *   kinds with a status subresource that count it (workloads, CRDs, the WhaTap kinds);
 *   for kinds with a status subresource, status writes change only status and
 *   main-resource writes leave status alone;
 * - delete of an object with finalizers sets deletionTimestamp; the object goes when an
 *   update or patch empties its finalizers;
 * - merge patch (RFC 7386), JSON patch (RFC 6902), a strategic merge patch without
 *   directives, and server-side apply with field ownership (`memory/apply.ts`);
 * - namespace, label and field selectors on list and watch; metadata-only lists;
 *   watches from a resourceVersion out of a bounded history (`Store.historyLimit`).
 * Not simulated: garbage collection (ownerReferences are stored, never followed),
 * namespace lifecycle (a namespace need not exist; deleting one leaves its objects),
 * admission, validation, defaulting, graceful pod deletion, pagination, and canonical
 * quantity forms (quantities are stored as written).
 */
import { Clock, Effect } from "effect"
import * as ApiResource from "../ApiResource.ts"
import type { Shape } from "../KubeClient.ts"
import { type Shape as ControlShape, writeVerbs } from "../KubeMemory.ts"
import type { KubeObject } from "../KubeObject.ts"
import * as Client from "./memory/client.ts"
import { hasGeneration } from "./memory/kinds.ts"
import { timestamp, uid } from "./memory/objects.ts"
import { Store } from "./memory/store.ts"
import { omit } from "./ssa/json.ts"

export interface Options {
  /** The field manager of writes that name none. */
  readonly fieldManager: string
}

export interface Memory {
  readonly client: Shape
  readonly control: ControlShape
}

const seedOne = (store: Store, now: number) => (object: KubeObject): Effect.Effect<void> => {
  const resource = ApiResource.forObject(object.apiVersion, object.kind)
  if (resource === undefined) return Effect.die(`KubeMemory.seed: no ApiResource for ${object.apiVersion} ${object.kind}`)
  const name = object.metadata.name
  if (name === undefined || name === "") return Effect.die(`KubeMemory.seed: a ${object.kind} without metadata.name`)
  const n = store.nextCreated()
  const metadata = {
    uid: uid(n),
    creationTimestamp: timestamp(now),
    ...(hasGeneration(resource) ? { generation: 1 } : {}),
    ...object.metadata
  }
  return Effect.sync(() => {
    store.put(resource, { ...object, metadata: resource.namespaced ? metadata : omit(metadata, ["namespace"]) })
  })
}

const control = (store: Store): ControlShape => ({
  seed: (objects) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.forEach(objects, seedOne(store, now), { discard: true })),
  calls: Effect.sync(() => [...store.log]),
  writes: Effect.sync(() => store.log.filter((c) => writeVerbs.includes(c.verb))),
  clearCalls: Effect.sync(() => {
    store.log.length = 0
  }),
  failNext: (fault) => Effect.sync(() => store.arm(fault)),
  snapshot: (resource) => Effect.sync(() => store.list(resource)),
  resourceVersion: Effect.sync(() => String(store.currentRevision)),
  compact: Effect.sync(() => store.compact())
})

/** A fresh, empty API server per layer build: client and control share one store. */
export const make = (options: Options): Effect.Effect<Memory> =>
  Effect.sync(() => {
    const store = new Store()
    return { client: Client.make(store, options.fieldManager), control: control(store) }
  })
