/**
 * An informer: a cache of one resource (optionally one namespace and selectors), kept up to
 * date by list + watch, with change notifications. The loop, run in the background for as
 * long as the scope lives:
 *
 * - list (paginated) and replace the cache, reporting upserts and deletes by difference;
 *   a 410 during the list (an expired continue token) starts the list over;
 * - watch from the list's resourceVersion with bookmarks, each event and BOOKMARK moving
 *   the resume point; when the server ends a watch, watch again from there, no relist;
 * - 410 Gone: relist (at once when the watch resumed from an earlier point, after the
 *   backoff when it started from the list just made); any other failure: back off
 *   (exponential, jittered, capped) and resume from the last resourceVersion. A watch that
 *   delivered events before it broke resumes at once, so the backoff only grows while
 *   nothing gets through.
 *
 * The loop never dies; `health` reports restarts and the last error.
 */
import { Deferred, type Duration, Effect, HashMap, type Option, PubSub, Ref, type Scope, Stream } from "effect"
import type { ApiResource } from "./ApiResource.ts"
import { KubeClient } from "./KubeClient.ts"
import type { KubeObject } from "./KubeObject.ts"
import * as Loop from "./internal/informerLoop.ts"
import * as Store from "./internal/informerStore.ts"

export type Change = Store.Change

export interface Backoff {
  readonly base?: Duration.Input | undefined
  readonly max?: Duration.Input | undefined
}

export interface Options {
  readonly namespace?: string | undefined
  readonly labelSelector?: string | undefined
  readonly fieldSelector?: string | undefined
  /** Cache PartialObjectMetadata (apiVersion, kind, metadata) instead of whole objects. */
  readonly metadataOnly?: boolean | undefined
  /** Drop `metadata.managedFields` before caching (default false). */
  readonly stripManagedFields?: boolean | undefined
  /** Backoff after a failure: `base` doubles up to `max`, with jitter (default 500 ms, 30 s). */
  readonly backoff?: Backoff | undefined
  /** Page size of a list (default 500). */
  readonly pageSize?: number | undefined
  /** Server-side timeout of each watch call (default: random between 5 and 10 minutes, as client-go). */
  readonly watchTimeoutSeconds?: number | undefined
}

export interface Health {
  /** The first complete list has been cached. */
  readonly synced: boolean
  /** A watch call is open now. */
  readonly watching: boolean
  /** Failures recovered from (a relist after 410 included). */
  readonly restarts: number
  readonly lastError?: string
  /** Epoch millis of the last watch event, BOOKMARK included. */
  readonly lastEventAt?: number
  /** Where the next watch resumes; absent while a relist is due. */
  readonly resourceVersion?: string
}

export interface Informer {
  readonly resource: ApiResource
  /** The cached object by `KubeObject.key` (`namespace/name` or `name`). */
  readonly get: (key: string) => Effect.Effect<Option.Option<KubeObject>>
  /** Every cached object, sorted by key. */
  readonly list: Effect.Effect<ReadonlyArray<KubeObject>>
  /** Each change from the moment the stream starts running; ends when the informer's scope closes. */
  readonly changes: Stream.Stream<Change>
  /** Subscribes now (no change is missed between this and running the stream). */
  readonly subscribe: Effect.Effect<Stream.Stream<Change>, never, Scope.Scope>
  /** Waits for the first complete list. */
  readonly synced: Effect.Effect<void>
  readonly health: Effect.Effect<Health>
}

export { backoffSchedule, defaults } from "./internal/informerLoop.ts"

/** A cache of `resource`, filled and kept current in the background while the scope lives. */
export const make = Effect.fn("Informer.make")(function*(resource: ApiResource, options: Options = {}) {
  const client = yield* KubeClient
  const store = yield* Ref.make(Store.empty)
  const health = yield* Ref.make<Health>({ synced: false, watching: false, restarts: 0 })
  const synced = yield* Deferred.make<void>()
  // Unbounded like client-go's listener buffers: a slow subscriber must not stall the watch.
  const pubsub = yield* PubSub.unbounded<Change>()
  yield* Effect.addFinalizer(() => PubSub.shutdown(pubsub))

  yield* Effect.forkScoped(Loop.run({ client, resource, options, store, health, synced, pubsub }))

  const informer: Informer = {
    resource,
    get: (k) => Effect.map(Ref.get(store), (s) => HashMap.get(s, k)),
    list: Effect.map(Ref.get(store), Store.sorted),
    changes: Stream.fromPubSub(pubsub),
    subscribe: Effect.map(PubSub.subscribe(pubsub), Stream.fromSubscription),
    synced: Deferred.await(synced),
    health: Ref.get(health)
  }
  return informer
})
