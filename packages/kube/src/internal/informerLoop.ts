/**
 * The informer's background loop (see `Informer.ts` for what it promises): list when due,
 * watch, and decide after each watch call whether to resume at once, relist, or back off.
 * Written as small steps over one context so each decision can be read on its own.
 */
import { Cause, Deferred, Duration, Effect, Option, PubSub, Random, Ref, Schedule, Stream } from "effect"
import type { ApiResource } from "../ApiResource.ts"
import type { KubeClient, WatchEvent } from "../KubeClient.ts"
import type { KubeError } from "../KubeError.ts"
import type { KubeObject } from "../KubeObject.ts"
import type { Health, Options } from "../Informer.ts"
import * as Store from "./informerStore.ts"

export interface Context {
  readonly client: KubeClient["Service"]
  readonly resource: ApiResource
  readonly options: Options
  readonly store: Ref.Ref<Store.Store>
  readonly health: Ref.Ref<Health>
  readonly synced: Deferred.Deferred<void>
  readonly pubsub: PubSub.PubSub<Store.Change>
}

export const defaults = { backoffBase: Duration.millis(500), backoffMax: Duration.seconds(30), pageSize: 500 } as const

/** Exponential with jitter, capped; unbounded, because an informer never gives up. */
export const backoffSchedule = (options: Options["backoff"]) => {
  const max = Duration.fromInputUnsafe(options?.max ?? defaults.backoffMax)
  return Schedule.min([Schedule.exponential(options?.base ?? defaults.backoffBase), Schedule.spaced(max)]).pipe(
    Schedule.jittered
  )
}

/** How many times a relist starts over after a 410 (an expired continue token) before backing off. */
export const relistRestarts = 3

/** client-go's watch timeouts: random in [5, 10) minutes, so many informers do not reconnect together. */
const watchTimeoutSeconds = (options: Options) =>
  options.watchTimeoutSeconds === undefined ? Random.nextIntBetween(300, 600) : Effect.succeed(options.watchTimeoutSeconds)

const filtersOf = (options: Options) => ({
  namespace: options.namespace,
  labelSelector: options.labelSelector,
  fieldSelector: options.fieldSelector,
  metadataOnly: options.metadataOnly
})

const transformOf = (options: Options) =>
  options.stripManagedFields === true ? Store.stripManagedFields : (object: KubeObject) => object

const setHealth = (ctx: Context, f: (h: Health) => Health) => Ref.update(ctx.health, f)

/** Where the next watch starts; `undefined` makes the next cycle relist. */
const setResume = (ctx: Context, resourceVersion: string | undefined) =>
  setHealth(ctx, ({ resourceVersion: _, ...h }) => (resourceVersion === undefined ? h : { ...h, resourceVersion }))

const errorText = (error: KubeError): string => `${error.reason}: ${error.operation}: ${error.message}`

const recordFailure = (ctx: Context) => (error: KubeError) =>
  Effect.gen(function*() {
    yield* setHealth(ctx, (h) => ({ ...h, restarts: h.restarts + 1, lastError: errorText(error) }))
    if (error.reason === "Gone") yield* setResume(ctx, undefined)
    yield* Effect.logWarning("Informer restarting").pipe(
      Effect.annotateLogs({ resource: ctx.resource.plural, reason: error.reason, error: error.message })
    )
  })

/** A complete list replaces the cache; its resourceVersion is where the watch starts. */
const relist = (ctx: Context) =>
  Effect.gen(function*() {
    const limit = ctx.options.pageSize ?? defaults.pageSize
    const list = yield* ctx.client.list(ctx.resource, { ...filtersOf(ctx.options), limit }).pipe(
      Effect.tapError(recordFailure(ctx)),
      // An expired continue token: the only way on is a fresh list from the start.
      Effect.retry({ while: (e: KubeError) => e.reason === "Gone", times: relistRestarts })
    )
    const [next, changes] = Store.replace(yield* Ref.get(ctx.store), list.items.map(transformOf(ctx.options)))
    yield* Ref.set(ctx.store, next)
    yield* PubSub.publishAll(ctx.pubsub, changes)
    yield* setResume(ctx, list.resourceVersion)
    yield* setHealth(ctx, (h) => ({ ...h, synced: true }))
    yield* Deferred.succeed(ctx.synced, undefined)
    return list.resourceVersion
  })

const onEvent = (ctx: Context) => (event: WatchEvent) =>
  Effect.gen(function*() {
    const now = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    yield* setHealth(ctx, (h) => ({ ...h, lastEventAt: now }))
    if (event.type === "BOOKMARK") return yield* setResume(ctx, event.resourceVersion)
    const object = transformOf(ctx.options)(event.object)
    const [next, change] = Store.applyEvent(yield* Ref.get(ctx.store), event.type, object)
    yield* Ref.set(ctx.store, next)
    if (Option.isSome(change)) yield* PubSub.publish(ctx.pubsub, change.value)
    yield* setResume(ctx, object.metadata.resourceVersion)
  })

/** One watch call from `resourceVersion`; `progressed` turns true with its first event. */
const watchFrom = (ctx: Context, resourceVersion: string, progressed: Ref.Ref<boolean>) =>
  Effect.gen(function*() {
    const timeoutSeconds = yield* watchTimeoutSeconds(ctx.options)
    const options = { ...filtersOf(ctx.options), resourceVersion, allowWatchBookmarks: true, timeoutSeconds }
    yield* setHealth(ctx, (h) => ({ ...h, watching: true }))
    yield* Stream.runForEach(ctx.client.watch(ctx.resource, options), (event) =>
      Effect.andThen(Ref.set(progressed, true), onEvent(ctx)(event)))
  }).pipe(Effect.ensuring(setHealth(ctx, (h) => ({ ...h, watching: false }))))

/**
 * One list (when due) and one watch call. It fails, and so backs off, only when nothing got
 * through; a watch that delivered events and then broke resumes at once, and so does a
 * resumed watch told 410 Gone (its resourceVersion expired, e.g. while the server was away
 * or the CRD was deleted and created again, when the backoff has grown): the relist comes
 * at once. A 410 on a watch from the list just made backs off, so a server that answers
 * every watch so is not listed in a loop.
 */
const cycle = (ctx: Context) =>
  Effect.gen(function*() {
    const resume = (yield* Ref.get(ctx.health)).resourceVersion
    const from = resume ?? (yield* relist(ctx))
    const progressed = yield* Ref.make(false)
    const result = yield* Effect.result(watchFrom(ctx, from, progressed))
    if (result._tag === "Success") return
    yield* recordFailure(ctx)(result.failure)
    const expiredResume = resume !== undefined && result.failure.reason === "Gone"
    if (!expiredResume && !(yield* Ref.get(progressed))) return yield* Effect.fail(result.failure)
  })

/** Runs until interrupted (the informer's scope closing). */
export const run = (ctx: Context): Effect.Effect<never> =>
  Effect.forever(Effect.retry(cycle(ctx), backoffSchedule(ctx.options.backoff))).pipe(
    // A defect in the loop is a bug; it is logged and the loop starts over, never silently gone.
    Effect.catchCause((cause) =>
      Cause.hasInterruptsOnly(cause) ? Effect.interrupt : Effect.logError("Informer loop failed", cause)
    ),
    Effect.forever
  )
