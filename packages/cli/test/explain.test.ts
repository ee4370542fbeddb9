/**
 * `whatapctl explain` end to end through the real bin (B1): every target with its
 * verdict (first match applied, later ones shadowed, the failing selector requirement
 * and the engine's reason for the others), the outcome, the patch `inject -o patch`
 * prints, and the exit code that answers "is it injected?" (0 yes, 1 no).
 */
import { writeFileSync } from "node:fs"
import { createServer as createHttpsServer } from "node:https"
import { type AddressInfo, createServer } from "node:net"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Certificates } from "@whatap-operator/injector"
import { Effect } from "effect"
import { isolatedEnv, scratchDir, start } from "./support/run.ts"
import { agentFile, apply, cli, specEnv, deployment, documents, javaPod, type Json, noMatchPod, nodejsPod, ok, patches, read, workloadsList } from "./support/inject.ts"

const javaText = `pod default/app (from ${javaPod}:2:1)
  namespace: default (labels: kubernetes.io/metadata.name=default)
  targets (first match wins):
    1 java-prod  skipped   namespaceSelector: namespace "default" is not in matchNames (prod)
    2 legacy     skipped   disabled (enabled: false)
    3 web-java   MATCH     pods: app=web; namespaces: all
    4 py         skipped   podSelector: lang in (python): label "lang" is absent
    5 node       skipped   podSelector: lang=nodejs: label "lang" is absent
    6 web-any    shadowed  matches too, but target 3 web-java matched first
  result: injected by target web-java (java 2.2.58, image public.ecr.aws/whatap/apm-init-java:2.2.58)
  patch: 13 operations (-o json shows them)
`

interface Entry {
  readonly kind: string
  readonly name: string
  readonly namespace: string
  readonly injected: boolean
  readonly outcome: Json
  readonly targets: ReadonlyArray<{ readonly name: string; readonly verdict: string; readonly selected: boolean; readonly reason?: string; readonly requirement?: string }>
  readonly patch: ReadonlyArray<never>
  readonly warnings: ReadonlyArray<string>
}

const explainJson = (args: ReadonlyArray<string>, expected: number): ReadonlyArray<Entry> => {
  const r = cli(["explain", "-o", "json", ...args, "--agent", agentFile])
  assert.strictEqual(r.status, expected, r.stderr)
  return JSON.parse(r.stdout) as ReadonlyArray<Entry>
}

describe("explain: text", () => {
  it("a matching pod: every target's verdict, the result and the patch size; exit 0", () => {
    const r = cli(["explain", "-f", javaPod, "--agent", agentFile])
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stdout, javaText)
    assert.strictEqual(r.stderr, "")
  })

  it("a license value quoted in a verdict (a pod label equal to WHATAP_LICENSE) is redacted in every format, unless --show-secrets", () => {
    const license = "LICENSE-XYZ-123"
    const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: leaky, namespace: default, labels: {app: LICENSE-XYZ-123}}\nspec: {containers: [{name: c, image: i}]}\n"
    const env = specEnv({ WHATAP_LICENSE: license })
    for (const format of ["text", "json", "yaml"]) {
      const r = cli(["explain", "-f", "-", "-o", format, "--agent", agentFile], { env, stdin: pod })
      assert.include(r.stdout, "[redacted]", format)
      assert.notInclude(r.stdout + r.stderr, license, format)
    }
    const shown = cli(["explain", "-f", "-", "--show-secrets", "--agent", agentFile], { env, stdin: pod })
    assert.include(shown.stdout, `label "app" is "${license}"`)
  })

  it("a pod no target matches: why each one misses; exit 1", () => {
    const r = cli(["explain", "-f", noMatchPod, "--agent", agentFile])
    assert.strictEqual(r.status, 1)
    assert.include(r.stdout, `    3 web-java   skipped   podSelector: app=web: label "app" is "db", not "web"\n`)
    assert.include(r.stdout, "  result: not injected: NoTargetMatched: no enabled target matches the pod\n  patch: none\n")
  })

  it("a namespace selector on labels: missed without --namespace-labels, matched with them", () => {
    const missed = cli(["explain", "-f", nodejsPod, "--agent", agentFile])
    assert.strictEqual(missed.status, 1)
    assert.include(missed.stdout, `    5 node       skipped   namespaceSelector: team=shop: label "team" is absent\n`)
    const matched = cli(["explain", "-f", nodejsPod, "--agent", agentFile, "--namespace-labels", "team=shop"])
    assert.strictEqual(matched.status, 0)
    assert.include(matched.stdout, "    5 node       MATCH     pods: lang=nodejs; namespaces: team=shop\n")
    assert.include(matched.stdout, "  namespace: shop (labels: kubernetes.io/metadata.name=shop, team=shop)\n")
  })

  it("kube-system: the target matches, the pod is refused; exit 1", () => {
    const r = cli(["explain", "-f", javaPod, "--agent", agentFile, "-n", "kube-system"])
    assert.strictEqual(r.status, 1)
    assert.include(r.stdout, "    3 web-java   MATCH     ")
    assert.include(r.stdout, `  result: not injected: SystemNamespace: target "web-java" matches the pod, but namespace "kube-system" is a system namespace`)
    assert.include(r.stdout, "  patch: none (the webhook's namespaceSelector keeps pods of this namespace away from the webhook)\n")
  })

  it("several files and a List: one block per pod or template; exit 1 when one is not injected", () => {
    const r = cli(["explain", "-f", deployment, "-f", workloadsList, "--agent", agentFile])
    assert.strictEqual(r.status, 1)
    const headers = r.stdout.split("\n").filter((l) => l !== "" && !l.startsWith(" "))
    assert.deepStrictEqual(headers, [
      `deployment shop/web, pod template (from ${deployment}:13:1)`,
      `cronjob shop/report, pod template (from ${workloadsList}:5:5)`,
      `pod shop/db-0 (from ${workloadsList}:23:5)`
    ])
    assert.strictEqual(cli(["explain", "-f", deployment, "-f", javaPod, "--agent", agentFile]).status, 0)
  })

  it("gates decide before the targets: instrumentation disabled; the verdicts are still listed", () => {
    const agent = read(agentFile).replace("        enabled: true\n        targets:", "        enabled: false\n        targets:")
    const r = cli(["explain", "-f", javaPod, "--agent", "-"], { stdin: agent })
    assert.strictEqual(r.status, 1)
    assert.include(r.stdout, "  result: not injected: InstrumentationDisabled: spec.features.apm.instrumentation has enabled: false\n")
    assert.include(r.stdout, "    3 web-java   MATCH     ")
  })
})

describe("explain: -o json", () => {
  it("lists every target with its verdict, requirement and reason", () => {
    const [entry] = explainJson(["-f", noMatchPod], 1)
    assert.deepStrictEqual(entry?.targets.map((t) => [t.name, t.verdict, t.selected]), [
      ["java-prod", "NamespaceMismatch", false],
      ["legacy", "Disabled", false],
      ["web-java", "PodMismatch", false],
      ["py", "PodMismatch", false],
      ["node", "PodMismatch", false],
      ["web-any", "PodMismatch", false]
    ])
    assert.deepInclude(entry?.targets[2], { requirement: "app=web", reason: `label "app" is "db", not "web"` })
    assert.deepInclude(entry, { kind: "Pod", name: "db-0", namespace: "shop", injected: false, patch: [] })
    assert.deepStrictEqual(entry?.outcome, { injected: false, reason: "NoTargetMatched", message: "no enabled target matches the pod" })
  })

  it("the first match is selected, a later one shadowed", () => {
    const [entry] = explainJson(["-f", javaPod], 0)
    assert.deepStrictEqual(entry?.targets.filter((t) => t.verdict === "Matched").map((t) => [t.name, t.selected]), [["web-java", true], ["web-any", false]])
    assert.deepInclude(entry?.outcome, { injected: true, target: { name: "web-java", index: 2 }, language: "java", version: "2.2.58" })
  })

  it("the patch is the one inject -o patch prints, and applied to the pod gives inject's output", () => {
    for (const secrets of [[], ["--show-secrets"]]) {
      const entries = explainJson([...secrets, "-f", javaPod, "-f", nodejsPod, "--namespace-labels", "team=shop"], 0)
      const lines = patches(ok(["inject", "-o", "patch", ...secrets, "-f", javaPod, "-f", nodejsPod, "--namespace-labels", "team=shop", "--agent", agentFile]).stdout)
      assert.deepStrictEqual(entries.map((e) => e.patch), lines)
      const injected = documents(ok(["inject", ...secrets, "-f", javaPod, "-f", nodejsPod, "--namespace-labels", "team=shop", "--agent", agentFile]).stdout)
      const inputs = [...documents(read(javaPod)), ...documents(read(nodejsPod))]
      assert.deepStrictEqual(inputs.map((pod, i) => apply(pod, entries[i]?.patch ?? [])), [...injected])
    }
  })
})

describe("explain --pod: a slow API server", () => {
  const dir = scratchDir("explain-pod-")

  const kubeconfig = (port: number): string => {
    const config = join(dir, `config-${port}`)
    writeFileSync(config, [
      "apiVersion: v1", "kind: Config", "current-context: c",
      "clusters: [{name: c, cluster: {server: \"https://127.0.0.1:" + port + "\", insecure-skip-tls-verify: true}}]",
      "users: [{name: u, user: {token: t}}]", "contexts: [{name: c, context: {cluster: c, user: u}}]", ""
    ].join("\n"))
    return config
  }

  it("a cluster without the WhatapAgent, or without its CRD: every pod is not injected (NoAgent, exit 1), and a note says which", async () => {
    const ca = await Effect.runPromise(Certificates.generateCa({ keyAlgorithm: "ecdsa-p256" }))
    const serving = await Effect.runPromise(Certificates.issueServing(ca, { dnsNames: ["localhost"], keyAlgorithm: "ecdsa-p256" }))
    const objects: Record<string, unknown> = {
      "/api/v1/namespaces/shop/pods/web": { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "shop", labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx" }] } },
      "/api/v1/namespaces/shop": { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "kubernetes.io/metadata.name": "shop" } } }
    }
    const asked: Array<string> = []
    const server = createHttpsServer({ cert: serving.cert, key: serving.key }, (request, response) => {
      const path = (request.url ?? "").split("?")[0] ?? ""
      asked.push(path)
      const found = objects[path]
      // the kind is served in the first run (the object's own Status), not in the second (the server's plain page: no CRD)
      if (found === undefined && path.includes("/whatapagents/") && asked.filter((p) => p.includes("/whatapagents/")).length > 1) {
        response.writeHead(404, { "content-type": "text/plain; charset=utf-8" })
        return void response.end("404 page not found\n")
      }
      response.writeHead(found === undefined ? 404 : 200, { "content-type": "application/json" })
      response.end(JSON.stringify(found ?? { apiVersion: "v1", kind: "Status", status: "Failure", reason: "NotFound", code: 404, message: `${path.split("/").at(-2) ?? ""} "${path.split("/").at(-1) ?? ""}" not found` }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const r = await start(["explain", "--pod", "web", "-n", "shop", "--kubeconfig", kubeconfig(port)], { env: isolatedEnv(), timeoutMs: 20_000 }).done
      assert.strictEqual(r.status, 1, r.stderr)
      assert.include(r.stdout, "pod shop/web (from pod/shop/web:")
      assert.include(r.stdout, "result: not injected: NoAgent: there is no WhatapAgent named \"whatap\"")
      assert.include(r.stderr, "note: the cluster has no WhatapAgent named \"whatap\", so the webhook injects no pod (--agent FILE tries one)")
      assert.include(asked, "/apis/monitoring.whatap.com/v2alpha1/whatapagents/whatap")
      const noCrd = await start(["explain", "--pod", "web", "-n", "shop", "--kubeconfig", kubeconfig(port)], { env: isolatedEnv(), timeoutMs: 20_000 }).done
      assert.strictEqual(noCrd.status, 1, noCrd.stderr)
      assert.include(noCrd.stderr, "note: the cluster has no WhatapAgent CRD (whatapagents.monitoring.whatap.com; install the CRDs with `whatapctl crds | kubectl apply --server-side -f -`), so there is no WhatapAgent and the webhook injects no pod")
    } finally {
      server.close()
    }
  }, 30_000)

  it("one that accepts and never answers: the command says what it is waiting for", async () => {
    const server = createServer(() => {})
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const config = join(dir, "config")
      writeFileSync(config, [
        "apiVersion: v1", "kind: Config", "current-context: c",
        "clusters: [{name: c, cluster: {server: \"https://127.0.0.1:" + port + "\", insecure-skip-tls-verify: true}}]",
        "users: [{name: u, user: {token: t}}]", "contexts: [{name: c, context: {cluster: c, user: u}}]", ""
      ].join("\n"))
      const running = start(["explain", "--pod", "web", "-n", "shop", "--kubeconfig", config], { env: isolatedEnv(), timeoutMs: 8_000 })
      const r = await running.done
      assert.isTrue(r.timedOut, r.stderr)
      assert.include(r.stderr, "whatapctl: reading pod shop/web, its namespace and the WhatapAgent whatap ...\n")
    } finally {
      server.close()
    }
  }, 30_000)
})
