/**
 * The validator reads the typed model, decoded leniently: a schema error in one place
 * leaves every valid part around it to the rules, indices and defaults survive, unknown
 * `language` and `operator` strings are kept by decoding and reported by the rules, a
 * selector is built from the decoded value, a resource without `spec` is a warning (as
 * the Go CRD accepts it), and the rules' field names are checked by the compiler.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option, Result } from "effect"
import { Decode, Finding, Instrumentation, K8sAgent, Language, Selector, Validate } from "../src/index.ts"
import * as Lenient from "../src/internal/lenient.ts"
import { at } from "../src/internal/validate/model.ts"
import { document, fixturesDir } from "./support/yaml.ts"

type Json = Record<string, unknown>

const agent = (spec: Json, name = "whatap"): Json => ({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name }, spec })
const apm = (...targets: ReadonlyArray<unknown>): Json => ({ features: { apm: { instrumentation: { targets } } } })
const T = ["spec", "features", "apm", "instrumentation", "targets"]

const rows = (input: unknown): ReadonlyArray<string> =>
  Validate.document(input).issues.map((i) => `${i.severity} ${i.rule} ${Finding.formatPath(i.path)}: ${i.message}`)

describe("rules on the lenient typed value", () => {
  it("a schema error leaves the rest of its struct, and the rest of the resource, to the rules", () => {
    const input = agent({ port: 6600, ...apm({ name: "a", enabled: "yes", language: "ruby", podSelector: { matchLabels: { app: "web", n: 5 } } }) })
    assert.deepStrictEqual(rows(input), [
      `error schema ${Finding.formatPath(T)}[0].enabled: expected boolean, got string "yes"`,
      `error apm-language ${Finding.formatPath(T)}[0].language: unknown language "ruby": expected one of java, python, nodejs, php, dotnet, golang`,
      `error schema ${Finding.formatPath(T)}[0].podSelector.matchLabels.n: expected string, got number 5`,
      `error schema spec.port: expected string, got number 6600`
    ])
  })

  it("an invalid list item keeps the indices of the items after it", () => {
    const pods = (app: string) => ({ podSelector: { matchLabels: { app } } })
    const input = agent(apm({ name: "a", enabled: true, language: "java", ...pods("a") }, "not a target", { name: "c", enabled: true, language: "jav", ...pods("c") }))
    assert.deepStrictEqual(rows(input).map((r) => r.split(":")[0]), [
      `error schema ${Finding.formatPath(T)}[1]`,
      `error apm-language ${Finding.formatPath(T)}[2].language`
    ])
  })

  it("a target the schema rejected in part is not used to claim shadowing", () => {
    const catchAllByDamage = { name: "a", enabled: true, language: "java", podSelector: { matchLabels: { app: 5 } } }
    const later = { name: "b", enabled: true, language: "java", podSelector: { matchLabels: { tier: "web" } } }
    assert.deepStrictEqual(rows(agent(apm(catchAllByDamage, later))).map((r) => r.split(":")[0]), [
      `error schema ${Finding.formatPath(T)}[0].podSelector.matchLabels.app`
    ])
  })

  it("the lenient value keeps CRD defaults next to a rejected field, and leaves the rejected one out", () => {
    const value = Lenient.decode(K8sAgent.NodeAgentComponentSpec, { runtime: "podman", tolerations: [{ key: "k" }, 3] })
    assert.deepStrictEqual(value, { enabled: false, hostNetwork: true, tolerations: [{ key: "k" }, undefined] })
    assert.isUndefined(Lenient.decode(K8sAgent.NodeAgentComponentSpec, ["not", "an", "object"]))
  })

  it("a valid subtree is exactly the strict decoder's value (the license a Redacted, defaults applied)", () => {
    const input = agent({ license: "LIC-1234", ...apm({ name: "a", enabled: true, language: "java" }) })
    const strict = Option.getOrThrow(Decode.as("WhatapAgent", input).value)
    const lenient = Lenient.decode(Decode.schemas.WhatapAgent, input)
    assert.deepStrictEqual(lenient, strict)
  })
})

describe("literal unions that keep unknown strings", () => {
  it("decoding keeps an unknown language; the validator reports it", () => {
    const input = agent(apm({ name: "a", enabled: true, language: "ruby" }))
    const target = Option.getOrThrow(Decode.as("WhatapAgent", input).value).spec.features.apm?.instrumentation?.targets?.[0]
    assert.strictEqual(target?.language, "ruby")
    assert.isFalse(Language.isLanguage(target?.language))
    assert.deepStrictEqual(Validate.document(input).issues.map((i) => i.rule), ["apm-language"])
  })

  it("decoding keeps an unknown operator; the selector built from the decoded value reports it", () => {
    const input = agent(apm({ name: "a", enabled: true, language: "java", podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] } }))
    const decoded = Decode.as("WhatapAgent", input)
    assert.deepStrictEqual(decoded.findings, [])
    const podSelector = Option.getOrThrow(decoded.value).spec.features.apm?.instrumentation?.targets?.[0]?.podSelector
    assert.strictEqual(podSelector?.matchExpressions?.[0]?.operator, "in")
    const built = Selector.forTarget(podSelector, ["podSelector"])
    assert.isTrue(Result.isFailure(built))
    assert.include(Result.isFailure(built) ? built.failure.message : "", `did you mean "In"?`)
    assert.deepStrictEqual(rows(input).map((r) => r.split(":")[0]), [`error selector ${Finding.formatPath(T)}[0].podSelector.matchExpressions[0].operator`])
  })

  it("the types: a known language or any string, narrowed by isLanguage", () => {
    const known: Language.TargetLanguage = "java"
    const other: Language.TargetLanguage = "ruby"
    const target: Instrumentation.TargetSpec["language"] = other
    assert.deepStrictEqual([Language.isLanguage(known), Language.isLanguage(target)], [true, false])
  })
})

describe("selectors from the decoded value", () => {
  it("equal the string form's selector", () => {
    const decoded = Option.getOrThrow(Decode.as("WhatapAgent", agent(apm({
      name: "a", enabled: true, language: "java",
      podSelector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db", "cache"] }] }
    }))).value)
    const podSelector = decoded.spec.features.apm?.instrumentation?.targets?.[0]?.podSelector
    const expected = Result.getOrThrow(Selector.parse("app=web,tier notin (cache,db)"))
    assert.deepStrictEqual(Result.getOrThrow(Selector.forTarget(podSelector)), expected)
    assert.deepStrictEqual(Result.getOrThrow(Selector.fromDecoded(podSelector)), expected)
    assert.deepStrictEqual(Result.getOrThrow(Selector.fromDecoded(undefined)), Selector.nothing)
  })

  it("an unknown selector field is a selector warning that lists the fields it could have been", () => {
    const input = agent(apm({ name: "a", enabled: true, language: "java", podSelector: { matchLabel: { app: "web" } } }))
    assert.deepStrictEqual(rows(input), [
      `warning selector ${Finding.formatPath(T)}[0].podSelector.matchLabel: unknown field "matchLabel" is ignored (expected one of matchLabels, matchExpressions)`
    ])
  })
})

describe("selectors as raw JSON, read like Go's encoding/json", () => {
  it("a null label value is the empty string, as in Go", () => {
    const selector = Result.getOrThrow(Selector.fromLabelSelector({ matchLabels: { a: null } }))
    assert.strictEqual(Selector.format(selector), "a=")
    assert.isTrue(Selector.matches(Selector.compile(selector), { a: "" }))
    const values = Result.getOrThrow(Selector.fromLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: [null, "x"] }] }))
    assert.strictEqual(Selector.format(values), "a in (,x)")
  })

  it("unknown fields come back as warnings with a successful selector", () => {
    const result = Result.getOrThrow(Selector.fromLabelSelectorJson({ matchLabels: { a: "b" }, matchLabel: { c: "d" }, matchExpressions: [{ key: "k", operator: "Exists", value: "v" }] }, ["sel"]))
    assert.strictEqual(Selector.format(result.value), "a=b,k")
    assert.deepStrictEqual(result.warnings.map((w) => `${w.severity} ${Finding.formatPath(w.path)}: ${w.message}`), [
      `warning sel.matchLabel: unknown field "matchLabel" is ignored (expected one of matchLabels, matchExpressions)`,
      `warning sel.matchExpressions[0].value: unknown field "value" is ignored (expected one of key, operator, values)`
    ])
    assert.deepStrictEqual(Result.getOrThrow(Selector.fromLabelSelectorJson({ matchLabels: { a: "b" } })).warnings, [])
  })
})

describe("a resource without spec (the Go CRD does not require one)", () => {
  it("the Go operator's own sample (`-spec:` typo) decodes, with warnings that say it does nothing", () => {
    const input = document(fixturesDir, "go-sample-no-spec.yaml")
    const decoded = Decode.as("WhatapAgent", input)
    assert.deepStrictEqual(Option.getOrThrow(decoded.value).spec, { features: {} })
    assert.deepStrictEqual(decoded.findings.map((f) => `${f.severity} ${Finding.formatPath(f.path)}`), [`warning ["-spec"]`, "warning spec"])
    assert.deepStrictEqual(Validate.document(input).issues.map((i) => `${i.severity} ${i.rule} ${Finding.formatPath(i.path)}`), [
      `warning unknown-field ["-spec"]`,
      "warning agent-name metadata.name",
      "warning empty-spec spec"
    ])
    assert.include(Validate.resource(input)[2]?.message ?? "", "it enables nothing")
  })

  it("a monitor without spec is one warning, not a second one about its (zero) endpoints", () => {
    const input = { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapPodMonitor", metadata: { name: "m", namespace: "default" } }
    assert.deepStrictEqual(rows(input), [
      `warning empty-spec spec: no spec: the API server accepts a WhatapPodMonitor without one (the Go CRD does not require it), but it has no endpoints, so nothing is scraped; is the top-level "spec:" key misspelt?`
    ])
    assert.deepStrictEqual(Option.getOrThrow(Decode.as("WhatapPodMonitor", input).value).spec, { selector: {}, endpoints: [] })
  })

  it("`spec: null` counts as absent, as the API server prunes it", () => {
    assert.deepStrictEqual(rows(agent(null as unknown as Json)).map((r) => r.split(":")[0]), ["warning empty-spec spec"])
  })
})

describe("field names in rules are checked by the compiler", () => {
  it("`at` takes only fields of the model type", () => {
    const node: Lenient.Lenient<K8sAgent.NodeAgentComponentSpec> = { hostNetwork: false }
    assert.deepStrictEqual(at(node, "hostNetwork", ["n"]), [false, ["n", "hostNetwork"]])
    // @ts-expect-error `hostNetworks` is not a field of NodeAgentComponentSpec: a renamed field fails to compile
    assert.deepStrictEqual(at(node, "hostNetworks", ["n"]), [undefined, ["n", "hostNetworks"]])
  })
})
