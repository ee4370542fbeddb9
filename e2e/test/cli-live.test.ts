/**
 * whatapctl's live commands against a real control plane set up as `npm start` sets up
 * its playground (the CRDs, deploy/operator, the complete sample CR, the operator running
 * as its ServiceAccount with its webhooks on loopback), plus the credentials Secret the
 * agents read. `doctor` passes there and, with a foreign CA in the pod webhook's caBundle
 * (the operator frozen so it cannot put it back), fails naming the fix; `plan` lists the
 * Deployments a changed CR newly matches and the shadowed target; `explain --pod` explains a
 * live pod; `render --diff` and
 * `schema` run offline (the schema validates every sample with kubeconform, an
 * independent JSON Schema validator). Every command runs through the installed bin.
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Context, Effect, Layer, Schedule } from "effect"
import { parse, stringify } from "yaml"
import { ControlPlane } from "../src/ControlPlane.ts"
import { loopbackNoProxy } from "../src/Loopback.ts"
import * as Manifests from "../src/Manifests.ts"
import * as OperatorProcess from "../src/OperatorProcess.ts"
import * as ServiceAccounts from "../src/ServiceAccounts.ts"
import * as Tools from "../src/Tools.ts"

const node = join(Manifests.repoRoot, "node_modules", "node", "bin", "node")
const bin = join(Manifests.repoRoot, "node_modules", ".bin", "whatapctl")
const agentSample = join(Manifests.samplesDir, "whatap-agent-complete.yaml")

interface Run {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** The bin as a child process; async, so this process keeps reading the operator's output meanwhile. */
const whatapctl = (args: ReadonlyArray<string>) =>
  Effect.callback<Run>((resume) => {
    const env = { ...process.env, NO_PROXY: loopbackNoProxy(process.env["NO_PROXY"]), no_proxy: loopbackNoProxy(process.env["no_proxy"]) }
    const child = spawn(node, [bin, ...args], { cwd: Manifests.repoRoot, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (c: string) => void (stdout += c))
    child.stderr.setEncoding("utf8").on("data", (c: string) => void (stderr += c))
    child.on("close", (status) => resume(Effect.succeed({ status, stdout, stderr })))
    return Effect.sync(() => void child.kill("SIGKILL"))
  })

class World extends Context.Service<World, {
  readonly kubeconfig: string
  readonly operator: OperatorProcess.OperatorProcess
  readonly scratch: string
}>()("@whatap-operator/e2e/cli-live/World") {}

const conditionReady = (agent: KubeObject.KubeObject): boolean => {
  const status = agent["status"] as { conditions?: ReadonlyArray<{ type?: string; status?: string }> } | undefined
  return status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true
}

const setup = Effect.gen(function*() {
  const plane = yield* ControlPlane
  const kube = yield* KubeClient
  const crds = yield* Manifests.crds
  yield* Manifests.apply(plane.kubeConfig, crds)
  yield* Manifests.waitEstablished(plane.kubeConfig, crds.map((o) => o.metadata?.name ?? ""))
  const deploy = Manifests.loadFiles(join(Manifests.repoRoot, "deploy", "operator"), (f) => f.endsWith(".yaml"))
  yield* Manifests.apply(plane.kubeConfig, [...deploy.filter((o) => o.kind === "Namespace"), ...deploy.filter((o) => o.kind !== "Namespace")], "e2e-installer")
  const operatorKubeconfig = yield* ServiceAccounts.kubeconfig({ kubeConfig: plane.kubeConfig, namespace: Naming.defaultNamespace, name: "whatap-operator", dir: plane.workDir })
  const samples = Manifests.loadFiles(Manifests.samplesDir, (f) => f === "whatap-agent-complete.yaml" || !f.startsWith("whatap-agent-"))
  yield* Manifests.apply(plane.kubeConfig, Manifests.namespacesOf(samples))
  yield* Manifests.apply(plane.kubeConfig, samples)
  // The agents read their credentials from this Secret; placeholders are enough for the plane.
  yield* kube.create(ApiResource.Secret, {
    apiVersion: "v1", kind: "Secret",
    metadata: { name: Naming.credentialsSecret, namespace: Naming.defaultNamespace },
    stringData: { WHATAP_LICENSE: "playground-license", WHATAP_HOST: "127.0.0.1", WHATAP_PORT: "6600" }
  })
  const operator = yield* OperatorProcess.start({ kubeconfig: operatorKubeconfig, namespace: Naming.defaultNamespace, identity: "whatap-operator-local", resyncPeriod: "5m" })
  yield* operator.waitReady()
  yield* kube.get(ApiResource.WhatapAgent, Naming.agentName).pipe(
    Effect.filterOrFail(conditionReady, () => new Error("WhatapAgent not Ready yet")),
    Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo({ duration: "90 seconds" })))
  )
  const scratch = mkdtempSync(join(tmpdir(), "whatapctl-live-"))
  yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(scratch, { recursive: true, force: true })))
  return World.of({ kubeconfig: plane.kubeconfigPath, operator, scratch })
})

const worldLayer = Layer.effect(World, setup).pipe(
  Layer.provideMerge(Layer.unwrap(Effect.map(Effect.service(ControlPlane), (plane) => KubeClient.layer({ kubeconfig: plane.kubeconfigPath })))),
  Layer.provideMerge(ControlPlane.layer())
)

/** The check blocks of doctor's text output, by title: "ok", "FAIL", ... */
const statuses = (stdout: string): ReadonlyMap<string, string> =>
  new Map([...stdout.matchAll(/^ ?\d+ (ok|warn|FAIL|skip)\s+([^:]+):/gm)].map((m) => [m[2] ?? "", m[1] ?? ""]))

layer(worldLayer, { timeout: "5 minutes", excludeTestServices: true })("whatapctl against a live cluster", (it) => {
  it.effect("doctor passes on the playground: every check ok, exit 0", () =>
    Effect.gen(function*() {
      const world = yield* World
      const r = yield* whatapctl(["doctor", "--kubeconfig", world.kubeconfig])
      assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`)
      const checks = statuses(r.stdout)
      assert.strictEqual(checks.size, 8, r.stdout)
      for (const [title, status] of checks) assert.strictEqual(status, "ok", `${title}\n${r.stdout}`)
      assert.include(r.stdout, "came back injected by target spring-apps")
      assert.include(r.stdout, "serves the Secret's certificate, which its caBundle accepts")
      assert.match(r.stderr, /whatapctl: 8 checks: 8 ok, 0 failed\n$/)
      const json = yield* whatapctl(["doctor", "--kubeconfig", world.kubeconfig, "-o", "json"])
      assert.strictEqual(json.status, 0, json.stderr)
      const report = JSON.parse(json.stdout) as { ok: boolean; checks: ReadonlyArray<{ status: string }> }
      assert.isTrue(report.ok)
      assert.deepStrictEqual(report.checks.map((c) => c.status), Array(8).fill("ok"))
    }), 120_000)

  it.effect("doctor fails with a foreign CA in the caBundle and names the fix; the operator puts it back", () =>
    Effect.gen(function*() {
      const world = yield* World
      const plane = yield* ControlPlane
      const kube = yield* KubeClient
      const foreign = Buffer.from(plane.caCert, "utf8").toString("base64")
      yield* world.operator.signal("SIGSTOP")
      const r = yield* Effect.gen(function*() {
        yield* kube.patch(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration, {
          type: "json",
          body: [{ op: "replace", path: "/webhooks/0/clientConfig/caBundle", value: foreign }]
        }, { fieldManager: "e2e-breaker" })
        return yield* whatapctl(["doctor", "--kubeconfig", world.kubeconfig])
      }).pipe(Effect.ensuring(world.operator.signal("SIGCONT")))
      assert.strictEqual(r.status, 1, `${r.stdout}\n${r.stderr}`)
      assert.strictEqual(statuses(r.stdout).get("served certificate against the caBundle"), "FAIL", r.stdout)
      assert.include(r.stdout, `${Naming.webhook.podWebhook} of MutatingWebhookConfiguration ${Naming.webhook.configuration}: its caBundle`)
      assert.match(r.stdout, /fix: the operator writes every caBundle from Secret whatap-monitoring\/whatap-webhook-certificate/)
      assert.match(r.stderr, /whatapctl: 8 checks: .*[1-9] failed/)
      // Thawed, the operator restores the caBundle: doctor passes again.
      const restored = yield* whatapctl(["doctor", "--kubeconfig", world.kubeconfig]).pipe(
        Effect.filterOrFail((again) => again.status === 0, (again) => new Error(again.stdout)),
        Effect.retry(Schedule.spaced("2 seconds").pipe(Schedule.upTo({ duration: "60 seconds" })))
      )
      assert.strictEqual(restored.status, 0)
    }), 180_000)

  it.effect("plan lists the Deployments a changed CR newly matches, the shadowed target and the quota", () =>
    Effect.gen(function*() {
      const world = yield* World
      const kube = yield* KubeClient
      const ns = "plan-e2e"
      yield* kube.create(ApiResource.Namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } })
      yield* kube.create(ApiResource.ResourceQuota, { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "compute", namespace: ns }, spec: { hard: { "requests.cpu": "10", "requests.memory": "8Gi" } } })
      const deployment = (name: string, labels: Record<string, string>, replicas: number) => ({
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: ns },
        spec: {
          replicas, selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "example.com/app:1", resources: { requests: { cpu: "100m", memory: "128Mi" } } }] } }
        }
      })
      yield* kube.create(ApiResource.Deployment, deployment("orders", { app: "orders" }, 3))
      yield* kube.create(ApiResource.Deployment, deployment("billing", { app: "billing" }, 1))
      yield* kube.create(ApiResource.Deployment, deployment("static", { app: "static" }, 1))
      const cr = parse(readFileSync(agentSample, "utf8")) as { spec: { features: { apm: { instrumentation: { targets: Array<unknown> } } } } }
      cr.spec.features.apm.instrumentation.targets.push(
        { name: "plan-java", enabled: true, language: "java", namespaceSelector: { matchNames: [ns] }, podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["orders", "billing"] }] } },
        { name: "orders-only", enabled: true, language: "python", podSelector: { matchLabels: { app: "orders" } } }
      )
      const file = join(world.scratch, "changed-agent.yaml")
      writeFileSync(file, stringify(cr))
      const r = yield* whatapctl(["plan", "--agent", file, "--kubeconfig", world.kubeconfig])
      assert.strictEqual(r.status, 0, `${r.stdout}\n${r.stderr}`)
      assert.include(r.stdout, `+ deployment ${ns}/billing (1 pod): injected by target plan-java (java latest)`)
      assert.include(r.stdout, `+ deployment ${ns}/orders (3 pods): injected by target plan-java (java latest)`)
      assert.notInclude(r.stdout, `${ns}/static`)
      assert.include(r.stdout, "per pod: requests.cpu +100m, requests.memory +128Mi")
      assert.match(r.stdout, /orders-only: applies to no workload; shadowed for deployment plan-e2e\/orders \(by plan-java\)/)
      assert.match(r.stdout, /plan-e2e\/compute requests\.cpu: used \S+ \+400m = \S+ of 10: fits/)
      const json = yield* whatapctl(["plan", "--agent", file, "--kubeconfig", world.kubeconfig, "-o", "json"])
      const plan = JSON.parse(json.stdout) as { current: boolean; changes: ReadonlyArray<{ name: string; change: string }> }
      assert.isTrue(plan.current)
      assert.deepStrictEqual(plan.changes.map((c) => [c.name, c.change]), [["billing", "matched"], ["orders", "matched"]])
      yield* kube.delete(ApiResource.Namespace, ns)
    }), 120_000)

  it.effect("explain --pod reads the pod, its namespace and the WhatapAgent from the cluster", () =>
    Effect.gen(function*() {
      const world = yield* World
      const kube = yield* KubeClient
      const name = `django-${Date.now()}`
      yield* kube.create(ApiResource.Pod, {
        apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels: { framework: "django" } },
        spec: { containers: [{ name: "app", image: "example.com/app:1" }] }
      } as KubeObject.KubeObject, { namespace: "default" })
      // the cluster's WhatapAgent (the complete sample): spring-apps wants framework=spring
      const live = yield* whatapctl(["explain", "--pod", name, "-n", "default", "--kubeconfig", world.kubeconfig])
      assert.strictEqual(live.status, 1, `${live.stdout}\n${live.stderr}`)
      assert.include(live.stdout, `pod default/${name} (from pod/default/${name}`)
      assert.include(live.stdout, "kubernetes.io/metadata.name=default")
      assert.match(live.stdout, /spring-apps\s+skipped/)
      // the same live pod against another WhatapAgent given as a file
      const agentFile = join(world.scratch, "django-agent.yaml")
      writeFileSync(agentFile, stringify({
        apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" },
        spec: { features: { apm: { instrumentation: { enabled: true, targets: [{ name: "django", enabled: true, language: "python", podSelector: { matchLabels: { framework: "django" } } }] } } } }
      }))
      const other = yield* whatapctl(["explain", "--pod", name, "-n", "default", "--agent", agentFile, "--kubeconfig", world.kubeconfig])
      assert.strictEqual(other.status, 0, `${other.stdout}\n${other.stderr}`)
      assert.include(other.stdout, "injected by target django")
      const missing = yield* whatapctl(["explain", "--pod", "no-such-pod", "-n", "default", "--kubeconfig", world.kubeconfig])
      assert.strictEqual(missing.status, 2)
      assert.include(missing.stderr, "pod default/no-such-pod not found")
      yield* kube.delete(ApiResource.Pod, name, { namespace: "default" })
    }), 120_000)

  it.effect("render --diff of two samples is stable (exit 1), identical inputs exit 0", () =>
    Effect.gen(function*() {
      const basic = join(Manifests.samplesDir, "whatap-agent-basic.yaml")
      const first = yield* whatapctl(["render", "--diff", basic, agentSample])
      const second = yield* whatapctl(["render", "--diff", basic, agentSample])
      assert.strictEqual(first.status, 1, first.stderr)
      assert.strictEqual(first.stdout, second.stdout)
      assert.include(first.stdout, "--- /dev/null\n+++ b/apps.v1.Deployment.whatap-monitoring.whatap-open-agent\n")
      const same = yield* whatapctl(["render", "--diff", agentSample, agentSample])
      assert.strictEqual(same.status, 0, same.stderr)
      assert.strictEqual(same.stdout, "")
    }))

  it.effect("schema: kubeconform validates every sample against it, and refuses a broken one", () =>
    Effect.gen(function*() {
      const world = yield* World
      const kubeconform = yield* Tools.kubeconform
      const schema = yield* whatapctl(["schema"])
      assert.strictEqual(schema.status, 0, schema.stderr)
      // kubeconform looks a schema up by the (lower-case) kind: one file per kind.
      for (const kind of ["WhatapAgent", "WhatapPodMonitor", "WhatapServiceMonitor", "WhatapStaticEndpoint"]) {
        const one = yield* whatapctl(["schema", kind])
        assert.strictEqual(one.status, 0, one.stderr)
        writeFileSync(join(world.scratch, `${kind.toLowerCase()}.json`), one.stdout)
      }
      const location = `${world.scratch}/{{ .ResourceKind }}.json`
      const check = (files: ReadonlyArray<string>, schemas = location) =>
        Effect.callback<Run>((resume) => {
          const child = spawn(kubeconform, ["-strict=false", "-summary", "-schema-location", schemas, ...files], { stdio: ["ignore", "pipe", "pipe"] })
          let stdout = ""
          let stderr = ""
          child.stdout.setEncoding("utf8").on("data", (c: string) => void (stdout += c))
          child.stderr.setEncoding("utf8").on("data", (c: string) => void (stderr += c))
          child.on("close", (status) => resume(Effect.succeed({ status, stdout, stderr })))
        })
      const valid = yield* check([Manifests.samplesDir])
      assert.strictEqual(valid.status, 0, `${valid.stdout}${valid.stderr}`)
      assert.match(valid.stdout, /Summary: 12 resources found in 12 files - Valid: 12, Invalid: 0, Errors: 0, Skipped: 0/)
      // The document for all four kinds, which picks the definition by `kind`, under every kind's name.
      const combined = join(world.scratch, "combined")
      mkdirSync(combined)
      for (const kind of ["whatapagent", "whatappodmonitor", "whatapservicemonitor", "whatapstaticendpoint"]) writeFileSync(join(combined, `${kind}.json`), schema.stdout)
      const all = yield* check([Manifests.samplesDir], `${combined}/{{ .ResourceKind }}.json`)
      assert.strictEqual(all.status, 0, `${all.stdout}${all.stderr}`)
      const broken = join(world.scratch, "broken.yaml")
      writeFileSync(broken, readFileSync(agentSample, "utf8").replace("enabled: true", "enabled: yes-please"))
      const invalid = yield* check([broken])
      assert.strictEqual(invalid.status, 1, invalid.stdout)
      assert.include(invalid.stdout, "/spec/features/apm/instrumentation/enabled")
      assert.strictEqual((yield* check([broken], `${combined}/{{ .ResourceKind }}.json`)).status, 1)
    }))
})
