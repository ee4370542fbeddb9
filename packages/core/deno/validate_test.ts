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
      nodeAgent: {},
      gpuMonitoring: { remoteHostEngineInfo: "engine" }
    }
  }, "other"))
  assert.deepEqual(findings.map((f) => `${f.severity} ${Finding.formatPath(f.path)}`), [
    "warning metadata.name",
    "error spec.features.apm.instrumentation.targets[0].language",
    "error spec.features.k8sAgent.gpuMonitoring.remoteHostEngineInfo",
    "error spec.features.k8sAgent.masterAgent.resources.requests.memory"
  ])
})
