/**
 * The rollout restart's annotations (B3): what the operator reads from them, and the
 * validator's warnings for values it would not read as written.
 */
import { assert, describe, it } from "@effect/vitest"
import { Naming, RolloutRestart, Validate } from "../src/index.ts"

const R = Naming.rolloutRestart

const agent = (annotations: Record<string, string>) => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name: "whatap", annotations },
  spec: { features: { apm: { instrumentation: { enabled: true, targets: [] } } } }
})

describe("RolloutRestart.settings", () => {
  it("is on only with \"enabled\", one workload at a time unless the annotation says more", () => {
    assert.deepStrictEqual(RolloutRestart.settings(undefined), { enabled: false, maxConcurrent: 1, problems: [] })
    assert.deepStrictEqual(RolloutRestart.settings({ [R.annotation]: "enabled" }), { enabled: true, maxConcurrent: 1, problems: [] })
    assert.deepStrictEqual(RolloutRestart.settings({ [R.annotation]: "enabled", [R.maxConcurrent]: " 3 " }), { enabled: true, maxConcurrent: 3, problems: [] })
    assert.strictEqual(RolloutRestart.settings({ [R.maxConcurrent]: "50" }).maxConcurrent, 50)
    const off = RolloutRestart.settings({ [R.annotation]: "true" })
    assert.isFalse(off.enabled)
    assert.deepStrictEqual(off.problems, [{ annotation: R.annotation, message: `"true" leaves the rollout restart off: only "enabled" turns it on` }])
  })

  it("reads a max-concurrent value that is not a whole number from 1 to 50 as 1, and says so", () => {
    for (const bad of ["0", "51", "two", "1.5", "-1", "", "1e1", "007", 7]) {
      const s = RolloutRestart.settings({ [R.annotation]: "enabled", [R.maxConcurrent]: bad })
      assert.strictEqual(s.maxConcurrent, 1, String(bad))
      assert.strictEqual(s.problems.length, 1, String(bad))
      assert.include(s.problems[0]?.message ?? "", "is not a whole number from 1 to 50; 1 is used", String(bad))
    }
    const long = RolloutRestart.settings({ [R.maxConcurrent]: "x".repeat(10_000) })
    assert.isBelow(long.problems[0]?.message.length ?? 0, 200)
  })
})

describe("the validator and the rollout restart's annotations", () => {
  it("warns, at the annotation, about a value the operator would not read as written", () => {
    const issues = Validate.document(agent({ [R.annotation]: "yes", [R.maxConcurrent]: "many" })).issues.filter((i) => i.rule === "rollout-restart")
    assert.deepStrictEqual(issues.map((i) => [i.severity, i.path.join(".")]), [
      ["warning", `metadata.annotations.${R.annotation}`],
      ["warning", `metadata.annotations.${R.maxConcurrent}`]
    ])
    assert.deepStrictEqual(Validate.document(agent({ [R.annotation]: "enabled", [R.maxConcurrent]: "2" })).issues.filter((i) => i.rule === "rollout-restart"), [])
  })
})
