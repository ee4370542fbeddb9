/** `Validate.resource` under Deno: semantic rules run without Node built-ins. */
import assert from "node:assert/strict"
import { Finding, Resource, Validate } from "@whatap-operator/core"

const agent = (features: unknown, name = "whatap") => ({ apiVersion: Resource.apiVersion, kind: "WhatapAgent", metadata: { name }, spec: { features } })

Deno.test("Validate.resource accepts a valid WhatapAgent", () => {
  assert.deepEqual(Validate.resource(agent({ apm: { instrumentation: { enabled: true, targets: [{ name: "j", enabled: true, language: "java" }] } } })), [])
})

Deno.test("Validate.resource reports semantic errors and warnings with paths", () => {
  const findings = Validate.resource(agent({
    apm: { instrumentation: { enabled: true, targets: [{ name: "j", enabled: true, language: "ruby" }] } },
    k8sAgent: {
      masterAgent: { enabled: true, resources: { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } } },
      nodeAgent: { enabled: true },
      gpuMonitoring: { enabled: true, remoteHostEngineInfo: "engine" }
    }
  }, "other"))
  assert.deepEqual(findings.map((f) => `${f.severity} ${Finding.formatPath(f.path)}`), [
    "warning metadata.name",
    "error spec.features.apm.instrumentation.targets[0].language",
    "error spec.features.k8sAgent.gpuMonitoring.remoteHostEngineInfo",
    "error spec.features.k8sAgent.masterAgent.resources.requests.memory"
  ])
})

Deno.test("Validate.resource checks relabel regexes with Go's RE2 grammar (re2js loads under Deno)", () => {
  const monitor = {
    apiVersion: Resource.apiVersion,
    kind: "WhatapStaticEndpoint",
    metadata: { name: "m", namespace: "default" },
    spec: { endpoints: [{ address: "10.0.0.1:9100" }], relabelConfigs: [{ action: "keep", regex: "a\\Z" }, { action: "keep", regex: "^*" }] }
  }
  assert.deepEqual(Validate.resource(monitor).map((f) => `${f.severity} ${Finding.formatPath(f.path)}: ${f.message}`), [
    "error spec.relabelConfigs[0].regex: invalid regex \"a\\\\Z\": invalid escape sequence: `\\Z`"
  ])
})

Deno.test("Validate.resource warns about a resource without spec instead of rejecting it", () => {
  const findings = Validate.resource({ apiVersion: Resource.apiVersion, kind: "WhatapAgent", metadata: { name: "whatap" } })
  assert.deepEqual(findings.map((f) => `${f.severity} ${Finding.formatPath(f.path)}`), ["warning spec"])
})
