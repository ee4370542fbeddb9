/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's leaderelection
 * semantics, so only one operator replica reconciles at a time and a standby takes over
 * within `leaseDuration + 2 * retryPeriod` (14 s with the defaults) of the leader's death.
 *
 * - A candidate takes the Lease when it is absent, held by itself, released (no holder), or
 *   expired. Expiry is judged as client-go does: by when this candidate last saw the
 *   record change on its own clock, plus the record's `leaseDurationSeconds`, never by
 *   comparing the record's `renewTime` with the local clock, so clock skew between nodes
 *   cannot make two leaders.
 * - Every write is a PUT with the resourceVersion just read; a 409 means another candidate
 *   won this round.
 * - The leader renews every `retryPeriod` and steps down when no renewal has succeeded for
 *   `renewDeadline` (< `leaseDuration`, so it stops before anyone else may start).
 * - When `run` is interrupted (graceful shutdown) or its work ends, the leader releases the
 *   Lease at once (no holder, 1 s duration: client-go's ReleaseOnCancel), so a standby
 *   takes over at its next retry.
 *
 * Losing leadership interrupts the work and fails `run` with `LeaderElectionLost`, as
 * controller-runtime does: the informer caches, queues and half-finished reconciles of
 * the old term cannot be trusted. The caller decides what comes next; the operator
 * (`Operator.ts`) builds all of them inside the term's scope, so it campaigns again in
 * the same process with everything rebuilt (an API server outage longer than the renew
 * deadline must not need a process restart).
 */
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeError } from "@whatap-operator/kube"
import {
  Clock,
  Context,
  Duration,
  Effect,
  Fiber,
  Layer,
  Option,
  Random,
  Result,
  Schedule,
  Schema,
  type Stream,
  SubscriptionRef
} from "effect"
import * as Lease from "./internal/lease.ts"

export interface Options {
  /** The operator's namespace. */
  readonly namespace: string
  /** Lease name (default `Naming.leaderElectionLease`, the Go operator's, so the two never lead at once). */
  readonly name?: string | undefined
  /** This candidate, unique per process: see `makeIdentity`. */
  readonly identity: string
  /** How long a lease is valid after its last renewal (default 10 s). */
  readonly leaseDuration?: Duration.Input | undefined
  /** How long the leader keeps trying to renew before it steps down (default 8 s). */
  readonly renewDeadline?: Duration.Input | undefined
  /** Time between attempts to acquire or renew (default 2 s). */
  readonly retryPeriod?: Duration.Input | undefined
  /** Release the Lease when `run` ends or is interrupted (default true). */
  readonly releaseOnCancel?: boolean | undefined
}

/** What `/readyz` and the leader metric read. */
export interface State {
  readonly identity: string
  readonly isLeader: boolean
  /** The holder this candidate last saw; absent when none or not read yet. */
  readonly holder: string | undefined
}

export class LeaderElectionLost extends Schema.TaggedError<LeaderElectionLost>()("LeaderElectionLost", {
  namespace: Schema.String,
  name: Schema.String,
  identity: Schema.String,
  message: Schema.String
}) {}

export interface Elector {
  readonly identity: string
  readonly state: Effect.Effect<State>
  readonly changes: Stream.Stream<State>
  /**
   * Wait as a standby until this candidate holds the Lease, then run `whileLeader` while
   * renewing. Ends with `whileLeader`'s result (releasing the Lease), or fails with
   * `LeaderElectionLost` after interrupting it when renewal fails. One `run` at a time
   * per elector.
   */
  readonly run: <A, E, R>(whileLeader: Effect.Effect<A, E, R>) => Effect.Effect<A, E | LeaderElectionLost, R>
}

export class LeaderElector extends Context.Service<LeaderElector, Elector>()(
  "@whatap-operator/operator/LeaderElector"
) {
  static readonly layer = (options: Options) => Layer.effect(LeaderElector, make(options))
}

export const defaultLeaseDuration: Duration.Duration = Duration.seconds(10)
export const defaultRenewDeadline: Duration.Duration = Duration.seconds(8)
export const defaultRetryPeriod: Duration.Duration = Duration.seconds(2)

/** `hostname_` and 16 random hex digits, as controller-runtime's hostname plus a UUID. */
export const makeIdentity = (hostname: string): Effect.Effect<string> =>
  Effect.map(
    Effect.forEach(Array.from({ length: 4 }), () => Random.nextIntBetween(0, 0xffff)),
    (parts) => `${hostname}_${parts.map((p) => p.toString(16).padStart(4, "0")).join("")}`
  )

/** `make(options)` then `run(whileLeader)`, for a caller that needs no state. */
export const run = <A, E, R>(options: Options, whileLeader: Effect.Effect<A, E, R>) =>
  Effect.flatMap(make(options), (elector) => elector.run(whileLeader))

type Attempt = "leading" | "standby" | "failed"

/** One candidate's settings and what it last saw (client-go's observedRecord and observedTime). */
interface Candidate {
  readonly client: KubeClient["Service"]
  readonly namespace: string
  readonly name: string
  readonly identity: string
  readonly leaseMs: number
  readonly deadlineMs: number
  readonly retryMs: number
  readonly releaseOnCancel: boolean
  readonly ref: SubscriptionRef.SubscriptionRef<State>
  seen: Option.Option<Lease.Record>
  seenAt: number
  leading: boolean
}

const millisOf = (input: Duration.Input | undefined, fallback: Duration.Duration): number =>
  Duration.toMillis(Duration.fromInputUnsafe(input ?? fallback))

export const make = Effect.fn("LeaderElection.make")(function*(options: Options) {
  const c: Candidate = {
    client: yield* KubeClient,
    namespace: options.namespace,
    name: options.name ?? Naming.leaderElectionLease,
    identity: options.identity,
    leaseMs: millisOf(options.leaseDuration, defaultLeaseDuration),
    deadlineMs: millisOf(options.renewDeadline, defaultRenewDeadline),
    retryMs: millisOf(options.retryPeriod, defaultRetryPeriod),
    releaseOnCancel: options.releaseOnCancel ?? true,
    ref: yield* SubscriptionRef.make<State>({ identity: options.identity, isLeader: false, holder: undefined }),
    seen: Option.none(),
    seenAt: 0,
    leading: false
  }
  if (!(c.leaseMs > c.deadlineMs && c.deadlineMs > c.retryMs && c.retryMs > 0)) {
    return yield* Effect.die(new RangeError("LeaderElection: need leaseDuration > renewDeadline > retryPeriod > 0"))
  }
  return {
    identity: c.identity,
    state: SubscriptionRef.get(c.ref),
    changes: SubscriptionRef.changes(c.ref),
    run: <A, E, R>(whileLeader: Effect.Effect<A, E, R>) =>
      acquire(c).pipe(Effect.andThen(lead(c, whileLeader)), Effect.ensuring(stepDown(c)))
  } satisfies Elector
})

const publish = (c: Candidate): Effect.Effect<void> =>
  SubscriptionRef.update(c.ref, (s) => ({
    ...s,
    isLeader: c.leading,
    holder: Option.match(c.seen, { onNone: () => undefined, onSome: (r) => r.holder === "" ? undefined : r.holder })
  }))

/** A record that differs from the last one seen restarts the expiry clock, on our own clock. */
const observe = (c: Candidate, record: Lease.Record, now: number): void => {
  if (Option.isNone(c.seen) || !Lease.sameRecord(c.seen.value, record)) {
    c.seen = Option.some(record)
    c.seenAt = now
  }
}

const annotate = (c: Candidate) => Effect.annotateLogs({ lease: `${c.namespace}/${c.name}`, identity: c.identity })

const failed = (c: Candidate, what: string, error: KubeError | string): Effect.Effect<Attempt> =>
  Effect.logWarning(`Failed to ${what} lease`, error).pipe(annotate(c), Effect.as("failed" as const))

/** client-go's tryAcquireOrRenew: one GET and at most one write. */
const attempt = (c: Candidate): Effect.Effect<Attempt> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const got = yield* Effect.result(c.client.get(ApiResource.Lease, c.name, { namespace: c.namespace }))
    if (Result.isFailure(got)) {
      return yield* got.failure.reason === "NotFound" ? create(c, now) : failed(c, "get", got.failure)
    }
    const current = Lease.decode(got.success)
    if (Option.isNone(current)) return yield* failed(c, "decode", "the spec is not a Lease spec")
    observe(c, current.value, now)
    const holder = current.value.holder
    if (holder !== "" && holder !== c.identity && c.seenAt + current.value.leaseDurationSeconds * 1000 > now) {
      c.leading = false
      return "standby"
    }
    const next = Lease.next(current.value, c.identity, c.leaseMs, now)
    const put = yield* Effect.result(c.client.update(ApiResource.Lease, Lease.withRecord(got.success, next)))
    if (Result.isFailure(put)) {
      // 409: another candidate wrote first and won this round.
      return put.failure.reason === "Conflict" ? "standby" : yield* failed(c, "update", put.failure)
    }
    observe(c, next, now)
    c.leading = true
    return "leading"
  }).pipe(Effect.tap(() => publish(c)))

const create = (c: Candidate, now: number): Effect.Effect<Attempt> => {
  const record = Lease.initial(c.identity, c.leaseMs, now)
  const lease = Lease.object(c.namespace, c.name, record)
  const request = Effect.result(c.client.create(ApiResource.Lease, lease, { namespace: c.namespace }))
  return Effect.flatMap(request, (created) => {
    if (Result.isSuccess(created)) {
      observe(c, record, now)
      c.leading = true
      return Effect.succeed<Attempt>("leading")
    }
    const lostRace = created.failure.reason === "AlreadyExists" || created.failure.reason === "Conflict"
    return lostRace ? Effect.succeed<Attempt>("standby") : failed(c, "create", created.failure)
  })
}

/** Standby: try every retryPeriod until this candidate holds the lease. */
const acquire = (c: Candidate): Effect.Effect<void> =>
  attempt(c).pipe(
    Effect.repeat({ schedule: Schedule.spaced(c.retryMs), until: (a: Attempt) => a === "leading" }),
    Effect.andThen(Effect.logInfo("Successfully acquired lease").pipe(annotate(c)))
  )

const lose = (c: Candidate, message: string): Effect.Effect<never, LeaderElectionLost> =>
  Effect.suspend(() => {
    c.leading = false
    const error = new LeaderElectionLost({ namespace: c.namespace, name: c.name, identity: c.identity, message })
    return publish(c).pipe(
      Effect.andThen(Effect.logError("Leader election lost", error).pipe(annotate(c))),
      Effect.andThen(Effect.fail(error))
    )
  })

/** Renew every retryPeriod; fail when another holder shows up or nothing succeeded for renewDeadline. */
const renew = (c: Candidate): Effect.Effect<never, LeaderElectionLost> =>
  Effect.gen(function*() {
    let renewed = yield* Clock.currentTimeMillis
    while (true) {
      yield* Effect.sleep(c.retryMs)
      const now = yield* Clock.currentTimeMillis
      const left = renewed + c.deadlineMs - now
      // A call that hangs past the deadline counts as a failure.
      const outcome = left <= 0 ? Option.none<Attempt>() : yield* Effect.timeoutOption(attempt(c), left)
      if (Option.contains(outcome, "leading")) {
        renewed = now
      } else if (Option.contains(outcome, "standby")) {
        return yield* lose(c, "another candidate holds the lease")
      } else if ((yield* Clock.currentTimeMillis) - renewed >= c.deadlineMs) {
        return yield* lose(c, `failed to renew the lease within ${Duration.format(Duration.millis(c.deadlineMs))}`)
      }
    }
  })

const lead = <A, E, R>(c: Candidate, whileLeader: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const renewal = yield* Effect.forkChild(renew(c))
    const work = yield* Effect.forkChild(whileLeader)
    // Renewal goes on while the work shuts down, so the lease stays ours until it has.
    return yield* Effect.raceFirst(Fiber.join(work), Fiber.join(renewal)).pipe(
      Effect.ensuring(Fiber.interrupt(work).pipe(Effect.andThen(Fiber.interrupt(renewal))))
    )
  })

/** client-go's release: only when we still hold it, bounded by renewDeadline, errors logged. */
const release = (c: Candidate): Effect.Effect<void> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const current = yield* c.client.get(ApiResource.Lease, c.name, { namespace: c.namespace })
    const record = Lease.decode(current)
    if (Option.isNone(record) || record.value.holder !== c.identity) return
    const released = Lease.released(record.value, now)
    yield* c.client.update(ApiResource.Lease, Lease.withRecord(current, released))
    observe(c, released, now)
    yield* Effect.logInfo("Released lease").pipe(annotate(c))
  }).pipe(
    Effect.catch((error) => failed(c, "release", error)),
    Effect.timeoutOption(c.deadlineMs),
    Effect.asVoid
  )

/** After `run` ends for any reason: release a lease still held (graceful shutdown), publish. */
const stepDown = (c: Candidate): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (!c.leading) return Effect.void
    c.leading = false
    return (c.releaseOnCancel ? release(c) : Effect.void).pipe(Effect.andThen(publish(c)))
  })
