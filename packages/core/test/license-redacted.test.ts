/**
 * `spec.license` is a `Redacted` once decoded: printing, logging or serialising a decoded
 * CR never shows it, the CRD still says `type: string`, and encoding gives the string back.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option, Redacted, Schema } from "effect"
import { Crd, Decode, Language, Validate, WhatapAgent } from "../src/index.ts"

const secret = "LIC-7f3a9c-never-printed"
const input = {
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name: "whatap" },
  spec: { license: secret, host: "collector.example.com", port: "6600", features: {} }
}

const decoded = () => Option.getOrThrow(Decode.as("WhatapAgent", input).value)

describe("spec.license", () => {
  it("decodes to a Redacted<string> that unwraps to the value", () => {
    const license = decoded().spec.license
    assert.isTrue(Redacted.isRedacted(license))
    assert.strictEqual(license === undefined ? undefined : Redacted.value(license), secret)
  })

  it("never shows in String, JSON or inspection of the decoded CR", () => {
    const agent = decoded()
    assert.notInclude(JSON.stringify(agent), secret)
    assert.notInclude(String(agent.spec.license), secret)
    assert.include(JSON.stringify(agent), "<redacted:license>")
  })

  it("encodes back to the plain string", () => {
    const encoded = Schema.encodeSync(WhatapAgent.WhatapAgent)(decoded())
    assert.strictEqual(encoded.spec?.license, secret)
  })

  it("is type: string in the CRD", () => {
    const spec = Crd.openApiSchema("WhatapAgent")["properties"] as Record<string, { properties: Record<string, unknown> }>
    const license = spec["spec"]?.properties["license"] as Record<string, unknown>
    assert.strictEqual(license["type"], "string")
    assert.include(String(license["description"]), "whatap-credentials")
  })

  it("a valid CR with a license has no findings", () => {
    assert.deepStrictEqual(Validate.resource(input), [])
  })
})

describe("Language", () => {
  it("knows the six languages of the Go operator", () => {
    assert.deepStrictEqual([...Language.languages], ["java", "python", "nodejs", "php", "dotnet", "golang"])
    assert.isTrue(Language.isLanguage("nodejs"))
    assert.isFalse(Language.isLanguage("ruby"))
    assert.isFalse(Language.isLanguage("Java"))
  })
})
