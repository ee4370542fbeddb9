/**
 * `Conditions`: the transition time moves only with `status`, the list order is fixed,
 * `equal` compares every field, and the Effect variants read the time from the Clock.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { Conditions, KubeTypes } from "../src/index.ts"

const T0 = "2026-11-30T15:00:00Z"
const T1 = "2026-11-30T16:00:00Z"

const available: Conditions.Update = { type: "MasterAgentReady", status: "True", reason: "Available", message: "1/1 ready", observedGeneration: 3 }

describe("Conditions.set", () => {
  it("a new condition gets `now`", () => {
    const [c] = Conditions.set([], available, T0)
    assert.deepStrictEqual(c, { ...available, lastTransitionTime: T0 })
  })

  it("reason, message and observedGeneration changes keep the old time", () => {
    const first = Conditions.set([], available, T0)
    const next = Conditions.set(first, { ...available, reason: "Progressing", message: "rolling", observedGeneration: 4 }, T1)
    assert.deepStrictEqual(next, [{ type: "MasterAgentReady", status: "True", reason: "Progressing", message: "rolling", observedGeneration: 4, lastTransitionTime: T0 }])
  })

  it("a status change moves the time", () => {
    const first = Conditions.set([], available, T0)
    const next = Conditions.set(first, { ...available, status: "False", reason: "ApplyFailed" }, T1)
    assert.strictEqual(next[0]?.lastTransitionTime, T1)
    assert.strictEqual(next[0]?.status, "False")
  })

  it("an absent observedGeneration is omitted, not undefined", () => {
    const [c] = Conditions.set([], { type: "Ready", status: "Unknown", reason: "Reconciling", message: "" }, T0)
    assert.isFalse(c !== undefined && "observedGeneration" in c)
  })

  it("an over-long message is cut to what metav1.Condition allows", () => {
    const [c] = Conditions.set([], { ...available, message: "x".repeat(40000) }, T0)
    assert.strictEqual(c?.message.length, Conditions.maxMessageLength)
    assert.isTrue(Schema.is(KubeTypes.Condition)(c))
  })

  it("keeps conditions of other types and sorts by the fixed order, unknown types last", () => {
    const legacy: KubeTypes.Condition = { type: "Available", status: "True", reason: "Installed", message: "", lastTransitionTime: T0 }
    const list = Conditions.merge([legacy], [
      { type: "WebhookCertificateValid", status: "True", reason: "CertificateValid", message: "" },
      { type: "Ready", status: "True", reason: "Available", message: "" },
      { type: "OpenAgentReady", status: "False", reason: "Disabled", message: "" },
      { type: "NodeAgentReady", status: "True", reason: "Available", message: "" }
    ], T1)
    assert.deepStrictEqual(list.map((c) => c.type), ["Ready", "NodeAgentReady", "OpenAgentReady", "WebhookCertificateValid", "Available"])
    assert.deepStrictEqual(Conditions.remove(list, "Available").map((c) => c.type), ["Ready", "NodeAgentReady", "OpenAgentReady", "WebhookCertificateValid"])
  })

  it("a later update of the same type wins in merge", () => {
    const list = Conditions.merge([], [available, { ...available, message: "second" }], T0)
    assert.deepStrictEqual(list.map((c) => c.message), ["second"])
  })
})

const update = fc.record({
  type: fc.constantFrom(...Conditions.types),
  status: fc.constantFrom("True" as const, "False" as const, "Unknown" as const),
  reason: fc.constantFrom(...Conditions.reasons),
  message: fc.string({ maxLength: 20 })
})

describe("Conditions invariants", () => {
  it("re-applying the same decisions (one per type) is a no-op (same conditions, same times)", () => {
    fc.assert(fc.property(fc.uniqueArray(update, { selector: (u) => u.type }), (updates) => {
      const once = Conditions.merge([], updates, T0)
      const twice = Conditions.merge(once, updates, T1)
      assert.deepStrictEqual(twice, once)
      for (const c of twice) assert.strictEqual(c.lastTransitionTime, T0)
    }))
  })

  it("the time moves exactly when the status of that type changes", () => {
    fc.assert(fc.property(fc.array(update, { maxLength: 10 }), update, (updates, next) => {
      const before = Conditions.merge([], updates, T0)
      const after = Conditions.set(before, next, T1)
      const old = Conditions.find(before, next.type)
      const expected = old !== undefined && old.status === next.status ? T0 : T1
      return Conditions.find(after, next.type)?.lastTransitionTime === expected
    }))
  })

  it("the output is in the fixed order of Conditions.types, whatever the update order", () => {
    fc.assert(fc.property(fc.uniqueArray(update, { selector: (u) => u.type }), (updates) => {
      const expected = Conditions.types.filter((t) => updates.some((u) => u.type === t))
      assert.deepStrictEqual(Conditions.merge([], updates, T0).map((c) => c.type), expected)
      assert.deepStrictEqual(Conditions.merge([], [...updates].reverse(), T0).map((c) => c.type), expected)
    }))
  })
})

describe("Conditions.equal", () => {
  const base = Conditions.set([], available, T0)
  it("compares every field, the time and observedGeneration included", () => {
    assert.isTrue(Conditions.equal(base, Conditions.set([], available, T0)))
    assert.isFalse(Conditions.equal(base, Conditions.set([], available, T1)))
    assert.isFalse(Conditions.equal(base, Conditions.set([], { ...available, observedGeneration: 4 }, T0)))
    assert.isFalse(Conditions.equal(base, Conditions.set([], { ...available, message: "other" }, T0)))
    assert.isFalse(Conditions.equal(base, []))
  })
  it("is order-sensitive (an unsorted live list needs a write)", () => {
    const two = Conditions.merge([], [available, { type: "Ready", status: "True", reason: "Available", message: "" }], T0)
    assert.isFalse(Conditions.equal(two, [...two].reverse()))
  })
})

describe("Conditions.ready", () => {
  const at = (updates: ReadonlyArray<Conditions.Update>) => Conditions.merge([], updates, T0)
  it("True when every component is True, a Disabled one ignored", () => {
    const r = Conditions.ready(at([available, { type: "OpenAgentReady", status: "False", reason: "Disabled", message: "" }]), 7)
    assert.deepStrictEqual([r.status, r.reason, r.observedGeneration], ["True", "Available", 7])
  })
  it("False naming the failing components", () => {
    const r = Conditions.ready(at([available, { type: "NodeAgentReady", status: "False", reason: "ApplyFailed", message: "boom" }]))
    assert.deepStrictEqual([r.status, r.reason, r.message], ["False", "ComponentsNotReady", "not ready: NodeAgentReady (ApplyFailed)"])
  })
  it("the opt-in rollout restart's condition is no component: a halted restart does not hold Ready back", () => {
    const r = Conditions.ready(at([available, { type: "RolloutRestart", status: "False", reason: "Halted", message: "crash loop" }]))
    assert.deepStrictEqual([r.status, r.reason], ["True", "Available"])
    assert.notInclude(Conditions.componentTypes as ReadonlyArray<string>, "RolloutRestart")
  })
  it("Unknown while a component is Unknown or none reported", () => {
    assert.strictEqual(Conditions.ready(at([{ type: "NodeAgentReady", status: "Unknown", reason: "Reconciling", message: "" }])).status, "Unknown")
    assert.strictEqual(Conditions.ready([]).status, "Unknown")
  })
})

describe("Conditions with the Clock", () => {
  it("formatTime is RFC 3339 at seconds precision", () => {
    assert.strictEqual(Conditions.formatTime(Date.UTC(2026, 10, 30, 15, 0, 0, 999)), T0)
  })

  it.effect("setNow takes the time from TestClock and keeps it while the status holds", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 10, 30, 15, 0, 0))
      const first = yield* Conditions.setNow([], available)
      assert.strictEqual(first[0]?.lastTransitionTime, T0)
      yield* TestClock.adjust("1 hour")
      const same = yield* Conditions.setNow(first, { ...available, message: "still ready" })
      assert.strictEqual(same[0]?.lastTransitionTime, T0)
      const flipped = yield* Conditions.mergeNow(same, [{ ...available, status: "False", reason: "Unavailable" }])
      assert.strictEqual(flipped[0]?.lastTransitionTime, T1)
    }))
})
