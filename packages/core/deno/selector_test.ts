/**
 * The selector engine under Deno: the workspace package and `effect` resolve from the
 * npm workspace's node_modules (BYONM, no deno.json, no network). Plain `node:assert`
 * because `jsr:` imports are unreachable offline.
 */
import assert from "node:assert/strict"
import { Result } from "effect"
import { Selector } from "@whatap-operator/core"

const parse = (text: string): Selector.Selector => {
  const result = Selector.parse(text)
  if (Result.isFailure(result)) throw new Error(result.failure.message)
  return result.success
}

Deno.test("parse and format round-trip in canonical form", () => {
  assert.equal(Selector.format(parse(" tier notin (db,cache) , app in (web,api),!legacy ,x>5")), "app in (api,web),!legacy,tier notin (cache,db),x>5")
  const failed = Selector.parse("app in (web")
  assert.ok(Result.isFailure(failed))
  assert.equal(failed.failure.issues[0]?.position, 11)
})

Deno.test("matches with Kubernetes semantics", () => {
  const compiled = Selector.compile(parse("app in (api,web),tier notin (db),!legacy"))
  assert.equal(Selector.matches(compiled, { app: "web" }), true)
  assert.equal(Selector.matches(compiled, { app: "web", tier: "db" }), false)
  assert.equal(Selector.matches(compiled, { app: "web", legacy: "" }), false)
  assert.equal(Selector.matches(Selector.compile(Selector.nothing), {}), false)
  assert.equal(Selector.matches(Selector.compile(Selector.everything), {}), true)
})

Deno.test("explain names the first failing requirement", () => {
  const compiled = Selector.compile(parse("app in (api,db)"))
  assert.deepEqual(Selector.explain(compiled, { app: "web" }), {
    matched: false,
    requirement: "app in (api,db)",
    reason: `label "app" is "web", not in (api,db)`
  })
})

Deno.test("structured selectors validate with JSON paths", () => {
  const findings = Selector.validateLabelSelector({ matchExpressions: [{ key: "app", operator: "In", values: ["ok", "-bad"] }] }, ["spec"])
  assert.deepEqual(findings.map((f) => f.path), [["spec", "matchExpressions", 0, "values", 1]])
})
