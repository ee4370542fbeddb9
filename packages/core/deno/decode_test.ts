/** `Decode.resource` under Deno on a valid and an invalid WhatapAgent. */
import assert from "node:assert/strict"
import { Option } from "effect"
import { Decode, Resource } from "@whatap-operator/core"

const agent = (spec: unknown) => ({ apiVersion: Resource.apiVersion, kind: "WhatapAgent", metadata: { name: "whatap" }, spec })

Deno.test("Decode.resource accepts a valid WhatapAgent", () => {
  const result = Decode.resource(agent({
    features: {
      apm: {
        instrumentation: {
          enabled: true,
          targets: [{ name: "java", enabled: true, language: "java", podSelector: { matchLabels: { app: "web" } } }]
        }
      }
    }
  }))
  assert.deepEqual(result.findings.filter((f) => f.severity === "error"), [])
  assert.ok(Option.isSome(result.value))
  assert.deepEqual(result.kind, Option.some("WhatapAgent"))
  assert.deepEqual(result.name, Option.some("whatap"))
})

Deno.test("Decode.resource reports an invalid WhatapAgent", () => {
  const result = Decode.resource(agent({ port: 6600 }))
  assert.ok(Option.isNone(result.value))
  const errors = result.findings.filter((f) => f.severity === "error")
  assert.ok(errors.length > 0)
  for (const f of errors) assert.equal(f.path[0], "spec", JSON.stringify(f))
})
