/**
 * What whatapctl prints as YAML, read by the API server's own YAML reader (go-yaml v2 through
 * sigs.k8s.io/yaml, the reader kubectl uses): every namespaced object of `render -o yaml`,
 * sent as `application/yaml` with `dryRun=All`, comes back holding exactly what
 * `render -o json` holds, for a CR full of strings a YAML 1.1 reader would take for
 * something else (`yes`, `on`, `y`, `no`, `0X1F`, `0o17`, `2024-01-02`, `1e3`, `~`).
 */
import { spawnSync } from "node:child_process"
import { request, type RequestOptions } from "node:https"
import { join } from "node:path"
import { ApiResource } from "@whatap-operator/kube"
import { assert, describe, it } from "vitest"
import * as Manifests from "../../src/Manifests.ts"
import { type TargetSource, useNamespace } from "./Target.ts"

const node = join(Manifests.repoRoot, "node_modules", "node", "bin", "node")
const bin = join(Manifests.repoRoot, "node_modules", ".bin", "whatapctl")

const agent = `apiVersion: monitoring.whatap.com/v2alpha1
kind: WhatapAgent
metadata:
  name: whatap
spec:
  license: e2e-license
  host: 127.0.0.1
  port: "6600"
  features:
    k8sAgent:
      masterAgent:
        enabled: true
        nodeSelector: {gpu: "yes", "on": "0X1F"}
        podLabels: {release: "2024-01-02", stage: "NO"}
        envs:
          - {name: A, value: "on"}
          - {name: B, value: "0o17"}
          - {name: C, value: "1e3"}
          - {name: D, value: "~"}
          - {name: E, value: "1_000"}
      nodeAgent:
        enabled: true
        podLabels: {tier: "no", build: "0o17"}
      gpuMonitoring:
        enabled: true
        nodeSelector: {gpu: "y"}
`

type Json = { readonly [key: string]: unknown }
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** Every field of `expected` is in `actual` with the same value (the server adds defaults). */
const assertHolds = (actual: unknown, expected: unknown, path: string): void => {
  if (Array.isArray(expected)) {
    assert.isTrue(Array.isArray(actual), `${path}: expected a list, got ${JSON.stringify(actual)}`)
    const list = Array.isArray(actual) ? actual : []
    assert.strictEqual(list.length, expected.length, `${path}: length`)
    expected.forEach((item, i) => assertHolds(list[i], item, `${path}[${i}]`))
  } else if (isRecord(expected)) {
    assert.isTrue(isRecord(actual), `${path}: expected an object, got ${JSON.stringify(actual)}`)
    const record = isRecord(actual) ? actual : {}
    for (const [key, value] of Object.entries(expected)) assertHolds(record[key], value, `${path}.${key}`)
  } else {
    assert.strictEqual(actual, expected, path)
  }
}

const whatapctl = (args: ReadonlyArray<string>, input: string): string => {
  const run = spawnSync(node, [bin, ...args], { input, encoding: "utf8", timeout: 60_000 })
  assert.strictEqual(run.status, 0, `whatapctl ${args.join(" ")}: ${run.stderr}`)
  return run.stdout
}

/** POSTs one YAML document as the API server's reader sees it, dry-run: status and body. */
const dryRunYaml = async (source: TargetSource, path: string, yaml: string): Promise<{ status: number; body: string }> => {
  const kubeConfig = source().kubeConfig
  const options: RequestOptions = { method: "POST", headers: { "Content-Type": "application/yaml", Accept: "application/json" } }
  await kubeConfig.applyToHTTPSOptions(options)
  const url = new URL(`${path}?dryRun=All`, kubeConfig.getCurrentCluster()?.server ?? "https://127.0.0.1")
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let body = ""
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => void (body += chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on("error", reject)
    req.end(yaml)
  })
}

export const yamlSpecs = (source: TargetSource) =>
  describe("whatapctl's YAML in the API server's YAML reader", () => {
    const namespace = useNamespace(source, "yaml")

    it("render -o yaml reads back as render -o json: strings such as yes, on, y, 0X1F, 0o17, 2024-01-02 stay strings", async () => {
      // the webhooks by loopback URL, never a Service (only namespaced objects are sent, dry-run, in any case)
      const flags = ["render", "-n", namespace(), "--webhook-url", "https://127.0.0.1:9443", "-f", "-"]
      const yaml = whatapctl(flags, agent)
      const items = (JSON.parse(whatapctl([...flags, "-o", "json"], agent)) as { items: ReadonlyArray<Json> }).items
      const documents = yaml.split(/^---\n/m).filter((d) => d.trim() !== "")
      assert.strictEqual(documents.length, items.length)
      for (const quoted of ['gpu: "yes"', '"on": "0X1F"', 'value: "on"', 'value: "0o17"', 'tier: "no"', 'gpu: "y"', 'release: "2024-01-02"']) {
        assert.include(yaml, quoted)
      }
      let checked = 0
      for (const [i, item] of items.entries()) {
        const resource = ApiResource.forObject(String(item["apiVersion"]), String(item["kind"]))
        if (resource === undefined || !resource.namespaced) continue
        const name = `${String(item["kind"])} ${isRecord(item["metadata"]) ? String(item["metadata"]["name"]) : "?"}`
        const stored = await dryRunYaml(source, ApiResource.path(resource, { namespace: namespace() }), documents[i] ?? "")
        assert.strictEqual(stored.status, 201, `${name}: ${stored.body}`)
        assertHolds(JSON.parse(stored.body), item, name)
        checked++
      }
      // the master Deployment, the node and GPU DaemonSets, their ConfigMaps and accounts
      assert.isAtLeast(checked, 6)
    }, 120_000)
  })
