/**
 * The automatic GPU target (spec 4.10): when it is written, which node agent it
 * selects, and the de-duplication against targets that already scrape the agents.
 */
import { assert, describe, it } from "@effect/vitest"
import * as ScrapeConfig from "../../src/render/scrape/ScrapeConfig.ts"
import { agent, k8sAgent, noMonitors, podMonitor } from "./support.ts"

const NS = "whatap-monitoring"
const auto = "targetName: dcgm-exporter-auto"

const render = (
  gpu: Record<string, unknown>,
  options: { targets?: ReadonlyArray<unknown>; extra?: Record<string, unknown>; monitors?: ScrapeConfig.Monitors } = {}
) =>
  ScrapeConfig.render(
    agent({ openAgent: { enabled: true, targets: options.targets ?? [] }, k8sAgent: k8sAgent(gpu, options.extra) }),
    options.monitors ?? noMonitors,
    NS
  )

const selecting = (matchLabels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  targetName: "mine", type: "PodMonitor", selector: { matchLabels }, ...extra
})

describe("the automatic GPU target", () => {
  it("is written only when GPU monitoring is enabled, whether or not the node agent is", () => {
    assert.notInclude(render({ enabled: false }), auto)
    assert.notInclude(ScrapeConfig.render(agent({ openAgent: { enabled: true } }), noMonitors, NS), auto)
    const nodeAgentOff = agent({
      openAgent: { enabled: true },
      k8sAgent: { masterAgent: { enabled: false }, nodeAgent: { enabled: false }, gpuMonitoring: { enabled: true } }
    })
    assert.include(ScrapeConfig.render(nodeAgentOff, noMonitors, NS), auto)
  })

  it("selects whatap-node-agent in the operator namespace with a 30s interval by default", () => {
    const out = render({ enabled: true, interval: "", clusterName: "", groupLabel: "" }, { extra: { namespace: "" } })
    assert.include(out, "        interval: 30s\n")
    assert.include(out, `      namespaceSelector:\n        matchNames:\n        - ${NS}\n      selector:\n        matchLabels:\n          name: whatap-node-agent\n`)
    assert.notInclude(out, "target_label: cluster")
    assert.notInclude(out, "whatap_kube_label_gpu_group")
  })

  it("selects whatap-node-agent-gpu when a required node affinity picks the GPU nodes", () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "gpu", operator: "Exists" }] }]
        }
      }
    }
    assert.include(render({ enabled: true, affinity }), "          name: whatap-node-agent-gpu\n")
    const preferredOnly = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } }
    assert.include(render({ enabled: true, affinity: preferredOnly, nodeSelector: {} }), "          name: whatap-node-agent\n")
  })

  it("sanitizes the group label and adds the GPU relabelling rules", () => {
    const out = render({
      enabled: true,
      groupLabel: "team.io/prj-id",
      relabelConfigs: [{ action: "replace", source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node" }],
      metricRelabelConfigs: [{ action: "labeldrop", regex: "Hostname" }]
    })
    assert.include(out, "          source_labels:\n          - team_io_prj_id\n          target_label: whatap_kube_label_gpu_group\n        - action: labeldrop\n")
    assert.include(out, "      relabelConfigs:\n      - action: replace\n        source_labels:\n        - __meta_kubernetes_pod_node_name\n        target_label: node\n")
  })

  it("replaces each character outside [a-zA-Z0-9_] of the group label by one underscore", () => {
    assert.include(render({ enabled: true, groupLabel: "prj.😀-id" }), "          - prj___id\n")
  })

  const suppressed: ReadonlyArray<readonly [string, boolean, Parameters<typeof render>[0], Parameters<typeof render>[1]]> = [
    ["a target named dcgm-exporter-auto", true, { enabled: true }, { targets: [{ targetName: "dcgm-exporter-auto", type: "StaticEndpoints" }] }],
    ["a disabled target named dcgm-exporter-auto", false, { enabled: true }, { targets: [{ targetName: "dcgm-exporter-auto", type: "PodMonitor", enabled: false }] }],
    ["a selector on name: whatap-node-agent", true, { enabled: true }, { targets: [selecting({ name: "whatap-node-agent" })] }],
    ["a selector on whatap-gpu: \"true\"", true, { enabled: true }, { targets: [selecting({ "whatap-gpu": "true" })] }],
    ["a selector on name and whatap-gpu", true, { enabled: true }, { targets: [selecting({ name: "whatap-node-agent", "whatap-gpu": "true" })] }],
    ["a selector with a label the agents lack", false, { enabled: true }, { targets: [selecting({ name: "whatap-node-agent", tier: "x" })] }],
    ["a selector on another app", false, { enabled: true }, { targets: [selecting({ app: "other" })] }],
    ["a disabled target selecting the agents", false, { enabled: true }, { targets: [selecting({ name: "whatap-node-agent" }, { enabled: false })] }],
    ["a ServiceMonitor-typed target selecting the agents", true, { enabled: true }, { targets: [{ ...selecting({ name: "whatap-node-agent" }), type: "ServiceMonitor" }] }],
    ["a selector on the plain agent in split mode", false, { enabled: true, nodeSelector: { gpu: "yes" } }, { targets: [selecting({ name: "whatap-node-agent" })] }],
    ["a selector on the GPU agent in split mode", true, { enabled: true, nodeSelector: { gpu: "yes" } }, { targets: [selecting({ name: "whatap-node-agent-gpu" })] }],
    ["a selector on a pod label under an identity key", true, { enabled: true }, { targets: [selecting({ "app.kubernetes.io/instance": "gpu" })], extra: { nodeAgent: { enabled: true, podLabels: { "app.kubernetes.io/instance": "gpu" } } } }],
    ["a selector on a pod label without an identity key", false, { enabled: true }, { targets: [selecting({ tier: "node" })], extra: { nodeAgent: { enabled: true, podLabels: { tier: "node" } } } }],
    ["a selector on the default name when podLabels rename the agents", false, { enabled: true }, { targets: [selecting({ name: "whatap-node-agent" })], extra: { nodeAgent: { enabled: true, podLabels: { name: "custom" } } } }],
    ["a selector on the name podLabels give the agents", true, { enabled: true }, { targets: [selecting({ name: "custom" })], extra: { nodeAgent: { enabled: true, podLabels: { name: "custom" } } } }],
    ["a PodMonitor CR selecting the agents", true, { enabled: true }, { monitors: { ...noMonitors, podMonitors: [podMonitor(NS, "gpu", { selector: { matchLabels: { name: "whatap-node-agent" } }, endpoints: [] })] } }]
  ]

  for (const [name, expected, gpu, options] of suppressed) {
    it(`is ${expected ? "" : "not "}suppressed by ${name}`, () => {
      const out = render(gpu, options)
      const written = out.includes(`${auto}\n      type: PodMonitor\n`) && out.includes("port: \"9400\"")
      assert.strictEqual(written, !expected, out)
    })
  }
})
