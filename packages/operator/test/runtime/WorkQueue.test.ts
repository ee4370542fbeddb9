import { assert, describe, it } from "@effect/vitest"
import { Cause, Clock, Effect, Exit, Fiber, Scope } from "effect"
import { TestClock } from "effect/testing"
import * as WorkQueue from "../../src/runtime/WorkQueue.ts"

interface Run {
  readonly key: string
  readonly start: number
  end: number | undefined
}

/** A reconcile that records each run's start and end on the (test) clock. */
const recorder = (behaviour: (key: string, attempt: number) => Effect.Effect<WorkQueue.Result, string>) => {
  const runs: Array<Run> = []
  let active = 0
  let maxActive = 0
  const reconcile = (key: string) =>
    Effect.gen(function*() {
      const attempt = runs.filter((r) => r.key === key).length
      const run: Run = { key, start: yield* Clock.currentTimeMillis, end: undefined }
      runs.push(run)
      active++
      maxActive = Math.max(maxActive, active)
      return yield* behaviour(key, attempt).pipe(
        Effect.ensuring(Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.sync(() => {
            run.end = now
            active--
          })))
      )
    })
  return { runs, reconcile, maxActive: () => maxActive, of: (key: string) => runs.filter((r) => r.key === key) }
}

const sleepThen = (millis: number, result: WorkQueue.Result = undefined) =>
  Effect.sleep(millis).pipe(Effect.as(result))

/** Let forked fibers run until they all wait on the clock or a queue. */
const settle = Effect.forEach(Array.from({ length: 20 }), () => Effect.yieldNow, { discard: true })

const exact = { jitter: 0 }

describe("WorkQueue", () => {
  it.effect("a key queued twice before it runs runs once", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test" })
      const rec = recorder(() => sleepThen(10))
      yield* q.add("a")
      yield* q.add("a")
      yield* q.add("b")
      assert.deepStrictEqual((yield* q.stats).depth, 2)
      yield* q.run(rec.reconcile)
      yield* settle
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(rec.runs.map((r) => [r.key, r.start, r.end]), [["a", 0, 10], ["b", 10, 20]])
      assert.strictEqual((yield* q.stats).adds, 2)
    }))

  it.effect("a key added during its own run runs again once afterwards, never overlapping", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test", concurrency: 4 })
      const rec = recorder(() => sleepThen(100))
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* settle
      yield* TestClock.adjust(10)
      assert.strictEqual((yield* q.stats).inFlight, 1)
      yield* q.add("a")
      yield* q.add("a")
      yield* q.add("a")
      // Dirty, not queued: no second worker may take it while the first run is in flight.
      assert.strictEqual((yield* q.stats).depth, 0)
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(rec.of("a").map((r) => [r.start, r.end]), [[0, 100], [100, 200]])
      assert.strictEqual(rec.maxActive(), 1)
    }))

  it.effect("at most `concurrency` keys run at once", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test", concurrency: 3 })
      const rec = recorder(() => sleepThen(10))
      yield* q.run(rec.reconcile)
      yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => `k${i}`), q.add, { discard: true })
      yield* settle
      yield* TestClock.adjust(69)
      assert.strictEqual(rec.runs.filter((r) => r.end !== undefined).length, 18)
      yield* TestClock.adjust(1)
      assert.strictEqual(rec.runs.length, 20)
      assert.strictEqual(rec.maxActive(), 3)
      assert.strictEqual(new Set(rec.runs.map((r) => r.key)).size, 20)
    }))

  it.effect("a second run call is a defect", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test" })
      yield* q.run(() => Effect.void)
      const exit = yield* Effect.exit(q.run(() => Effect.void))
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
    }))

  it.effect("requeueAfter fires at its time and not before", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test" })
      const rec = recorder((_, attempt) => Effect.succeed(attempt === 0 ? { requeueAfter: "5 seconds" } : undefined))
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* settle
      yield* TestClock.adjust(4999)
      assert.strictEqual(rec.runs.length, 1)
      assert.strictEqual((yield* q.stats).waiting, 1)
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(rec.runs.map((r) => r.start), [0, 5000])
      yield* TestClock.adjust(60_000)
      assert.strictEqual(rec.runs.length, 2)
    }))

  it.effect("addAfter keeps the earliest pending due time", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test" })
      const rec = recorder(() => Effect.void)
      yield* q.run(rec.reconcile)
      yield* q.addAfter("a", "10 seconds")
      yield* q.addAfter("a", "3 seconds")
      yield* q.addAfter("a", "20 seconds")
      yield* TestClock.adjust(60_000)
      assert.deepStrictEqual(rec.runs.map((r) => r.start), [3000])
    }))

  it.effect("backoff doubles from 5 ms per failure and resets after a success", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test", backoff: exact, onError: () => Effect.void })
      const rec = recorder((_, attempt) => attempt < 5 || attempt === 6 ? Effect.fail("boom") : Effect.void)
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* settle
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(rec.runs.map((r) => r.start), [0, 5, 15, 35, 75, 155])
      assert.strictEqual(yield* q.failures("a"), 0)
      yield* q.add("a")
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(rec.runs.slice(6).map((r) => r.start), [1000, 1005])
      assert.strictEqual((yield* q.stats).retries, 6)
    }))

  it.effect("jittered backoff stays within [delay * (1 - jitter), delay]", () =>
    Effect.gen(function*() {
      const jitter = 0.5
      const q = yield* WorkQueue.make({ name: "test", backoff: { jitter }, onError: () => Effect.void })
      const rec = recorder((_, attempt) => attempt < 10 ? Effect.fail("boom") : Effect.void)
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* settle
      for (let i = 0; i < 10_000 && rec.runs.length < 11; i++) yield* TestClock.adjust(1)
      const starts = rec.runs.map((r) => r.start)
      assert.strictEqual(starts.length, 11)
      const gaps = starts.slice(1).map((s, i) => s - (starts[i] ?? 0))
      gaps.forEach((gap, i) => {
        const full = 5 * 2 ** i
        assert.isTrue(gap >= Math.floor(full * (1 - jitter)) && gap <= full, `gap ${i} = ${gap}, full ${full}`)
      })
      assert.isTrue(gaps.some((gap, i) => gap < 5 * 2 ** i), "some jitter was applied")
    }))

  it.effect("a defect in reconcile is reported, rate-limited and survived", () =>
    Effect.gen(function*() {
      const reported: Array<[string, boolean]> = []
      const outcomes: Array<string> = []
      const q = yield* WorkQueue.make({
        name: "test",
        backoff: exact,
        onError: (key, cause) => Effect.sync(() => void reported.push([key, Cause.hasDies(cause)])),
        onRun: (event) => Effect.sync(() => void outcomes.push(`${event.key}:${event.outcome}`))
      })
      const rec = recorder((key, attempt) =>
        key === "a" && attempt === 0
          ? Effect.sync(() => {
            throw new Error("bug")
          })
          : Effect.void
      )
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* q.add("b")
      yield* settle
      yield* TestClock.adjust(100)
      assert.deepStrictEqual(reported, [["a", true]])
      assert.deepStrictEqual(outcomes, ["a:defect", "b:success", "a:success"])
      assert.deepStrictEqual(rec.of("a").map((r) => r.start), [0, 5])
      assert.strictEqual((yield* q.stats).failures, 1)
    }))

  it.effect("a dying onRun hook does not stop the worker", () =>
    Effect.gen(function*() {
      const q = yield* WorkQueue.make({ name: "test", onRun: () => Effect.die("hook bug") })
      const rec = recorder(() => Effect.void)
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* q.add("b")
      yield* settle
      yield* TestClock.adjust(10)
      assert.deepStrictEqual(rec.runs.map((r) => r.key), ["a", "b"])
      assert.deepStrictEqual([(yield* q.stats).inFlight, (yield* q.stats).runs], [0, 2])
    }))

  it.effect("onRun reports duration and queue time", () =>
    Effect.gen(function*() {
      const events: Array<WorkQueue.RunEvent> = []
      const q = yield* WorkQueue.make({ name: "test", onRun: (e) => Effect.sync(() => void events.push(e)) })
      yield* q.add("a")
      yield* q.add("b")
      yield* q.run(recorder(() => sleepThen(30, { requeueAfter: "1 hour" })).reconcile)
      yield* settle
      yield* TestClock.adjust(100)
      assert.deepStrictEqual(events, [
        { key: "a", outcome: "requeueAfter", durationMs: 30, queuedMs: 0 },
        { key: "b", outcome: "requeueAfter", durationMs: 30, queuedMs: 30 }
      ])
    }))

  it.effect("resync adds every key each period, spread over the jitter window", () =>
    Effect.gen(function*() {
      const rec = recorder(() => Effect.void)
      const q = yield* WorkQueue.make({
        name: "test",
        concurrency: 3,
        resync: { period: "60 seconds", keys: Effect.succeed(["a", "b", "c"]), jitter: "1 second" }
      })
      yield* q.run(rec.reconcile)
      yield* TestClock.adjust(59_999)
      assert.strictEqual(rec.runs.length, 0)
      yield* TestClock.adjust(1001)
      assert.deepStrictEqual(rec.runs.map((r) => r.key).sort(), ["a", "b", "c"])
      assert.isTrue(rec.runs.every((r) => r.start >= 60_000 && r.start < 61_000))
      yield* TestClock.adjust(60_000)
      assert.strictEqual(rec.runs.length, 6)
    }))

  it.effect("closing the scope waits for in-flight reconciles and drops queued keys", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const q = yield* WorkQueue.make({ name: "test" }).pipe(Scope.provide(scope))
      const rec = recorder(() => sleepThen(5000))
      yield* q.run(rec.reconcile)
      yield* q.add("a")
      yield* q.add("b")
      yield* settle
      yield* TestClock.adjust(1000)
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      yield* TestClock.adjust(3999)
      assert.isUndefined(closing.pollUnsafe())
      yield* q.add("c")
      yield* TestClock.adjust(1)
      yield* Fiber.join(closing)
      assert.deepStrictEqual(rec.runs.map((r) => [r.key, r.start, r.end]), [["a", 0, 5000]])
      assert.strictEqual((yield* Clock.currentTimeMillis), 5000)
    }))

  it.effect("after the grace period in-flight reconciles are interrupted", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const events: Array<WorkQueue.RunEvent> = []
      const q = yield* WorkQueue.make({
        name: "test",
        gracePeriod: "2 seconds",
        onRun: (e) => Effect.sync(() => void events.push(e))
      }).pipe(Scope.provide(scope))
      let interrupted = false
      const flag = Effect.sync(() => interrupted = true)
      yield* q.run(() => Effect.sleep("10 seconds").pipe(Effect.onInterrupt(() => flag)))
      yield* q.add("a")
      yield* settle
      yield* TestClock.adjust(1000)
      const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
      yield* TestClock.adjust(2000)
      yield* Fiber.join(closing)
      assert.isTrue(interrupted)
      assert.strictEqual(yield* Clock.currentTimeMillis, 3000)
      assert.deepStrictEqual(events, [])
    }))
})
