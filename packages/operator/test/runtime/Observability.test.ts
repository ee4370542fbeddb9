/**
 * The operator's own output: the Prometheus exposition, the JSON log lines and their
 * redaction, the probe server's answers.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Metric } from "effect"
import * as JsonLogger from "../../src/runtime/JsonLogger.ts"
import * as ProbeServer from "../../src/runtime/ProbeServer.ts"
import * as Prometheus from "../../src/runtime/Prometheus.ts"
import * as Redactor from "../../src/runtime/Redactor.ts"

describe("Prometheus", () => {
  it.effect("renders counters, gauges and histograms with sorted series and ascending buckets", () =>
    Effect.gen(function*() {
      const c = Metric.counter("t_requests_total", { description: "Requests", incremental: true })
      const h = Metric.histogram("t_duration_seconds", { description: "Duration", boundaries: [0.1, 1, 10] })
      yield* Metric.update(Metric.withAttributes(c, { verb: "get", code: "200" }), 2)
      yield* Metric.update(Metric.withAttributes(c, { verb: "apply", code: "200" }), 1)
      for (const v of [0.05, 0.5, 5, 50]) yield* Metric.update(h, v)
      const text = yield* Prometheus.scrape
      assert.include(text, '# HELP t_requests_total Requests\n# TYPE t_requests_total counter\nt_requests_total{code="200",verb="apply"} 1\nt_requests_total{code="200",verb="get"} 2\n')
      assert.include(text, 't_duration_seconds_bucket{le="0.1"} 1\nt_duration_seconds_bucket{le="1"} 2\nt_duration_seconds_bucket{le="10"} 3\nt_duration_seconds_bucket{le="+Inf"} 4\nt_duration_seconds_sum 55.55\nt_duration_seconds_count 4\n')
    }).pipe(Effect.provideService(Metric.MetricRegistry, new Map())))

  it("escapes label values", () => {
    const text = Prometheus.render([{ id: "x", type: "Gauge", description: "d", attributes: { a: "q\"b\\c\nd" }, state: { value: 1 } } as never])
    assert.include(text, 'x{a="q\\"b\\\\c\\nd"} 1')
  })
})

describe("JSON logs", () => {
  it.effect("are one JSON object per line with annotations, and never carry a registered secret", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const redactor = Redactor.make()
      yield* redactor.register(["s3cr3t-license"])
      yield* Effect.logError("API said: Invalid value: \"s3cr3t-license\"").pipe(
        Effect.annotateLogs({ agent: "whatap", detail: { value: "s3cr3t-license" } }),
        Effect.provide(JsonLogger.layer((l) => lines.push(l))),
        Effect.provideService(Redactor.Redactor, redactor)
      )
      assert.strictEqual(lines.length, 1)
      const line = JSON.parse(lines[0] ?? "")
      assert.strictEqual(line.level, "error")
      assert.strictEqual(line.agent, "whatap")
      assert.notInclude(lines[0], "s3cr3t-license")
      assert.include(line.msg, "[redacted]")
    }))

  it("leaves short values alone (a one-letter license would mangle every line)", () => {
    assert.strictEqual(Redactor.redactWith([], "abc"), "abc")
    const redactor = Redactor.make()
    Effect.runSync(redactor.register(["ab", "long-secret", "long-secret-2"]))
    assert.strictEqual(redactor.redact("ab long-secret-2 long-secret"), "ab [redacted] [redacted]")
  })
})

describe("ProbeServer", () => {
  it.live("answers /healthz, /readyz (503 when not ready) and /metrics; 404 otherwise", () =>
    Effect.scoped(Effect.gen(function*() {
      let ready = false
      const listening = yield* ProbeServer.serve({
        host: "127.0.0.1", port: 0,
        readiness: Effect.sync(() => ({ ready, checks: ["watch pods: " + (ready ? "ok" : "not synced")] }))
      })
      const get = (path: string) => Effect.promise(() => fetch(`http://127.0.0.1:${listening.port}${path}`).then(async (r) => ({ status: r.status, body: await r.text() })))
      assert.strictEqual((yield* get("/healthz")).status, 200)
      const notReady = yield* get("/readyz")
      assert.strictEqual(notReady.status, 503)
      assert.include(notReady.body, "not synced")
      ready = true
      assert.strictEqual((yield* get("/readyz")).status, 200)
      assert.strictEqual((yield* get("/metrics")).status, 200)
      assert.strictEqual((yield* get("/nope")).status, 404)
    })))
})

