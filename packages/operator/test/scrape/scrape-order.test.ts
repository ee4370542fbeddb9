/**
 * Deterministic output (D3): the same monitors in any list order, and maps with keys in
 * any insertion order, give the same scrape_config.yaml and the same TLS Secret list.
 * Also the TLS Secret collection itself (spec 4.9).
 */
import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import * as ScrapeConfig from "../../src/render/scrape/ScrapeConfig.ts"
import { agent, k8sAgent, noMonitors, podMonitor, serviceMonitor, staticEndpoint } from "./support.ts"

const NS = "whatap-monitoring"
const cr = agent({ openAgent: { enabled: true }, k8sAgent: k8sAgent({ enabled: true }) })

const label = fc.constantFrom("app", "name", "tier", "b", "B", "app.kubernetes.io/name")
const labels = fc.uniqueArray(fc.tuple(label, fc.constantFrom("x", "whatap-node-agent", "true")), { selector: ([k]) => k, maxLength: 3 })
const secret = fc.record({ name: fc.constantFrom("s1", "s2", "s3"), key: fc.constantFrom("ca.crt", "tls.crt", "tls.key") })
const endpoint = fc.record(
  { port: fc.constantFrom("http", "9100"), tlsConfig: fc.record({ caSecret: secret, certSecret: secret }, { requiredKeys: [] }) },
  { requiredKeys: ["port"] }
)
const monitor = fc.record({
  kind: fc.constantFrom("pod", "service", "static"),
  namespace: fc.constantFrom("a", "b", "c"),
  name: fc.stringMatching(/^[a-z]{1,4}$/),
  labels,
  endpoints: fc.array(endpoint, { maxLength: 2 }),
  jobLabel: fc.option(fc.constant("app"), { nil: undefined })
})
type Spec = typeof monitor extends fc.Arbitrary<infer A> ? A : never

/** Decoded monitors from specs, with matchLabels built in the given key order. */
const build = (specs: ReadonlyArray<Spec>, reverseLabels: boolean): ScrapeConfig.Monitors => {
  const spec = (s: Spec) => {
    const entries = reverseLabels ? [...s.labels].reverse() : s.labels
    return { selector: { matchLabels: Object.fromEntries(entries) }, endpoints: s.endpoints, ...(s.jobLabel === undefined ? {} : { jobLabel: s.jobLabel }) }
  }
  return {
    podMonitors: specs.filter((s) => s.kind === "pod").map((s) => podMonitor(s.namespace, s.name, spec(s))),
    serviceMonitors: specs.filter((s) => s.kind === "service").map((s) => serviceMonitor(s.namespace, s.name, spec(s))),
    staticEndpoints: specs.filter((s) => s.kind === "static").map((s) => staticEndpoint(s.namespace, s.name, { endpoints: s.endpoints }))
  }
}

const unique = fc.uniqueArray(monitor, { selector: (m) => `${m.kind}/${m.namespace}/${m.name}`, maxLength: 8 })
const withPermutation = unique.chain((specs) =>
  fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }))
)

describe("deterministic output (D3)", () => {
  it("does not depend on the order monitors are listed in, nor on label insertion order", () => {
    fc.assert(
      fc.property(withPermutation, ([specs, shuffled]) => {
        const original = build(specs, false)
        const permuted = build(shuffled, true)
        assert.strictEqual(ScrapeConfig.render(cr, permuted, NS), ScrapeConfig.render(cr, original, NS))
        assert.deepStrictEqual(ScrapeConfig.tlsSecrets(cr, permuted), ScrapeConfig.tlsSecrets(cr, original))
      }),
      { numRuns: 200 }
    )
  })

  it("lists monitors by namespace, then name, each kind in its place", () => {
    const monitors = {
      podMonitors: [podMonitor("b", "a", { selector: {}, endpoints: [] }), podMonitor("a", "z", { selector: {}, endpoints: [] })],
      serviceMonitors: [serviceMonitor("a", "y", { selector: {}, endpoints: [] }), serviceMonitor("a", "b", { selector: {}, endpoints: [] })],
      staticEndpoints: [staticEndpoint("c", "s", { endpoints: [] }), staticEndpoint("a", "s", { endpoints: [] })]
    }
    const names = [...ScrapeConfig.render(cr, monitors, NS).matchAll(/targetName: (\S+)/g)].map((m) => m[1])
    assert.deepStrictEqual(names, ["a/z", "b/a", "a/b", "a/y", "a/s", "c/s", "dcgm-exporter-auto"])
  })
})

describe("ScrapeConfig.tlsSecrets", () => {
  const tls = (tlsConfig: Record<string, unknown>) => ({ port: "https", tlsConfig })
  const ca = (name: string, key: string, namespace?: string) => ({ caSecret: { name, key, ...(namespace === undefined ? {} : { namespace }) } })

  it("groups Secrets by name over inline targets (disabled too), PodMonitors and ServiceMonitors, sorted by name", () => {
    const withTargets = agent({
      openAgent: {
        enabled: true,
        targets: [
          { targetName: "off", type: "PodMonitor", enabled: false, endpoints: [tls(ca("zeta", "ca.crt"))] },
          {
            targetName: "on", type: "ServiceMonitor",
            endpoints: [
              tls({ ...ca("alpha", "ca.crt"), certSecret: { name: "alpha", key: "tls.crt" }, keySecret: { name: "alpha", key: "tls.key" } }),
              tls(ca("alpha", "ca.crt", "other-namespace")),
              { port: "plain" }
            ]
          }
        ]
      }
    })
    const monitors = {
      podMonitors: [
        podMonitor("b", "pm", { selector: {}, endpoints: [tls(ca("zeta", "other.crt"))] }),
        podMonitor("a", "pm", { selector: {}, endpoints: [tls(ca("zeta", "first.crt"))] })
      ],
      serviceMonitors: [serviceMonitor("a", "sm", { selector: {}, endpoints: [tls({ certSecret: { name: "mid", key: "c" }, caFile: "/f" })] })],
      staticEndpoints: [staticEndpoint("a", "se", { endpoints: [{ address: "h:1", tlsConfig: ca("static-only", "x") }] })]
    }
    assert.deepStrictEqual(ScrapeConfig.tlsSecrets(withTargets, monitors), [
      { name: "alpha", keys: ["ca.crt", "tls.crt", "tls.key"] },
      { name: "mid", keys: ["c"] },
      { name: "zeta", keys: ["ca.crt", "first.crt", "other.crt"] }
    ])
  })

  it("is empty without TLS Secrets", () => {
    assert.deepStrictEqual(ScrapeConfig.tlsSecrets(cr, noMonitors), [])
  })
})
