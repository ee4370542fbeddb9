import { assert, describe, it } from "@effect/vitest"
import { Naming } from "@whatap-operator/core"
import { KubeClient } from "@whatap-operator/kube"
import { Cause, Clock, Effect, Exit, Fiber, Layer, Option, Stream } from "effect"
import { TestClock } from "effect/testing"
import * as LeaderElection from "../../src/runtime/LeaderElection.ts"
import * as Lease from "../../src/runtime/internal/lease.ts"
import * as FakeLeases from "./support/FakeLeases.ts"

const namespace = "whatap-monitoring"
const name = Naming.leaderElectionLease

type Fake = ReturnType<typeof FakeLeases.make>

const record = (fake: Fake) => {
  const lease = fake.lease(namespace, name)
  return lease === undefined ? undefined : Option.getOrUndefined(Lease.decode(lease))
}

const candidate = (
  fake: Fake,
  identity: string,
  options: Partial<LeaderElection.Options> = {},
  connection: FakeLeases.Connection = { down: false, hang: false }
) =>
  LeaderElection.make({ namespace, identity, ...options }).pipe(
    Effect.provideService(KubeClient, fake.client(connection))
  )

/** Runs `elector` with work that records when it started and whether it was interrupted. */
const lead = (elector: LeaderElection.Elector) =>
  Effect.gen(function*() {
    const work = { startedAt: undefined as number | undefined, interruptedAt: undefined as number | undefined }
    const whileLeader = Effect.gen(function*() {
      work.startedAt = yield* Clock.currentTimeMillis
      return yield* Effect.never
    }).pipe(Effect.onInterrupt(() =>
      Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => work.interruptedAt = t))
    ))
    const fiber = yield* Effect.forkChild(elector.run(whileLeader))
    yield* TestClock.adjust(0)
    return { fiber, work }
  })

describe("LeaderElection", () => {
  it.effect("a single candidate creates the lease and renews it every retry period", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const a = yield* candidate(fake, "a")
      const { work } = yield* lead(a)
      assert.strictEqual(work.startedAt, 0)
      assert.deepStrictEqual(yield* a.state, { identity: "a", isLeader: true, holder: "a" })
      assert.deepStrictEqual(record(fake), {
        holder: "a",
        leaseDurationSeconds: 10,
        acquireTime: "1970-01-01T00:00:00.000000Z",
        renewTime: "1970-01-01T00:00:00.000000Z",
        transitions: 0
      })
      yield* TestClock.adjust(2000)
      assert.strictEqual(record(fake)?.renewTime, "1970-01-01T00:00:02.000000Z")
      assert.strictEqual(record(fake)?.acquireTime, "1970-01-01T00:00:00.000000Z")
      yield* TestClock.adjust(60_000)
      assert.strictEqual(fake.writes(), 32)
    }))

  it.effect("a second candidate waits while the leader renews", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      yield* lead(yield* candidate(fake, "a"))
      const b = yield* candidate(fake, "b")
      const { work } = yield* lead(b)
      yield* TestClock.adjust(120_000)
      assert.isUndefined(work.startedAt)
      assert.deepStrictEqual(yield* b.state, { identity: "b", isLeader: false, holder: "a" })
      assert.strictEqual(record(fake)?.holder, "a")
    }))

  it.effect("when the leader dies, a standby takes over after the lease duration", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const a = yield* lead(yield* candidate(fake, "a", { releaseOnCancel: false }))
      const b = yield* lead(yield* candidate(fake, "b"))
      yield* TestClock.adjust(5000)
      yield* Fiber.interrupt(a.fiber) // the last renewal was at 4 s
      yield* TestClock.adjust(8999)
      assert.isUndefined(b.work.startedAt, "not before the lease expired")
      yield* TestClock.adjust(20_000)
      const takeover = b.work.startedAt ?? Infinity
      assert.isTrue(takeover >= 4000 + 10_000 && takeover <= 5000 + 15_000, `took over at ${takeover}`)
      assert.deepStrictEqual([record(fake)?.holder, record(fake)?.transitions], ["b", 1])
    }))

  it.effect("on graceful shutdown the leader releases and a standby takes over within one retry period", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const aElector = yield* candidate(fake, "a")
      const a = yield* lead(aElector)
      const b = yield* lead(yield* candidate(fake, "b"))
      yield* TestClock.adjust(5000)
      yield* Fiber.interrupt(a.fiber)
      assert.strictEqual(a.work.interruptedAt, 5000)
      assert.deepStrictEqual(record(fake), {
        holder: "",
        leaseDurationSeconds: 1,
        acquireTime: "1970-01-01T00:00:05.000000Z",
        renewTime: "1970-01-01T00:00:05.000000Z",
        transitions: 0
      })
      assert.isFalse((yield* aElector.state).isLeader)
      yield* TestClock.adjust(2000)
      assert.strictEqual(b.work.startedAt, 6000)
      assert.deepStrictEqual([record(fake)?.holder, record(fake)?.transitions], ["b", 1])
    }))

  it.effect("a 409 on acquire leaves the candidate standing by for the winner", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const ghost = Lease.object(namespace, name, Lease.initial("ghost", 10_000, -60_000))
      fake.put(ghost)
      const b = yield* candidate(fake, "b")
      const run = yield* lead(b)
      yield* TestClock.adjust(9999)
      assert.isUndefined(run.work.startedAt, "the ghost's lease counts from when b first saw it")
      const stored = fake.lease(namespace, name) ?? ghost
      const winner = Lease.next(Lease.initial("ghost", 10_000, 0), "c", 10_000, 10_000)
      fake.beforeNextUpdate(() => void fake.put(Lease.withRecord(stored, winner)))
      yield* TestClock.adjust(1)
      assert.isUndefined(run.work.startedAt)
      assert.isUndefined(run.fiber.pollUnsafe(), "the conflict is not an error")
      yield* TestClock.adjust(2000)
      assert.deepStrictEqual(yield* b.state, { identity: "b", isLeader: false, holder: "c" })
      yield* TestClock.adjust(10_000)
      assert.strictEqual(run.work.startedAt, 22_000, "c never renewed: b takes over 10 s after it saw c's record")
    }))

  for (const failure of ["down", "hang"] as const) {
    const what = failure === "down" ? "fail" : "hang"
    it.effect(`a leader whose API calls ${what} steps down within the renew deadline`, () =>
      Effect.gen(function*() {
        const fake = FakeLeases.make()
        const connection = { down: false, hang: false }
        const elector = yield* candidate(fake, "a", {}, connection)
        const a = yield* lead(elector)
        yield* TestClock.adjust(3000) // renewed at 2 s
        connection[failure] = true
        yield* TestClock.adjust(6999)
        assert.isUndefined(a.work.interruptedAt)
        assert.isTrue((yield* elector.state).isLeader)
        yield* TestClock.adjust(1)
        assert.strictEqual(a.work.interruptedAt, 2000 + 8000)
        assert.isFalse((yield* elector.state).isLeader)
        const exit = a.fiber.pollUnsafe()
        assert.isTrue(exit !== undefined && Exit.isFailure(exit))
        const error = exit !== undefined && Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : Option.none()
        assert.isTrue(Option.isSome(error) && error.value instanceof LeaderElection.LeaderElectionLost)
      }))
  }

  it.effect("a leader that sees another holder steps down at once", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const a = yield* lead(yield* candidate(fake, "a"))
      yield* TestClock.adjust(3000)
      const stored = fake.lease(namespace, name)
      assert.isDefined(stored)
      if (stored !== undefined) fake.put(Lease.withRecord(stored, Lease.initial("intruder", 10_000, 3000)))
      yield* TestClock.adjust(1000)
      assert.strictEqual(a.work.interruptedAt, 4000)
      assert.strictEqual(record(fake)?.holder, "intruder", "the lease is not released from under the new holder")
    }))

  it.effect("when the work ends, run returns its value and releases the lease", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const a = yield* candidate(fake, "a")
      const fiber = yield* Effect.forkChild(a.run(Effect.as(Effect.sleep(3000), 42)))
      yield* TestClock.adjust(3000)
      assert.strictEqual(yield* Fiber.join(fiber), 42)
      assert.strictEqual(record(fake)?.holder, "")
    }))

  it.effect("the LeaderElector layer serves the elector and its state changes", () =>
    Effect.gen(function*() {
      const fake = FakeLeases.make()
      const layer = LeaderElection.LeaderElector.layer({ namespace, identity: "a" }).pipe(
        Layer.provide(Layer.succeed(KubeClient, fake.client()))
      )
      const elector = yield* Effect.provide(Effect.service(LeaderElection.LeaderElector), layer)
      const seen = yield* elector.changes.pipe(
        Stream.map((s) => s.isLeader),
        Stream.take(2),
        Stream.runCollect,
        Effect.forkChild
      )
      yield* lead(elector)
      assert.deepStrictEqual(Array.from(yield* Fiber.join(seen)), [false, true])
    }))

  it.effect("durations out of order are a defect", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(candidate(FakeLeases.make(), "a", { renewDeadline: "20 seconds" }))
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
    }))

  it.effect("an identity is the hostname and 16 random hex digits", () =>
    Effect.gen(function*() {
      const a = yield* LeaderElection.makeIdentity("whatap-operator-7d9f")
      const b = yield* LeaderElection.makeIdentity("whatap-operator-7d9f")
      assert.match(a, /^whatap-operator-7d9f_[0-9a-f]{16}$/)
      assert.notStrictEqual(a, b)
    }))

  it("writes times as RFC 3339 micro time", () => {
    assert.strictEqual(Lease.microTime(Date.UTC(2026, 10, 30, 15, 0, 0, 123)), "2026-11-30T15:00:00.123000Z")
  })
})
