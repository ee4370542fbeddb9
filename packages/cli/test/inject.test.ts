/**
 * `whatapctl inject` end to end through the real bin: the spec 5.10 pod exactly, Python
 * and Node.js pods, a Deployment's template mutated as the webhook mutates a pod, a
 * CronJob in a List, `-o patch` that turns the input into the `-o yaml` output,
 * `-o json`, pods that are not injected (no match, kube-system, the operator's
 * namespace, a conflict), and idempotency.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import {
  agentFile, apply, at, cli, deployment, documents, envMap, javaPod, type Json, noMatchPod, nodejsPod, ok, patches, pythonPod, read,
  specEnv, webhook, workloadsList
} from "./support/inject.ts"
import { repoRoot } from "./support/run.ts"

interface Spec510 {
  readonly annotations: Readonly<Record<string, string>>
  readonly spec: unknown
}

/** The injected pod of spec 5.10, written out by hand in the injector's suite; here with the fixture's labels. */
const spec510Parts = JSON.parse(readFileSync(join(repoRoot, "packages", "injector", "test", "inject", "spec-5.10.json"), "utf8")) as Spec510
const spec510 = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "app", labels: { app: "web" }, annotations: spec510Parts.annotations },
  spec: spec510Parts.spec
}

const injectedLine = "pod default/app: injected by target web-java (java 2.2.58, image public.ecr.aws/whatap/apm-init-java:2.2.58)\n"

describe("inject: spec 5.10", () => {
  it("gives exactly the pod of spec 5.10 (WHATAP_LICENSE=L, WHATAP_HOST=H, WHATAP_PORT=6600, java 2.2.58)", () => {
    const r = ok(["inject", "--show-secrets", "-f", javaPod, "--agent", agentFile])
    const [pod, ...rest] = documents(r.stdout)
    assert.strictEqual(rest.length, 0)
    assert.strictEqual(JSON.stringify(pod, null, 2), JSON.stringify(spec510, null, 2))
    assert.strictEqual(r.stderr, injectedLine)
  })

  it("is what the webhook's Inject.mutate gives for the same pod and namespace", () => {
    const [pod] = documents(ok(["inject", "--show-secrets", "-f", javaPod, "--agent", agentFile]).stdout)
    assert.deepStrictEqual(pod, webhook(documents(read(javaPod))[0], "default").pod)
  })

  it("without --show-secrets the license values are [redacted], everything else the same", () => {
    const r = ok(["inject", "-f", javaPod, "--agent", agentFile])
    const [pod] = documents(r.stdout)
    assert.deepStrictEqual(envMap(at(pod, "spec", "containers", 0, "env"))["license"], "[redacted]")
    assert.deepStrictEqual(envMap(at(pod, "spec", "initContainers", 0, "env"))["WHATAP_LICENSE"], "[redacted]")
    const back = JSON.parse(JSON.stringify(pod).replaceAll(`"value":"[redacted]"`, `"value":"L"`)) as unknown
    assert.deepStrictEqual(back, spec510)
    assert.include(r.stderr, "license values are printed as [redacted]; --show-secrets prints them")
  })

  it("a short test license (`web`) is redacted in the license entries only, not in an equal label or annotation", () => {
    const r = ok(["inject", "-f", javaPod, "--agent", agentFile], { env: specEnv({ WHATAP_LICENSE: "web" }) })
    const [pod] = documents(r.stdout)
    assert.deepStrictEqual(at(pod, "metadata", "labels"), { app: "web" })
    assert.deepStrictEqual(envMap(at(pod, "spec", "initContainers", 0, "env"))["WHATAP_LICENSE"], "[redacted]")
    const envValues = ["containers", "initContainers"].flatMap((list) =>
      (at(pod, "spec", list) as ReadonlyArray<{ readonly env?: ReadonlyArray<{ readonly value?: string }> }>).flatMap((c) => (c.env ?? []).map((e) => e.value)))
    assert.notInclude(envValues, "web", "no license env value printed in clear")
    // a pod injected before (printed with --show-secrets) and given again: its license entries are redacted too
    const injected = ok(["inject", "--show-secrets", "-f", javaPod, "--agent", agentFile], { env: specEnv({ WHATAP_LICENSE: "web" }) }).stdout
    const again = documents(ok(["inject", "-f", "-", "--agent", agentFile], { env: specEnv({ WHATAP_LICENSE: "web" }), stdin: injected }).stdout)[0]
    const againValues = ["containers", "initContainers"].flatMap((list) =>
      (at(again, "spec", list) as ReadonlyArray<{ readonly env?: ReadonlyArray<{ readonly name: string; readonly value?: string }> }>).flatMap((c) => (c.env ?? []).map((e) => e.value)))
    assert.notInclude(againValues, "web", "no license env value printed in clear")
    assert.include(againValues, "[redacted]")
  })

  it("the input's own license values are redacted wherever they are echoed: a last-applied annotation, a credentials Secret", () => {
    const secret = "SEKRET-LAST-APPLIED-1"
    const other = "SEKRET-CRED-SECRET-2"
    const container = { name: "app", image: "app:1", env: [{ name: "WHATAP_LICENSE", value: secret }] }
    const manifest = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "orders", namespace: "default" }, spec: { template: { metadata: { labels: { app: "web" } }, spec: { containers: [container] } } } }
    const exported = {
      ...manifest,
      metadata: { ...manifest.metadata, annotations: { "kubectl.kubernetes.io/last-applied-configuration": `${JSON.stringify(manifest)}\n` } }
    }
    const credentials = { apiVersion: "v1", kind: "Secret", metadata: { name: "whatap-credentials" }, stringData: { WHATAP_LICENSE: other, WHATAP_HOST: "h" } }
    const input = [exported, credentials].map((d) => `---\n${JSON.stringify(d)}\n`).join("")
    for (const format of ["yaml", "json", "patch"]) {
      const r = ok(["inject", "-o", format, "-f", "-", "--agent", agentFile], { stdin: input })
      assert.notInclude(r.stdout, secret, format)
      assert.notInclude(r.stdout, other, format)
    }
    const [deploymentOut, secretOut] = documents(ok(["inject", "-f", "-", "--agent", agentFile], { stdin: input }).stdout)
    const annotation = String(at(deploymentOut, "metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"))
    assert.include(annotation, `"value":"[redacted]"`)
    assert.deepStrictEqual(at(secretOut, "stringData"), { WHATAP_LICENSE: "[redacted]", WHATAP_HOST: "h" })
    // --show-secrets prints the input as it is
    const shown = ok(["inject", "--show-secrets", "-f", "-", "--agent", agentFile], { stdin: input }).stdout
    assert.include(shown, secret)
    assert.include(shown, other)
  })

  it("-o json prints the pod itself (one document)", () => {
    const r = ok(["inject", "-o", "json", "--show-secrets", "-f", javaPod, "--agent", agentFile])
    assert.deepStrictEqual(JSON.parse(r.stdout), spec510)
  })
})

describe("inject: languages", () => {
  it("python: the init container with the six envs, the agent envs and PYTHONPATH in the container", () => {
    const [pod] = documents(ok(["inject", "--show-secrets", "-f", pythonPod, "--agent", agentFile]).stdout)
    assert.deepStrictEqual(at(pod, "metadata", "annotations"), { "whatap-apm-injected": "true", "whatap-apm-language": "python", "whatap-apm-version": "1.8.5" })
    assert.strictEqual(at(pod, "spec", "initContainers", 0, "image"), "public.ecr.aws/whatap/apm-init-python:1.8.5")
    assert.deepStrictEqual(at(pod, "spec", "initContainers", 0, "env"), [
      { name: "WHATAP_LICENSE", value: "L" }, { name: "WHATAP_HOST", value: "H" }, { name: "WHATAP_PORT", value: "6600" },
      { name: "app_name" }, { name: "app_process_name" }, { name: "OKIND" }
    ])
    const env = envMap(at(pod, "spec", "containers", 0, "env"))
    assert.deepInclude(env, { license: "L", whatap_server_host: "H", whatap_server_port: "6600", app_name: "api", WHATAP_HOME: "/whatap-agent", PYTHONPATH: "/whatap-agent/whatap/bootstrap" })
    assert.deepStrictEqual(pod, webhook(documents(read(pythonPod))[0], "shop").pod)
  })

  it("nodejs: matched through --namespace-labels; NODE_OPTIONS and NODE_PATH load the agent", () => {
    const r = ok(["inject", "--show-secrets", "-f", nodejsPod, "--agent", agentFile, "--namespace-labels", "team=shop"])
    const [pod] = documents(r.stdout)
    assert.strictEqual(at(pod, "metadata", "annotations", "whatap-apm-language"), "nodejs")
    const env = envMap(at(pod, "spec", "containers", 0, "env"))
    assert.deepInclude(env, { PORT: "8080", WHATAP_LICENSE: "L", WHATAP_SERVER_HOST: "H", WHATAP_SERVER_PORT: "6600", app_name: "front", NODE_OPTIONS: "-r whatap", NODE_PATH: "/whatap-agent/node_modules" })
    assert.deepStrictEqual(pod, webhook(documents(read(nodejsPod))[0], "shop", { team: "shop" }).pod)
    assert.strictEqual(r.stderr, "pod shop/front-0: injected by target node (nodejs 0.5.3, image public.ecr.aws/whatap/apm-init-nodejs:0.5.3)\n")
  })

  it("nodejs without the namespace label: not injected, printed unchanged, the reason on stderr, exit 0", () => {
    const r = ok(["inject", "-f", nodejsPod, "--agent", agentFile])
    assert.deepStrictEqual(documents(r.stdout), documents(read(nodejsPod)))
    assert.strictEqual(r.stderr, "pod shop/front-0: not injected: NoTargetMatched: no enabled target matches the pod\n")
  })
})

describe("inject: workloads", () => {
  it("a Deployment's pod template is mutated as the webhook mutates each pod; the Service passes through", () => {
    const r = ok(["inject", "--show-secrets", "-f", deployment, "--agent", agentFile])
    const [service, deploy] = documents(r.stdout)
    const [serviceIn, deployIn] = documents(read(deployment))
    assert.deepStrictEqual(service, serviceIn)
    assert.deepStrictEqual(at(deploy, "spec", "template"), webhook(at(deployIn, "spec", "template"), "shop").pod)
    assert.deepStrictEqual({ ...deploy, spec: { ...(deploy?.["spec"] as Json), template: null } }, { ...deployIn, spec: { ...(deployIn?.["spec"] as Json), template: null } })
    assert.strictEqual(at(deploy, "spec", "template", "spec", "initContainers", 0, "name"), "whatap-agent-init")
    assert.include(r.stderr, "deployment shop/web: injected by target web-java (java 2.2.58")
    assert.include(r.stderr, "the webhook never changes the workload itself")
  })

  it("a CronJob's jobTemplate in a List; the other item not injected", () => {
    const r = ok(["inject", "--show-secrets", "-f", workloadsList, "--agent", agentFile])
    const [list] = documents(r.stdout)
    const [listIn] = documents(read(workloadsList))
    const template = ["items", 0, "spec", "jobTemplate", "spec", "template"]
    assert.deepStrictEqual(at(list, ...template), webhook(at(listIn, ...template), "shop").pod)
    assert.deepStrictEqual(at(list, "items", 1), at(listIn, "items", 1))
    assert.include(r.stderr, "cronjob shop/report: injected by target py (python 1.8.5")
    assert.include(r.stderr, "pod shop/db-0: not injected: NoTargetMatched")
  })
})

describe("inject: -o patch", () => {
  const inputs = [javaPod, deployment, workloadsList, noMatchPod]
  const args = inputs.flatMap((f) => ["-f", f])

  for (const secrets of [[], ["--show-secrets"]]) {
    it(`applied to each input document gives the -o yaml output ${secrets.join(" ")}`, () => {
      const lines = patches(ok(["inject", "-o", "patch", ...secrets, ...args, "--agent", agentFile]).stdout)
      const input = inputs.flatMap((f) => documents(read(f)))
      const output = documents(ok(["inject", ...secrets, ...args, "--agent", agentFile]).stdout)
      assert.strictEqual(lines.length, input.length)
      assert.deepStrictEqual(input.map((doc, i) => apply(doc, lines[i] ?? [])), [...output])
    })
  }

  it("one line per document, [] for those without a change; paths relative to the document", () => {
    const lines = patches(ok(["inject", "-o", "patch", "-f", deployment, "--agent", agentFile]).stdout)
    assert.deepStrictEqual(lines[0], [])
    assert.isTrue((lines[1] ?? []).every((op) => op.path.startsWith("/spec/template/")))
  })

  it("-o json of several documents is a v1 List of them", () => {
    const list = JSON.parse(ok(["inject", "-o", "json", "--show-secrets", ...args, "--agent", agentFile]).stdout) as Json
    assert.strictEqual(list["kind"], "List")
    assert.deepStrictEqual(list["items"], documents(ok(["inject", "--show-secrets", ...args, "--agent", agentFile]).stdout))
  })
})

describe("inject: not injected", () => {
  it("kube-system: SystemNamespace, the pod unchanged (the webhook's namespaceSelector keeps it away)", () => {
    const r = ok(["inject", "-f", javaPod, "--agent", agentFile, "--namespace", "kube-system"])
    assert.deepStrictEqual(documents(r.stdout), documents(read(javaPod)))
    assert.match(r.stderr, /^pod kube-system\/app: not injected: SystemNamespace: target "web-java" matches the pod, but namespace "kube-system" is a system namespace/)
    assert.deepStrictEqual(patches(ok(["inject", "-o", "patch", "-f", javaPod, "--agent", agentFile, "-n", "kube-system"]).stdout), [[]])
  })

  it("the operator's namespace (--operator-namespace) likewise", () => {
    const r = ok(["inject", "-f", javaPod, "--agent", agentFile, "-n", "observability", "--operator-namespace", "observability"])
    assert.deepStrictEqual(documents(r.stdout), documents(read(javaPod)))
    assert.include(r.stderr, "pod observability/app: not injected: SystemNamespace")
  })

  it("a conflict is recorded on the pod as the webhook records it (D8)", () => {
    const pod = read(javaPod).replace("  containers:\n", "  initContainers:\n    - name: whatap-agent-init\n      image: other/init:1\n  containers:\n")
    const r = ok(["inject", "-f", "-", "--agent", agentFile], { stdin: pod })
    assert.deepStrictEqual(at(documents(r.stdout)[0], "metadata", "annotations"), { "whatap-apm-injected": "false", "whatap-apm-reason": "ConflictInitContainer" })
    assert.include(r.stderr, "pod default/app: not injected: ConflictInitContainer")
  })

  it("is idempotent: injecting the output again changes nothing (AlreadyInjected)", () => {
    const once = ok(["inject", "--show-secrets", "-f", javaPod, "--agent", agentFile]).stdout
    const twice = ok(["inject", "--show-secrets", "-f", "-", "--agent", agentFile], { stdin: once })
    assert.strictEqual(twice.stdout, once)
    assert.strictEqual(twice.stderr, `pod default/app: not injected: AlreadyInjected: the pod already has the annotation whatap-apm-injected: "true"\n`)
    assert.deepStrictEqual(patches(ok(["inject", "-o", "patch", "-f", "-", "--agent", agentFile], { stdin: once }).stdout), [[]])
  })

  it("an agent not named whatap injects nothing (the webhook reads only whatap), with a note", () => {
    const agent = read(agentFile).replace("  name: whatap\n", "  name: other\n")
    const r = ok(["inject", "-f", javaPod, "--agent", "-"], { stdin: agent })
    assert.deepStrictEqual(documents(r.stdout), documents(read(javaPod)))
    assert.include(r.stderr, `pod default/app: not injected: NoAgent: there is no WhatapAgent named "whatap"\n`)
    assert.include(r.stderr, `the WhatapAgent in <stdin> is named "other"; the webhook only reads the one named "whatap", so it injects nothing`)
  })
})

describe("inject and explain: names from the input on a terminal", () => {
  // a pod name with ESC [2J (clear screen) and NUL, a namespace with an OSC title sequence and BEL
  const pod = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: "p\\e[2J\\0x"\n  namespace: "a\\e]0;t\\a"\n  labels: {app: web}\nspec:\n  containers:\n  - {name: c, image: i}\n`
  const raw = /[\u0000-\u0008\u000B-\u001F\u007F]/

  it("inject's stderr and explain's text carry them escaped, never raw", () => {
    const injected = cli(["inject", "-f", "-", "--agent", agentFile], { stdin: pod })
    assert.strictEqual(injected.status, 0, injected.stderr)
    assert.notMatch(injected.stderr, raw)
    assert.include(injected.stderr, "pod a\\u001b]0;t\\u0007/p\\u001b[2J\\u0000x: ")
    const explained = cli(["explain", "-f", "-", "--agent", agentFile], { stdin: pod })
    assert.notMatch(explained.stdout + explained.stderr, raw)
    assert.include(explained.stdout, "p\\u001b[2J\\u0000x")
  })
})

