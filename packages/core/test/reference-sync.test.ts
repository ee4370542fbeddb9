/**
 * The README's CR reference must equal what the Schema model generates today, and every
 * WhaTap field in it must say what it does (the same text `kubectl explain` shows).
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { endMarker, readmeUrl, renderReference, replaceSection, startMarker } from "../scripts/reference.ts"

const regenerate = "run `npx node packages/core/scripts/write-reference.ts` from the repository root and commit README.md"

describe("README CR reference", () => {
  const reference = renderReference()

  it("is up to date", () => {
    const readme = readFileSync(readmeUrl, "utf8")
    assert.isTrue(readme.includes(startMarker) && readme.includes(endMarker), `README.md lacks the reference markers: ${regenerate}`)
    assert.isTrue(replaceSection(readme, reference) === readme, `the CR reference in README.md is stale: ${regenerate}`)
  })

  it("describes every field", () => {
    const undocumented = reference
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .filter((line) => /\|\s+\|$/.test(line))
      .map((line) => line.split(" | ")[0]!.slice(2))
    assert.deepStrictEqual(undocumented, [], "fields without a description (add `about(...)` in packages/core/src)")
  })

  it("covers the four kinds and expands WhaTap types but not Kubernetes ones", () => {
    for (const kind of ["WhatapAgent", "WhatapPodMonitor", "WhatapServiceMonitor", "WhatapStaticEndpoint"]) {
      assert.include(reference, `### ${kind}\n`)
    }
    assert.include(reference, "| `spec.features.k8sAgent.gpuMonitoring.service.port` | integer (int32) | `9400` |")
    assert.include(reference, "[TLSConfig](#tlsconfig)")
    assert.include(reference, "#### TLSConfig\n")
    assert.include(reference, "Affinity (core/v1)")
    assert.notInclude(reference, "nodeAffinity")
  })

  it("replaceSection refuses a README without markers", () => {
    assert.throws(() => replaceSection("# no markers\n", reference), /lacks the markers/)
  })
})
