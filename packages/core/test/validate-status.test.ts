/**
 * A manifest's `status` is not validated: every WhaTap CRD has the status subresource, so
 * the API server drops it before its own validation (on create; the stored one stays on
 * update), and `Validate` does the same.
 */
import { assert, describe, it } from "@effect/vitest"
import { Validate } from "../src/index.ts"

type Json = Record<string, unknown>

const agent = (spec: Json = {}): Json => ({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { ...spec, features: {} } })
const podMonitor: Json = {
  apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapPodMonitor", metadata: { name: "m", namespace: "default" },
  spec: { selector: {}, endpoints: [{ port: "m" }] }
}

describe("status in a manifest", () => {
  it("is not validated: the API server drops it on create and keeps the stored one on update", () => {
    const clean = Validate.resource(agent())
    const badStatus = { ...agent(), status: { conditions: "not a list", observedGeneration: "x" } }
    assert.deepStrictEqual(Validate.resource(badStatus), clean)
    assert.deepStrictEqual(Validate.resource({ ...podMonitor, status: 7 }), Validate.resource(podMonitor))
  })

  it("while the same value under spec still is", () => {
    const findings = Validate.resource(agent({ conditions: "not a list" }))
    assert.isTrue(findings.some((f) => f.path.join(".") === "spec.conditions"), JSON.stringify(findings))
  })
})
