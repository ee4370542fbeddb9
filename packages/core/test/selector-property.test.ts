/**
 * Properties of the selector engine over generated selectors and label sets: the
 * canonical form round-trips, the string and structured forms agree with each other and
 * with an independent reference model of the Kubernetes semantics, `explain` agrees with
 * `matches`, and neither the parser nor the matcher throws on arbitrary input.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { Selector } from "../src/index.ts"

const keyPool = ["app", "tier", "env", "x", "in", "notin", "example.com/team", "a.b_c-d"] as const
const valuePool = ["", "a", "b", "c", "in", "notin", "0", "1", "5", "007", "42", "9223372036854775807"] as const

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,3}[a-z0-9])?$/)
const name = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,5}[A-Za-z0-9])?$/)
const generatedKey = fc.tuple(fc.option(fc.array(dnsLabel, { minLength: 1, maxLength: 3 })), name)
  .map(([prefix, n]) => (prefix === null ? n : `${prefix.join(".")}/${n}`))
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keyPool) }, { weight: 1, arbitrary: generatedKey })
const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...valuePool) },
  { weight: 1, arbitrary: fc.stringMatching(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,5}[A-Za-z0-9])?)?$/) }
)
const integer = fc.oneof(fc.constantFrom(0, 1, 5, 7, 42), fc.nat(20), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n })).map(String)

const requirement: fc.Arbitrary<Selector.Requirement> = fc.oneof(
  fc.record({ key, operator: fc.constantFrom("In" as const, "NotIn" as const), values: fc.array(value, { minLength: 1, maxLength: 4 }) }),
  fc.record({ key, operator: fc.constantFrom("Equals" as const, "DoubleEquals" as const, "NotEquals" as const), values: value.map((v) => [v]) }),
  fc.record({ key, operator: fc.constantFrom("Exists" as const, "DoesNotExist" as const), values: fc.constant([]) }),
  fc.record({ key, operator: fc.constantFrom("Gt" as const, "Lt" as const), values: integer.map((v) => [v]) })
)
const selector = fc.array(requirement, { maxLength: 5 }).map(Selector.make)
const labels = fc.dictionary(fc.constantFrom(...keyPool), fc.constantFrom(...valuePool), { maxKeys: 6 })

const parsed = (text: string): Selector.Selector => {
  const result = Selector.parse(text)
  return Result.isSuccess(result) ? result.success : assert.fail(`${JSON.stringify(text)}: ${result.failure.message}`)
}

/** A non-canonical rendering: any requirement order, random whitespace, unsorted values. */
const noisy = (reqs: ReadonlyArray<Selector.Requirement>, spaces: ReadonlyArray<string>): string => {
  let i = 0
  const ws = () => spaces[i++ % spaces.length] ?? " "
  const op: Record<string, string> = { Equals: "=", DoubleEquals: "==", NotEquals: "!=", Gt: ">", Lt: "<" }
  return reqs.map((r) => {
    if (r.operator === "Exists") return `${ws()}${r.key}${ws()}`
    if (r.operator === "DoesNotExist") return `${ws()}!${ws()}${r.key}${ws()}`
    const list = [...r.values].reverse().map((v) => `${ws()}${v}${ws()}`).join(",")
    if (r.operator === "In") return `${ws()}${r.key} ${ws()}in${ws()}(${list})${ws()}`
    if (r.operator === "NotIn") return `${ws()}${r.key} ${ws()}notin${ws()}(${list})${ws()}`
    return `${ws()}${r.key}${ws()}${op[r.operator] ?? "?"}${ws()}${r.values[0] ?? ""}${ws()}`
  }).join(",")
}

/** The documented semantics written independently of the implementation. */
const reference = (r: Selector.Requirement, l: Record<string, string>): boolean => {
  const present = Object.hasOwn(l, r.key)
  const v = present ? l[r.key] ?? "" : ""
  const int = (s: string) => (/^[+-]?\d+$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n ? BigInt(s) : undefined)
  switch (r.operator) {
    case "In": case "Equals": case "DoubleEquals": return present && r.values.includes(v)
    case "NotIn": case "NotEquals": return !present || !r.values.includes(v)
    case "Exists": return present
    case "DoesNotExist": return !present
    case "Gt": case "Lt": {
      const a = present ? int(v) : undefined, b = int(r.values[0] ?? "")
      return a !== undefined && b !== undefined && (r.operator === "Gt" ? a > b : a < b)
    }
  }
}
const referenceAll = (s: Selector.Selector, l: Record<string, string>): boolean =>
  s._tag === "Requirements" && s.requirements.every((r) => reference(r, l))

describe("Selector properties", () => {
  it("format(parse(format(s))) round-trips to the same selector", () => {
    fc.assert(fc.property(selector, (s) => {
      const text = Selector.format(s)
      const again = parsed(text)
      assert.deepStrictEqual(again, s)
      assert.strictEqual(Selector.format(again), text)
    }), { numRuns: 500 })
  })

  it("parses noisy renderings to the canonical form", () => {
    const space = fc.array(fc.constantFrom(" ", "\t", "\n", "\r\n", "  "), { minLength: 1, maxLength: 7 })
    fc.assert(fc.property(fc.array(requirement, { minLength: 1, maxLength: 5 }), space, (reqs, spaces) => {
      assert.strictEqual(Selector.format(parsed(noisy(reqs, spaces))), Selector.format(Selector.make(reqs)))
    }), { numRuns: 500 })
  })

  it("matches agrees with the reference semantics and explain agrees with matches", () => {
    fc.assert(fc.property(selector, labels, (s, l) => {
      const c = Selector.compile(s)
      const matched = Selector.matches(c, l)
      assert.strictEqual(matched, referenceAll(s, l))
      const explanation = Selector.explain(c, l)
      assert.strictEqual(explanation.matched, matched)
      if (!explanation.matched && s._tag === "Requirements") {
        const first = s.requirements.find((r) => !reference(r, l))
        assert.strictEqual(explanation.requirement, first && Selector.formatRequirement(first))
        assert.isAbove(explanation.reason.length, 0)
      }
    }), { numRuns: 2000 })
  })

  it("the structured and string forms of a LabelSelector agree", () => {
    const expression = fc.oneof(
      fc.record({ key, operator: fc.constantFrom("In", "NotIn"), values: fc.array(value, { minLength: 1, maxLength: 3 }) }),
      fc.record({ key, operator: fc.constantFrom("Exists", "DoesNotExist") })
    )
    const structured = fc.record({
      matchLabels: fc.dictionary(key, value, { maxKeys: 3 }),
      matchExpressions: fc.array(expression, { maxLength: 3 })
    })
    const text = (json: { matchLabels: Record<string, string>; matchExpressions: ReadonlyArray<{ key: string; operator: string; values?: ReadonlyArray<string> }> }) => [
      ...Object.entries(json.matchLabels).map(([k, v]) => `${k}=${v}`),
      ...json.matchExpressions.map((e) =>
        e.operator === "Exists" ? e.key : e.operator === "DoesNotExist" ? `!${e.key}` : `${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(",")})`)
    ].join(",")
    fc.assert(fc.property(structured, fc.array(labels, { minLength: 1, maxLength: 5 }), (json, labelSets) => {
      const fromJson = Result.getOrThrow(Selector.fromLabelSelector(json))
      const fromText = parsed(text(json))
      assert.strictEqual(Selector.format(fromJson), Selector.format(fromText))
      const a = Selector.compile(fromJson), b = Selector.compile(fromText)
      for (const l of labelSets) assert.strictEqual(Selector.matches(a, l), Selector.matches(b, l))
      assert.deepStrictEqual(Selector.validateLabelSelector(json, []), [])
    }), { numRuns: 500 })
  })

  it("parse never throws and fails with positions inside the input", () => {
    const chars = fc.constantFrom("a", "b", "x", "=", "!", "(", ")", ",", ">", "<", " ", "in", "notin", "-", "/", "1")
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(chars, { maxLength: 12 }).map((cs) => cs.join(""))), (text) => {
      const result = Selector.parse(text)
      if (Result.isFailure(result)) {
        for (const issue of result.failure.issues) {
          assert.isTrue(issue.position !== undefined && issue.position >= 0 && issue.position <= text.length)
        }
      } else {
        assert.strictEqual(Selector.format(parsed(Selector.format(result.success))), Selector.format(result.success))
      }
    }), { numRuns: 2000 })
  })

  it("matches and explain never throw, whatever the selector or labels", () => {
    const junkRequirement = fc.record({ key: fc.string(), operator: fc.oneof(fc.string(), fc.constantFrom("In", "Gt", "Exists")), values: fc.array(fc.string()) })
    const junkSelector = fc.oneof(selector, fc.array(junkRequirement, { maxLength: 4 }).map((requirements) =>
      JSON.parse(JSON.stringify({ _tag: "Requirements", requirements }))))
    fc.assert(fc.property(junkSelector, fc.oneof(labels, fc.anything()), (s, l) => {
      const c = Selector.compile(s)
      const matched = Selector.matches(c, JSON.parse(JSON.stringify(l ?? null) ?? "null"))
      assert.isBoolean(matched)
      assert.strictEqual(Selector.explain(c, JSON.parse(JSON.stringify(l ?? null) ?? "null")).matched, matched)
    }), { numRuns: 1000 })
  })
})
