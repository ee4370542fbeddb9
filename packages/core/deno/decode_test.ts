/** `Decode.resource` under Deno on a valid and an invalid WhatapAgent, the Redacted license, and `Conditions`. */
import assert from "node:assert/strict"
import { Option, Redacted } from "effect"
import { Conditions, Decode, Resource } from "@whatap-operator/core"

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

Deno.test("Decode.resource hides the license behind Redacted", () => {
  const result = Decode.as("WhatapAgent", agent({ license: "LIC-deno-secret", features: {} }))
  const license = Option.getOrThrow(result.value).spec.license
  assert.ok(license !== undefined && Redacted.isRedacted(license))
  assert.equal(Redacted.value(license), "LIC-deno-secret")
  assert.ok(!JSON.stringify(result.value).includes("LIC-deno-secret"))
})

Deno.test("Conditions.set keeps the transition time while the status holds", () => {
  const update = { type: "Ready", status: "True", reason: "Available", message: "ok" } as const
  const first = Conditions.set([], update, "2026-11-30T15:00:00Z")
  const second = Conditions.set(first, { ...update, message: "still ok" }, "2026-11-30T16:00:00Z")
  assert.equal(second[0]?.lastTransitionTime, "2026-11-30T15:00:00Z")
})
