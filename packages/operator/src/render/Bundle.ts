/**
 * The install-bundle objects the agents need (D9): the Go operator expected the Helm
 * chart or `manifests/resources.yaml` to provide them, and pods hung in ContainerCreating
 * when one was missing. Rendered with policy `createIfAbsent`, so a user's or Helm's own
 * object is never overwritten, and only while a component that needs them is on:
 *
 * | object                                   | needed by                                  |
 * |------------------------------------------|--------------------------------------------|
 * | ConfigMap `master-start-script`          | master agent                               |
 * | Service `whatap-master-agent` (headless) | master agent (the node agents dial it)     |
 * | ConfigMap `node-start-script`            | node agent                                 |
 * | ConfigMap `dcgm-exporter-csv`            | node agent with GPU monitoring             |
 * | ServiceAccount `whatap`                  | master or node agent                       |
 *
 * The ClusterRole/ClusterRoleBinding `whatap` of the agents are not rendered: they grant
 * read access to everything, which the operator should not hold just to hand it out;
 * they ship in `deploy/`.
 */
import { Naming, type K8sAgent } from "@whatap-operator/core"
import { ApiResource, type KubeObject } from "@whatap-operator/kube"
import { type Json, metadata, object } from "./Objects.ts"
import type { Desired, Input, Managed } from "./Render.ts"
import * as StartScripts from "./StartScripts.ts"
import { Csv } from "@whatap-operator/gpu"

const labels = { [Naming.labels.appName]: Naming.operatorAppName, [Naming.labels.managedBy]: Naming.managedByValue }

const desired = (resource: ApiResource.ApiResource, meta: KubeObject.ObjectMeta, body: Json): Desired => ({
  component: "bundle",
  resource,
  policy: "createIfAbsent",
  object: object(resource, meta, body)
})

const configMap = (input: Input, name: string, key: string, text: string): Desired =>
  desired(ApiResource.ConfigMap, metadata(input.agent, { name, namespace: input.namespace, labels }), { data: { [key]: text } })

/** As the bundle ships it: `run` label, ports 6600 and 6800 without targetPort (defaults to port). */
const masterService = (input: Input): Desired => {
  const meta = metadata(input.agent, {
    name: Naming.masterAgent.service,
    namespace: input.namespace,
    labels: { ...labels, [Naming.labels.run]: Naming.masterAgent.service }
  })
  return desired(ApiResource.Service, meta, {
    spec: {
      clusterIP: "None",
      ports: [
        { name: Naming.masterAgent.servicePortName, port: Naming.masterAgent.port, protocol: "TCP" },
        { name: Naming.masterAgent.confbasePortName, port: Naming.masterAgent.confbasePort, protocol: "TCP" }
      ],
      selector: { [Naming.labels.name]: Naming.masterAgent.deployment }
    }
  })
}

const master = (input: Input): ReadonlyArray<Desired> => [
  configMap(input, Naming.masterAgent.startScript, Naming.startScriptKey, StartScripts.master),
  masterService(input)
]

const node = (input: Input, k8s: K8sAgent.K8sAgentSpec): ReadonlyArray<Desired> => [
  configMap(input, Naming.nodeAgent.startScript, Naming.startScriptKey, StartScripts.node),
  ...(k8s.gpuMonitoring.enabled ? [configMap(input, Naming.gpu.csvConfigMap, Naming.gpu.csvKey, Csv.render(Csv.defaults))] : [])
]

const serviceAccount = (input: Input): Desired =>
  desired(ApiResource.ServiceAccount, metadata(input.agent, { name: Naming.agentServiceAccount, namespace: input.namespace, labels }), {})

export const render = (input: Input): ReadonlyArray<Desired> => {
  const k8s = input.agent.spec.features.k8sAgent
  if (k8s === undefined) return []
  const masterOn = k8s.masterAgent.enabled
  const nodeOn = k8s.nodeAgent.enabled
  return [
    ...(masterOn ? master(input) : []),
    ...(nodeOn ? node(input, k8s) : []),
    ...(masterOn || nodeOn ? [serviceAccount(input)] : [])
  ]
}

export const managed = (input: Input): ReadonlyArray<Managed> => {
  const ns = input.namespace
  return [
    { component: "bundle", resource: ApiResource.ConfigMap, namespace: ns, name: Naming.masterAgent.startScript },
    { component: "bundle", resource: ApiResource.ConfigMap, namespace: ns, name: Naming.nodeAgent.startScript },
    { component: "bundle", resource: ApiResource.ConfigMap, namespace: ns, name: Naming.gpu.csvConfigMap },
    { component: "bundle", resource: ApiResource.ServiceAccount, namespace: ns, name: Naming.agentServiceAccount },
    { component: "bundle", resource: ApiResource.Service, namespace: ns, name: Naming.masterAgent.service }
  ]
}
