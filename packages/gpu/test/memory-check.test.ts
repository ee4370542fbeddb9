/**
 * The dcgm-exporter memory checker (spec 6.6, ADR 0010): quantities, the decision per pod
 * (the Go operator's threshold and skips), a round against the in-memory API server with
 * PodMetrics standing in for metrics-server (which pods are deleted, and that a missing
 * metrics API deletes nothing), and the loop's timing on the test clock.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { ApiResource, KubeClient, KubeMemory, type KubeObject } from "@whatap-operator/kube"
import { MemoryCheck, MemoryChecker } from "../src/index.ts"

const ns = "whatap-monitoring"
const Mi = 1024 * 1024

interface PodOptions {
  readonly limit?: string
  readonly phase?: string
  readonly terminating?: boolean
  readonly exporter?: boolean
  readonly labels?: Readonly<Record<string, string>>
}

const pod = (name: string, options: PodOptions = {}): KubeObject.KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: ns,
    labels: options.labels ?? { name: "whatap-node-agent-gpu", "whatap-gpu": "true" },
    ...(options.terminating === true ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {})
  },
  spec: {
    containers: [
      { name: "whatap-node-agent", image: "agent", resources: { limits: { memory: "350Mi" } } },
      ...(options.exporter === false ? [] : [{
        name: "dcgm-exporter",
        image: "dcgm",
        ...(options.limit === undefined ? {} : { resources: { limits: { memory: options.limit } } })
      }])
    ]
  },
  status: { phase: options.phase ?? "Running" }
})

/** What metrics-server would report: the pod's labels, the working set per container. */
const podMetrics = (name: string, exporter: string, labels: Readonly<Record<string, string>> = { "whatap-gpu": "true" }): KubeObject.KubeObject => ({
  apiVersion: "metrics.k8s.io/v1beta1",
  kind: "PodMetrics",
  metadata: { name, namespace: ns, labels },
  timestamp: "2026-01-01T00:00:00Z",
  window: "15s",
  containers: [
    { name: "whatap-node-agent", usage: { cpu: "10m", memory: "300Mi" } },
    { name: "dcgm-exporter", usage: { cpu: "5m", memory: exporter } }
  ]
} as KubeObject.KubeObject)

const decoded = (object: KubeObject.KubeObject) => Option.getOrThrow(MemoryCheck.decodePod(object))
const decodedMetrics = (object: KubeObject.KubeObject) => Option.getOrThrow(MemoryCheck.decodePodMetrics(object))

describe("MemoryCheck.bytes", () => {
  const rows: ReadonlyArray<readonly [string | number, number | undefined]> = [
    ["170Mi", 178257920],
    ["16069016Ki", 16454672384],
    ["1Gi", 1073741824],
    ["500M", 500_000_000],
    ["1e9", 1_000_000_000],
    ["1E3", 1000],
    ["2E", 2e18],
    ["0.5Gi", 536870912],
    ["128974848", 128974848],
    // as Go's Quantity.Value(): a leading +, and rounded up to a whole byte (the API server stores 1.0000000001Gi as 1073741824108m)
    ["+1Gi", 1073741824],
    ["1.0000000001Gi", 1073741825],
    ["1073741824108m", 1073741825],
    ["1.1", 2],
    ["1.1G", 1_100_000_000],
    [".5Ki", 512],
    ["5.", 5],
    ["100u", 1],
    [1.5, 2],
    // Go's parser reads "." and "+" as 0; an exponent beyond 64 and a value beyond a double are refused
    [".", 0],
    ["+", 0],
    [`1.${"0".repeat(70)}Gi`, 1073741824],
    ["1e999", undefined],
    ["9".repeat(400), undefined],
    [1024, 1024],
    ["0", 0],
    ["", undefined],
    ["-1Mi", undefined],
    ["12 Mi", undefined],
    ["1Xi", undefined],
    [-5, undefined]
  ]
  for (const [text, expected] of rows) {
    it(`${JSON.stringify(text)} -> ${expected}`, () => {
      assert.deepStrictEqual(Option.getOrUndefined(MemoryCheck.bytes(text)), expected)
    })
  }
})

describe("MemoryCheck.verdict", () => {
  const of = (options: PodOptions, exporter: string | undefined) =>
    MemoryCheck.verdict(decoded(pod("p", options)), exporter === undefined ? undefined : decodedMetrics(podMetrics("p", exporter)))

  it("skips what the Go operator skipped: terminating, not Running, no limit (the default), no measurement", () => {
    assert.deepStrictEqual(of({ limit: "100Mi", terminating: true }, "90Mi"), { _tag: "Skip", pod: "p", why: "terminating" })
    assert.deepStrictEqual(of({ limit: "100Mi", phase: "Pending" }, "90Mi"), { _tag: "Skip", pod: "p", why: "not-running" })
    assert.deepStrictEqual(of({}, "90Mi"), { _tag: "Skip", pod: "p", why: "no-limit" })
    assert.deepStrictEqual(of({ limit: "0" }, "90Mi"), { _tag: "Skip", pod: "p", why: "no-limit" })
    assert.deepStrictEqual(of({ limit: "100Mi", exporter: false }, "90Mi"), { _tag: "Skip", pod: "p", why: "no-exporter" })
    assert.deepStrictEqual(of({ limit: "100Mi" }, undefined), { _tag: "Skip", pod: "p", why: "no-metrics" })
  })

  it("restarts strictly above 70% of the limit", () => {
    assert.strictEqual(of({ limit: "100Mi" }, "70Mi")._tag, "Keep")
    assert.strictEqual(of({ limit: "100Mi" }, "71Mi")._tag, "Restart")
    const restart = of({ limit: "512Mi" }, "389120Ki")
    assert.deepStrictEqual(restart, { _tag: "Restart", pod: "p", workingSet: 380 * Mi, limit: 512 * Mi })
    if (restart._tag !== "Skip") assert.strictEqual(MemoryCheck.describe(restart), "dcgm-exporter uses 380Mi of its 512Mi memory limit (74% > 70%)")
    // just above and just below the threshold the share is not written as 70%
    const above = of({ limit: "1000000k" }, "700200k")
    assert.strictEqual(above._tag, "Restart")
    if (above._tag !== "Skip") assert.match(MemoryCheck.describe(above), /\(70\.02% > 70%\)$/)
    const below = of({ limit: "1000000k" }, "699996k")
    if (below._tag !== "Skip") assert.match(MemoryCheck.describe(below), /\(69\.9996% <= 70%\)$/)
    // within a millionth of a percent: 375809639 / 536870912 is 70.0000001%
    const close = of({ limit: "536870912" }, "375809639")
    if (close._tag !== "Skip") assert.match(MemoryCheck.describe(close), /\(70\.0000001% > 70%\)$/)
    const at = of({ limit: "1000k" }, "700k")
    if (at._tag !== "Skip") assert.match(MemoryCheck.describe(at), /\(70% <= 70%\)$/)
  })
})

describe("MemoryChecker", () => {
  const seed = (objects: ReadonlyArray<KubeObject.KubeObject>) => Effect.flatMap(Effect.service(KubeMemory), (m) => m.seed(objects))
  const deletes = Effect.map(Effect.flatMap(Effect.service(KubeMemory), (m) => m.writes), (calls) =>
    calls.map((c) => `${c.verb} ${c.resource} ${c.namespace ?? ""}/${c.name ?? ""}`))
  const podNames = Effect.map(Effect.flatMap(Effect.service(KubeClient), (k) => k.list(ApiResource.Pod, { namespace: ns })), (l) => l.items.map((p) => p.metadata.name))

  layer(KubeClient.layerMemory)("one round", (it) => {
    it.effect("deletes only the Running pod whose exporter is above the threshold", () =>
      Effect.gen(function*() {
        yield* seed([
          pod("hot", { limit: "100Mi" }), podMetrics("hot", "80Mi"),
          pod("cool", { limit: "100Mi" }), podMetrics("cool", "20Mi"),
          pod("unlimited"), podMetrics("unlimited", "900Mi"),
          pod("hot-pending", { limit: "100Mi", phase: "Pending" }), podMetrics("hot-pending", "99Mi"),
          // Not a GPU agent pod: the label selector keeps it out of the list.
          pod("other", { limit: "100Mi", labels: { app: "x" } }), podMetrics("other", "99Mi", { app: "x" })
        ])
        const round = yield* MemoryChecker.round(ns)
        assert.deepStrictEqual(round.verdicts.map((v) => `${v.pod}:${v._tag === "Skip" ? v.why : v._tag}`), [
          "cool:Keep", "hot:Restart", "hot-pending:not-running", "unlimited:no-limit"
        ])
        assert.isUndefined(round.metricsError)
        assert.deepStrictEqual(yield* deletes, [`delete pods ${ns}/hot`])
        assert.deepStrictEqual(yield* podNames, ["cool", "hot-pending", "other", "unlimited"])
      }))
  })

  layer(KubeClient.layerMemory)("without a metrics API", (it) => {
    it.effect("deletes nothing and says why", () =>
      Effect.gen(function*() {
        yield* seed([pod("hot", { limit: "100Mi" }), podMetrics("hot", "99Mi")])
        yield* (yield* KubeMemory).failNext({ verb: "list", resource: ApiResource.PodMetrics, reason: "NotFound", message: "the server could not find the requested resource" })
        const round = yield* MemoryChecker.round(ns)
        assert.deepStrictEqual(round.verdicts.map((v) => v._tag === "Skip" ? v.why : v._tag), ["no-metrics"])
        assert.include(round.metricsError ?? "", "metrics.k8s.io")
        assert.deepStrictEqual(yield* deletes, [])
      }))
  })

  layer(KubeClient.layerMemory)("the loop", (it) => {
    it.effect("runs its first round 30 s after the start, then every 30 s", () =>
      Effect.gen(function*() {
        yield* seed([pod("a", { limit: "100Mi" }), podMetrics("a", "99Mi")])
        const memory = yield* KubeMemory
        const lists = Effect.map(memory.calls, (calls) => calls.filter((c) => c.verb === "list" && c.resource === "pods").length)
        const fiber = yield* Effect.forkChild(MemoryChecker.run(ns))
        yield* TestClock.adjust("29 seconds")
        assert.strictEqual(yield* lists, 0)
        yield* TestClock.adjust("1 second")
        assert.strictEqual(yield* lists, 1)
        assert.deepStrictEqual(yield* deletes, [`delete pods ${ns}/a`])
        yield* TestClock.adjust("30 seconds")
        assert.strictEqual(yield* lists, 2)
        yield* Fiber.interrupt(fiber)
      }))
  })
})
