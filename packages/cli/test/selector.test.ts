/**
 * `whatapctl selector match`: the exit code is the answer, invalid input is exit 2.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { repoRoot, run } from "./support/run.ts"

const match = (...args: ReadonlyArray<string>) => run(["selector", "match", ...args])

describe("selector match", () => {
  it("exit 0 on a match, 1 on no match", () => {
    const yes = match("--selector", "app in (a,b),!legacy", "--labels", "app=a,tier=web")
    assert.strictEqual(yes.status, 0)
    assert.strictEqual(yes.stdout, "match\n")
    const no = match("--selector", "app in (a,b),!legacy", "--labels", "app=a,legacy=true")
    assert.strictEqual(no.status, 1)
    assert.strictEqual(no.stdout, "no match\n")
  })

  it("accepts a JSON LabelSelector and short flags", () => {
    const selector = JSON.stringify({ matchLabels: { app: "web" }, matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev"] }] })
    assert.strictEqual(match("-s", selector, "-l", "app=web,env=prod").status, 0)
    assert.strictEqual(match("-s", selector, "-l", "app=web,env=dev").status, 1)
    assert.strictEqual(match(`--selector=${selector}`, "--labels=app=api").status, 1)
  })

  it("a JSON field it does not know (a typo such as matchLabel) is a warning on stderr: the selector then selects more than meant", () => {
    const r = match("-s", JSON.stringify({ matchLabel: { a: "b" } }), "-l", "a=c")
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stdout, "match\n")
    assert.strictEqual(r.stderr, "whatapctl: warning: selector: unknown field \"matchLabel\" is ignored (expected one of matchLabels, matchExpressions)\n")
    assert.strictEqual(match("-s", JSON.stringify({ matchLabels: { a: "b" } }), "-l", "a=b").stderr, "")
  })

  it("no labels at all", () => {
    assert.strictEqual(match("--selector", "!legacy").status, 0)
    assert.strictEqual(match("--selector", "app").status, 1)
  })

  it("--explain says why, requirement by requirement", () => {
    const r = match("--selector", "app in (a,b),!legacy", "--labels", "app=c,legacy=x", "--explain")
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, [
      "selector: app in (a,b),!legacy",
      "labels:   app=c,legacy=x",
      "  FAIL  app in (a,b): label \"app\" is \"c\", not in (a,b)",
      "  FAIL  !legacy: label \"legacy\" is \"x\", but must be absent",
      "no match",
      ""
    ].join("\n"))
  })

  it("-o json", () => {
    const r = match("-s", "app=web", "-l", "app=web", "-o", "json")
    assert.strictEqual(r.status, 0)
    assert.deepStrictEqual(JSON.parse(r.stdout), {
      matched: true, selector: "app=web", labels: { app: "web" }, requirements: [{ requirement: "app=web", matched: true }]
    })
  })

  it("invalid selectors and labels are exit 2 with the reason on stderr", () => {
    const bad = match("--selector", "app in (a", "--labels", "app=a")
    assert.strictEqual(bad.status, 2)
    assert.strictEqual(bad.stdout, "")
    assert.include(bad.stderr, "whatapctl: invalid selector:")
    assert.strictEqual(match("--selector", "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"in\"}]}").status, 2)
    assert.strictEqual(match("--selector", "{not json").status, 2)
    assert.strictEqual(match("--selector", "app", "--labels", "novalue").status, 2)
    assert.strictEqual(match("--labels", "a=b").status, 2)
    const typed = match("--selector", "{\"matchLabels\":{\"app\":1}}")
    assert.strictEqual(typed.status, 2)
    assert.include(typed.stderr, "whatapctl: invalid selector: matchLabels.app: must be a string\n")
    const twice = match("--selector", "app=web", "--labels", "app=web,app=api")
    assert.strictEqual(twice.status, 2)
    assert.include(twice.stderr, "label \"app\" given twice (app=web and app=api)")
    assert.strictEqual(run(["selector"]).status, 2)
  })
})

describe("the README's example", () => {
  it("prints what the README shows", () => {
    const readme = readFileSync(`${repoRoot}README.md`, "utf8")
    const command = "$ npx whatapctl selector match -s 'app in (web,api),!legacy' -l app=web,tier=front --explain\n"
    const start = readme.indexOf(command)
    assert.isAtLeast(start, 0, "the README no longer shows the example")
    const shown = readme.slice(start + command.length, readme.indexOf("```", start))
    const r = match("-s", "app in (web,api),!legacy", "-l", "app=web,tier=front", "--explain")
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stdout, shown)
  })
})
