/**
 * Test helpers of the render: CRs from YAML (decoded with the CRD defaults, as the
 * controller gets them), inputs with a fixed certificate, and golden files
 * (`UPDATE_GOLDEN=1 npx vitest run test/render` rewrites them).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { assert } from "@effect/vitest"
import { Decode, Finding, type WhatapAgent } from "@whatap-operator/core"
import { Option } from "effect"
import YAML from "yaml"
import type * as Render from "../../src/render/Render.ts"

export const samplesDir = new URL("../../../../deploy/samples/", import.meta.url)
export const goldenDir = new URL("../golden/", import.meta.url)

/** Decodes one WhatapAgent; a CR with errors fails the test that uses it. */
export const decodeAgent = (document: unknown): WhatapAgent.WhatapAgent => {
  const result = Decode.as("WhatapAgent", document)
  const errors = result.findings.filter((f) => f.severity === "error")
  assert.deepStrictEqual(errors.map((f) => `${Finding.formatPath(f.path)}: ${f.message}`), [])
  return Option.getOrThrow(result.value)
}

export const agentFromYaml = (text: string): WhatapAgent.WhatapAgent => decodeAgent(YAML.parse(text))

export const sample = (file: string): WhatapAgent.WhatapAgent =>
  agentFromYaml(readFileSync(new URL(file, samplesDir), "utf8"))

/** A WhatapAgent with `spec` (YAML or object), named `whatap`, optionally with a uid. */
export const agent = (spec: unknown, uid?: string): WhatapAgent.WhatapAgent =>
  decodeAgent({
    apiVersion: "monitoring.whatap.com/v2alpha1",
    kind: "WhatapAgent",
    metadata: { name: "whatap", ...(uid === undefined ? {} : { uid }) },
    spec: typeof spec === "string" ? YAML.parse(spec) : spec
  })

export const tls: Render.WebhookTls = {
  caCert: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
  caKey: "-----BEGIN RSA PRIVATE KEY-----\nCAKEY\n-----END RSA PRIVATE KEY-----\n",
  tlsCert: "-----BEGIN CERTIFICATE-----\nSERVING\n-----END CERTIFICATE-----\n",
  tlsKey: "-----BEGIN RSA PRIVATE KEY-----\nSERVINGKEY\n-----END RSA PRIVATE KEY-----\n"
}

export const noMonitors: Render.Monitors = { podMonitors: [], serviceMonitors: [], staticEndpoints: [] }

export const input = (agent: WhatapAgent.WhatapAgent, overrides: Partial<Render.Input> = {}): Render.Input => ({
  agent,
  namespace: "whatap-monitoring",
  monitors: noMonitors,
  webhook: { endpoint: { mode: "service" }, tls },
  ...overrides
})

/** Multi-document YAML, one document per object with its component and policy as a comment. */
export const toYaml = (desired: ReadonlyArray<Render.Desired>): string =>
  desired
    .map((d) => `# component: ${d.component}, policy: ${d.policy}\n${YAML.stringify(d.object, { lineWidth: 0, aliasDuplicateObjects: false })}`)
    .join("---\n")

/** Compares with `test/golden/<name>.yaml`; `UPDATE_GOLDEN=1` writes it instead. */
export const expectGolden = (name: string, desired: ReadonlyArray<Render.Desired>): void => {
  const file = new URL(`${name}.yaml`, goldenDir)
  const actual = toYaml(desired)
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(goldenDir, { recursive: true })
    writeFileSync(file, actual)
  }
  assert.isTrue(existsSync(file), `golden ${name}.yaml is missing; run with UPDATE_GOLDEN=1 and review it`)
  assert.strictEqual(actual, readFileSync(file, "utf8"), `golden ${name}.yaml differs; rerun with UPDATE_GOLDEN=1 and review the diff`)
}

/** The objects of one kind and name. */
export const find = (desired: ReadonlyArray<Render.Desired>, kind: string, name: string) => {
  const found = desired.find((d) => d.object.kind === kind && d.object.metadata.name === name)
  assert.isDefined(found, `${kind} ${name} not rendered`)
  return found
}
