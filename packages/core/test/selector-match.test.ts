/**
 * Matching semantics as tables (selector, labels, expected), the two meanings of an
 * absent selector, the structured forms and their validation, and `explain`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import { Finding, Selector } from "../src/index.ts"

const compiled = (text: string): Selector.Compiled => Selector.compile(Result.getOrThrow(Selector.parse(text)))

describe("Selector.matches (string form)", () => {
  const table: ReadonlyArray<readonly [string, Record<string, string>, boolean]> = [
    ["", {}, true],
    ["", { a: "b" }, true],
    ["x=a", { x: "a" }, true],
    ["x=a", { x: "b" }, false],
    ["x=a", {}, false],
    ["x==a", { x: "a" }, true],
    ["x=", { x: "" }, true],
    ["x=", {}, false],
    ["x!=a", { x: "b" }, true],
    ["x!=a", { x: "a" }, false],
    ["x!=a", {}, true],
    ["x in (a,b)", { x: "b" }, true],
    ["x in (a,b)", { x: "c" }, false],
    ["x in (a,b)", {}, false],
    ["x in ()", { x: "" }, true],
    ["x in ()", { x: "a" }, false],
    ["x notin (a,b)", { x: "c" }, true],
    ["x notin (a,b)", { x: "a" }, false],
    ["x notin (a,b)", {}, true],
    ["x notin (a,b)", { y: "a" }, true],
    ["x", { x: "" }, true],
    ["x", { y: "x" }, false],
    ["!x", {}, true],
    ["!x", { x: "" }, false],
    ["x>5", { x: "6" }, true],
    ["x>5", { x: "5" }, false],
    ["x>5", { x: "-7" }, false],
    ["x>5", { x: "+6" }, true],
    ["x>5", { x: "006" }, true],
    ["x>5", { x: "6.5" }, false],
    ["x>5", { x: "abc" }, false],
    ["x>5", { x: "" }, false],
    ["x>5", {}, false],
    ["x>5", { x: "99999999999999999999" }, false],
    ["x<5", { x: "-9223372036854775808" }, true],
    ["x>9223372036854775806", { x: "9223372036854775807" }, true],
    ["x<5", { x: "4" }, true],
    ["x<5", { x: "5" }, false],
    ["x<5", {}, false],
    ["toString", {}, false],
    ["!constructor", {}, true],
    ["hasOwnProperty", {}, false],
    ["valueOf=x", {}, false],
    ["x=a,y=b", { x: "a", y: "b", z: "c" }, true],
    ["x=a,y=b", { x: "a" }, false],
    ["x=a,x=b", { x: "a" }, false],
    ["app in (api,web),!legacy,tier!=db", { app: "web", tier: "fe" }, true],
    ["app in (api,web),!legacy,tier!=db", { app: "web", tier: "fe", legacy: "" }, false]
  ]
  for (const [text, labels, expected] of table) {
    it(`${JSON.stringify(text)} on ${JSON.stringify(labels)} is ${expected}`, () => {
      const c = compiled(text)
      assert.strictEqual(Selector.matches(c, labels), expected)
      assert.strictEqual(Selector.explain(c, labels).matched, expected)
    })
  }
})

describe("absent selectors", () => {
  it("apimachinery: a nil LabelSelector matches nothing, an empty one everything", () => {
    const nil = Result.getOrThrow(Selector.fromLabelSelector(undefined))
    assert.deepStrictEqual(nil, Selector.nothing)
    assert.deepStrictEqual(Result.getOrThrow(Selector.fromLabelSelector(null)), Selector.nothing)
    assert.isFalse(Selector.matches(Selector.compile(nil), {}))
    for (const empty of [{}, { matchLabels: {} }, { matchLabels: {}, matchExpressions: [] }]) {
      const selector = Result.getOrThrow(Selector.fromLabelSelector(empty))
      assert.deepStrictEqual(selector, Selector.everything)
      assert.isTrue(Selector.matches(Selector.compile(selector), { any: "thing" }))
    }
  })

  it("WhatapAgent targets (spec §5.3): an absent selector matches everything", () => {
    assert.deepStrictEqual(Result.getOrThrow(Selector.forTarget(undefined)), Selector.everything)
    assert.deepStrictEqual(Result.getOrThrow(Selector.forTarget({})), Selector.everything)
    const ns = Selector.compileNamespace(Result.getOrThrow(Selector.fromNamespaceSelector(undefined)))
    assert.isTrue(Selector.matchesNamespace(ns, "kube-system", {}))
  })

  it("monitors (spec §3.5): an absent namespaceSelector means the monitor's own namespace", () => {
    const ns = Selector.compileNamespace(Result.getOrThrow(Selector.namespaceForMonitor(undefined, "app")))
    assert.isTrue(Selector.matchesNamespace(ns, "app", {}))
    assert.isFalse(Selector.matchesNamespace(ns, "other", {}))
    const all = Selector.compileNamespace(Result.getOrThrow(Selector.namespaceForMonitor({}, "app")))
    assert.isTrue(Selector.matchesNamespace(all, "other", {}))
  })
})

describe("structured selectors", () => {
  it("combines matchLabels and matchExpressions", () => {
    const selector = Result.getOrThrow(Selector.fromLabelSelector({
      matchLabels: { tier: "fe", app: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "stage"] },
        { key: "legacy", operator: "DoesNotExist" },
        { key: "team", operator: "Exists", values: [] },
        { key: "zone", operator: "NotIn", values: ["b"] }
      ]
    }))
    assert.strictEqual(Selector.format(selector), "app=web,env in (prod,stage),!legacy,team,tier=fe,zone notin (b)")
  })

  it("reports every problem with its exact path", () => {
    const findings = Selector.validateLabelSelector({
      matchLabels: { "bad key": "v", ok: "-v", n: 5 },
      matchExpressions: [
        { key: "a", operator: "In", values: ["x", "b@d"] },
        { key: "b", operator: "In", values: [] },
        { key: "c", operator: "NotIn" },
        { key: "d", operator: "Exists", values: ["x"] },
        { key: "e", operator: "in", values: ["x"] },
        { key: "f", operator: "Gt", values: ["1"] },
        { operator: "Exists" },
        "nope"
      ],
      matchLabel: { typo: "x" }
    }, ["spec", "selector"])
    const expected: ReadonlyArray<readonly [string, string, string]> = [
      ["warning", "spec.selector.matchLabel", `unknown field "matchLabel" is ignored`],
      ["error", `spec.selector.matchLabels["bad key"]`, `invalid label key "bad key": name part must consist of`],
      ["error", "spec.selector.matchLabels.ok", `invalid label value "-v": a valid label must be`],
      ["error", "spec.selector.matchLabels.n", "must be a string"],
      ["error", "spec.selector.matchExpressions[0].values[1]", `invalid label value "b@d": a valid label`],
      ["error", "spec.selector.matchExpressions[1].values", "must be specified when `operator` is 'In' or 'NotIn'"],
      ["error", "spec.selector.matchExpressions[2].values", "must be specified when `operator` is 'In' or 'NotIn'"],
      ["error", "spec.selector.matchExpressions[3].values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
      ["error", "spec.selector.matchExpressions[4].operator", `unsupported operator "in": supported values: "In", "NotIn", "Exists", "DoesNotExist"`],
      ["error", "spec.selector.matchExpressions[5].operator", `unsupported operator "Gt"`],
      ["error", "spec.selector.matchExpressions[6].key", "required: a label key string"],
      ["error", "spec.selector.matchExpressions[7]", "must be an object with key, operator and values"]
    ]
    assert.deepStrictEqual(findings.map((f) => [f.severity, Finding.formatPath(f.path)]), expected.map(([s, p]) => [s, p]))
    expected.forEach(([, , message], i) => assert.isTrue(findings[i]?.message.startsWith(message), findings[i]?.message))
    assert.include(findings[8]?.message, `did you mean "In"?`)
    assert.deepStrictEqual(findings[4]?.path, ["spec", "selector", "matchExpressions", 0, "values", 1])
  })

  it("fails decoding on errors but not on warnings", () => {
    assert.isTrue(Result.isSuccess(Selector.fromLabelSelector({ matchLabels: { a: "b" }, extra: 1 })))
    const failed = Selector.fromLabelSelector({ matchExpressions: [{ key: "a", operator: "In" }] }, ["sel"])
    assert.isTrue(Result.isFailure(failed))
    if (Result.isFailure(failed)) {
      assert.deepStrictEqual(Selector.toFindings(failed.failure, ["spec"]).map((f) => f.path), [["spec", "sel", "matchExpressions", 0, "values"]])
    }
    assert.isTrue(Result.isFailure(Selector.fromLabelSelector("app=web")))
    assert.isTrue(Result.isFailure(Selector.fromLabelSelector({ matchLabels: ["a"] })))
    assert.isTrue(Result.isFailure(Selector.fromLabelSelector({ matchExpressions: {} })))
    assert.deepStrictEqual(Selector.validateLabelSelector(undefined, ["x"]), [])
  })

  it("namespace selectors: matchNames AND labels", () => {
    const json = { matchNames: ["a", "b"], matchLabels: { team: "x" } }
    const ns = Selector.compileNamespace(Result.getOrThrow(Selector.fromNamespaceSelector(json)))
    assert.isTrue(Selector.matchesNamespace(ns, "a", { team: "x" }))
    assert.isFalse(Selector.matchesNamespace(ns, "c", { team: "x" }))
    assert.isFalse(Selector.matchesNamespace(ns, "a", { team: "y" }))
    assert.deepStrictEqual(Selector.explainNamespace(ns, "c", { team: "x" }), {
      matched: false, requirement: "matchNames (a,b)", reason: `namespace "c" is not in matchNames (a,b)`
    })
    const labelsOnly = Selector.compileNamespace(Result.getOrThrow(Selector.fromNamespaceSelector({ matchLabels: { team: "x" } })))
    assert.isTrue(Selector.matchesNamespace(labelsOnly, "anything", { team: "x" }))
    const findings = Selector.validateNamespaceSelector({ matchNames: ["ok", "Not_A_Namespace", 3], matchExpressions: [{ key: "k", operator: "Exists", values: ["v"] }] }, ["ns"])
    assert.deepStrictEqual(findings.map((f) => [f.severity, Finding.formatPath(f.path)]), [
      ["warning", "ns.matchNames[1]"], ["error", "ns.matchNames[2]"], ["error", "ns.matchExpressions[0].values"]
    ])
  })
})

describe("Selector.explain", () => {
  const c = compiled("app in (api,db),!legacy,tier!=db,x>5,zone")
  const table: ReadonlyArray<readonly [Record<string, string>, string, string]> = [
    [{ app: "web" }, "app in (api,db)", `label "app" is "web", not in (api,db)`],
    [{}, "app in (api,db)", `label "app" is absent`],
    [{ app: "api", legacy: "1" }, "!legacy", `label "legacy" is "1", but must be absent`],
    [{ app: "api", tier: "db" }, "tier!=db", `label "tier" is "db", which is excluded by (db)`],
    [{ app: "api", x: "3" }, "x>5", `label "x" is "3", not greater than 5`],
    [{ app: "api", x: "three" }, "x>5", `label "x" is "three", not an integer`],
    [{ app: "api", x: "9" }, "zone", `label "zone" is absent`]
  ]
  for (const [labels, requirement, reason] of table) {
    it(`explains ${JSON.stringify(labels)}`, () => {
      assert.deepStrictEqual(Selector.explain(c, labels), { matched: false, requirement, reason })
    })
  }
  it("reports a match and the nil selector", () => {
    assert.deepStrictEqual(Selector.explain(c, { app: "db", x: "6", zone: "" }), { matched: true })
    const nothing = Selector.explain(Selector.compile(Selector.nothing), {})
    assert.isFalse(nothing.matched)
  })
})

describe("invalid input reaching the matcher (spec §5.3 Go quirks)", () => {
  const handBuilt = (operator: string, values: ReadonlyArray<string>): Selector.Compiled =>
    Selector.compile({ _tag: "Requirements", requirements: [JSON.parse(JSON.stringify({ key: "x", operator, values }))] })
  it("is false instead of throwing", () => {
    assert.isFalse(Selector.matches(handBuilt("in", ["a"]), { x: "a" }), "operators are case-sensitive")
    assert.isFalse(Selector.matches(handBuilt("Foo", []), { x: "a" }), "unknown operator")
    assert.isFalse(Selector.matches(handBuilt("In", []), { x: "a" }), "In without values")
    assert.isFalse(Selector.matches(handBuilt("Gt", ["a"]), { x: "5" }), "non-integer bound")
    assert.isFalse(Selector.explain(handBuilt("Foo", []), { x: "a" }).matched)
  })
  it("treats missing or odd labels as absent", () => {
    const proto = Selector.compile({ _tag: "Requirements", requirements: [{ key: "__proto__", operator: "Exists", values: [] }] })
    assert.isFalse(Selector.matches(proto, {}))
    assert.isTrue(Selector.matches(proto, JSON.parse(`{"__proto__": "own"}`)))
    const c = compiled("x notin (a),!y")
    assert.isTrue(Selector.matches(c, JSON.parse("null")))
    assert.isTrue(Selector.matches(c, JSON.parse(`{"x": 5, "y": null}`)))
    assert.isTrue(Selector.explain(c, JSON.parse("null")).matched)
    assert.isTrue(Selector.matches(c, undefined))
    assert.isFalse(Selector.matches(compiled("x"), undefined))
  })
})
