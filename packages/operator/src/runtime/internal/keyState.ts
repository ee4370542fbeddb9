/**
 * The bookkeeping of `WorkQueue`: client-go workqueue's `queue`/`dirty`/`processing` sets
 * and the delaying and rate-limiting maps, as synchronous transitions. Callers run each
 * transition inside one `Effect.sync`, which makes it atomic with respect to other fibers.
 *
 * Invariants: a key is in at most one of `queued` and `processing`; only a key in
 * `processing` can be `dirty` (added again while it runs); `queued` holds exactly the keys
 * that sit in the ready queue, each once. Together they make "never concurrently with
 * itself" and "runs again after a mid-run add" hold.
 */
import { Queue } from "effect"

export interface State {
  stopping: boolean
  started: boolean
  /** Keys in the ready queue, with the time they were put there. */
  readonly queued: Map<string, number>
  readonly processing: Set<string>
  /** Keys added while being processed: put back in the ready queue when their run ends. */
  readonly dirty: Set<string>
  /** Keys with a pending delayed add, and its due time. */
  readonly waiting: Map<string, number>
  /** Consecutive failures per key. */
  readonly failures: Map<string, number>
  adds: number
  retries: number
  runs: number
  errors: number
}

export const make = (): State => ({
  stopping: false,
  started: false,
  queued: new Map(),
  processing: new Set(),
  dirty: new Set(),
  waiting: new Map(),
  failures: new Map(),
  adds: 0,
  retries: 0,
  runs: 0,
  errors: 0
})

/** client-go's `Add`: dedupe against queued and dirty keys; a key being processed becomes dirty. */
export const add = (state: State, ready: Queue.Queue<string>, key: string, now: number): void => {
  if (state.stopping || state.queued.has(key) || state.dirty.has(key)) return
  state.adds++
  if (state.processing.has(key)) {
    state.dirty.add(key)
    return
  }
  state.queued.set(key, now)
  Queue.offerUnsafe(ready, key)
}

/** A worker took `key` from the ready queue; returns the time it was queued. */
export const begin = (state: State, key: string): number => {
  const queuedAt = state.queued.get(key) ?? 0
  state.queued.delete(key)
  state.processing.add(key)
  return queuedAt
}

/** client-go's `Done`: the run of `key` ended; a dirty key goes back to the ready queue. */
export const done = (state: State, ready: Queue.Queue<string>, key: string, now: number): void => {
  state.processing.delete(key)
  if (!state.dirty.delete(key) || state.stopping) return
  state.queued.set(key, now)
  Queue.offerUnsafe(ready, key)
}

/**
 * Record a delayed add due at `due`; false when the key already waits for a time no later
 * than `due` (the earlier one wins, as in client-go's delaying queue) or the queue stops.
 */
export const wait = (state: State, key: string, due: number): boolean => {
  const pending = state.waiting.get(key)
  if (state.stopping || (pending !== undefined && pending <= due)) return false
  state.waiting.set(key, due)
  return true
}

/** Count a failure of `key`; returns the failures before this one (the backoff exponent). */
export const fail = (state: State, key: string): number => {
  const before = state.failures.get(key) ?? 0
  state.failures.set(key, before + 1)
  state.retries++
  return before
}

/** Stop accepting keys; what is queued or waiting is dropped. */
export const stop = (state: State): void => {
  state.stopping = true
  state.queued.clear()
  state.dirty.clear()
  state.waiting.clear()
}

export const stats = (state: State) => ({
  depth: state.queued.size,
  inFlight: state.processing.size,
  waiting: state.waiting.size,
  adds: state.adds,
  retries: state.retries,
  runs: state.runs,
  failures: state.errors
})
