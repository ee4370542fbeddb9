/**
 * The validator's bounds on hostile input (it sits in the admission path): a document of
 * more than `maxValues` values is one error, read no further; a resource with more than
 * `maxIssues` findings lists that many, its errors first, plus one finding that counts the
 * rest, so the verdict never changes and what callers format stays small.
 */
import { assert, describe, it } from "@effect/vitest"
import { Decode, Validate } from "../src/index.ts"

const agentWith = (envs: ReadonlyArray<unknown>, language = "java") => ({
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name: "whatap" },
  spec: { features: { apm: { instrumentation: { targets: [{ name: "t", enabled: true, language, envs }] } } } }
})

const tooMany = /^document holds more than 50,000 values \(keys, items and scalars\)/

describe("Validate bounds", () => {
  it("a document of more than maxValues values is one error and is read no further", () => {
    // each env is two values (the object and its name)
    const over = Validate.document(agentWith(Array.from({ length: 25_000 }, () => ({ name: "" }))))
    assert.strictEqual(over.issues.length, 1)
    assert.match(over.issues[0]?.message ?? "", tooMany)
    assert.strictEqual(over.issues[0]?.severity, "error")
    assert.deepStrictEqual(Decode.resource(agentWith(Array.from({ length: 25_000 }, () => ({ name: "A" })))).findings.map((f) => f.path), [[]])
  })

  it("counts exactly: maxValues values are read, one more is not", () => {
    const count = (value: unknown): number =>
      typeof value === "object" && value !== null ? 1 + Object.values(value).reduce((n: number, v) => n + count(v), 0) : 1
    const frame = count(agentWith([]))
    const fill = (values: number) => agentWith(Array.from({ length: values - frame }, () => 0))
    assert.strictEqual(count(fill(Validate.maxValues)), Validate.maxValues)
    const messages = (values: number) => Validate.document(fill(values)).issues.map((i) => i.message)
    assert.notMatch(messages(Validate.maxValues).join("\n"), tooMany)
    assert.match(messages(Validate.maxValues + 1).join("\n"), tooMany)
  })

  it("lists at most maxIssues findings and counts the rest", () => {
    const report = Validate.document(agentWith(Array.from({ length: 3_000 }, () => ({ name: "" }))))
    assert.strictEqual(report.issues.length, Validate.maxIssues + 1)
    const summary = report.issues.find((i) => i.path.length === 0)
    assert.isDefined(summary)
    assert.strictEqual(summary?.severity, "error")
    assert.strictEqual(summary?.rule, "findings-limit")
    // 3,000 empty names (errors) and 2,999 duplicates (warnings): 1,000 errors listed
    assert.strictEqual(summary?.message, "4999 more findings not listed (2000 errors, 2999 warnings): at most 1000 are listed per resource")
    assert.strictEqual(report.issues.filter((i) => i.severity === "error").length, Validate.maxIssues + 1)
  })

  it("keeps the errors before the warnings, so a cut never hides the one error", () => {
    // 1,999 duplicate-name warnings sort before the language error ("envs" < "language")
    const report = Validate.document(agentWith(Array.from({ length: 2_000 }, () => ({ name: "A", value: "1" })), "jav"))
    assert.strictEqual(report.issues.length, Validate.maxIssues + 1)
    assert.isTrue(report.issues.some((i) => i.rule === "apm-language" && i.severity === "error"))
    const summary = report.issues.find((i) => i.path.length === 0)
    assert.strictEqual(summary?.severity, "warning")
    assert.strictEqual(summary?.message, "1000 more findings not listed (0 errors, 1000 warnings): at most 1000 are listed per resource")
  })

  it("at maxIssues nothing is cut", () => {
    const report = Validate.document(agentWith(Array.from({ length: 500 }, () => ({ name: "" }))))
    assert.strictEqual(report.issues.length, 999)
    assert.isFalse(report.issues.some((i) => i.message.includes("more findings not listed")))
  })
})
