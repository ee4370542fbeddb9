/**
 * The shadowed-target check builds a target's shape (its constraints as sets) only for
 * pairs that a cheap look at their `matchLabels` and `matchNames` cannot tell apart
 * (`mayCover`). That look must never rule out a pair the shapes say is covered, or a
 * shadowed target would go unreported: checked here on every pair of a few thousand
 * targets drawn from small pools, so that covered pairs are common.
 */
import { assert, describe, it } from "@effect/vitest"
import type { TargetSpec } from "../src/Instrumentation.ts"
import type { L } from "../src/internal/validate/model.ts"
import { covers, mayCover, outline, shape } from "../src/internal/validate/targets.ts"

/** A deterministic generator (a 32-bit LCG), so a failure reproduces. */
const random = (seed: number) => {
  let state = seed >>> 0
  return (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state % n
  }
}

const labelPool = [["app", "web"], ["app", "api"], ["tier", "db"], ["team", "a"]] as const
const expressionPool = [
  { key: "tier", operator: "In", values: ["db", "cache"] },
  { key: "tier", operator: "In", values: ["cache", "db"] },
  { key: "env", operator: "Exists" },
  { key: "app", operator: "NotIn", values: ["x"] }
]
const namePool = ["shop", "web", "ops"]

const target = (next: (n: number) => number): L<TargetSpec> => {
  const labels = (): Record<string, string> | undefined => {
    if (next(3) === 0) return undefined
    const out: Record<string, string> = {}
    for (const [key, value] of labelPool) if (next(3) === 0) out[key] = value
    return out
  }
  const expressions = () => (next(2) === 0 ? undefined : expressionPool.filter(() => next(3) === 0))
  const names = next(2) === 0 ? undefined : namePool.filter(() => next(2) === 0)
  return {
    enabled: true,
    podSelector: next(4) === 0 ? undefined : { matchLabels: labels(), matchExpressions: expressions() },
    namespaceSelector: next(3) === 0 ? undefined : { matchNames: names, matchLabels: labels(), matchExpressions: expressions() }
  } as L<TargetSpec>
}

describe("shadowing pre-check", () => {
  it("never rules out a pair whose shapes cover, and rules out most of the others", () => {
    const next = random(7)
    const targets = Array.from({ length: 120 }, () => target(next))
    let coveredPairs = 0
    let ruledOut = 0
    const missed: Array<string> = []
    for (const earlier of targets) {
      for (const later of targets) {
        const covered = covers(shape(earlier), shape(later))
        const may = mayCover(outline(earlier), outline(later))
        if (covered) coveredPairs++
        if (!may) ruledOut++
        if (covered && !may) missed.push(`${JSON.stringify(earlier)} covers ${JSON.stringify(later)}`)
      }
    }
    assert.deepStrictEqual(missed.slice(0, 5), [])
    assert.isAbove(coveredPairs, 500, "the pools make covered pairs common")
    assert.isAbove(ruledOut, 3000, "the pre-check rules pairs out")
  })

  it("a label of the earlier target that the later one lacks, or has with another value, rules the pair out", () => {
    const t = (matchLabels: Record<string, string>): L<TargetSpec> => ({ enabled: true, podSelector: { matchLabels } }) as L<TargetSpec>
    assert.isFalse(mayCover(outline(t({ app: "web" })), outline(t({ app: "api" }))))
    assert.isFalse(mayCover(outline(t({ app: "web" })), outline(t({ tier: "web" }))))
    assert.isTrue(mayCover(outline(t({ app: "web" })), outline(t({ app: "web", tier: "db" }))))
    assert.isTrue(mayCover(outline(t({})), outline(t({ app: "web" }))))
  })
})
