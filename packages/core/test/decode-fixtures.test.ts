/**
 * Decoding of the test fixtures: rejected examples (missing gpuMonitoring, null
 * features), pruned fields (warnings only), wrong types and identities, each with the
 * exact findings expected.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import { Decode, Finding, K8sAgent } from "../src/index.ts"
import { document, documents, fixturesDir } from "./support/yaml.ts"

const e = Finding.error
const w = Finding.warning
const gpu = ["spec", "features", "k8sAgent", "gpuMonitoring"]
const k8s = ["spec", "features", "k8sAgent"]
const open = ["spec", "features", "openAgent"]
const decode = (file: string) => Decode.resource(document(fixturesDir, file))

describe("rejected examples", () => {
  const rejected = [
    "rejected-custom-image.yaml",
    "rejected-k8s-container-config.yaml",
    "rejected-k8s-envs.yaml",
    "rejected-k8s-resources.yaml",
    "rejected-k8s-tolerations.yaml",
    "rejected-secret.yaml"
  ]
  for (const file of rejected) {
    it(`${file}: k8sAgent without gpuMonitoring is an error`, () => {
      const result = decode(file)
      assert.deepStrictEqual(result.findings, [e(gpu, K8sAgent.missingGpuMonitoring)])
      assert.isTrue(Option.isNone(result.value))
      assert.deepStrictEqual(result.kind, Option.some("WhatapAgent"))
      assert.deepStrictEqual(result.name, Option.some("whatap"))
    })

    it(`${file}: accepted once gpuMonitoring: {} is added`, () => {
      const doc = document(fixturesDir, file) as { spec: { features: { k8sAgent: Record<string, unknown> } } }
      doc.spec.features.k8sAgent["gpuMonitoring"] = {}
      const result = Decode.resource(doc)
      assert.deepStrictEqual(result.findings, [])
      assert.isTrue(Option.isSome(result.value))
    })
  }

  it("a commented-out template leaves features null, which counts as missing", () => {
    assert.deepStrictEqual(decode("rejected-template.yaml").findings, [
      e(["spec", "features"], "missing required field \"features\"")
    ])
  })
})

describe("pruned fields", () => {
  it("are warnings, and the value has them removed", () => {
    const result = decode("pruned-fields.yaml")
    const prunes = (field: string) => `unknown field "${field}"; the API server drops it on create and update, and server-side apply rejects it`
    assert.deepStrictEqual(result.findings, [
      w([...k8s, "masterAgent", "masterAgentContainer", "customImageFullName"], prunes("customImageFullName")),
      w([...open, "globalInterval"], prunes("globalInterval")),
      w([...open, "globalPath"], prunes("globalPath")),
      w([...open, "targets", 0, "metricRelabelConfigs"], prunes("metricRelabelConfigs"))
    ])
    const agent = Option.getOrThrow(result.value)
    assert.strictEqual(agent.kind, "WhatapAgent")
    if (agent.kind !== "WhatapAgent") return
    const openAgent = agent.spec.features.openAgent
    assert.deepStrictEqual(openAgent !== undefined && "globalInterval" in openAgent, false)
    assert.deepStrictEqual(agent.spec.features.k8sAgent?.masterAgent.masterAgentContainer, {})
    assert.deepStrictEqual(openAgent?.targets?.[0], {
      targetName: "apiserver",
      type: "ServiceMonitor",
      enabled: true,
      endpoints: [{ port: "https", addNodeLabel: false }]
    })
  })
})

describe("wrong types", () => {
  it("reports every problem at once with its path", () => {
    const inst = ["spec", "features", "apm", "instrumentation"]
    assert.deepStrictEqual(decode("invalid-types.yaml").findings, [
      e([...inst, "enabled"], "expected boolean, got string \"yes\""),
      e([...inst, "targets", 0, "enabled"], "missing required field \"enabled\""),
      e([...gpu, "devices"], "must be one of: f, g, i"),
      e([...gpu, "service", "port"], "expected integer, got string \"9400\""),
      e([...gpu, "service", "type"], "must be one of: ClusterIP, NodePort, LoadBalancer"),
      e([...k8s, "masterAgent", "resources", "limits", "cpu"],
        "expected a Kubernetes quantity such as 500m or 1Gi, got string \"lots\""),
      e([...k8s, "masterAgent", "resources", "limits", "memory"], "expected integer or quantity string, got number 0.5"),
      e([...k8s, "nodeAgent", "runtime"], "must be one of: containerd, docker, crio"),
      e([...open, "targets", 0, "endpoints", 0, "port"], "expected string, got number 8080"),
      e([...open, "targets", 0, "type"], "must be one of: ServiceMonitor, PodMonitor, StaticEndpoints"),
      e(["spec", "port"], "expected string, got number 6600")
    ])
  })

  it("an int64 beyond 2^53 says why it is refused (its digits already changed when read)", () => {
    const toleration = { key: "a", operator: "Equal", value: "", effect: "NoExecute", tolerationSeconds: 9223372036854775807 }
    const agent = {
      apiVersion: "monitoring.whatap.com/v2alpha1",
      kind: "WhatapAgent",
      metadata: { name: "whatap" },
      spec: { features: { k8sAgent: { masterAgent: { enabled: true, tolerations: [toleration] }, nodeAgent: { enabled: false }, gpuMonitoring: { enabled: false } } } }
    }
    assert.deepStrictEqual(Decode.resource(agent).findings, [
      e([...k8s, "masterAgent", "tolerations", 0, "tolerationSeconds"],
        "expected an integer, got number 9223372036854776000 (an integer beyond ±9007199254740991 is not read exactly here, although the API server's int64 takes it: use a smaller value)")
    ])
    assert.deepStrictEqual(Decode.resource({ ...agent, spec: { features: { k8sAgent: { ...agent.spec.features.k8sAgent, masterAgent: { enabled: true, tolerations: [{ ...toleration, tolerationSeconds: 9007199254740991 }] } } } } }).findings, [])
  })
})

describe("identity", () => {
  const [wrongVersion, unknownKind, noVersion] = documents(fixturesDir, "invalid-identity.yaml")

  it("a wrong apiVersion is an error at apiVersion", () => {
    const result = Decode.resource(wrongVersion)
    assert.deepStrictEqual(result.findings, [
      e(["apiVersion"], "unsupported apiVersion \"monitoring.whatap.com/v1\"; expected monitoring.whatap.com/v2alpha1")
    ])
    assert.isTrue(Option.isNone(result.value))
  })

  it("an unknown kind is an error at kind, and nothing else is decoded", () => {
    const result = Decode.resource(unknownKind)
    assert.deepStrictEqual(result.findings, [
      e(["kind"], "unknown kind \"WhatapNetworkAgent\"; expected one of: WhatapAgent, WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint")
    ])
    assert.isTrue(Option.isNone(result.kind))
    assert.deepStrictEqual(result.name, Option.some("net"))
  })

  it("a missing apiVersion and name are both reported; the namespace is still read", () => {
    const result = Decode.resource(noVersion)
    assert.deepStrictEqual(result.findings, [
      e(["apiVersion"], "missing required field \"apiVersion\" (expected monitoring.whatap.com/v2alpha1)"),
      e(["metadata", "name"], "missing required field \"name\"")
    ])
    assert.deepStrictEqual(result.namespace, Option.some("shop"))
    assert.deepStrictEqual(result.kind, Option.some("WhatapPodMonitor"))
  })

  it("a name of the wrong type is a type error, not a missing name", () => {
    const result = Decode.resource({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: 123 }, spec: { features: {} } })
    assert.deepStrictEqual(result.findings, [e(["metadata", "name"], "expected string, got number 123")])
  })

  it("non-objects are rejected at the root", () => {
    for (const input of [null, undefined, 3, "x", [1, 2]]) {
      const result = Decode.resource(input)
      assert.strictEqual(result.findings.length, 1)
      assert.deepStrictEqual(result.findings[0]?.path, [])
      assert.isTrue(Option.isNone(result.value))
    }
  })

  it("Decode.as refuses another kind", () => {
    const sample = document(fixturesDir, "pruned-fields.yaml")
    assert.isTrue(Option.isSome(Decode.as("WhatapAgent", sample).value))
    const wrong = Decode.as("WhatapPodMonitor", sample)
    assert.isTrue(Option.isNone(wrong.value))
    assert.deepStrictEqual(wrong.findings.at(-1), e(["kind"], "expected kind WhatapPodMonitor, got WhatapAgent"))
  })
})
