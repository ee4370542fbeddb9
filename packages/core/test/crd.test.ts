/**
 * The generated CRDs: identity and scope, structural schemas (every node typed or
 * int-or-string, no $ref), enums and defaults at known paths, determinism, and the
 * upstream-compatible required lists.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import YAML from "yaml"
import { Crd, Resource } from "../src/index.ts"

type Node = { readonly [k: string]: unknown }
const isNode = (u: unknown): u is Node => typeof u === "object" && u !== null && !Array.isArray(u)

const crds = Crd.generateAll()
const schemaOf = (kind: Resource.Kind): Node => Crd.openApiSchema(kind)

/** Follow `a.b[].c{}` through properties, items and additionalProperties. */
const at = (root: Node, path: string): Node => {
  let node: Node = root
  for (const step of path.split(".").filter((s) => s !== "")) {
    const name = step.replace(/(\[\]|\{\})+$/, "")
    const next = (node["properties"] as Node | undefined)?.[name]
    assert.isTrue(isNode(next), `no property ${name} in ${path}`)
    node = next as Node
    for (const suffix of step.slice(name.length).match(/\[\]|\{\}/g) ?? []) {
      const inner = suffix === "[]" ? node["items"] : node["additionalProperties"]
      assert.isTrue(isNode(inner), `no ${suffix} at ${step} in ${path}`)
      node = inner as Node
    }
  }
  return node
}

/** Every schema node with its JSON pointer-ish location. */
const walk = (node: Node, where: string, visit: (node: Node, where: string) => void): void => {
  visit(node, where)
  for (const [k, v] of Object.entries((node["properties"] as Node | undefined) ?? {})) if (isNode(v)) walk(v, `${where}.${k}`, visit)
  if (isNode(node["items"])) walk(node["items"], `${where}[]`, visit)
  if (isNode(node["additionalProperties"])) walk(node["additionalProperties"], `${where}{}`, visit)
}

describe("identity", () => {
  it("four CRDs in the fixed order with group, names and scope", () => {
    assert.deepStrictEqual(crds.map((c) => (c["metadata"] as Node)["name"]), [
      "whatapagents.monitoring.whatap.com",
      "whatappodmonitors.monitoring.whatap.com",
      "whatapservicemonitors.monitoring.whatap.com",
      "whatapstaticendpoints.monitoring.whatap.com"
    ])
    const specs = crds.map((c) => c["spec"] as Node)
    assert.deepStrictEqual(specs.map((s) => s["scope"]), ["Cluster", "Namespaced", "Namespaced", "Namespaced"])
    for (const spec of specs) assert.strictEqual(spec["group"], "monitoring.whatap.com")
    assert.deepStrictEqual(specs[0]?.["names"], {
      kind: "WhatapAgent", listKind: "WhatapAgentList", plural: "whatapagents", singular: "whatapagent",
      shortNames: ["wa"], categories: ["whatap"]
    })
  })

  it("one version v2alpha1, served and stored, with the status subresource", () => {
    for (const crd of crds) {
      const versions = (crd["spec"] as Node)["versions"] as ReadonlyArray<Node>
      assert.strictEqual(versions.length, 1)
      assert.strictEqual(versions[0]?.["name"], "v2alpha1")
      assert.strictEqual(versions[0]?.["served"], true)
      assert.strictEqual(versions[0]?.["storage"], true)
      assert.deepStrictEqual(versions[0]?.["subresources"], { status: {} })
    }
  })

  it("is deterministic: the same objects as the committed deploy/crds, written by an earlier run", () => {
    for (const kind of Resource.kinds) {
      const committed: unknown = YAML.parse(readFileSync(new URL(`../../../deploy/crds/${Crd.fileName(kind)}`, import.meta.url), "utf8"))
      assert.deepStrictEqual(Crd.generate(kind), committed, kind)
    }
  })

  it("names the YAML files like controller-gen", () => {
    assert.strictEqual(Crd.fileName("WhatapAgent"), "monitoring.whatap.com_whatapagents.yaml")
  })
})

describe("structural schema", () => {
  for (const kind of Resource.kinds) {
    it(`${kind}: every node has a type or is int-or-string, and no $ref anywhere`, () => {
      const schema = schemaOf(kind)
      assert.notInclude(JSON.stringify(schema), "$ref")
      assert.notInclude(JSON.stringify(schema), "definitions")
      let count = 0
      walk(schema, "", (node, where) => {
        count++
        const typed = typeof node["type"] === "string"
        const intOrString = node["x-kubernetes-int-or-string"] === true
        assert.isTrue(typed !== intOrString, `${where}: needs exactly one of type / int-or-string`)
        if (intOrString) assert.deepStrictEqual(node["anyOf"], [{ type: "integer" }, { type: "string" }])
        else assert.isUndefined(node["anyOf"], `${where}: anyOf outside int-or-string`)
        assert.isUndefined(node["x-kubernetes-preserve-unknown-fields"], where)
        if (node["type"] === "array") assert.isTrue(isNode(node["items"]), `${where}: array without items`)
        if (Array.isArray(node["required"])) {
          const props = Object.keys((node["properties"] as Node | undefined) ?? {})
          for (const r of node["required"]) assert.include(props, r, `${where}: required ${String(r)} not a property`)
        }
      })
      assert.isAbove(count, 10)
    })
  }

  it("the root requires nothing and metadata is an opaque object", () => {
    const root = schemaOf("WhatapAgent")
    assert.isUndefined(root["required"])
    assert.deepStrictEqual(at(root, "metadata"), { type: "object" })
  })
})

describe("enums, defaults and required at known paths", () => {
  const agent = schemaOf("WhatapAgent")
  const k8s = "spec.features.k8sAgent"

  const cases: ReadonlyArray<readonly [string, Node]> = [
    [`${k8s}.nodeAgent.runtime`, { type: "string", enum: ["containerd", "docker", "crio"], default: "containerd" }],
    [`${k8s}.nodeAgent.hostNetwork`, { type: "boolean", default: true }],
    [`${k8s}.masterAgent.enabled`, { type: "boolean", default: false }],
    [`${k8s}.gpuMonitoring.devices`, { type: "string", enum: ["f", "g", "i"], default: "f" }],
    [`${k8s}.gpuMonitoring.service.type`, { type: "string", enum: ["ClusterIP", "NodePort", "LoadBalancer"], default: "ClusterIP" }],
    [`${k8s}.gpuMonitoring.service.port`, { type: "integer", format: "int32", default: 9400 }],
    [`${k8s}.gpuMonitoring.hostEngine.port`, { type: "integer", format: "int32", default: 5555 }],
    ["spec.features.apm.instrumentation.enabled", { type: "boolean", default: true }],
    ["spec.features.apm.instrumentation.targets[].config.mode", { type: "string", enum: ["default", "custom"] }],
    ["spec.features.apm.instrumentation.targets[].language", { type: "string" }],
    ["spec.features.openAgent.targets[].type", { type: "string", enum: ["ServiceMonitor", "PodMonitor", "StaticEndpoints"] }],
    ["spec.features.openAgent.targets[].enabled", { type: "boolean", default: true }],
    ["spec.features.openAgent.targets[].endpoints[].addNodeLabel", { type: "boolean", default: false }],
    ["spec.features.openAgent.targets[].endpoints[].params{}", { type: "array", items: { type: "string" } }],
    ["spec.features.openAgent.targets[].relabelConfigs[].modulus", { type: "integer", format: "int64" }],
    ["spec.port", { type: "string" }],
    [`${k8s}.masterAgent.envs[].valueFrom.secretKeyRef.name`, { type: "string", default: "" }],
    ["status.observedGeneration", { type: "integer", format: "int64" }]
  ]
  for (const [path, expected] of cases) {
    it(path, () => {
      const { description: _, ...node } = at(agent, path)
      assert.deepStrictEqual(node, expected)
    })
  }

  it("WhaTap fields carry descriptions for kubectl explain", () => {
    assert.include(String(at(agent, "spec.license")["description"]), "whatap-credentials")
    assert.include(String(at(agent, `${k8s}.gpuMonitoring.service`)["description"]), "not the same as disabled")
  })

  it("quantities are int-or-string with the quantity pattern", () => {
    const limits = at(agent, `${k8s}.masterAgent.resources.limits{}`)
    assert.strictEqual(limits["x-kubernetes-int-or-string"], true)
    assert.isString(limits["pattern"])
    assert.isTrue(isNode(at(agent, `${k8s}.masterAgent.resources.claims[]`)))
  })

  it("required lists match the Go CRDs", () => {
    const required = (path: string) => at(agent, path)["required"]
    assert.deepStrictEqual(required("spec"), ["features"])
    assert.deepStrictEqual(required(k8s), ["gpuMonitoring", "masterAgent", "nodeAgent"])
    assert.deepStrictEqual(required(`${k8s}.masterAgent`), ["enabled"])
    assert.deepStrictEqual(required("spec.features.openAgent.targets[]"), ["enabled", "targetName", "type"])
    assert.deepStrictEqual(required("spec.features.apm.instrumentation.targets[]"), ["enabled", "language", "name"])
    assert.isUndefined(required("spec.features.apm.instrumentation"))
    assert.deepStrictEqual(required("status.conditions[]"), ["lastTransitionTime", "message", "reason", "status", "type"])
    assert.deepStrictEqual(at(schemaOf("WhatapPodMonitor"), "spec")["required"], ["endpoints", "selector"])
    assert.deepStrictEqual(at(schemaOf("WhatapStaticEndpoint"), "spec")["required"], ["endpoints"])
  })

  it("keeps the server-side-apply markers of the upstream core types", () => {
    const claims = at(agent, `${k8s}.masterAgent.resources.claims`)
    assert.strictEqual(claims["x-kubernetes-list-type"], "map")
    assert.deepStrictEqual(claims["x-kubernetes-list-map-keys"], ["name"])
    const monitorSelector = at(schemaOf("WhatapServiceMonitor"), "spec.selector")
    assert.strictEqual(monitorSelector["x-kubernetes-map-type"], "atomic")
    assert.strictEqual(at(schemaOf("WhatapServiceMonitor"), "spec.selector.matchExpressions")["x-kubernetes-list-type"], "atomic")
    // WhaTap's own selectors are plain structs upstream: no markers.
    assert.isUndefined(at(agent, "spec.features.openAgent.targets[].selector")["x-kubernetes-map-type"])
    assert.isUndefined(at(agent, "spec.features.openAgent.targets[].namespaceSelector.matchExpressions")["x-kubernetes-list-type"])
    assert.strictEqual(at(agent, `${k8s}.imagePullSecrets[]`)["x-kubernetes-map-type"], "atomic")
  })

  it("patterns are written without JavaScript's escaped slashes", () => {
    const type = at(agent, "status.conditions[].type")
    assert.notInclude(String(type["pattern"]), "\\/")
    assert.include(String(type["pattern"]), ")*/)?")
  })

  it("affinity carries every nested term", () => {
    const aff = `${k8s}.nodeAgent.affinity`
    assert.deepStrictEqual(at(agent, `${aff}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`)["required"], ["nodeSelectorTerms"])
    assert.deepStrictEqual(at(agent, `${aff}.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[]`)["required"], ["podAffinityTerm", "weight"])
    assert.deepStrictEqual(at(agent, `${aff}.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[].matchLabelKeys`), { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "atomic" })
  })
})
