/**
 * The Service `dcgm-exporter-service` in front of the dcgm-exporter sidecars (spec
 * 4.7.3), in `k8sAgent.namespace` or the operator namespace. It exists with the node
 * agent and GPU monitoring on, unless `gpuMonitoring.service` is present and disabled.
 * An absent `service` is not a disabled one: the Go operator then creates a NodePort
 * Service on 30400, while a present one takes its CRD defaults (ClusterIP, 9400).
 * It selects `whatap-gpu: "true"`, the label of every pod with the sidecars, so it
 * serves both topologies.
 */
import { Images, Naming, type K8sAgent } from "@whatap-operator/core"
import { ApiResource } from "@whatap-operator/kube"
import { type Json, metadata, object } from "./Objects.ts"
import type { Desired, Input, Managed } from "./Render.ts"

export interface Settings {
  readonly type: "ClusterIP" | "NodePort" | "LoadBalancer"
  readonly port: number
  readonly nodePort: number
}

/** Type, port and node port, or undefined when no Service is wanted. */
export const settings = (k8s: K8sAgent.K8sAgentSpec): Settings | undefined => {
  const gpu = k8s.gpuMonitoring
  if (!k8s.nodeAgent.enabled || !gpu.enabled) return undefined
  const service = gpu.service
  if (service === undefined) return { type: "NodePort", port: Naming.gpu.metricsPort, nodePort: Naming.gpu.defaultNodePort }
  if (!service.enabled) return undefined
  const nodePort = service.nodePort === undefined || service.nodePort === 0 ? Naming.gpu.defaultNodePort : service.nodePort
  // An explicit `port: 0` escapes the CRD default; the Go operator then falls back to 9400.
  const port = service.port === 0 ? Naming.gpu.metricsPort : service.port
  return { type: service.type, port, nodePort }
}

/** `k8sAgent.namespace`, else the operator namespace. */
export const namespaceOf = (k8s: K8sAgent.K8sAgentSpec | undefined, operatorNamespace: string): string =>
  Images.firstOf([k8s?.namespace], operatorNamespace)

const spec = (s: Settings): Json => {
  const nodePort = s.type === "NodePort"
  const port = {
    name: Naming.gpu.metricsPortName,
    port: s.port,
    targetPort: Naming.gpu.metricsPort,
    protocol: "TCP",
    ...(nodePort ? { nodePort: s.nodePort } : {})
  }
  return {
    selector: { [Naming.labels.gpu]: "true" },
    type: s.type,
    ports: [port],
    ...(nodePort ? { externalTrafficPolicy: "Local", internalTrafficPolicy: "Local" } : {})
  }
}

export const render = (input: Input): ReadonlyArray<Desired> => {
  const k8s = input.agent.spec.features.k8sAgent
  const s = k8s === undefined ? undefined : settings(k8s)
  if (s === undefined) return []
  const labels = { [Naming.labels.appName]: Naming.gpu.appName, [Naming.labels.managedBy]: Naming.managedByValue }
  const meta = metadata(input.agent, { name: Naming.gpu.service, namespace: namespaceOf(k8s, input.namespace), labels })
  return [{ component: "gpuMonitoring", resource: ApiResource.Service, policy: "apply", object: object(ApiResource.Service, meta, { spec: spec(s) }) }]
}

/** In its namespace, and in the operator namespace too when `k8sAgent.namespace` moved it away. */
export const managed = (input: Input): ReadonlyArray<Managed> =>
  [...new Set([namespaceOf(input.agent.spec.features.k8sAgent, input.namespace), input.namespace])].map((namespace) => ({
    component: "gpuMonitoring",
    resource: ApiResource.Service,
    namespace,
    name: Naming.gpu.service
  }))
