/**
 * Property: for random sequences of add/addAfter over a few keys, random reconcile
 * durations and worker counts, a key never runs concurrently with itself, every key is
 * reconciled at or after its last add, and dedupe never makes more runs than adds.
 */
import * as fc from "fast-check"
import { assert, describe, it } from "vitest"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"
import * as WorkQueue from "../../src/runtime/WorkQueue.ts"

const keys = ["a", "b", "c", "d"] as const

const command = fc.record({
  gap: fc.integer({ min: 0, max: 50 }),
  key: fc.constantFrom(...keys),
  delay: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined })
})

const scenario = fc.record({
  concurrency: fc.integer({ min: 1, max: 4 }),
  durations: fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 8 }),
  commands: fc.array(command, { minLength: 1, maxLength: 40 })
})

type Scenario = typeof scenario extends fc.Arbitrary<infer A> ? A : never

interface Observed {
  readonly overlaps: Array<string>
  readonly starts: Map<string, Array<number>>
  readonly lastAdd: Map<string, number>
  readonly calls: Map<string, number>
  readonly stats: WorkQueue.Stats
}

const simulate = (s: Scenario) =>
  Effect.gen(function*() {
    const q = yield* WorkQueue.make({ name: "property", concurrency: s.concurrency })
    const active = new Set<string>()
    const overlaps: Array<string> = []
    const starts = new Map<string, Array<number>>()
    const lastAdd = new Map<string, number>()
    const calls = new Map<string, number>()
    let runs = 0
    yield* q.run((key) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        if (active.has(key)) overlaps.push(`${key}@${now}`)
        active.add(key)
        starts.set(key, [...(starts.get(key) ?? []), now])
        yield* Effect.sleep(s.durations[runs++ % s.durations.length] ?? 0)
        active.delete(key)
      })
    )
    for (const c of s.commands) {
      yield* TestClock.adjust(c.gap)
      lastAdd.set(c.key, yield* Clock.currentTimeMillis)
      calls.set(c.key, (calls.get(c.key) ?? 0) + 1)
      yield* c.delay === undefined ? q.add(c.key) : q.addAfter(c.key, c.delay)
    }
    yield* TestClock.adjust(100_000)
    const stats = yield* q.stats
    return { overlaps, starts, lastAdd, calls, stats } satisfies Observed
  }).pipe(Effect.scoped, Effect.provide(TestClock.layer()))

describe("WorkQueue (property)", () => {
  it("never runs a key concurrently with itself and always runs it after its last add", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const o = await Effect.runPromise(simulate(s))
        assert.deepStrictEqual(o.overlaps, [])
        for (const [key, added] of o.lastAdd) {
          const runs = o.starts.get(key) ?? []
          assert.isTrue(runs.some((start) => start >= added), `${key} last added at ${added}, runs at ${runs}`)
          assert.isAtMost(runs.length, o.calls.get(key) ?? 0)
        }
        assert.deepStrictEqual([o.stats.depth, o.stats.inFlight, o.stats.waiting], [0, 0, 0])
      }),
      { numRuns: 200 }
    )
  })
})
