/**
 * The controller's batching of monitor CR changes (`Controller.batched`), on the test
 * clock: a burst gives one pass right after it (its quiet period), and changes that keep
 * coming still get a pass within the longest wait.
 */
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, PubSub, Ref, Stream } from "effect"
import { TestClock } from "effect/testing"
import * as Controller from "../../src/controller/Controller.ts"

const batch = { quiet: Duration.seconds(1), maxWait: Duration.seconds(10) }

/** Runs `batched` over a PubSub of changes; returns a publisher and the times passes were asked for. */
const setup = Effect.gen(function*() {
  const changes = yield* PubSub.unbounded<number>()
  const adds = yield* Ref.make<ReadonlyArray<number>>([])
  const addAll = () => Effect.flatMap(Clock.currentTimeMillis, (at) => Ref.update(adds, (all) => [...all, at]))
  yield* Controller.batched(Stream.fromPubSub(changes), batch, addAll)
  // let both subscriptions start before anything is published
  yield* TestClock.adjust("1 millis")
  const publish = (n: number) => PubSub.publish(changes, n)
  return { publish, adds: Ref.get(adds) }
})

describe("Controller.batched", () => {
  it.effect("a burst of changes is one pass, a quiet period after its last change", () =>
    Effect.gen(function*() {
      const { publish, adds } = yield* setup
      for (let i = 0; i < 20; i++) {
        yield* publish(i)
        yield* TestClock.adjust("300 millis")
      }
      yield* TestClock.adjust("30 seconds")
      // the last change came at 1 + 19 * 300 ms; the pass a second later, and no other
      assert.deepStrictEqual(yield* adds, [1 + 19 * 300 + 1000])
    }).pipe(Effect.scoped))

  it.effect("changes that keep coming get a pass every maxWait, and one after they stop", () =>
    Effect.gen(function*() {
      const { publish, adds } = yield* setup
      for (let i = 0; i < 50; i++) {
        yield* publish(i)
        yield* TestClock.adjust("500 millis")
      }
      yield* TestClock.adjust("30 seconds")
      const at = yield* adds
      // 25 s of changes every 0.5 s: passes at 10 s and 20 s into it, then one after the last change
      assert.deepStrictEqual(at, [1 + 10_000, 1 + 20_000, 1 + 49 * 500 + 1000])
    }).pipe(Effect.scoped))

  it.effect("separate changes each get their pass", () =>
    Effect.gen(function*() {
      const { publish, adds } = yield* setup
      yield* publish(1)
      yield* TestClock.adjust("5 seconds")
      yield* publish(2)
      yield* TestClock.adjust("5 seconds")
      assert.deepStrictEqual(yield* adds, [1001, 5001 + 1000])
    }).pipe(Effect.scoped))
})
