/**
 * Differential test against the Go operator itself: fixtures/scrape/go-recorded.json
 * holds random inputs (recorder/cases.ts) and what the Go operator's
 * `generateScrapeConfig` and `collectAllTLSSecrets` returned for them (recorder/record.sh).
 * The inputs list monitors by namespace, then name, so the Go list order is the order
 * D3 sorts into; the Go TLS Secret map is compared sorted by name.
 */
import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { Monitors, WhatapAgent } from "@whatap-operator/core"
import * as ScrapeConfig from "../../src/render/scrape/ScrapeConfig.ts"
import { fixture } from "./support.ts"

const Recorded = Schema.Struct({
  upstreamCommit: Schema.String,
  entries: Schema.Array(Schema.Struct({
    input: Schema.Struct({
      agent: WhatapAgent.WhatapAgent,
      podMonitors: Schema.Array(Monitors.WhatapPodMonitor),
      serviceMonitors: Schema.Array(Monitors.WhatapServiceMonitor),
      staticEndpoints: Schema.Array(Monitors.WhatapStaticEndpoint),
      namespace: Schema.String
    }),
    config: Schema.String,
    tlsSecrets: Schema.NullOr(Schema.Record(Schema.String, Schema.Array(Schema.String)))
  }))
})

const recorded = Schema.decodeUnknownSync(Recorded)(JSON.parse(fixture("go-recorded.json")))

describe("ScrapeConfig agrees with the Go operator (recorded corpus)", () => {
  it("has a corpus worth the name", () => {
    const { entries } = recorded
    assert.isAtLeast(entries.length, 100)
    assert.isAbove(entries.filter((e) => e.config.includes("targetName: dcgm-exporter-auto\n      type: PodMonitor")).length, 20)
    assert.isAbove(entries.filter((e) => e.input.podMonitors.length + e.input.serviceMonitors.length > 0).length, 50)
    assert.isAbove(entries.filter((e) => Object.keys(e.tlsSecrets ?? {}).length > 1).length, 20)
  })

  it("writes every scrape_config.yaml byte for byte as the Go operator did", () => {
    const mismatches = recorded.entries.flatMap((e, i) => {
      const { agent, namespace, ...monitors } = e.input
      const ours = ScrapeConfig.render(agent, monitors, namespace)
      return ours === e.config ? [] : [`case ${i}:\n--- Go\n${e.config}--- ours\n${ours}`]
    })
    assert.deepStrictEqual(mismatches.slice(0, 3), [])
  })

  it("mounts the same TLS Secrets with the same keys", () => {
    const mismatches = recorded.entries.flatMap((e, i) => {
      const { agent, namespace: _, ...monitors } = e.input
      const go = Object.entries(e.tlsSecrets ?? {})
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, keys]) => ({ name, keys }))
      const ours = ScrapeConfig.tlsSecrets(agent, monitors)
      return JSON.stringify(ours) === JSON.stringify(go) ? [] : [`case ${i}: Go ${JSON.stringify(go)}, ours ${JSON.stringify(ours)}`]
    })
    assert.deepStrictEqual(mismatches.slice(0, 3), [])
  })
})
