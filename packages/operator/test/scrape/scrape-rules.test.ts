/**
 * The per-target and per-endpoint emission rules of spec 4.10: which keys appear when,
 * `{}`/`[]` for present-but-empty values, file paths over Secrets, sorted keys.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ScrapeConfig from "../../src/render/scrape/ScrapeConfig.ts"
import { agent, noMonitors, podMonitor, serviceMonitor, staticEndpoint } from "./support.ts"

const NS = "whatap-monitoring"
const inline = (...targets: ReadonlyArray<unknown>) =>
  ScrapeConfig.render(agent({ openAgent: { enabled: true, targets } }), noMonitors, NS)
const targetsOf = (out: string) => out.slice("features:\n  openAgent:\n    enabled: true\n    targets:\n".length)

describe("endpoints", () => {
  it("writes present-but-empty auth blocks as {}, every relabel field only when set, params sorted", () => {
    const endpoint = {
      port: "9400", path: "/m", interval: "10s", scheme: "https", basicAuth: {}, authorization: {},
      params: { z: [], a: ["1", "2"] }, addNodeLabel: false, metricRelabelConfigs: [{}, { modulus: 0, regex: "" }]
    }
    const out = inline({ targetName: "t", type: "StaticEndpoints", endpoints: [endpoint] })
    assert.strictEqual(
      targetsOf(out),
      `    - enabled: true
      endpoints:
      - authorization: {}
        basicAuth: {}
        interval: 10s
        metricRelabelConfigs:
        - {}
        - {}
        params:
          a:
          - "1"
          - "2"
          z: []
        path: /m
        port: "9400"
        scheme: https
      targetName: t
      type: StaticEndpoints
`
    )
  })

  it("prefers TLS file paths over Secrets, mounts Secrets under /etc/ssl/certs, always writes insecureSkipVerify", () => {
    const tlsConfig = {
      caFile: "/x/ca.pem", caSecret: { name: "ignored", key: "ca.crt" },
      certSecret: { name: "client", key: "tls.crt" }, keySecret: { name: "client", key: "tls.key", namespace: "elsewhere" },
      serverName: "api.example"
    }
    const out = inline({ targetName: "t", type: "ServiceMonitor", endpoints: [{ port: "https", tlsConfig }] })
    assert.include(
      out,
      `      - port: https
        tlsConfig:
          caFile: /x/ca.pem
          certFile: /etc/ssl/certs/client/tls.crt
          insecureSkipVerify: false
          keyFile: /etc/ssl/certs/client/tls.key
          serverName: api.example
`
    )
  })

  it("writes basicAuth references with namespace, \"\" when unset", () => {
    const basicAuth = { username: { name: "creds", key: "user" }, password: { name: "creds", key: "pass", namespace: "team" } }
    const out = inline({ targetName: "t", type: "PodMonitor", endpoints: [{ port: "m", basicAuth }] })
    assert.include(
      out,
      `      - basicAuth:
          password:
            key: pass
            name: creds
            namespace: team
          username:
            key: user
            name: creds
            namespace: ""
        port: m
`
    )
  })

  it("writes addNodeLabel only when true, and authorization fields only when non-empty", () => {
    const authorization = { type: "", credentials: "c", credentialsFile: "/var/run/token" }
    const out = inline({ targetName: "t", type: "PodMonitor", endpoints: [{ port: "m", addNodeLabel: true, authorization }] })
    assert.include(out, "      - addNodeLabel: true\n        authorization:\n          credentials: c\n          credentialsFile: /var/run/token\n        port: m\n")
  })
})

describe("inline targets", () => {
  it("skips disabled targets and writes selectors only with something in them", () => {
    const out = inline(
      { targetName: "off", type: "PodMonitor", enabled: false, endpoints: [{ port: "m" }] },
      {
        targetName: "on", type: "PodMonitor", selector: {},
        namespaceSelector: { matchNames: [], matchLabels: {}, matchExpressions: [{ key: "team", operator: "Exists" }] }
      },
      { targetName: "bare", type: "ServiceMonitor", namespaceSelector: { matchNames: [] }, selector: { matchLabels: {} }, endpoints: [] }
    )
    assert.strictEqual(
      targetsOf(out),
      `    - enabled: true
      namespaceSelector:
        matchExpressions:
        - key: team
          operator: Exists
          values: []
      targetName: "on"
      type: PodMonitor
    - enabled: true
      targetName: bare
      type: ServiceMonitor
`
    )
  })

  it("sorts label keys as Go does (bytes), whatever the input order", () => {
    const out = inline({ targetName: "t", type: "PodMonitor", selector: { matchLabels: { b: "1", a: "2", B: "3", "app.kubernetes.io/name": "x" } } })
    assert.include(out, "        matchLabels:\n          B: \"3\"\n          a: \"2\"\n          app.kubernetes.io/name: x\n          b: \"1\"\n")
  })
})

describe("monitor CRs", () => {
  it("defaults the namespace selector to the CR's namespace and always writes the selector", () => {
    const monitors = {
      ...noMonitors,
      podMonitors: [podMonitor("team-a", "pm", { selector: { matchExpressions: [{ key: "tier", operator: "Exists" }] }, endpoints: [] })],
      serviceMonitors: [serviceMonitor("team-b", "sm", { namespaceSelector: {}, selector: {}, endpoints: [{ port: "http" }] })]
    }
    const out = ScrapeConfig.render(agent({ openAgent: { enabled: true } }), monitors, NS)
    assert.strictEqual(
      targetsOf(out),
      `    - enabled: true
      namespaceSelector:
        matchNames:
        - team-a
      selector:
        matchExpressions:
        - key: tier
          operator: Exists
          values: []
      targetName: team-a/pm
      type: PodMonitor
    - enabled: true
      endpoints:
      - port: http
      namespaceSelector: {}
      selector: {}
      targetName: team-b/sm
      type: ServiceMonitor
`
    )
  })

  it("gives static endpoints no selectors and appends the jobLabel rule to their relabelling", () => {
    const se = staticEndpoint("infra", "se", {
      jobLabel: "instance",
      relabelConfigs: [{ action: "labeldrop", regex: "tmp_.*" }],
      endpoints: [{ address: "db:9187" }]
    })
    const out = ScrapeConfig.render(agent({ openAgent: { enabled: true } }), { ...noMonitors, staticEndpoints: [se] }, NS)
    assert.strictEqual(
      targetsOf(out),
      `    - enabled: true
      endpoints:
      - address: db:9187
      relabelConfigs:
      - action: labeldrop
        regex: tmp_.*
      - action: replace
        source_labels:
        - instance
        target_label: job
      targetName: infra/se
      type: StaticEndpoints
`
    )
  })
})

describe("the document", () => {
  it("writes enabled: false when openAgent is off or absent", () => {
    const expected = "features:\n  openAgent:\n    enabled: false\n"
    assert.strictEqual(ScrapeConfig.render(agent({ openAgent: { enabled: false } }), noMonitors, NS), expected)
    assert.strictEqual(ScrapeConfig.render(agent({}), noMonitors, NS), expected)
  })
})
