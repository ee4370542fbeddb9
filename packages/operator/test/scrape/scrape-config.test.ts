/**
 * scrape_config.yaml against the outputs recorded from the Go operator (spec 4.10: the
 * real sample and the other verified outputs) and the Go repository's unit tests
 * (TestGenerateScrapeConfig_*), plus the per-field emission rules.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ScrapeConfig from "../../src/render/scrape/ScrapeConfig.ts"
import { agent, cluster, fixture, k8sAgent, noMonitors, podMonitor, serviceMonitor, staticEndpoint } from "./support.ts"

const NS = "whatap-monitoring"
const header = "features:\n  openAgent:\n    enabled: true\n"
const render = (features: Record<string, unknown>, monitors = noMonitors, namespace = NS) =>
  ScrapeConfig.render(agent(features), monitors, namespace)
const openAgent = (targets?: ReadonlyArray<unknown>) => ({ enabled: true, ...(targets === undefined ? {} : { targets }) })

describe("ScrapeConfig.render: outputs recorded from the Go operator (spec 4.10)", () => {
  it("reproduces the real sample byte for byte", () => {
    const { agent: cr, monitors } = cluster("sample.yaml")
    assert.strictEqual(ScrapeConfig.render(cr, monitors, NS), fixture("sample.scrape_config.yaml"))
  })

  it("writes only `enabled` when there is nothing to scrape", () => {
    assert.strictEqual(render({ openAgent: openAgent() }), header)
    assert.strictEqual(render({ openAgent: openAgent([]) }), header)
  })

  it("writes modulus as an integer and separator `;` plain", () => {
    const target = {
      targetName: "hash",
      type: "PodMonitor",
      selector: { matchLabels: { app: "a" } },
      relabelConfigs: [{ source_labels: ["__address__"], modulus: 4, separator: ";", target_label: "__tmp_hash", action: "hashmod" }],
      endpoints: [{ port: "metrics" }]
    }
    assert.strictEqual(
      render({ openAgent: openAgent([target]) }),
      `${header}    targets:
    - enabled: true
      endpoints:
      - port: metrics
      relabelConfigs:
      - action: hashmod
        modulus: 4
        separator: ;
        source_labels:
        - __address__
        target_label: __tmp_hash
      selector:
        matchLabels:
          app: a
      targetName: hash
      type: PodMonitor
`
    )
  })

  it("lets an inline target that selects the node agent suppress the GPU target", () => {
    const target = { targetName: "mine", type: "PodMonitor", selector: { matchLabels: { name: "whatap-node-agent" } } }
    const out = render({ openAgent: openAgent([target]), k8sAgent: k8sAgent({ enabled: true }) })
    assert.strictEqual(
      out,
      `${header}    targets:\n    - enabled: true\n      selector:\n        matchLabels:\n          name: whatap-node-agent\n      targetName: mine\n      type: PodMonitor\n`
    )
  })

  it("targets whatap-node-agent-gpu in k8sAgent.namespace in split mode, with the configured interval", () => {
    const gpu = { enabled: true, nodeSelector: { "nvidia.com/gpu.present": "true" }, interval: "15s" }
    const out = render({ openAgent: openAgent(), k8sAgent: k8sAgent(gpu, { namespace: "other" }) })
    assert.strictEqual(out, `${header}    targets:\n${fixture("split-gpu-target.yaml")}`)
  })
})

describe("ScrapeConfig.render: the Go unit tests (TestGenerateScrapeConfig_*)", () => {
  it("MultiCRD: one target per PodMonitor, ServiceMonitor and StaticEndpoint", () => {
    const monitors = {
      podMonitors: [podMonitor("ns-1", "pod-mon-1", { selector: {}, endpoints: [{ port: "8080", path: "/metrics" }] })],
      serviceMonitors: [serviceMonitor("ns-2", "svc-mon-1", { selector: {}, endpoints: [{ port: "9090", path: "/metrics" }] })],
      staticEndpoints: [staticEndpoint("ns-3", "static-1", { endpoints: [{ address: "10.0.0.5:9100", path: "/metrics" }] })]
    }
    const out = render({ openAgent: openAgent() }, monitors, "default")
    for (const want of ["targetName: ns-1/pod-mon-1", "type: PodMonitor", "targetName: ns-2/svc-mon-1", "type: ServiceMonitor",
      "targetName: ns-3/static-1", "type: StaticEndpoints", "address: 10.0.0.5:9100"]) {
      assert.include(out, want)
    }
    assert.strictEqual(out, `${header}    targets:\n${fixture("multi-crd-targets.yaml")}`)
  })

  it("Authorization: the bearer secret is written as a reference", () => {
    const authorization = { type: "Bearer", credentialsSecret: { name: "scrape-token", key: "token", namespace: "ns-auth" } }
    const monitors = {
      ...noMonitors,
      podMonitors: [podMonitor("ns-auth", "auth-mon", { selector: {}, endpoints: [{ port: "8080", path: "/metrics", authorization }] })]
    }
    const out = render({ openAgent: openAgent() }, monitors, "default")
    for (const want of ["authorization:", "type: Bearer", "credentialsSecret:", "name: scrape-token", "key: token"]) {
      assert.include(out, want)
    }
    assert.include(
      out,
      "      - authorization:\n          credentialsSecret:\n            key: token\n            name: scrape-token\n            namespace: ns-auth\n          type: Bearer\n"
    )
  })

  it("JobLabel: a relabel rule copies the label into `job`, after the CR's own rules", () => {
    const monitors = { ...noMonitors, podMonitors: [podMonitor("default", "pod-job-test", { selector: {}, jobLabel: "app", endpoints: [{ port: "web" }] })] }
    const out = render({ openAgent: openAgent() }, monitors, "default")
    for (const want of ["relabelConfigs:", "target_label: job", "source_labels:", "app"]) assert.include(out, want)
    assert.include(out, "      relabelConfigs:\n      - action: replace\n        source_labels:\n        - app\n        target_label: job\n")
  })

  it("GpuMonitoringGroupLabel: the group label is relabelled into whatap_kube_label_gpu_group", () => {
    const out = render({ openAgent: openAgent(), k8sAgent: k8sAgent({ enabled: true, groupLabel: "prjId", interval: "30s" }) }, noMonitors, "default")
    for (const want of ["targetName: dcgm-exporter-auto", "whatap_kube_label_gpu_group", "prjId"]) assert.include(out, want)
    assert.include(out, "        - action: replace\n          source_labels:\n          - prjId\n          target_label: whatap_kube_label_gpu_group\n")
  })

  it("GpuMonitoringClusterName: the cluster name becomes the `cluster` label", () => {
    const out = render({ openAgent: openAgent(), k8sAgent: k8sAgent({ enabled: true, clusterName: "test-cluster" }) }, noMonitors, "default")
    for (const want of ["targetName: dcgm-exporter-auto", "target_label: cluster", "replacement: test-cluster"]) assert.include(out, want)
    assert.include(out, "        - action: replace\n          replacement: test-cluster\n          target_label: cluster\n")
  })
})
