/**
 * Golden files of the render (test/golden/*.yaml), one per case of spec section 4:
 * the all-options sample, the GPU topologies, the DCGM env rules, the dcgm Service
 * tables, runtimes, hostNetwork, resources, credentials, webhook modes, TLS volumes.
 * The scrape configuration text is the scrape module's (its own golden tests); here it
 * is a marker, so these files change only when an object of this module does.
 * Rewrite with `UPDATE_GOLDEN=1 npx vitest run test/render` and review the diff.
 */
import { describe, it } from "@effect/vitest"
import { vi } from "vitest"
import { parse as yaml } from "yaml"
import { Render } from "../../src/index.ts"
import { agent, expectGolden, input, sample } from "./support.ts"

vi.mock("../../src/render/scrape/ScrapeConfig.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/render/scrape/ScrapeConfig.ts")>()),
  render: () => "# scrape_config.yaml (rendered by the scrape module)\n"
}))

const uid = "6b1f3c2e-0000-4000-8000-000000000001"

const only = (desired: ReadonlyArray<Render.Desired>, ...kinds: ReadonlyArray<string>) =>
  desired.filter((d) => kinds.includes(d.object.kind))

const ofComponents = (desired: ReadonlyArray<Render.Desired>, ...components: ReadonlyArray<Render.Component>) =>
  desired.filter((d) => components.includes(d.component))

const k8s = (extra: string) => `
k8sAgent:
  masterAgent: {enabled: false}
${extra}`

describe("render golden files", () => {
  it("all-options sample", () => {
    const a = sample("whatap-agent-all-options.yaml")
    expectGolden("all-options", Render.render(input({ ...a, metadata: { ...a.metadata, uid } })))
  })

  it("webhook only, no uid (offline render: no ownerReferences)", () => {
    expectGolden("minimal-offline", Render.render(input(agent({ features: {} }))))
  })

  it("url mode, no TLS, a caller's namespaceSelector", () => {
    const webhook = {
      endpoint: { mode: "url", baseUrl: "https://127.0.0.1:9443" } as const,
      tls: undefined,
      namespaceSelector: { matchLabels: { "whatap-injection": "enabled" } }
    }
    expectGolden("webhook-url-mode", Render.render(input(agent({ features: {} }, uid), { webhook })))
  })

  it("split mode by GPU nodeSelector (two keys), nodeAgent.nodeSelector kept on the plain DaemonSet", () => {
    const spec = k8s(`  nodeAgent:
    enabled: true
    nodeSelector: {kubernetes.io/os: linux}
  gpuMonitoring:
    enabled: true
    nodeSelector: {nvidia.com/gpu.present: "true", accelerator: nvidia}
    service: {enabled: false}`)
    expectGolden("split-node-selector", only(Render.render(input(agent({ features: yaml(spec) }, uid))), "DaemonSet"))
  })

  it("split mode by one GPU affinity term x two user terms (cross product, D4)", () => {
    const spec = k8s(`  nodeAgent:
    enabled: true
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64]}]
          - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]
            matchFields: [{key: metadata.name, operator: NotIn, values: [node-0]}]
      podAntiAffinity:
        preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 1
          podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: other}}}
  gpuMonitoring:
    enabled: true
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions:
            - {key: nvidia.com/gpu.count, operator: Exists}
            - {key: gpu-tier, operator: In, values: [a100, h100]}
            - {key: gpu-memory, operator: Gt, values: ["40000"]}`)
    expectGolden("split-affinity-one-term", only(Render.render(input(agent({ features: yaml(spec) }, uid))), "DaemonSet"))
  })

  it("split mode by a multi-term GPU affinity: no negation on the plain DaemonSet", () => {
    const spec = k8s(`  nodeAgent: {enabled: true}
  gpuMonitoring:
    enabled: true
    service: {enabled: false}
    affinity:
      nodeAffinity:
        requiredDuringSchedulingIgnoredDuringExecution:
          nodeSelectorTerms:
          - matchExpressions: [{key: gpu, operator: In, values: [a100]}]
          - matchExpressions: [{key: gpu, operator: In, values: [h100]}]`)
    expectGolden("split-affinity-multi-term", only(Render.render(input(agent({ features: yaml(spec) }, uid))), "DaemonSet"))
  })

  it("legacy GPU mode: host engine kept, DCGM_REMOTE_HOSTENGINE_INFO emptied, envs replaced in place", () => {
    const spec = k8s(`  namespace: gpu-metrics
  nodeAgent: {enabled: true}
  gpuMonitoring:
    enabled: true
    customImageFullName: registry.example.com/dcgm-exporter:custom
    groupLabel: team.io/prj-id
    clusterName: c1
    devices: i
    hostEngine: {enabled: true, port: 5556, customImageFullName: registry.example.com/dcgm:4}
    envs:
    - {name: DCGM_EXPORTER_LISTEN, value: ":9500"}
    - {name: DCGM_REMOTE_HOSTENGINE_INFO, value: ""}
    - {name: EXTRA, value: "1"}`)
    const desired = Render.render(input(agent({ features: yaml(spec) }, uid)))
    const csv = desired.filter((d) => d.object.metadata.name === "dcgm-exporter-csv")
    expectGolden("gpu-legacy-hostengine", [...csv, ...ofComponents(desired, "nodeAgent", "gpuMonitoring")])
  })

  it("dcgm-exporter-service: absent, NodePort with nodePort, LoadBalancer, disabled", () => {
    const service = (s: string) => k8s(`  nodeAgent: {enabled: true}
  gpuMonitoring:
    enabled: true
${s}`)
    const cases = ["", "    service: {enabled: true, type: NodePort, nodePort: 31000, port: 9401}", "    service: {enabled: true, type: LoadBalancer}", "    service: {enabled: true}", "    service: {enabled: false}"]
    const services = cases.flatMap((c) =>
      Render.render(input(agent({ features: yaml(service(c)) }, uid))).filter((d) => d.object.metadata.name === "dcgm-exporter-service"))
    expectGolden("dcgm-service", services)
  })

  it("runtimes: docker with runtimeSocketPath, crio; hostNetwork false; partial resources", () => {
    const docker = k8s(`  nodeAgent:
    enabled: true
    runtime: docker
    runtimeSocketPath: /var/run/cri-dockerd.sock
    hostNetwork: false
    resources: {limits: {memory: 200Mi}}
    nodeAgentContainer: {resources: {requests: {cpu: 50m}}, image: registry.example.com/node:1}
    nodeHelperContainer: {resources: {limits: {cpu: 300m}}}
  gpuMonitoring: {enabled: false}`)
    const crio = k8s(`  nodeAgent: {enabled: true, runtime: crio}
  gpuMonitoring: {enabled: false}`)
    expectGolden("node-docker-hostnetwork-false", only(Render.render(input(agent({ features: yaml(docker) }, uid))), "DaemonSet"))
    expectGolden("node-crio", only(Render.render(input(agent({ features: yaml(crio) }, uid))), "DaemonSet"))
  })

  it("credentials as literals, custom images, container envs over component envs", () => {
    const spec = {
      license: "LICENSE-LITERAL",
      host: "collector-a.example.com/collector-b.example.com",
      port: "6600",
      features: yaml(`
k8sAgent:
  customAgentImageFullName: registry.example.com/kube_agent:deprecated
  masterAgent:
    enabled: true
    hostPID: true
    runtimeClassName: gvisor
    resources: {requests: {memory: 400Mi}}
    envs: [{name: FROM_COMPONENT, value: "1"}]
    masterAgentContainer: {envs: [{name: FROM_CONTAINER, value: "1"}]}
    podLabels: {name: not-the-selector, team: a}
  nodeAgent: {enabled: false}
  gpuMonitoring: {enabled: false}
openAgent:
  enabled: true
  imageName: registry.example.com/open_agent
  imageVersion: "2.0"
  disableForeground: true
  labels: {app: not-the-selector, team: a}
  imagePullSecrets: [{name: pull}]
  nodeName: node-1
  envs: [{name: EXTRA, value: x}]`)
    }
    expectGolden("credentials-literal", only(Render.render(input(agent(spec, uid))), "Deployment"))
  })

  it("OpenAgent TLS Secrets: sorted, an invalid volume name hashed", () => {
    const spec = yaml(`
openAgent:
  enabled: true
  targets:
  - targetName: b
    type: StaticEndpoints
    endpoints:
    - address: 192.0.2.1:443
      tlsConfig: {caSecret: {name: zeta-certs, key: ca.crt}, certSecret: {name: zeta-certs, key: tls.crt}}
  - targetName: a
    type: StaticEndpoints
    enabled: false
    endpoints:
    - address: 192.0.2.2:443
      tlsConfig: {caSecret: {name: alpha.example.com, key: ca.pem}}`)
    expectGolden("openagent-tls", only(Render.render(input(agent({ features: spec }, uid))), "Deployment"))
  })
})
