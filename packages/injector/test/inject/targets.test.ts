/**
 * The admission decides with `select` (no explanations), `explain` reports `evaluate`'s
 * verdicts, and the operator's status counts use `firstMatchingTarget`: over generated targets
 * (valid selectors and ones Kubernetes would reject, matched literally), pods and
 * namespaces, the three must pick the same target.
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as Targets from "../../src/internal/inject/Targets.ts"
import { Inject } from "../../src/index.ts"
import { agent } from "./support.ts"

const keys = ["app", "tier", "bad key!", "a/b/c"] as const
const values = ["web", "api", "has space", ""] as const
const names = ["apps", "shop", "Bad_Name"] as const

const requirement = fc.record({
  key: fc.constantFrom(...keys),
  operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist", "in", "Foo"),
  values: fc.option(fc.array(fc.constantFrom(...values), { maxLength: 2 }), { nil: undefined })
}, { requiredKeys: ["key", "operator"] })

const labels = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 3 })

const selector = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 2 }),
  matchExpressions: fc.array(requirement, { maxLength: 2 })
}, { requiredKeys: [] })

const namespaceSelector = fc.tuple(selector, fc.option(fc.subarray([...names]), { nil: undefined }))
  .map(([s, matchNames]) => (matchNames === undefined ? s : { ...s, matchNames }))

const target = fc.record({
  enabled: fc.boolean(),
  podSelector: fc.option(selector, { nil: undefined }),
  namespaceSelector: fc.option(namespaceSelector, { nil: undefined })
})

const targetList = fc.array(target, { minLength: 1, maxLength: 4 }).map((list) =>
  agent({
    enabled: true,
    targets: list.map((t, i) => ({
      name: `t${i}`,
      enabled: t.enabled,
      language: "java",
      ...(t.podSelector === undefined ? {} : { podSelector: t.podSelector }),
      ...(t.namespaceSelector === undefined ? {} : { namespaceSelector: t.namespaceSelector })
    }))
  }).spec.features.apm?.instrumentation?.targets ?? []
)

const namespace = fc.option(fc.record({ name: fc.constantFrom(...names), labels }), { nil: undefined })

/** What `apply` took from `evaluate` before `select`: the first match, else the first unknown namespace. */
const fromVerdicts = (evaluated: ReadonlyArray<Targets.Evaluated>) => {
  const chosen = evaluated.find((e) => e.verdict._tag === "Matched") ?? evaluated.find((e) => e.verdict._tag === "NamespaceUnknown")
  return chosen === undefined ? undefined : { index: chosen.index, verdict: chosen.verdict._tag }
}

describe("target selection", () => {
  it("select, evaluate and firstMatchingTarget pick the same target", () => {
    fc.assert(
      fc.property(targetList, labels, namespace, (targets, podLabels, ns) => {
        const selected = Targets.select(targets, podLabels, ns)
        const picked = selected === undefined ? undefined : { index: selected.index, verdict: selected.verdict }
        assert.deepStrictEqual(picked, fromVerdicts(Targets.evaluate(targets, podLabels, ns)))
        if (ns !== undefined) {
          const targetOf = Inject.firstMatchingTarget(targets)
          assert.strictEqual(targetOf(podLabels, ns.name, ns.labels), selected?.verdict === "Matched" ? selected.target : undefined)
          // labels the counts' cache does not know read as none, for valid and literal selectors alike
          const unlabelled = Targets.select(targets, podLabels, { name: ns.name, labels: {} })
          assert.strictEqual(targetOf(podLabels, ns.name, undefined), unlabelled?.verdict === "Matched" ? unlabelled.target : undefined)
        }
      }),
      { numRuns: 3000 }
    )
  })

  it("a selector Kubernetes would reject is generated often enough to matter", () => {
    // NotIn without values and an unknown operator are both invalid; both must occur above
    const sample = fc.sample(requirement, 500)
    assert.isAbove(sample.filter((r) => r.operator === "NotIn" && (r.values ?? []).length === 0).length, 10)
    assert.isAbove(sample.filter((r) => r.operator === "Foo").length, 10)
  })
})
