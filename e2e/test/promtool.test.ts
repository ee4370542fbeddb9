/**
 * The real `promtool check metrics` (built from its Go module) passes a clean exposition and
 * fails a broken one, so a spec that runs it on the operator's /metrics can fail.
 */
import { Effect } from "effect"
import { assert, beforeAll, describe, it } from "vitest"
import * as Promtool from "../src/Promtool.ts"
import * as Tools from "../src/Tools.ts"

const GOOD = `# HELP whatap_operator_reconcile_total Reconcile passes by result.
# TYPE whatap_operator_reconcile_total counter
whatap_operator_reconcile_total{result="success"} 3
whatap_operator_reconcile_total{result="error"} 0
# HELP whatap_operator_queue_depth Keys waiting in the work queue.
# TYPE whatap_operator_queue_depth gauge
whatap_operator_queue_depth 0
`

// Parses, but a counter must end in _total and every metric needs HELP.
const LINT = `# TYPE whatap_operator_reconciles counter
whatap_operator_reconciles 3
`

// Does not parse: an unclosed label set.
const BROKEN = `# TYPE whatap_operator_queue_depth gauge
whatap_operator_queue_depth{kind="agent" 1
`

const check = (text: string) => Effect.runPromise(Promtool.checkMetrics(text))

describe("promtool check metrics", () => {
  // Cold: a few minutes on 2 cores (the progress is printed); cached: instant.
  beforeAll(() => Effect.runPromise(Tools.promtool), 600_000)

  it("passes a clean exposition", async () => {
    const result = await check(GOOD)
    assert.deepStrictEqual(result, { exitCode: 0, findings: [] })
    assert.isTrue(Promtool.isClean(result))
  })

  it("reports naming and HELP problems with exit code 3", async () => {
    const result = await check(LINT)
    assert.strictEqual(result.exitCode, 3)
    assert.isFalse(Promtool.isClean(result))
    // promlint sorts its problems by metric, then text.
    assert.deepStrictEqual(result.findings, [
      `whatap_operator_reconciles counter metrics should have "_total" suffix`,
      "whatap_operator_reconciles no help text"
    ])
  })

  it("rejects text that does not parse with exit code 1", async () => {
    const result = await check(BROKEN)
    assert.strictEqual(result.exitCode, 1)
    assert.match(result.findings.join("\n"), /text format parsing error in line 2/)
  })
})
