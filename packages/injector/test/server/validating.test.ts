/**
 * The validating handler against deploy/samples (all admitted, no warnings) and core's
 * invalid fixtures (denied with 422, every error's field path in the message and in the
 * causes), the rules it adds around the validator (operations, subresources, other kinds,
 * unchanged-spec updates), its bounds, and the license in no answer.
 */
import { assert, describe, it } from "@effect/vitest"
import { Finding, Validate } from "@whatap-operator/core"
import { readdirSync, readFileSync } from "node:fs"
import YAML from "yaml"
import { Admission, Validating } from "../../src/index.ts"
import { request } from "./support.ts"

const samplesDir = new URL("../../../../deploy/samples/", import.meta.url)
const fixturesDir = new URL("../../../core/test/fixtures/", import.meta.url)

const documents = (dir: URL): ReadonlyArray<readonly [string, unknown]> =>
  readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().flatMap((file) =>
    YAML.parseAllDocuments(readFileSync(new URL(file, dir), "utf8")).map((doc, i) => [`${file}#${i}`, doc.toJS()] as const))

const create = (object: unknown, overrides: Partial<Admission.AdmissionRequest> = {}) =>
  Validating.review(request({ object, ...overrides }))

const agent = (spec: unknown, name = "whatap") => ({ apiVersion: "monitoring.whatap.com/v2alpha1", kind: "WhatapAgent", metadata: { name }, spec })

describe("Validating: deploy/samples", () => {
  const samples = documents(samplesDir)
  it("has samples of every kind", () => assert.isAtLeast(samples.length, 12))
  for (const [name, object] of samples) {
    it(`${name} is admitted without warnings`, () => {
      const kind = (object as { kind: string }).kind
      assert.deepStrictEqual(create(object, { kind: { group: "monitoring.whatap.com", version: "v2alpha1", kind } }), { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } })
    })
  }
})

describe("Validating: invalid fixtures", () => {
  const invalid = documents(fixturesDir).filter(([, object]) => Validate.resource(object).some((f) => f.severity === "error"))
  it("covers the fixtures", () => assert.isAtLeast(invalid.length, 9))
  for (const [name, object] of invalid) {
    it(`${name} is denied with every error's path`, () => {
      const response = create(object)
      const errors = Validate.resource(object).filter((f) => f.severity === "error")
      assert.isFalse(response.allowed)
      assert.strictEqual(response.status?.code, 422)
      assert.strictEqual(response.status?.reason, "Invalid")
      const causes = response.status?.details?.causes ?? []
      assert.deepStrictEqual(causes.map((c) => `${c.field}: ${c.message}`), errors.map((f) => `${Finding.formatPath(f.path)}: ${f.message}`))
      for (const error of errors) assert.include(response.status?.message, `${Finding.formatPath(error.path)}: `)
    })
  }

  it("spells out what is wrong", () => {
    const [, types] = invalid.find(([name]) => name.startsWith("invalid-types")) ?? ["", undefined]
    const message = create(types).status?.message ?? ""
    assert.match(message, /^WhatapAgent "whatap" is invalid: /)
    assert.include(message, "spec.port: expected string, got number 6600")
    assert.include(message, "spec.features.k8sAgent.nodeAgent.runtime: must be one of: containerd, docker, crio")
  })
})

describe("Validating: rules around the validator", () => {
  const broken = agent({ features: { apm: { instrumentation: { enabled: "yes" } } } })

  it("a WhatapAgent not named whatap is admitted with a warning (the Go operator denied it)", () => {
    const response = create(agent({ features: {} }, "other"), { name: "other" })
    assert.isTrue(response.allowed)
    assert.strictEqual(response.warnings?.length, 1)
    assert.match(response.warnings?.[0] ?? "", /^metadata\.name: WhatapAgent is named "other"/)
  })

  it("DELETE, CONNECT and subresources are admitted without validation", () => {
    assert.deepStrictEqual(create(null, { operation: "DELETE", oldObject: broken }), { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } })
    assert.deepStrictEqual(create("garbage", { operation: "CONNECT" }), { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } })
    assert.deepStrictEqual(create(broken, { operation: "UPDATE", subResource: "status", oldObject: broken }), { uid: request().uid, allowed: true, status: { metadata: {}, code: 200 } })
  })

  it("as controller-runtime's validator: an unknown operation, or no object where the operation needs one, is errored with code 400", () => {
    const errored = (message: string) => ({ uid: request().uid, allowed: false, status: { metadata: {}, message, code: 400 } })
    assert.deepStrictEqual(create(broken, { operation: "PATCH" }), errored("unknown operation \"PATCH\""))
    assert.deepStrictEqual(create(broken, { operation: "create" }), errored("unknown operation \"create\""))
    assert.deepStrictEqual(create(null, { operation: "CREATE" }), errored("there is no content to decode"))
    assert.deepStrictEqual(create(broken, { operation: "UPDATE", oldObject: null }), errored("there is no content to decode"))
    assert.deepStrictEqual(create(null, { operation: "DELETE", oldObject: null }), errored("there is no content to decode"))
  })

  it("a review sent without a kind is judged by the object's own apiVersion and kind", () => {
    const noKind = { kind: { group: "", version: "", kind: "" } }
    assert.isFalse(create(broken, noKind).allowed)
    assert.deepStrictEqual(create(agent({ features: {} }), noKind).warnings, undefined)
    assert.match(create({ apiVersion: "v1", kind: "Pod" }, noKind).warnings?.[0] ?? "", /^v1 Pod is not validated/)
  })

  it("another kind is admitted with a warning that it was not validated", () => {
    const response = create({ kind: "Pod" }, { kind: { group: "", version: "v1", kind: "Pod" } })
    assert.isTrue(response.allowed)
    assert.match(response.warnings?.[0] ?? "", /^v1 Pod is not validated/)
  })

  it("an UPDATE that keeps an invalid spec is admitted with the errors as warnings; one that changes it is denied", () => {
    const relabelled = { ...broken, metadata: { name: "whatap", labels: { a: "b" }, finalizers: [] } }
    const kept = create(relabelled, { operation: "UPDATE", oldObject: broken })
    assert.isTrue(kept.allowed)
    assert.match(kept.warnings?.[0] ?? "", /leaves the spec unchanged/)
    assert.include(kept.warnings?.[1], "spec.features.apm.instrumentation.enabled: expected boolean")
    const changed = agent({ features: { apm: { instrumentation: { enabled: "no" } } } })
    assert.isFalse(create(changed, { operation: "UPDATE", oldObject: broken }).allowed)
    assert.isFalse(create(broken, { operation: "CREATE" }).allowed)
  })

  it("lists at most 20 errors, then how many more", () => {
    const targets = Array.from({ length: 30 }, (_, i) => ({ name: `t${i}`, enabled: "yes", language: "java" }))
    const response = create(agent({ features: { apm: { instrumentation: { enabled: true, targets } } } }))
    const causes = response.status?.details?.causes ?? []
    assert.strictEqual(causes.length, Validating.maxListedErrors + 1)
    assert.match(causes.at(-1)?.message ?? "", /^10 more errors \(whatapctl validate lists them\)$/)
    assert.match(response.status?.message ?? "", /; 10 more errors/)
    assert.isAtMost(response.status?.message?.length ?? 0, Admission.maxMessageLength)
  })

  it("a WhatapAgent of more than 50,000 values (a 1.2 MB review) is denied with that one error, read no further", () => {
    const envs = Array.from({ length: 100_000 }, () => ({ name: "" }))
    const response = create(agent({ features: { apm: { instrumentation: { targets: [{ name: "t", enabled: true, language: "java", envs }] } } } }))
    assert.isFalse(response.allowed)
    const causes = response.status?.details?.causes ?? []
    assert.strictEqual(causes.length, 1)
    assert.match(causes[0]?.message ?? "", /^document holds more than 50,000 values/)
  })

  it("bounds the warnings", () => {
    const unknown = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`unknown${i}`, i]))
    const response = create(agent({ features: { k8sAgent: { masterAgent: { enabled: true, ...unknown }, nodeAgent: { enabled: false }, gpuMonitoring: { enabled: false } } } }))
    assert.isTrue(response.allowed)
    assert.isAtMost(response.warnings?.length ?? 0, Admission.maxWarnings)
    assert.match(response.warnings?.at(-1) ?? "", /more warnings not shown$/)
  })
})

describe("Validating: secrets", () => {
  const license = "LICENSE-x9Y8-very-secret"
  const leaky = {
    apiVersion: "monitoring.whatap.com/v2alpha1",
    kind: "WhatapAgent",
    metadata: { name: license, labels: { [license]: "x" } },
    spec: {
      license,
      port: 6600,
      features: {
        [license]: {},
        apm: { instrumentation: { enabled: true, targets: [{ name: license, enabled: "yes", language: license, envs: [{ name: "WHATAP_LICENSE", value: "ENV-LICENSE-777" }] }] } }
      }
    }
  }

  it("never writes the license, in a denial or in warnings", () => {
    const denied = create(leaky, { name: license })
    assert.isFalse(denied.allowed)
    const kept = create({ ...leaky, metadata: { ...leaky.metadata, annotations: { a: "b" } } }, { operation: "UPDATE", oldObject: leaky, name: license })
    assert.isTrue(kept.allowed)
    for (const response of [denied, kept]) {
      const wire = JSON.stringify(Admission.review(response))
      assert.notInclude(wire, license)
      assert.notInclude(wire, "ENV-LICENSE-777")
      assert.include(wire, "<redacted>")
    }
  })

  it("leaves no part of two secrets that overlap in one path (spec.license ending where an env license begins)", () => {
    const envLicense = "MARKERLIC-7f3a9c"
    const overlapping = agent({
      license: "example.com/QQQQQQ-MARKER",
      features: {
        apm: {
          instrumentation: {
            enabled: true,
            targets: [{
              name: "t",
              enabled: "yes",
              language: "java",
              envs: [{ name: "WHATAP_LICENSE", value: envLicense }],
              podSelector: { matchLabels: { [`example.com/QQQQQQ-${envLicense}/x`]: "v" } }
            }]
          }
        }
      }
    })
    const wire = JSON.stringify(Admission.review(create(overlapping)))
    assert.include(wire, "<redacted>")
    for (const fragment of ["LIC-7f3a9c", "QQQQQQ", "MARKERLIC"]) assert.notInclude(wire, fragment)
  })

  it("finds the license at any depth, and redacts a kind taken from the object", () => {
    let deep: Record<string, unknown> = { license: "DEEP-LICENSE-42" }
    for (let i = 0; i < 70; i++) deep = { a: deep }
    const nested = agent({ features: { "DEEP-LICENSE-42": 1 }, x: deep })
    const wire = JSON.stringify(Admission.review(create(nested)))
    assert.notInclude(wire, "DEEP-LICENSE-42")
    assert.include(wire, "<redacted>")
    const kindless = create({ apiVersion: "v1", kind: "SECRET-KIND-99", license: "SECRET-KIND-99" }, { kind: { group: "", version: "", kind: "" } })
    assert.isTrue(kindless.allowed)
    assert.notInclude(JSON.stringify(Admission.review(kindless)), "SECRET-KIND-99")
  })
})
