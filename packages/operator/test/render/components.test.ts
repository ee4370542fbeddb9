/**
 * The smaller rules of the render: credentials, resource defaults, the webhook plumbing
 * options, which bundle objects exist (D9), what `managed` lists, the metrics CSV, and
 * the start scripts run by bash with a stub `java`.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Render } from "../../src/index.ts"
import * as Credentials from "../../src/render/Credentials.ts"
import * as Resources from "../../src/render/Resources.ts"
import * as ScrapeConfig from "../../src/render/scrape/ScrapeConfig.ts"
import * as StartScripts from "../../src/render/StartScripts.ts"
import * as WebhookPlumbing from "../../src/render/WebhookPlumbing.ts"
import { agent, find, input, sample } from "./support.ts"

const names = (desired: ReadonlyArray<Render.Desired>) => desired.map((d) => `${d.object.kind}/${d.object.metadata.name}`)

describe("Credentials", () => {
  it("literal values from the CR (the license unwrapped), secretKeyRef for absent or empty ones", () => {
    const env = Credentials.env(agent({ license: "LIC-123456", host: "", features: {} }))
    assert.deepStrictEqual(env, [
      { name: "WHATAP_LICENSE", value: "LIC-123456" },
      { name: "WHATAP_HOST", valueFrom: { secretKeyRef: { name: "whatap-credentials", key: "WHATAP_HOST" } } },
      { name: "WHATAP_PORT", valueFrom: { secretKeyRef: { name: "whatap-credentials", key: "WHATAP_PORT" } } }
    ])
  })
})

describe("Resources", () => {
  it("fills each missing key with the default, keeps the CR's", () => {
    assert.deepStrictEqual(Resources.withAgentDefaults({ limits: { memory: "200Mi" } }), {
      limits: { cpu: "200m", memory: "200Mi" },
      requests: { cpu: "100m", memory: "300Mi" }
    })
    assert.deepStrictEqual(Resources.withAgentDefaults(undefined), { limits: { cpu: "200m", memory: "350Mi" }, requests: { cpu: "100m", memory: "300Mi" } })
  })
  it("a container's resources win only when they have limits", () => {
    const fallback = () => ({ fallback: true })
    assert.deepStrictEqual(Resources.containerFirst({ resources: { requests: { cpu: "1" } } }, fallback), { fallback: true })
    assert.deepStrictEqual(Resources.containerFirst({ resources: { limits: { cpu: "1" } } }, fallback), { limits: { cpu: "1" } })
    assert.isUndefined(Resources.containerFirst({ resources: { limits: {} } }, fallback))
  })
})

describe("WebhookPlumbing", () => {
  const plain = agent({ features: {} }, "uid-1")
  it("without TLS: no Secret, no caBundle; managed leaves the Secret alone", () => {
    const i = input(plain, { webhook: { endpoint: { mode: "service" }, tls: undefined } })
    const desired = Render.render(i)
    assert.deepStrictEqual(names(desired), [
      "MutatingWebhookConfiguration/whatap-webhook",
      "Service/whatap-admission-controller",
      "ValidatingWebhookConfiguration/whatap-validating-webhook"
    ])
    assert.notInclude(JSON.stringify(desired), "caBundle")
    assert.notInclude(Render.managed(i).map((m) => m.name), "whatap-webhook-certificate")
    assert.include(Render.managed(input(plain)).map((m) => m.name), "whatap-webhook-certificate")
  })
  it("url mode joins the base URL and the path without a double slash", () => {
    const i = input(plain, { webhook: { endpoint: { mode: "url", baseUrl: "https://127.0.0.1:8443/" }, tls: undefined } })
    const mwc = find(Render.render(i), "MutatingWebhookConfiguration", "whatap-webhook").object
    assert.include(JSON.stringify(mwc), "\"url\":\"https://127.0.0.1:8443/whatap-injection--v1-pod\"")
  })
  it("D6 selector: system namespaces and NS, sorted, without duplicates", () => {
    assert.deepStrictEqual(WebhookPlumbing.defaultNamespaceSelector("kube-system").matchExpressions?.[0]?.values, ["kube-node-lease", "kube-public", "kube-system"])
    assert.deepStrictEqual(WebhookPlumbing.defaultNamespaceSelector("a").matchExpressions?.[0]?.values, ["a", "kube-node-lease", "kube-public", "kube-system"])
  })
})

describe("Bundle (D9)", () => {
  const bundle = (features: unknown) => Render.render(input(agent({ features }, "uid-1"))).filter((d) => d.component === "bundle")
  it("nothing without k8sAgent", () => {
    assert.deepStrictEqual(bundle({ openAgent: { enabled: true } }), [])
  })
  it("node agent alone: its start script and the service account", () => {
    const desired = bundle({ k8sAgent: { masterAgent: {}, nodeAgent: { enabled: true }, gpuMonitoring: {} } })
    assert.deepStrictEqual(names(desired), ["ConfigMap/node-start-script", "ServiceAccount/whatap"])
    assert.isTrue(desired.every((d) => d.policy === "createIfAbsent"))
  })
  it("master agent and GPU: master script, headless Service, CSV", () => {
    const desired = bundle({ k8sAgent: { masterAgent: { enabled: true }, nodeAgent: { enabled: true }, gpuMonitoring: { enabled: true } } })
    assert.deepStrictEqual(names(desired), [
      "ConfigMap/dcgm-exporter-csv", "ConfigMap/master-start-script", "ConfigMap/node-start-script",
      "Service/whatap-master-agent", "ServiceAccount/whatap"
    ])
  })
})

describe("Render.managed", () => {
  it("lists every object of every component, whatever is enabled, and covers what render returns", () => {
    const a = sample("whatap-agent-all-options.yaml")
    const k8s = a.spec.features.k8sAgent
    assert.isDefined(k8s)
    const i = input({ ...a, spec: { ...a.spec, features: { k8sAgent: { ...k8s, namespace: "gpu" } } } })
    const managed = Render.managed(i).map((m) => `${m.component} ${m.resource.kind} ${m.namespace ?? ""}/${m.name}`)
    assert.includeMembers(managed, [
      "nodeAgent DaemonSet whatap-monitoring/whatap-node-agent",
      "gpuMonitoring DaemonSet whatap-monitoring/whatap-node-agent-gpu",
      "gpuMonitoring Service gpu/dcgm-exporter-service",
      "gpuMonitoring Service whatap-monitoring/dcgm-exporter-service",
      "openAgent ClusterRole /whatap-open-agent-role",
      "bundle ConfigMap whatap-monitoring/dcgm-exporter-csv",
      "webhook ValidatingWebhookConfiguration /whatap-validating-webhook"
    ])
    assert.lengthOf(managed, 19)
  })
})

describe("OpenAgent ConfigMap", () => {
  it("carries the scrape module's text for this agent, monitors and namespace", () => {
    const a = sample("whatap-agent-all-options.yaml")
    const i = input(a, { namespace: "ops" })
    const cm = find(Render.render(i), "ConfigMap", "whatap-open-agent-config").object
    assert.deepStrictEqual(cm["data"], { "scrape_config.yaml": ScrapeConfig.render(a, i.monitors, "ops") })
  })
})

const scratch: Array<string> = []
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  scratch.push(dir)
  return dir
}

/** Runs a start script with its config directory moved to a temp dir and `java` printing its arguments. */
const runScript = (script: string, env: Record<string, string>, conf?: string) => {
  const dir = conf ?? tempDir("whatap-conf-")
  const bin = tempDir("whatap-bin-")
  writeFileSync(join(bin, "java"), "#!/bin/sh\necho \"$@\"\n", { mode: 0o755 })
  const file = join(bin, "entrypoint.sh")
  writeFileSync(file, script.replaceAll("/whatap_conf", dir), { mode: 0o755 })
  const out = execFileSync("bash", [file], { env: { PATH: `${bin}:/usr/bin:/bin`, ...env }, encoding: "utf8" })
  return { out, dir }
}

describe("StartScripts", () => {
  const creds = { WHATAP_LICENSE: "L", WHATAP_HOST: "H", WHATAP_PORT: "6600", NODE_NAME: "n1" }
  it("master: heap from the memory limit (KAZAA-3046), confs written once", () => {
    const { out, dir } = runScript(StartScripts.master, { ...creds, WHATAP_MEM_LIMIT: String(350 * 1024 * 1024) })
    assert.match(out, /^-Xms39m -Xmx157m -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -XX:G1PeriodicGCInterval=900000 -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:\+UseG1GC -XX:\+UseStringDeduplication -XX:\+ExitOnOutOfMemoryError -XshowSettings:vm -Dwhatap\.home=.* -cp .*whatap\.kube\.master-1\.0\.1\.jar whatap\.agent\.App\n$/)
    assert.strictEqual(readFileSync(join(dir, "whatap.master.conf"), "utf8"), "master_agent_port=6600\nlicense=L\nwhatap.server.host=H\nwhatap.server.port=6600\nconfbase_backup_enabled=true\n")
    assert.strictEqual(readFileSync(join(dir, "confbase/whatap_server.conf"), "utf8"), "license=L\nwhatap.server.host=H\nwhatap.server.port=6600\n")
    runScript(StartScripts.master, { ...creds, WHATAP_LICENSE: "CHANGED", WHATAP_MEM_LIMIT: "0" }, dir)
    assert.include(readFileSync(join(dir, "whatap.master.conf"), "utf8"), "license=L\n")
  })
  it("node: conf rewritten every start; Xms at least 16m but never above Xmx", () => {
    const first = runScript(StartScripts.node, { ...creds, WHATAP_MEM_LIMIT: String(100 * 1024 * 1024) })
    assert.match(first.out, /^-Xms16m -Xmx45m .* -jar .*whatap\.kube\.node-\*\.jar\n$/)
    const tiny = runScript(StartScripts.node, { ...creds, WHATAP_LICENSE: "NEW", WHATAP_MEM_LIMIT: String(20 * 1024 * 1024) }, first.dir)
    assert.match(tiny.out, /^-Xms9m -Xmx9m /)
    assert.strictEqual(readFileSync(join(first.dir, "whatap.node.conf"), "utf8"),
      "license=NEW\nwhatap.server.host=H\nwhatap.server.port=6600\nimageignore=k8s.gcr.io/pause:3.1,docker.io/openshift/origin-pod:v3.11.0\ncommandignore=/pause,/usr/bin/pod\nwhatap.name=n1\nhelper_embedded=false\n")
  })
})

describe("keyed lists (what server-side apply requires)", () => {
  type Env = { readonly name: string; readonly value?: string }
  const envOf = (desired: ReadonlyArray<Render.Desired>, kind: string, name: string, container: string): ReadonlyArray<Env> => {
    const spec = find(desired, kind, name).object["spec"] as { template: { spec: { containers: ReadonlyArray<{ name: string; env: ReadonlyArray<Env> }> } } }
    return spec.template.spec.containers.find((c) => c.name === container)?.env ?? []
  }

  it("a CR env named like one the operator sets, or named twice, is rendered once: its last entry, where it stands", () => {
    const desired = Render.render(input(agent({
      license: "LIC-1",
      host: "collector.example.com",
      features: {
        k8sAgent: {
          masterAgent: { enabled: true, envs: [{ name: "collect_custom_resources", value: "false" }, { name: "X", value: "1" }, { name: "Y", value: "$(X)" }, { name: "X", value: "2" }] },
          nodeAgent: { enabled: true, nodeHelperContainer: { envs: [{ name: "NODE_NAME", value: "fixed" }] } },
          gpuMonitoring: { enabled: false }
        },
        openAgent: { enabled: true, envs: [{ name: "WHATAP_HOST", value: "other.example.com" }] }
      }
    })))
    const master = envOf(desired, "Deployment", "whatap-master-agent", "whatap-master-agent")
    assert.deepStrictEqual(master.map((e) => e.name), ["WHATAP_LICENSE", "WHATAP_HOST", "WHATAP_PORT", "WHATAP_MEM_LIMIT", "collect_custom_resources", "Y", "X"])
    assert.deepStrictEqual(master.slice(4), [{ name: "collect_custom_resources", value: "false" }, { name: "Y", value: "$(X)" }, { name: "X", value: "2" }])
    const helper = envOf(desired, "DaemonSet", "whatap-node-agent", "whatap-node-helper")
    assert.deepStrictEqual(helper, [{ name: "NODE_NAME", value: "fixed" }])
    const open = envOf(desired, "Deployment", "whatap-open-agent", "whatap-open-agent")
    assert.deepStrictEqual(open.filter((e) => e.name === "WHATAP_HOST"), [{ name: "WHATAP_HOST", value: "other.example.com" }])
    assert.strictEqual(open.findIndex((e) => e.name === "WHATAP_HOST"), open.length - 1)
  })

  it("an image pull secret named twice is rendered once", () => {
    const desired = Render.render(input(agent({
      features: {
        k8sAgent: {
          imagePullSecrets: [{ name: "reg" }, { name: "other" }, { name: "reg" }],
          masterAgent: { enabled: true },
          nodeAgent: { enabled: false },
          gpuMonitoring: { enabled: false }
        }
      }
    })))
    const spec = find(desired, "Deployment", "whatap-master-agent").object["spec"] as { template: { spec: { imagePullSecrets: unknown } } }
    assert.deepStrictEqual(spec.template.spec.imagePullSecrets, [{ name: "other" }, { name: "reg" }])
  })
})
