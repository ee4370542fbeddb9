import { assert, describe, it } from "@effect/vitest"
import { Duration } from "effect"
import * as Backoff from "../../src/runtime/Backoff.ts"

const ms = (options: Backoff.Options, failures: number, random: number) =>
  Duration.toMillis(Backoff.delay(options, failures, random))

describe("Backoff.delay", () => {
  it.each([
    [0, 5],
    [1, 10],
    [2, 20],
    [3, 40],
    [10, 5120],
    [17, 655_360],
    [18, 1_000_000],
    [1000, 1_000_000]
  ])("controller-runtime's default after %i failures is %i ms", (failures, expected) => {
    assert.strictEqual(ms({ jitter: 0 }, failures, 0.99), expected)
  })

  it("takes at most the jitter fraction off, never adds to the cap", () => {
    assert.strictEqual(ms({}, 3, 0), 40)
    assert.closeTo(ms({}, 3, 0.5), 38, 1e-9)
    assert.closeTo(ms({ jitter: 0.5 }, 30, 0.999999), 500_000, 1)
    assert.strictEqual(ms({ jitter: 0.5 }, 30, 0), 1_000_000)
  })

  it("honours a custom base and cap", () => {
    assert.strictEqual(ms({ base: "1 second", max: "1 minute", jitter: 0 }, 0, 0), 1000)
    assert.strictEqual(ms({ base: "1 second", max: "1 minute", jitter: 0 }, 6, 0), 60_000)
  })
})
