/**
 * The controller runtime's keyed work queue: client-go's workqueue and its delaying and
 * rate-limiting layers, with controller-runtime's worker loop around a reconciler that
 * gets only a key.
 *
 * - A key queued twice before it runs runs once; a key added while it runs is marked
 *   dirty and runs once more after the current run; a key never runs concurrently with
 *   itself; different keys run on up to `concurrency` workers.
 * - `addAfter` keeps the earliest pending due time of a key; `addRateLimited` waits the
 *   key's exponential backoff (`Backoff`); `forget` resets it.
 * - A failed or dying reconcile is caught here, at the edge, reported to `onError` (by
 *   default a log line) and rate-limited; the worker lives on.
 * - Closing the scope stops taking work, waits up to `gracePeriod` for in-flight
 *   reconciles, then interrupts them.
 *
 * All time goes through Effect's `Clock`, so tests drive it with `TestClock`. The
 * bookkeeping is a handful of maps mutated only inside `Effect.sync` blocks: a block runs
 * to completion before another fiber runs, so each transition is atomic without a lock.
 */
import { Cause, Clock, Duration, Effect, Exit, FiberMap, FiberSet, Option, Queue, Random } from "effect"
import * as Backoff from "./Backoff.ts"
import * as KeyState from "./internal/keyState.ts"

/** What a reconcile returns: nothing, or when to look at the key again although it succeeded. */
export type Result = void | { readonly requeueAfter?: Duration.Input | undefined }

/** Like controller-runtime's `controller_runtime_reconcile_total{result}`. */
export type Outcome = "success" | "requeueAfter" | "error" | "defect"

export interface RunEvent {
  readonly key: string
  readonly outcome: Outcome
  /** Time the reconcile took. */
  readonly durationMs: number
  /** Time the key waited in the queue before a worker took it. */
  readonly queuedMs: number
}

export interface Stats {
  /** Keys waiting for a worker (client-go's `workqueue_depth`). */
  readonly depth: number
  /** Keys being reconciled now. */
  readonly inFlight: number
  /** Keys with a pending `addAfter` / backoff timer. */
  readonly waiting: number
  /** Adds that were not absorbed by dedupe (`workqueue_adds_total`). */
  readonly adds: number
  /** Rate-limited re-adds (`workqueue_retries_total`). */
  readonly retries: number
  /** Finished reconciles, and those of them that failed or died. */
  readonly runs: number
  readonly failures: number
}

export interface Resync {
  /** How often every key is added again (informer resync; level-based reconcile heals drift). */
  readonly period: Duration.Input
  /** The keys to add, e.g. from an informer cache. */
  readonly keys: Effect.Effect<ReadonlyArray<string>>
  /** Spread each resync's adds at random over this window (default: all at once). */
  readonly jitter?: Duration.Input | undefined
}

export interface Options {
  /** Names the queue in logs. */
  readonly name: string
  /** Workers, i.e. keys reconciled at once (default 1, as controller-runtime). */
  readonly concurrency?: number | undefined
  readonly backoff?: Backoff.Options | undefined
  readonly resync?: Resync | undefined
  /** How long closing the scope waits for in-flight reconciles (default 30 s). */
  readonly gracePeriod?: Duration.Input | undefined
  /** Called after every reconcile, for duration histograms and result counters. */
  readonly onRun?: ((event: RunEvent) => Effect.Effect<void>) | undefined
  /** Replaces the default error log of a failed or dying reconcile. */
  readonly onError?: ((key: string, cause: Cause.Cause<unknown>) => Effect.Effect<void>) | undefined
}

export interface WorkQueue {
  readonly add: (key: string) => Effect.Effect<void>
  /** Add after `delay`; when the key already waits for an earlier time, that time wins. */
  readonly addAfter: (key: string, delay: Duration.Input) => Effect.Effect<void>
  /** Add after the key's next backoff delay, and count the failure. */
  readonly addRateLimited: (key: string) => Effect.Effect<void>
  /** Reset the key's backoff (after a success). */
  readonly forget: (key: string) => Effect.Effect<void>
  /** Consecutive failures of the key since it was last forgotten. */
  readonly failures: (key: string) => Effect.Effect<number>
  readonly stats: Effect.Effect<Stats>
  /**
   * Start the workers on `reconcile` and return; they live until the queue's scope closes.
   * A second call is a defect: the workers are the concurrency bound.
   */
  readonly run: <E, R>(reconcile: (key: string) => Effect.Effect<Result, E, R>) => Effect.Effect<void, never, R>
}

export const defaultGracePeriod: Duration.Duration = Duration.seconds(30)

/** The parts every function of the queue works on. */
interface Internals {
  readonly options: Options
  readonly concurrency: number
  readonly state: KeyState.State
  /** Keys ready for a worker, in FIFO order, each at most once (see `KeyState`). */
  readonly ready: Queue.Queue<string>
  /** One timer per key with a pending delayed add. */
  readonly timers: FiberMap.FiberMap<string>
  readonly workers: FiberSet.FiberSet
}

/** A work queue that lives as long as the current scope. */
export const make = Effect.fn("WorkQueue.make")(function*(options: Options) {
  const concurrency = options.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return yield* Effect.die(new RangeError(`WorkQueue ${options.name}: concurrency must be a positive integer`))
  }
  const q: Internals = {
    options,
    concurrency,
    state: KeyState.make(),
    ready: yield* Queue.unbounded<string>(),
    timers: yield* FiberMap.make<string>(),
    workers: yield* FiberSet.make()
  }
  // Registered after the FiberMap and FiberSet, so it runs before their finalizers interrupt.
  yield* Effect.addFinalizer(() => shutdown(q))
  const queue: WorkQueue = {
    add: (key) => addAfter(q, key, 0),
    addAfter: (key, delay) => addAfter(q, key, delay),
    addRateLimited: (key) =>
      Effect.flatMap(Random.next, (random) =>
        Effect.suspend(() => {
          const failures = KeyState.fail(q.state, key)
          return addAfter(q, key, Backoff.delay(options.backoff ?? {}, failures, random))
        })),
    forget: (key) => Effect.sync(() => void q.state.failures.delete(key)),
    failures: (key) => Effect.sync(() => q.state.failures.get(key) ?? 0),
    stats: Effect.sync(() => KeyState.stats(q.state)),
    run: (reconcile) => startWorkers(q, queue, reconcile)
  }
  if (options.resync !== undefined) {
    yield* Effect.forkScoped(resyncLoop(options.resync, queue))
  }
  return queue
})

const addAfter = (q: Internals, key: string, delay: Duration.Input): Effect.Effect<void> =>
  Clock.clockWith((clock) => {
    const millis = Duration.toMillis(Duration.fromInputUnsafe(delay))
    const now = clock.currentTimeMillisUnsafe()
    if (millis <= 0) return Effect.sync(() => KeyState.add(q.state, q.ready, key, now))
    if (!KeyState.wait(q.state, key, now + millis)) return Effect.void
    // One sync block: the timer cannot be replaced between leaving `waiting` and adding.
    const fire = Clock.clockWith((c) =>
      Effect.sync(() => {
        q.state.waiting.delete(key)
        KeyState.add(q.state, q.ready, key, c.currentTimeMillisUnsafe())
      })
    )
    // Running a timer under the key interrupts the later one it supersedes.
    return Effect.asVoid(FiberMap.run(q.timers, key, Effect.andThen(Effect.sleep(millis), fire)))
  })

const startWorkers = <E, R>(
  q: Internals,
  queue: WorkQueue,
  reconcile: (key: string) => Effect.Effect<Result, E, R>
): Effect.Effect<void, never, R> =>
  Effect.suspend(() => {
    if (q.state.started) {
      return Effect.die(new Error(`WorkQueue ${q.options.name}: run was called twice`))
    }
    q.state.started = true
    const step = Effect.flatMap(Queue.take(q.ready), (key) =>
      Effect.sync(() => KeyState.begin(q.state, key)).pipe(
        Effect.flatMap((queuedAt) => process(q, queue, reconcile, key, queuedAt)),
        Effect.ensuring(Clock.clockWith((clock) =>
          Effect.sync(() => KeyState.done(q.state, q.ready, key, clock.currentTimeMillisUnsafe()))
        ))
      ))
    // A worker ends when the queue is shut down: `take` then fails with an interruption.
    const worker = Effect.forever(step)
    return Effect.forEach(Array.from({ length: q.concurrency }), () => FiberSet.run(q.workers, worker), {
      discard: true
    })
  })

const process = <E, R>(
  q: Internals,
  queue: WorkQueue,
  reconcile: (key: string) => Effect.Effect<Result, E, R>,
  key: string,
  queuedAt: number
): Effect.Effect<void, never, R> =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    // `exit` catches failures and defects alike: this is the edge where a bug in one
    // reconcile becomes a log line and a retry instead of a dead worker.
    const exit = yield* Effect.exit(Effect.suspend(() => reconcile(key)))
    const end = yield* Clock.currentTimeMillis
    const outcome = yield* settle(q, queue, key, exit)
    if (Option.isNone(outcome)) return
    q.state.runs++
    if (outcome.value === "error" || outcome.value === "defect") q.state.errors++
    if (q.options.onRun !== undefined) {
      yield* q.options.onRun({ key, outcome: outcome.value, durationMs: end - start, queuedMs: start - queuedAt })
    }
  }).pipe(
    // A dying hook must not take the worker with it either; interruption still ends it.
    Effect.catchCause((cause) =>
      Cause.hasInterruptsOnly(cause) ? Effect.failCause(cause) : Effect.logError("Work queue hook failed", cause)
    ),
    Effect.annotateLogs({ queue: q.options.name, key })
  )

/** What controller-runtime's reconcileHandler does with a result; none for a shutdown interrupt. */
const settle = <E>(
  q: Internals,
  queue: WorkQueue,
  key: string,
  exit: Exit.Exit<Result, E>
): Effect.Effect<Option.Option<Outcome>> => {
  if (Exit.isSuccess(exit)) {
    const after = typeof exit.value === "object" && exit.value !== null ? exit.value.requeueAfter : undefined
    const requeue = after !== undefined && Duration.toMillis(Duration.fromInputUnsafe(after)) > 0
    return queue.forget(key).pipe(
      Effect.andThen(requeue ? queue.addAfter(key, after) : Effect.void),
      Effect.as(Option.some<Outcome>(requeue ? "requeueAfter" : "success"))
    )
  }
  if (q.state.stopping && Cause.hasInterruptsOnly(exit.cause)) return Effect.succeed(Option.none())
  const outcome: Outcome = Cause.hasDies(exit.cause) ? "defect" : "error"
  const report = q.options.onError !== undefined
    ? q.options.onError(key, exit.cause)
    : Effect.logError("Reconciler error", exit.cause).pipe(Effect.annotateLogs({ outcome }))
  return report.pipe(Effect.andThen(queue.addRateLimited(key)), Effect.as(Option.some(outcome)))
}

const resyncLoop = (resync: Resync, queue: WorkQueue): Effect.Effect<never> => {
  const jitter = resync.jitter === undefined ? 0 : Duration.toMillis(Duration.fromInputUnsafe(resync.jitter))
  const addOne = (key: string) =>
    jitter <= 0 ? queue.add(key) : Effect.flatMap(Random.next, (random) => queue.addAfter(key, random * jitter))
  return Effect.forever(
    Effect.sleep(resync.period).pipe(
      Effect.andThen(resync.keys),
      Effect.flatMap((keys) => Effect.forEach(keys, addOne, { discard: true }))
    )
  )
}

const shutdown = (q: Internals): Effect.Effect<void> =>
  Effect.gen(function*() {
    KeyState.stop(q.state)
    yield* FiberMap.clear(q.timers)
    // Idle workers wake up interrupted; busy ones finish their key and then find the queue shut.
    yield* Queue.shutdown(q.ready)
    const drained = yield* Effect.timeoutOption(
      FiberSet.awaitEmpty(q.workers),
      q.options.gracePeriod ?? defaultGracePeriod
    )
    if (Option.isNone(drained)) {
      yield* Effect.logWarning("Grace period elapsed; interrupting in-flight reconciles").pipe(
        Effect.annotateLogs({ queue: q.options.name, inFlight: q.state.processing.size })
      )
      yield* FiberSet.clear(q.workers)
    }
  })
