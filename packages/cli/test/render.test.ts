/**
 * `whatapctl render` end to end through the real bin: the objects of the all-options
 * sample in install order and exactly as the reconciler's `Render.render`
 * builds them, byte-identical across runs and input layouts, the JSON List, the webhook
 * URL mode, the operator namespace and monitor CRs in the scrape configuration.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Decode } from "@whatap-operator/core"
import { Render } from "@whatap-operator/operator"
import { Option } from "effect"
import { sorted } from "../src/commands/render.ts"
import { parse, parseAllDocuments } from "yaml"
import { allOptions, documents, find, ids, lazy, monitorSamples, type Obj, render, samples, scrapeTargets } from "./support/render.ts"
import { fixture, repoRoot, run, scratchDir } from "./support/run.ts"

const scratch = scratchDir("whatapctl-render-")

const N = "whatap-monitoring"
/** Install order (what a workload references first, the webhooks last), then namespace and name. */
const allOptionsOrder = [
  `ServiceAccount ${N}/whatap`,
  `ServiceAccount ${N}/whatap-open-agent-sa`,
  `ConfigMap ${N}/dcgm-exporter-csv`,
  `ConfigMap ${N}/master-start-script`,
  `ConfigMap ${N}/node-start-script`,
  `ConfigMap ${N}/whatap-open-agent-config`,
  "ClusterRole whatap-open-agent-role",
  "ClusterRoleBinding whatap-open-agent-role-binding",
  `Service ${N}/dcgm-exporter-service`,
  `Service ${N}/whatap-admission-controller`,
  `Service ${N}/whatap-master-agent`,
  `DaemonSet ${N}/whatap-node-agent`,
  `DaemonSet ${N}/whatap-node-agent-gpu`,
  `Deployment ${N}/whatap-master-agent`,
  `Deployment ${N}/whatap-open-agent`,
  "MutatingWebhookConfiguration whatap-webhook",
  "ValidatingWebhookConfiguration whatap-validating-webhook"
]

describe("render: the all-options sample", () => {
  const text = lazy(() => render(["-f", allOptions]))

  it("prints every object in install order, one YAML document each", () => {
    assert.deepStrictEqual(ids(documents(text())), allOptionsOrder)
    assert.strictEqual(text().match(/^---\n/gm)?.length, allOptionsOrder.length)
    assert.isTrue(text().startsWith("---\napiVersion: v1\nkind: ServiceAccount\n"))
  })

  it("is byte-identical across runs, and FILE operands mean the same as -f", () => {
    assert.strictEqual(render(["-f", allOptions]), text())
    assert.strictEqual(render([allOptions]), text())
  })

  it("is exactly what the reconciler's Render.render builds for the decoded sample", () => {
    const agent = Option.getOrThrow(Decode.as("WhatapAgent", parse(readFileSync(`${repoRoot}${allOptions}`, "utf8"))).value)
    const expected = Render.render({
      agent,
      namespace: N,
      monitors: { podMonitors: [], serviceMonitors: [], staticEndpoints: [] },
      webhook: { endpoint: { mode: "service" }, tls: undefined }
    }).map((d) => d.object)
    assert.deepStrictEqual(documents(text()), JSON.parse(JSON.stringify(sorted(expected))))
    assert.sameDeepMembers([...documents(text())], JSON.parse(JSON.stringify(expected)))
  })

  it("-o json is a v1 List of the same objects", () => {
    const json = render(["-o", "json", "-f", allOptions])
    const list = JSON.parse(json) as { apiVersion: string; kind: string; items: ReadonlyArray<Obj> }
    assert.strictEqual(list.apiVersion, "v1")
    assert.strictEqual(list.kind, "List")
    assert.deepStrictEqual(list.items, documents(text()))
    assert.isTrue(json.endsWith("}\n"))
  })

  it("prints no webhook Secret and no caBundle (the running operator generates them)", () => {
    const objects = documents(text())
    assert.notInclude(ids(objects).join("\n"), "Secret")
    assert.notInclude(text(), "caBundle")
  })
})

describe("render: the webhook", () => {
  it("points at the Service by default", () => {
    const webhook = find(documents(render(["-f", allOptions])), "MutatingWebhookConfiguration", "whatap-webhook")
    for (const w of webhook["webhooks"] as Array<{ clientConfig: Record<string, unknown> }>) {
      assert.deepInclude(w.clientConfig["service"] as object, { name: "whatap-admission-controller", namespace: N })
      assert.isUndefined(w.clientConfig["url"])
    }
  })

  it("--webhook-url puts clientConfig.url (base URL plus the handler path) in every webhook", () => {
    const webhook = find(documents(render(["-f", allOptions, "--webhook-url", "https://127.0.0.1:9443"])), "MutatingWebhookConfiguration", "whatap-webhook")
    const configs = (webhook["webhooks"] as Array<{ name: string; clientConfig: Record<string, unknown> }>).map((w) => [w.name, w.clientConfig])
    assert.deepStrictEqual(configs, [
      ["mpod.kb.io", { url: "https://127.0.0.1:9443/whatap-injection--v1-pod" }],
      ["whatapagent.kb.io", { url: "https://127.0.0.1:9443/whatap-validation--v2alpha1-whatapagent" }],
      ["mpod-system.kb.io", { url: "https://127.0.0.1:9443/whatap-injection--v1-pod" }]
    ])
  })
})

describe("render: monitor CRs", () => {
  const separate = lazy(() => render(["-f", allOptions, ...monitorSamples.flatMap((m) => ["-f", m])]))
  const joined = monitorSamples.map((m) => readFileSync(`${repoRoot}${m}`, "utf8")).join("---\n")

  it("appear in scrape_config.yaml of whatap-open-agent-config, after the inline targets, before the GPU target", () => {
    assert.deepStrictEqual(scrapeTargets(documents(separate())), [
      "kube-apiserver",
      "redis",
      "shop/checkout",
      "ingress-nginx/ingress-nginx",
      "whatap-monitoring/azure-sql-probe",
      "dcgm-exporter-auto"
    ])
    assert.deepStrictEqual(scrapeTargets(documents(render(["-f", allOptions]))), ["kube-apiserver", "redis", "dcgm-exporter-auto"])
  })

  it("one file, several -f, stdin, a List, any order: byte-identical output", () => {
    const file = join(scratch, "monitors.yaml")
    writeFileSync(file, joined)
    assert.strictEqual(render(["-f", allOptions, "-f", file]), separate())
    assert.strictEqual(render(["-f", allOptions, "-f", "-"], joined), separate())
    assert.strictEqual(render(["-f", "-", "-f", allOptions], joined), separate())
    assert.strictEqual(render(["-f", allOptions, ...[...monitorSamples].reverse().flatMap((m) => ["-f", m])]), separate())
    const list = join(scratch, "list.json")
    const monitors = parseAllDocuments(joined).map((d) => d.toJS() as unknown)
    writeFileSync(list, JSON.stringify({ apiVersion: "v1", kind: "List", items: monitors }))
    assert.strictEqual(render(["-f", allOptions, "-f", list]), separate())
  })

  it("a monitor given twice (same namespace and name) is one object, the last, with a note", () => {
    const monitor = (port: string) => `apiVersion: monitoring.whatap.com/v2alpha1\nkind: WhatapPodMonitor\nmetadata: {name: twice, namespace: shop}\nspec: {selector: {matchLabels: {app: a}}, endpoints: [{port: ${port}}]}\n`
    const file = join(scratch, "twice.yaml")
    writeFileSync(file, `${monitor("first")}---\n${monitor("second")}`)
    const r = run(["render", "-f", allOptions, "-f", file])
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stderr, "whatapctl: note: WhatapPodMonitor shop/twice is given more than once; the last is rendered, as the cluster holds one\n")
    assert.strictEqual(scrapeTargets(documents(r.stdout)).filter((t) => t === "shop/twice").length, 1)
    assert.include(r.stdout, "port: second")
    assert.notInclude(r.stdout, "port: first")
  })

  it("a monitor without a namespace is taken as in default", () => {
    const targets = scrapeTargets(documents(render(["-f", allOptions, "-f", fixture("render/monitor-no-namespace.yaml")])))
    assert.include(targets, "default/no-namespace")
  })

  it("the WhatapAgent itself may come on stdin", () => {
    assert.strictEqual(render(["-f", "-"], readFileSync(`${repoRoot}${allOptions}`, "utf8")), render(["-f", allOptions]))
  })
})

describe("render: --namespace", () => {
  it("moves every namespaced object and every reference to the operator namespace", () => {
    const objects = documents(render(["-f", allOptions, "--namespace", "other"]))
    // the same objects (dcgm-exporter-service follows k8sAgent.namespace, which the sample sets: spec §4.7.3),
    // in install order, then by namespace
    const moved = allOptionsOrder.map((id) => (id.endsWith("/dcgm-exporter-service") ? id : id.replace(`${N}/`, "other/")))
    assert.sameMembers([...ids(objects)], moved)
    assert.deepStrictEqual(ids(objects), ids(sorted(objects)))
    const binding = find(objects, "ClusterRoleBinding", "whatap-open-agent-role-binding")
    assert.deepStrictEqual(binding["subjects"], [{ kind: "ServiceAccount", name: "whatap-open-agent-sa", namespace: "other" }])
    const webhook = find(objects, "MutatingWebhookConfiguration", "whatap-webhook")["webhooks"] as Array<{ clientConfig: { service: { namespace: string } } }>
    assert.deepStrictEqual(webhook.map((w) => w.clientConfig.service.namespace), ["other", "other", "other"])
  })

  it("-n is the short form", () => {
    assert.strictEqual(render(["-f", allOptions, "-n", "other"]), render(["-f", allOptions, "--namespace", "other"]))
  })
})

describe("the README's example", () => {
  it("is the head of what render prints for the basic sample", () => {
    const readme = readFileSync(`${repoRoot}packages/cli/README.md`, "utf8")
    const command = "$ whatapctl render -f deploy/samples/whatap-agent-basic.yaml | head -12\n"
    const start = readme.indexOf(command)
    assert.isAtLeast(start, 0, "the README no longer shows the example")
    const shown = readme.slice(start + command.length, readme.indexOf("```\n", start))
    const head = render(["-f", `${samples}/whatap-agent-basic.yaml`]).split("\n").slice(0, 12).join("\n")
    assert.strictEqual(shown, `${head}\n`)
  })
})

describe("--gpu-nodes-labelled", () => {
  const agent = fixture("render/gpu-agent.yaml")
  const daemonSets = (out: string) => documents(out).filter((o) => o["kind"] === "DaemonSet").map((o) => o.metadata.name)

  it("renders the operator's automatic GPU node selection: a GPU DaemonSet on nvidia.com/gpu.present=true nodes", () => {
    assert.deepStrictEqual(daemonSets(render(["-f", agent])), ["whatap-node-agent"])
    const labelled = render(["--gpu-nodes-labelled", "-f", agent])
    assert.deepStrictEqual(daemonSets(labelled), ["whatap-node-agent", "whatap-node-agent-gpu"])
    assert.include(labelled, "nvidia.com/gpu.present")
  })
})
