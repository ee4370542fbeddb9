/**
 * `whatapctl plan`: the plan of a CR change (workloads newly matched, unmatched, injected
 * differently; shadowed targets; what each pod is charged more against a ResourceQuota),
 * the quantities it adds, what it reads from a cluster (kube's memory API server), the
 * text and JSON reports, and the bin's exit codes without a cluster. The e2e suite runs
 * it against a real control plane (e2e/test/cli-live.test.ts).
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Decode, type WhatapAgent } from "@whatap-operator/core"
import { KubeClient, KubeError, type KubeObject, KubeMemory } from "@whatap-operator/kube"
import { Effect, Layer, Option } from "effect"
import * as Cluster from "../src/Cluster.ts"
import { readCluster, storedAgentNote } from "../src/commands/plan.ts"
import * as Evaluate from "../src/commands/plan/Evaluate.ts"
import * as Quantity from "../src/commands/plan/Quantity.ts"
import * as Quota from "../src/commands/plan/Quota.ts"
import * as Report from "../src/commands/plan/Report.ts"
import * as Resources from "../src/commands/plan/Resources.ts"
import type * as Workloads from "../src/commands/plan/Workloads.ts"
import { ansi, plain } from "../src/Style.ts"
import { recordingIo } from "./support/cluster.ts"
import { fixture, isolatedEnv, repoRoot, run, scratchDir } from "./support/run.ts"

const agent = (targets: ReadonlyArray<unknown>, instrumentation: Record<string, unknown> = {}): WhatapAgent.WhatapAgent =>
  Option.getOrThrow(Decode.as("WhatapAgent", {
    apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" },
    spec: { features: { apm: { instrumentation: { enabled: true, targets, ...instrumentation } } } }
  }).value)

const target = (name: string, podSelector: unknown, extra: Record<string, unknown> = {}) => ({ name, enabled: true, language: "java", podSelector, ...extra })

const workload = (name: string, namespace: string, labels: Record<string, string>, pods = 1): Workloads.Workload => ({
  kind: "Deployment", namespace, name, pods,
  template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "example.com/app:1", resources: { requests: { cpu: "100m", memory: "128Mi" } } }] } }
})

const namespaces = new Map(["shop", "web", "kube-system", "whatap-monitoring"].map((n) => [n, { "kubernetes.io/metadata.name": n }] as const))

const plan = (before: WhatapAgent.WhatapAgent | undefined, after: WhatapAgent.WhatapAgent | undefined, workloads: ReadonlyArray<Workloads.Workload>) =>
  Evaluate.plan({ before, after, namespaces, operatorNamespace: "whatap-monitoring", workloads })

const quota = (namespace: string, hard: Record<string, string>, used: Record<string, string>): KubeObject.KubeObject =>
  ({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "compute", namespace }, spec: { hard }, status: { hard, used } })

describe("plan: the changes", () => {
  const before = agent([target("orders", { matchLabels: { app: "orders" } }), target("legacy", { matchLabels: { app: "legacy" } })])
  const after = agent([
    target("orders", { matchLabels: { app: "orders" } }, { whatapApmVersions: { java: "2.2.60" } }),
    target("api", { matchExpressions: [{ key: "app", operator: "In", values: ["api", "orders"] }] })
  ])
  const workloads = [
    workload("orders", "shop", { app: "orders" }, 2),
    workload("legacy", "shop", { app: "legacy" }),
    workload("api", "web", { app: "api" }, 3),
    workload("static", "web", { app: "static" }),
    workload("api", "kube-system", { app: "api" })
  ]

  it("newly matched, unmatched and changed workloads, sorted; the rest counted as unchanged; system namespaces left out", () => {
    const result = plan(before, after, workloads)
    assert.deepStrictEqual(result.changes.map((c) => [`${c.workload.namespace}/${c.workload.name}`, c.change]), [
      ["shop/legacy", "unmatched"], ["shop/orders", "changed"], ["web/api", "matched"]
    ])
    // kube-system/api is left out: the webhook's namespaceSelector never lets its pods reach it.
    assert.strictEqual(result.unchanged, 1)
    assert.strictEqual(result.workloads, 4)
    const api = result.changes[2] ?? assert.fail()
    assert.deepStrictEqual(api.after, { injected: true, target: "api", language: "java", version: "latest" })
    assert.deepStrictEqual(api.before, { injected: false, target: undefined, reason: "NoTargetMatched", message: "no enabled target matches the pod" })
  })

  it("per pod and in total: the init container's default limits count as its requests", () => {
    const api = plan(before, after, workloads).changes.find((c) => c.workload.name === "api") ?? assert.fail()
    assert.strictEqual(Resources.describe(api.perPod), "requests.cpu +100m, requests.memory +128Mi, limits.cpu +200m, limits.memory +256Mi")
    assert.strictEqual(Resources.describe(api.total), "requests.cpu +300m, requests.memory +384Mi, limits.cpu +600m, limits.memory +768Mi")
    const legacy = plan(before, after, workloads).changes.find((c) => c.workload.name === "legacy") ?? assert.fail()
    assert.strictEqual(Resources.describe(legacy.perPod), "requests.cpu -100m, requests.memory -128Mi, limits.cpu -200m, limits.memory -256Mi")
  })

  it("targets: which workloads each applies to, and where it is shadowed by an earlier one; system namespaces left out", () => {
    assert.deepStrictEqual(plan(before, after, workloads).targets, [
      { index: 0, name: "orders", enabled: true, applies: ["deployment shop/orders"], shadowed: [] },
      { index: 1, name: "api", enabled: true, applies: ["deployment web/api"], shadowed: [{ workload: "deployment shop/orders", by: "orders" }] }
    ])
  })

  it("no agent in the cluster: everything the new one injects is newly matched", () => {
    const result = plan(undefined, after, workloads)
    assert.deepStrictEqual(result.changes.map((c) => c.change), ["matched", "matched"])
  })
})

describe("plan: ResourceQuotas", () => {
  const after = agent([target("all", { matchLabels: { tier: "app" } })])
  const workloads = [workload("orders", "shop", { tier: "app" }, 3)]

  it("used plus what the changed workloads add, against hard; cpu is an alias of requests.cpu", () => {
    const changes = plan(undefined, after, workloads).changes
    const result = Quota.check([quota("shop", { cpu: "1", "requests.memory": "4Gi", pods: "10" }, { cpu: "800m", "requests.memory": "1Gi" })], changes)
    assert.deepStrictEqual(result.checks.map((c) => [c.resource, c.used, c.added, c.after, c.hard, c.exceeds]), [
      ["cpu", "800m", "+300m", "1100m", "1", true],
      ["requests.memory", "1Gi", "+384Mi", "1408Mi", "4Gi", false]
    ])
    assert.isTrue(Quota.fails(result))
    assert.deepStrictEqual(Quota.check([quota("web", { cpu: "1" }, {})], changes), { checks: [], refusals: [] })
  })

  it("an init container without requests is refused by a quota on them", () => {
    const bare = agent([target("all", { matchLabels: { tier: "app" } }, { initContainerResources: {} })])
    const result = Quota.check([quota("shop", { "requests.memory": "4Gi" }, {})], plan(undefined, bare, workloads).changes)
    assert.deepStrictEqual(result.refusals, [{ namespace: "shop", quota: "compute", resource: "requests.memory", workload: "deployment shop/orders", containers: ["whatap-agent-init"] }])
    assert.isTrue(Quota.fails(result))
  })

  it("the report: text and JSON", () => {
    const changes = plan(undefined, after, workloads)
    const quotas = Quota.check([quota("shop", { cpu: "2" }, { cpu: "800m" })], changes.changes)
    const header = { file: "agent.yaml", name: "whatap", current: false }
    assert.strictEqual(Report.text(header, changes, quotas, plain), [
      "plan: WhatapAgent/whatap of agent.yaml against no WhatapAgent/whatap in the cluster",
      "workloads: 1 workload evaluated: 1 change, 0 unchanged",
      "  + deployment shop/orders (3 pods): injected by target all (java latest); was not injected (NoAgent)",
      "      per pod: requests.cpu +100m, requests.memory +128Mi, limits.cpu +200m, limits.memory +256Mi",
      "targets (first match wins):",
      "   1 all: applies to 1 workload",
      "resource quotas (once every pod of the changed workloads is re-created):",
      "  shop/compute cpu: used 800m +300m = 1100m of 2: fits",
      ""
    ].join("\n"))
    const json = JSON.parse(Report.json(header, changes, quotas)) as { changes: ReadonlyArray<{ total: Record<string, string> }>; fails: boolean; rolloutRestart: unknown }
    assert.deepStrictEqual(json.changes[0]?.total, { "requests.cpu": "300m", "requests.memory": "384Mi", "limits.cpu": "600m", "limits.memory": "768Mi" })
    assert.isFalse(json.fails)
    assert.deepStrictEqual(json.rolloutRestart, { enabled: false })
    // a CR that opts in to the rollout restart: the plan names what the operator will restart
    const opted = { ...header, rolloutRestart: { maxConcurrent: 2 } }
    assert.include(Report.text(opted, changes, quotas, plain), "rollout restart (on, at most 2 at once): once the CR is applied the operator would restart 1 workload (paused or OnDelete ones excepted, and only where the chart value rolloutRestart.enabled grants it):\n  deployment shop/orders\n")
    assert.deepStrictEqual((JSON.parse(Report.json(opted, changes, quotas)) as { rolloutRestart: unknown }).rolloutRestart, { enabled: true, maxConcurrent: 2, restarts: ["deployment shop/orders"] })
    // no longer matched: the restart leaves it (only missed or differently injected pods are restarted)
    assert.deepStrictEqual(Report.restarts(plan(after, undefined, workloads)), [])
  })
})

describe("plan: names from the CR and the cluster on a terminal", () => {
  it("their control characters are escaped in the text report, the colours' own sequences kept", () => {
    const hostile = agent([target("t\u001b[32mGREEN\u0007", { matchLabels: { app: "x" } })])
    const changes = plan(undefined, hostile, [workload("d0\u001b]0;pwn\u0007", "shop", { app: "x" })])
    const header = { file: "a\u001b[2J.yaml", name: "whatap", current: false }
    const text = Report.text(header, changes, Quota.check([], changes.changes), ansi)
    assert.include(text, "d0\\u001b]0;pwn\\u0007")
    assert.include(text, "t\\u001b[32mGREEN\\u0007")
    assert.include(text, "a\\u001b[2J.yaml")
    assert.notInclude(text, "\u0007")
    // the only raw ESC left are the palette's colour sequences
    assert.strictEqual(text.replace(/\u001b\[[0-9;]*m/g, "").includes("\u001b"), false)
    assert.include(text, ansi.green("+ deployment shop/d0\\u001b]0;pwn\\u0007"))
  })
})

describe("plan: quantities and a pod's charge", () => {
  it("parses every suffix exactly and formats like kubectl", () => {
    const q = (text: string, resource = "cpu") => Quantity.format(Quantity.parse(text) ?? assert.fail(text), resource)
    assert.deepStrictEqual(["1.5", "250m", "0.1", "2", "1e3", "100u"].map((t) => q(t)), ["1500m", "250m", "100m", "2", "1000", "1m"])
    assert.deepStrictEqual(["256Mi", "1.5Gi", "1G", "1000", "1Ki"].map((t) => q(t, "memory")), ["256Mi", "1536Mi", "1000000000", "1000", "1Ki"])
    assert.isUndefined(Quantity.parse("1.2.3"))
    assert.isUndefined(Quantity.parse("Mi"))
    assert.strictEqual(Quantity.compare(Quantity.parse("500m") ?? assert.fail(), Quantity.parse("0.5") ?? assert.fail()), 0)
  })

  it("the larger of the app containers' sum and the largest init container; a request defaults to the limit", () => {
    const pod = {
      spec: {
        containers: [{ name: "a", resources: { requests: { cpu: "100m" } } }, { name: "b", resources: { limits: { cpu: "150m", memory: "1Gi" } } }],
        initContainers: [{ name: "init", resources: { limits: { cpu: "500m", memory: "64Mi" } } }]
      }
    }
    const usage = Resources.usage(pod)
    assert.strictEqual(Quantity.format(usage["requests.cpu"], "cpu"), "500m")
    assert.strictEqual(Quantity.format(usage["requests.memory"], "memory"), "1Gi")
    assert.deepStrictEqual(Resources.missing(pod, "requests.memory"), ["a"])
  })
})

describe("plan: what it reads from the cluster", () => {
  it.effect("workloads not owned by another, their pods, namespaces with labels, quotas and the agent", () =>
    Effect.gen(function*() {
      const memory = yield* KubeMemory
      const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "x" }] } }
      yield* memory.seed([
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "web", labels: { team: "a" } } },
        { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "web", uid: "d1" }, spec: { replicas: 4, template } },
        { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-1", namespace: "web", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d1", controller: true }] }, spec: { replicas: 4, template } },
        { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", namespace: "web" }, spec: { template }, status: { desiredNumberScheduled: 3 } },
        quota("web", { cpu: "1" }, {})
      ])
      const cluster = yield* readCluster
      assert.deepStrictEqual(cluster.workloads.map((w) => [w.kind, w.name, w.pods]), [["Deployment", "web", 4], ["DaemonSet", "agent", 3]])
      assert.deepStrictEqual(cluster.namespaces.get("web"), { team: "a" })
      assert.strictEqual(cluster.quotas.length, 1)
      assert.isTrue(Option.isNone(cluster.agent.stored))
      // the in-memory server serves the kind: the agent is missing, not its CRD
      assert.isFalse(cluster.agent.crdMissing)
    }).pipe(Effect.provide(Layer.merge(KubeClient.layerMemory, recordingIo().layer))))

  it("a 404 with the API server's plain page (a resource it does not serve), not a Status, means the CRD is missing", () => {
    const notFound = (message: string) => new KubeError({ reason: "NotFound", operation: "GET /apis/monitoring.whatap.com/v2alpha1/whatapagents/whatap", message, status: 404 })
    assert.isFalse(Cluster.isUnserved(notFound(`whatapagents.monitoring.whatap.com "whatap" not found`)))
    assert.isFalse(Cluster.isUnserved(notFound("not found")))
    assert.isTrue(Cluster.isUnserved(notFound("404 page not found\n")))
    assert.isFalse(Cluster.isUnserved(new KubeError({ reason: "Forbidden", operation: "GET x", message: "404 page not found", status: 403 })))
  })
})

describe("plan's note on the cluster's WhatapAgent", () => {
  const stored = (spec: unknown): KubeObject.KubeObject =>
    ({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec } as unknown as KubeObject.KubeObject)

  it("says when the stored CR has validation errors or does not decode, and nothing for a valid one", () => {
    assert.isUndefined(storedAgentNote(stored({ features: { apm: { instrumentation: { enabled: true, targets: [{ name: "t", enabled: true, language: "java" }] } } } })))
    const invalid = storedAgentNote(stored({ features: { apm: { instrumentation: { enabled: true, targets: [{ name: "t", enabled: true, language: "ruby", podSelector: { matchExpressions: [{ key: "app", operator: "in", values: ["x"] }] } }] } } } }))
    assert.match(invalid ?? "", /^whatapctl: note: the cluster's WhatapAgent whatap has 2 validation errors \(kubectl get whatapagent whatap -o yaml \| whatapctl validate -\): the operator applies nothing from it, and the webhook injects by its targets as they are\n$/)
    assert.include(storedAgentNote(stored({ features: "no" })) ?? "", "does not decode")
  })
})

describe("plan through the bin", () => {
  const dir = scratchDir("plan-bin-")

  it("usage errors and an invalid CR, before any cluster is contacted", () => {
    const noAgent = run(["plan"], { env: isolatedEnv() })
    assert.strictEqual(noAgent.status, 2)
    assert.include(noAgent.stderr, "--agent FILE is required")
    const invalid = run(["plan", "--agent", fixture("render/invalid-agent.yaml")], { env: isolatedEnv() })
    assert.strictEqual(invalid.status, 1)
    assert.match(invalid.stderr, /invalid-agent\.yaml:\d+:\d+: error: /)
    assert.strictEqual(run(["plan", "--agent", "x.yaml", "-o", "yaml"], { env: isolatedEnv() }).status, 2)
  })

  it("an agent file with invalid UTF-8 is refused with its place (exit 2) before any cluster is contacted", () => {
    const bad = join(dir, "bad.yaml")
    writeFileSync(bad, Buffer.concat([Buffer.from(readFileSync(`${repoRoot}deploy/samples/whatap-agent-basic.yaml`, "utf8")), Buffer.from("# "), Buffer.from([0xff]), Buffer.from("\n")]))
    const r = run(["plan", "--agent", bad, "--kubeconfig", "/nonexistent"], { env: isolatedEnv() })
    assert.strictEqual(r.status, 2)
    assert.match(r.stderr, new RegExp(`^whatapctl: cannot read ${bad}: invalid UTF-8 at line \\d+, column 3: save the file as UTF-8`))
  })

  it("a cluster that cannot be read is exit 2 with one line", () => {
    const r = run(["plan", "--agent", "deploy/samples/whatap-agent-basic.yaml", "--kubeconfig", "/nonexistent"], { env: isolatedEnv() })
    assert.strictEqual(r.status, 2)
    assert.strictEqual(r.stderr.split("\n").length, 2, r.stderr)
    assert.match(r.stderr, /^whatapctl: cannot use the kubeconfig: /)
  })
})
