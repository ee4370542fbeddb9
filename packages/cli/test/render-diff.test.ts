/**
 * `whatapctl render --diff OLD NEW` through the real bin: the diff of two samples equals
 * its golden file (test/fixtures/render/*.diff; `UPDATE_GOLDEN=1` rewrites it, review
 * the diff) and is byte-identical across runs, exit 1 when the renders differ and 0 when
 * not, plain text without a TTY, licenses redacted, and the usage errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { samples } from "./support/render.ts"
import { fixture, repoRoot, run } from "./support/run.ts"

const basic = `${samples}/whatap-agent-basic.yaml`
const complete = `${samples}/whatap-agent-complete.yaml`

const golden = (name: string, actual: string): void => {
  const file = `${repoRoot}${fixture(`render/${name}`)}`
  if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, actual)
  assert.isTrue(existsSync(file), `${name} is missing; run with UPDATE_GOLDEN=1 and review it`)
  assert.strictEqual(actual, readFileSync(file, "utf8"), `${name} differs; rerun with UPDATE_GOLDEN=1 and review the diff`)
}

describe("render --diff", () => {
  it("two samples: the golden diff, the same bytes on every run, exit 1 and a summary", () => {
    const first = run(["render", "--diff", basic, complete])
    assert.strictEqual(first.status, 1, first.stderr)
    golden("basic-to-complete.diff", first.stdout)
    assert.strictEqual(run(["render", "--diff", basic, complete]).stdout, first.stdout)
    assert.strictEqual(first.stderr, `whatapctl: ${basic} -> ${complete}: 2 objects changed, 5 added, 0 removed, 7 unchanged\n`)
  })

  it("the other way round, added objects are removed ones", () => {
    const r = run(["render", "--diff", complete, basic])
    assert.strictEqual(r.status, 1, r.stderr)
    assert.include(r.stdout, "--- a/apps.v1.Deployment.whatap-monitoring.whatap-open-agent\n+++ /dev/null\n@@ -1,")
    assert.strictEqual(r.stderr, `whatapctl: ${complete} -> ${basic}: 2 objects changed, 0 added, 5 removed, 7 unchanged\n`)
  })

  it("identical inputs: nothing on stdout, exit 0", () => {
    const r = run(["render", "--diff", complete, complete])
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stdout, "")
    assert.strictEqual(r.stderr, `whatapctl: ${complete} -> ${complete}: no differences (14 objects)\n`)
  })

  it("a control character in a file name is printed escaped in the summary line, never raw", () => {
    const dir = mkdtempSync(join(tmpdir(), "whatapctl-diff-"))
    try {
      const named = join(dir, "clear\u001b[2J.yaml")
      writeFileSync(named, readFileSync(`${repoRoot}${basic}`, "utf8"))
      const r = run(["render", "--diff", named, named])
      assert.strictEqual(r.status, 0, r.stderr)
      assert.notInclude(r.stderr, "\u001b")
      assert.include(r.stderr, "clear\\u001b[2J.yaml -> ")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("one side from stdin; --namespace applies to both", () => {
    const r = run(["render", "--diff", "-n", "monitoring", basic, "-"], { stdin: readFileSync(`${repoRoot}${complete}`, "utf8") })
    assert.strictEqual(r.status, 1, r.stderr)
    assert.include(r.stdout, "+++ b/apps.v1.Deployment.monitoring.whatap-open-agent\n")
    assert.include(r.stderr, `${basic} -> <stdin>:`)
  })

  it("never colours output that is not a terminal, and redacts the license", () => {
    const r = run(["render", "--diff", basic, fixture("render/license-agent.yaml")], { env: { ...process.env, FORCE_COLOR: "1" } })
    assert.strictEqual(r.status, 1, r.stderr)
    assert.notInclude(r.stdout, "\u001b[")
    assert.notInclude(r.stdout, "xyz-secret-123")
    assert.include(r.stdout, "[redacted, after]", "a license only the new side has")
  })

  it("a change of a secret alone is a difference (exit 1) shown masked, before and after; an unchanged one is not", () => {
    const dir = mkdtempSync(join(tmpdir(), "whatapctl-diff-"))
    try {
      const text = readFileSync(`${repoRoot}${fixture("render/license-agent.yaml")}`, "utf8")
      const changed = join(dir, "changed.yaml")
      writeFileSync(changed, text.replace("xyz-secret-123", "new-secret-456"))
      const r = run(["render", "--diff", fixture("render/license-agent.yaml"), changed])
      assert.strictEqual(r.status, 1, r.stderr)
      assert.notInclude(r.stdout, "xyz-secret-123")
      assert.notInclude(r.stdout, "new-secret-456")
      assert.include(r.stdout, "[redacted, before]")
      assert.include(r.stdout, "[redacted, after]")
      assert.match(r.stderr, /: \d+ objects? changed, 0 added, 0 removed, \d+ unchanged\n$/)
      const same = join(dir, "same.yaml")
      writeFileSync(same, text.replace("host: 127.0.0.1", "host: 127.0.0.1 # only a comment differs"))
      const unchanged = run(["render", "--diff", fixture("render/license-agent.yaml"), same])
      assert.strictEqual(unchanged.status, 0, unchanged.stderr)
      assert.strictEqual(unchanged.stdout, "")
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("an invalid side is exit 1 with its findings and no diff", () => {
    const r = run(["render", "--diff", basic, fixture("render/invalid-agent.yaml")])
    assert.strictEqual(r.status, 1)
    assert.strictEqual(r.stdout, "")
    assert.match(r.stderr, /invalid-agent\.yaml:\d+:\d+: error: /)
  })

  it("usage errors are exit 2", () => {
    for (const args of [["render", "--diff", basic], ["render", "--diff", basic, complete, basic], ["render", "--diff", "-f", basic, complete], ["render", "--diff", "-o", "json", basic, complete], ["render", "--diff", "-", "-"], ["render", "--diff", basic, "missing.yaml"]]) {
      const r = run(args)
      assert.strictEqual(r.status, 2, args.join(" "))
      assert.strictEqual(r.stdout, "")
    }
  })
})
