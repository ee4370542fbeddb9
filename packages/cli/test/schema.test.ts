/**
 * `whatapctl schema`: the JSON Schema documents (one per kind, and one for all four) come
 * from the CRDs' own OpenAPI schema, translated where JSON Schema differs; kinds by any
 * of kubectl's names; usage errors. (e2e/test/cli-live.test.ts validates every sample
 * against the output with kubeconform, an independent validator.)
 */
import { assert, describe, it } from "@effect/vitest"
import { Crd, Resource } from "@whatap-operator/core"
import { parse } from "yaml"
import * as JsonSchema from "../src/commands/schema/JsonSchema.ts"
import { run } from "./support/run.ts"

type Json = Readonly<Record<string, unknown>>

/** Every key used anywhere in a JSON value (names of `properties` included). */
const keys = (value: unknown, out = new Set<string>()): ReadonlySet<string> => {
  if (Array.isArray(value)) value.forEach((v) => keys(v, out))
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.add(k)
      keys(v, out)
    }
  }
  return out
}

const at = (value: unknown, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Json)[k] : undefined), value)

describe("schema", () => {
  it("one kind: draft-07, apiVersion and kind as constants, the CRD's spec properties", () => {
    const r = run(["schema", "WhatapAgent"])
    assert.strictEqual(r.status, 0, r.stderr)
    const schema = JSON.parse(r.stdout) as Json
    assert.strictEqual(schema["$schema"], "http://json-schema.org/draft-07/schema#")
    assert.deepStrictEqual(at(schema, ["properties", "kind", "const"]), "WhatapAgent")
    assert.deepStrictEqual(at(schema, ["properties", "apiVersion", "const"]), Resource.apiVersion)
    const crdSpec = at(Crd.openApiSchema("WhatapAgent"), ["properties", "spec", "properties"]) as Json
    assert.deepStrictEqual(Object.keys(at(schema, ["properties", "spec", "properties"]) as Json), Object.keys(crdSpec))
    assert.isUndefined(at(schema, ["properties", "metadata", "properties", "namespace"]), "WhatapAgent is cluster-scoped")
    assert.isDefined(at(JSON.parse(run(["schema", "wpm"]).stdout), ["properties", "metadata", "properties", "namespace"]))
  })

  it("translates what JSON Schema does not know: no x-kubernetes-*, int32 as bounds, defaulted fields not required", () => {
    for (const kind of Resource.kinds) {
      const schema = JsonSchema.document(kind)
      assert.isFalse([...keys(schema)].some((k) => k.startsWith("x-kubernetes-")), kind)
      assert.notInclude(JSON.stringify(schema), "\"format\":\"int32\"", kind)
    }
    const weight = at(JsonSchema.translate({ type: "integer", format: "int32" }), [])
    assert.deepStrictEqual(weight, { type: "integer", minimum: -2147483648, maximum: 2147483647 })
    const target = JsonSchema.translate({ type: "object", required: ["enabled", "name"], properties: { enabled: { type: "boolean", default: true }, name: { type: "string" } } })
    assert.deepStrictEqual(at(target, ["required"]), ["name"])
    assert.deepStrictEqual(at(target, ["properties", "enabled"]), { type: "boolean", default: true })
  })

  it("without KIND, one document that picks the definition by kind", () => {
    const schema = JSON.parse(run(["schema"]).stdout) as Json
    assert.deepStrictEqual(Object.keys(schema["definitions"] as Json), [...Resource.kinds])
    assert.deepStrictEqual(at(schema, ["properties", "kind", "enum"]), [...Resource.kinds])
    assert.deepStrictEqual((schema["allOf"] as ReadonlyArray<Json>)[2], {
      if: { properties: { kind: { const: "WhatapServiceMonitor" } }, required: ["kind"] },
      then: { $ref: "#/definitions/WhatapServiceMonitor" }
    })
  })

  it("kubectl's names for a kind, -o yaml, and the same bytes every time", () => {
    const json = run(["schema", "WhatapStaticEndpoint"]).stdout
    for (const name of ["whatapstaticendpoint", "whatapstaticendpoints", "wse", "WHATAPSTATICENDPOINT"]) assert.strictEqual(run(["schema", name]).stdout, json, name)
    const yaml = run(["schema", "wse", "-o", "yaml"])
    assert.strictEqual(yaml.status, 0)
    assert.deepStrictEqual(parse(yaml.stdout), JSON.parse(json))
  })

  it("an unknown kind, two kinds or a bad -o are exit 2", () => {
    for (const args of [["schema", "Pod"], ["schema", "wa", "wpm"], ["schema", "-o", "text"]]) {
      const r = run(args)
      assert.strictEqual(r.status, 2, args.join(" "))
      assert.strictEqual(r.stdout, "")
    }
  })
})
