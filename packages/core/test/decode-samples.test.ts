/**
 * Every sample under deploy/samples decodes without findings, and decoded values
 * carry the CRD defaults (what the API server would store), nothing more.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import { Decode } from "../src/index.ts"
import { document, documents, samplesDir, yamlFiles } from "./support/yaml.ts"

describe("deploy/samples", () => {
  const files = yamlFiles(samplesDir)

  it("has the shapes the spec lists", () => {
    assert.isAtLeast(files.length, 12)
  })

  for (const file of files) {
    it(`${file} decodes with no findings`, () => {
      for (const doc of documents(samplesDir, file)) {
        const result = Decode.resource(doc)
        assert.deepStrictEqual(result.findings, [])
        assert.isTrue(Option.isSome(result.value))
      }
    })
  }
})

const agent = (spec: unknown) =>
  Decode.as("WhatapAgent", { apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec })

describe("CRD defaults in decoded values", () => {
  it("fill every defaulted field of empty blocks", () => {
    const result = agent({
      features: {
        apm: { instrumentation: {} },
        openAgent: { targets: [{ targetName: "t", type: "StaticEndpoints", endpoints: [{ address: "h:1" }] }] },
        k8sAgent: { masterAgent: {}, nodeAgent: {}, gpuMonitoring: { service: {}, hostEngine: {} } }
      }
    })
    assert.deepStrictEqual(result.findings, [])
    const features = Option.getOrThrow(result.value).spec.features
    assert.deepStrictEqual(features.apm, { instrumentation: { enabled: true } })
    assert.deepStrictEqual(features.openAgent, {
      enabled: false,
      disableForeground: false,
      targets: [{ targetName: "t", type: "StaticEndpoints", enabled: true, endpoints: [{ address: "h:1", addNodeLabel: false }] }]
    })
    assert.deepStrictEqual(features.k8sAgent, {
      masterAgent: { enabled: false },
      nodeAgent: { enabled: false, runtime: "containerd", hostNetwork: true },
      gpuMonitoring: {
        enabled: false,
        devices: "f",
        service: { enabled: false, type: "ClusterIP", port: 9400 },
        hostEngine: { enabled: false, port: 5555 }
      }
    })
  })

  it("keep explicit values, including hostNetwork: false", () => {
    const result = agent({
      features: { k8sAgent: { masterAgent: {}, nodeAgent: { hostNetwork: false, runtime: "crio" }, gpuMonitoring: {} } }
    })
    const node = Option.getOrThrow(result.value).spec.features.k8sAgent?.nodeAgent
    assert.strictEqual(node?.hostNetwork, false)
    assert.strictEqual(node?.runtime, "crio")
  })

  it("do not invent absent optional blocks (service absent is not service disabled)", () => {
    const result = agent({ features: { k8sAgent: { masterAgent: {}, nodeAgent: {}, gpuMonitoring: { enabled: true } } } })
    const gpu = Option.getOrThrow(result.value).spec.features.k8sAgent?.gpuMonitoring
    assert.deepStrictEqual(gpu, { enabled: true, devices: "f" })
  })

  it("leave embedded core objects alone apart from their own defaults", () => {
    const doc = document(samplesDir, "whatap-agent-python-apm.yaml")
    const target = Option.getOrThrow(Decode.as("WhatapAgent", doc).value).spec.features.apm?.instrumentation?.targets?.[0]
    assert.deepStrictEqual(target?.initContainerResources, { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } })
    assert.deepStrictEqual(target?.envs?.[2], { name: "OKIND", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } })
  })

  it("default the name of a secretKeyRef like the API server does", () => {
    const result = agent({
      features: { openAgent: { enabled: true, envs: [{ name: "A", valueFrom: { secretKeyRef: { key: "k" } } }] } }
    })
    const env = Option.getOrThrow(result.value).spec.features.openAgent?.envs?.[0]
    assert.deepStrictEqual(env, { name: "A", valueFrom: { secretKeyRef: { key: "k", name: "" } } })
  })
})
