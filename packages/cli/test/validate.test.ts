/**
 * `whatapctl validate` end to end through the real bin: exit codes, exact positions,
 * every output format, stdin, multi-document files, syntax errors and missing files.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Validate } from "@whatap-operator/core"
import { fixture, repoRoot, run } from "./support/run.ts"

const invalid = fixture("invalid.yaml")
const T = "spec.features.apm.instrumentation.targets"

describe("text output", () => {
  it("a valid file: exit 0, nothing on stdout, a summary on stderr", () => {
    const r = run(["validate", fixture("valid.yaml")])
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 0 errors, 0 warnings\n")
  })

  it("errors and warnings with the line and column of the offending field", () => {
    const r = run(["validate", invalid])
    assert.strictEqual(r.status, 1)
    const lines = r.stdout.trimEnd().split("\n")
    assert.deepStrictEqual(lines.map((l) => l.split(": ").slice(0, 3).join(": ")), [
      `${invalid}:14:13: error: ${T}[0].language`,
      `${invalid}:15:13: warning: ${T}[1]`,
      `${invalid}:15:13: warning: ${T}[1].name`,
      `${invalid}:21:19: error: ${T}[1].podSelector.matchExpressions[0].operator`,
      `${invalid}:30:15: error: spec.features.openAgent.targets[0].endpoints[0].address`,
      `${invalid}:31:15: error: spec.features.openAgent.targets[0].endpoints[0].interval`
    ])
    assert.include(lines[0] ?? "", "unknown language \"jav\": expected one of java, python, nodejs, php, dotnet, golang")
    assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 4 errors, 2 warnings\n")
  })

  it("never prints the license", () => {
    for (const format of ["text", "json", "sarif", "junit"]) {
      const r = run(["validate", "-o", format, invalid])
      assert.notInclude(r.stdout + r.stderr, "TOPSECRET")
    }
  })

  it("never prints a license written as a number either", () => {
    const stdin = "apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata:\n  name: whatap\nspec:\n  license: 98765432109\n  features: {}\n"
    const r = run(["validate", "-o", "json", "-"], { stdin })
    assert.strictEqual(r.status, 1)
    assert.include(r.stdout, "expected string, got number <redacted>")
    assert.notInclude(r.stdout + r.stderr, "98765432109")
  })

  it("a missing required field points at its parent", () => {
    const r = run(["validate", fixture("missing-field.yaml")])
    assert.strictEqual(r.status, 1)
    assert.match(r.stdout, /^packages\/cli\/test\/fixtures\/missing-field\.yaml:7:5: error: spec\.features\.k8sAgent\.gpuMonitoring: missing required field/)
  })

  it("warnings alone pass, unless --strict", () => {
    assert.strictEqual(run(["validate", fixture("warnings-only.yaml")]).status, 0)
    const strict = run(["validate", "--strict", fixture("warnings-only.yaml")])
    assert.strictEqual(strict.status, 1)
    assert.include(strict.stdout, ":4:3: warning: metadata.name:")
  })
})

describe("documents and inputs", () => {
  it("multi-document files: empty documents and other kinds are skipped, and said so", () => {
    const r = run(["validate", fixture("multi.yaml")])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, `${fixture("multi.yaml")}:28:7: error: spec.endpoints[0].port: port 70000 is out of range: expected an integer between 1 and 65535\n`)
    assert.include(r.stderr, "2 documents checked: 1 error, 0 warnings; skipped 1 non-WhaTap document")
    assert.include(r.stderr, `${fixture("multi.yaml")}:9:1 (apps/v1 Deployment)`)
  })

  it("a YAML syntax error is a finding with a position, and later documents are still checked", () => {
    const r = run(["validate", fixture("syntax-error.yaml")])
    assert.strictEqual(r.status, 1)
    assert.match(r.stdout, /^packages\/cli\/test\/fixtures\/syntax-error\.yaml:\d+:\d+: error: invalid YAML: .+\n$/)
    assert.notInclude(r.stderr, "    at ")
    assert.include(r.stderr, "2 documents checked")
  })

  it("hostile nesting is one finding that says so, never a stack trace", () => {
    for (const stdin of [`a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, `<<: {}\nkind: WhatapAgent\nspec: ${"{a: ".repeat(5000)}1${"}".repeat(5000)}\n`]) {
      const r = run(["validate", "-"], { stdin })
      assert.strictEqual(r.status, 1)
      // one finding at the document's start: where the stack ran out varies from run to run
      assert.strictEqual(r.stdout, "<stdin>:1:1: error: invalid YAML: the document nests too deeply to parse\n")
      assert.notInclude(r.stdout + r.stderr, "    at ")
    }
  })

  it("a mapping key that is a list or a mapping is refused, as the API server's JSON has no such keys", () => {
    const stdin = "kind: WhatapAgent\napiVersion: monitoring.whatap.com/v2alpha1\nmetadata: {name: whatap}\nspec: {features: {}, ? [complex, key] : 1}\n"
    const r = run(["validate", "-"], { stdin })
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "<stdin>:4:24: error: invalid YAML: a mapping key must be a scalar: JSON (and the API server) has no other keys\n")
    assert.strictEqual(r.stderr, "whatapctl: 1 document checked: 1 error, 0 warnings\n")
  })

  it("kind: List items are validated with their item path", () => {
    const r = run(["validate", fixture("list.yaml")])
    assert.strictEqual(r.status, 1)
    assert.include(r.stdout, `${fixture("list.yaml")}:11:11: error: items[0].spec.endpoints[0].address:`)
    assert.include(r.stderr, "(v1 ConfigMap)")
    assert.include(r.stdout, `${fixture("list.yaml")}:26:27: error: items[0].spec.endpoints[0].scheme: unknown scheme "ftp"`)
    assert.include(r.stderr, "2 documents checked")
  })

  it("reads stdin for -", () => {
    const r = run(["validate", "-"], { stdin: "apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapAgent\nmetadata:\n  name: x\nspec:\n  features: {}\n" })
    assert.strictEqual(r.status, 0)
    assert.strictEqual(r.stdout, "<stdin>:4:3: warning: metadata.name: WhatapAgent is named \"x\"; APM injection only reads the WhatapAgent named \"whatap\", and the Go operator rejected any other name\n")
  })

  it("a missing file is exit 2 with a clear message, other files are still reported", () => {
    const r = run(["validate", "does-not-exist.yaml", fixture("multi.yaml")])
    assert.strictEqual(r.status, 2)
    assert.include(r.stderr, "whatapctl: cannot read does-not-exist.yaml: no such file or directory\n")
    assert.include(r.stdout, "port 70000 is out of range")
  })

  it("a directory is exit 2", () => {
    const r = run(["validate", "packages/cli/test/fixtures"])
    assert.strictEqual(r.status, 2)
    assert.include(r.stderr, "is a directory")
  })

  it("usage errors are exit 2", () => {
    assert.strictEqual(run(["validate"]).status, 2)
    assert.strictEqual(run(["validate", "-o", "xml", fixture("valid.yaml")]).status, 2)
    assert.strictEqual(run(["validate", "--nope", fixture("valid.yaml")]).status, 2)
  })

  it("output is deterministic", () => {
    const files = [fixture("multi.yaml"), invalid, fixture("list.yaml")]
    assert.strictEqual(run(["validate", "-o", "json", ...files]).stdout, run(["validate", "-o", "json", ...files]).stdout)
  })
})

describe("machine formats", () => {
  it("-o json is the flat array of the contract", () => {
    const r = run(["validate", "-o", "json", fixture("multi.yaml"), fixture("syntax-error.yaml")])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stderr, "")
    const rows = JSON.parse(r.stdout) as ReadonlyArray<Record<string, unknown>>
    assert.deepStrictEqual(rows[0], {
      file: fixture("multi.yaml"), line: 28, column: 7, kind: "WhatapPodMonitor", name: "api",
      severity: "error", path: "spec.endpoints[0].port", message: "port 70000 is out of range: expected an integer between 1 and 65535"
    })
    assert.strictEqual(rows.length, 2)
    assert.deepStrictEqual(Object.keys(rows[1] ?? {}), ["file", "line", "column", "kind", "name", "severity", "path", "message"])
    assert.strictEqual(rows[1]?.["kind"], null)
  })

  it("-o json of a valid file is an empty array", () => {
    const r = run(["validate", "-o", "json", fixture("valid.yaml")])
    assert.strictEqual(r.status, 0)
    assert.deepStrictEqual(JSON.parse(r.stdout), [])
  })

  it("-o sarif is SARIF 2.1.0 with rules and physical locations", () => {
    const r = run(["validate", "-o", "sarif", invalid])
    assert.strictEqual(r.status, 1)
    const log = JSON.parse(r.stdout) as {
      version: string
      runs: ReadonlyArray<{
        tool: { driver: { name: string; rules: ReadonlyArray<{ id: string; shortDescription: { text: string } }> } }
        results: ReadonlyArray<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: ReadonlyArray<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }>
      }>
    }
    assert.strictEqual(log.version, "2.1.0")
    assert.strictEqual(log.runs.length, 1)
    const run0 = log.runs[0]
    assert.strictEqual(run0?.tool.driver.name, "whatapctl")
    // every rule of the validator, sorted, so results can be written before the input ends
    const ruleIds = run0?.tool.driver.rules.map((rule) => rule.id) ?? []
    assert.deepStrictEqual(ruleIds, Object.keys(Validate.rules).sort())
    assert.deepStrictEqual(run0?.results.map((result) => result.ruleId), ["apm-language", "shadowed-target", "duplicate-target", "selector", "host-port", "duration"])
    for (const result of run0?.results ?? []) assert.strictEqual(ruleIds[result.ruleIndex], result.ruleId)
    assert.strictEqual(run0?.results.length, 6)
    const first = run0?.results[0]
    assert.strictEqual(first?.ruleId, "apm-language")
    assert.strictEqual(ruleIds[first?.ruleIndex ?? -1], "apm-language")
    assert.strictEqual(first?.level, "error")
    assert.deepStrictEqual(first?.locations[0]?.physicalLocation, { artifactLocation: { uri: invalid }, region: { startLine: 14, startColumn: 13 } })
    assert.strictEqual(run0?.results[1]?.level, "warning")
  })

  it("-o junit has a suite per file, a failing case per invalid document and a skipped case per non-WhaTap document", () => {
    const r = run(["validate", "-o", "junit", fixture("multi.yaml"), fixture("valid.yaml")])
    assert.strictEqual(r.status, 1)
    assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="whatapctl validate" tests="4" failures="1" skipped="1">/)
    assert.include(r.stdout, `<testsuite name="${fixture("multi.yaml")}" tests="3" failures="1" errors="0" skipped="1">`)
    assert.include(r.stdout, "name=\"apps/v1 Deployment (line 9)\">\n      <skipped message=\"not a WhaTap resource\"/>\n    </testcase>")
    assert.include(r.stdout, "name=\"WhatapPodMonitor/api (line 18)\"")
    assert.include(r.stdout, "<failure message=\"1 error(s)\" type=\"error\">")
    assert.include(r.stdout, "</testsuites>\n")
  })
})

describe("the README's example", () => {
  it("is what validate prints for fixtures/readme-agent.yaml (named agent.yaml there)", () => {
    const readme = readFileSync(`${repoRoot}README.md`, "utf8")
    const command = "$ npx whatapctl validate agent.yaml\n"
    const start = readme.indexOf(command)
    assert.isAtLeast(start, 0, "the README no longer shows the example")
    const shown = readme.slice(start + command.length, readme.indexOf("\n\n", start) + 1)
    const r = run(["validate", fixture("readme-agent.yaml")])
    assert.strictEqual(r.status, 1)
    assert.strictEqual((r.stdout + r.stderr).replaceAll(fixture("readme-agent.yaml"), "agent.yaml"), shown)
  })
})
