/**
 * The node agent DaemonSets (spec 4.6.2): on every node a `whatap-node-helper` (cAdvisor-
 * like collector on 6801 that mounts the root fs, /sys, /dev/disk and the container
 * runtime socket) and a `whatap-node-agent` (port 6600, the start script of
 * `node-start-script`), plus the DCGM sidecars on the DaemonSet that monitors GPUs.
 * Which DaemonSets exist and where they run is `NodeTopology`'s decision.
 *
 * `whatap-node-agent` belongs to the component `nodeAgent`; `whatap-node-agent-gpu`
 * (split mode only) to `gpuMonitoring`.
 */
import { Images, Naming, type K8sAgent, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource } from "@whatap-operator/kube"
import * as Credentials from "./Credentials.ts"
import * as GpuSidecars from "./GpuSidecars.ts"
import { startScriptMode } from "./MasterAgent.ts"
import * as NodeTopology from "./NodeTopology.ts"
import {
  affinity,
  configMapVolume,
  containerDefaults,
  containerResources,
  daemonSetDefaults,
  emptyDirVolume,
  envVars,
  field,
  fieldRefEnv,
  firstNonEmpty,
  flag,
  hostPathVolume,
  type Json,
  memoryLimitEnv,
  metadata,
  object,
  podDefaults,
  prunedResources,
  pointer,
  pullSecrets,
  rootPodSecurityContext,
  sortedMap,
  tolerations
} from "./Objects.ts"
import type { Desired, Input, Managed } from "./Render.ts"
import * as Resources from "./Resources.ts"

const { rootfs, hostSys, hostDisk } = Naming.nodeAgent

/** The socket of `runtime` (any other value counts as containerd); `runtimeSocketPath` moves only the host side. */
export const runtimeSocket = (node: K8sAgent.NodeAgentComponentSpec) => {
  const socket = Naming.runtimeSockets[node.runtime] ?? Naming.runtimeSockets.containerd
  const hostPath = node.runtimeSocketPath !== undefined && node.runtimeSocketPath !== "" ? node.runtimeSocketPath : socket.path
  return {
    mount: { name: socket.volume, mountPath: socket.path },
    volume: hostPathVolume(socket.volume, hostPath, "Socket")
  }
}

const rootfsMount = { name: rootfs.volume, mountPath: rootfs.mountPath, readOnly: true, mountPropagation: "HostToContainer" }

const helper = (k8s: K8sAgent.K8sAgentSpec): Json => {
  const own = k8s.nodeAgent.nodeHelperContainer
  return containerDefaults({
    name: Naming.nodeAgent.helperContainer,
    image: Images.container(own, Images.kubeAgent(k8s)),
    command: ["/data/agent/node/cadvisor_helper", "-port", String(Naming.nodeAgent.helperPort)],
    ports: [{ name: Naming.nodeAgent.helperPortName, containerPort: Naming.nodeAgent.helperPort, protocol: "TCP" }],
    env: [fieldRefEnv("NODE_NAME", "spec.nodeName"), ...envVars(own?.envs)],
    resources: containerResources(Resources.containerFirst(own, () => prunedResources(Resources.helperDefaults))),
    ...pointer("securityContext", own?.securityContext),
    volumeMounts: [
      rootfsMount,
      { name: hostSys.volume, mountPath: hostSys.mountPath, readOnly: true },
      { name: hostDisk.volume, mountPath: hostDisk.mountPath, readOnly: true },
      runtimeSocket(k8s.nodeAgent).mount
    ]
  })
}

const agentContainer = (agent: WhatapAgent.WhatapAgent, k8s: K8sAgent.K8sAgentSpec): Json => {
  const spec = k8s.nodeAgent
  const own = spec.nodeAgentContainer
  return containerDefaults({
    name: Naming.nodeAgent.agentContainer,
    image: Images.container(own, Images.kubeAgent(k8s)),
    command: [Naming.agentVolumes.startScriptPath],
    ports: [{ name: Naming.nodeAgent.agentPortName, containerPort: Naming.nodeAgent.agentPort, protocol: "TCP" }],
    env: [
      fieldRefEnv("NODE_IP", "status.hostIP"),
      fieldRefEnv("NODE_NAME", "spec.nodeName"),
      ...Credentials.env(agent),
      memoryLimitEnv(Naming.nodeAgent.agentContainer),
      { name: "HOST_PREFIX", value: rootfs.mountPath },
      { name: "whatap_server_agent_enabled", value: "true" },
      ...envVars(firstNonEmpty(own?.envs, spec.envs))
    ],
    resources: containerResources(Resources.containerFirst(own, () => Resources.withAgentDefaults(spec.resources))),
    ...pointer("securityContext", own?.securityContext),
    volumeMounts: [
      rootfsMount,
      { name: Naming.agentVolumes.startScript, mountPath: Naming.agentVolumes.startScriptPath, subPath: Naming.startScriptKey, readOnly: true },
      { name: Naming.agentVolumes.config, mountPath: Naming.agentVolumes.configPath }
    ]
  })
}

const volumes = (k8s: K8sAgent.K8sAgentSpec, gpu: boolean): ReadonlyArray<Json> => [
  hostPathVolume(rootfs.volume, rootfs.hostPath),
  hostPathVolume(hostSys.volume, hostSys.hostPath),
  hostPathVolume(hostDisk.volume, hostDisk.hostPath),
  configMapVolume(Naming.agentVolumes.startScript, Naming.nodeAgent.startScript, startScriptMode),
  emptyDirVolume(Naming.agentVolumes.config),
  runtimeSocket(k8s.nodeAgent).volume,
  ...(gpu ? GpuSidecars.volumes : [])
]

const controlPlaneTolerations = Naming.controlPlaneTaints.map((key) => ({ key, operator: "Exists", effect: "NoSchedule" }))

const podSpec = (agent: WhatapAgent.WhatapAgent, k8s: K8sAgent.K8sAgentSpec, ds: NodeTopology.NodeDaemonSet): Json => {
  const spec = k8s.nodeAgent
  return {
    ...podDefaults,
    ...flag("hostNetwork", spec.hostNetwork),
    dnsPolicy: spec.hostNetwork ? "ClusterFirstWithHostNet" : "ClusterFirst",
    ...field("runtimeClassName", spec.runtimeClassName),
    ...flag("hostPID", spec.hostPID),
    serviceAccountName: Naming.agentServiceAccount,
    ...affinity(ds.affinity),
    ...field("nodeSelector", sortedMap(ds.nodeSelector)),
    ...field("priorityClassName", spec.priorityClassName),
    securityContext: spec.podSecurityContext ?? rootPodSecurityContext,
    tolerations: [...controlPlaneTolerations, ...tolerations(spec.tolerations)],
    ...pullSecrets(firstNonEmpty(spec.imagePullSecrets, k8s.imagePullSecrets)),
    containers: [helper(k8s), agentContainer(agent, k8s), ...(ds.gpu ? GpuSidecars.containers(k8s.gpuMonitoring) : [])],
    volumes: volumes(k8s, ds.gpu)
  }
}

const daemonSet = (input: Input, k8s: K8sAgent.K8sAgentSpec, ds: NodeTopology.NodeDaemonSet): Desired => {
  const spec = k8s.nodeAgent
  const selector = { [Naming.labels.name]: ds.name }
  const gpuLabel = ds.gpu ? { [Naming.labels.gpu]: "true" } : {}
  const meta = { name: ds.name, namespace: input.namespace, labels: spec.labels, annotations: spec.annotations }
  return {
    component: ds.name === Naming.nodeAgent.gpuDaemonSet ? "gpuMonitoring" : "nodeAgent",
    resource: ApiResource.DaemonSet,
    policy: "apply",
    object: object(ApiResource.DaemonSet, metadata(input.agent, meta), {
      spec: {
        selector: { matchLabels: selector },
        ...daemonSetDefaults,
        template: {
          metadata: {
            // podLabels over the GPU label, as in Go; the selector labels over both (D3)
            labels: sortedMap(gpuLabel, spec.podLabels, selector),
            ...field("annotations", sortedMap(spec.podAnnotations))
          },
          spec: podSpec(input.agent, k8s, ds)
        }
      }
    })
  }
}

export const render = (input: Input): ReadonlyArray<Desired> => {
  const k8s = input.agent.spec.features.k8sAgent
  if (k8s === undefined || !k8s.nodeAgent.enabled) return []
  return NodeTopology.daemonSets(k8s).map((ds) => daemonSet(input, k8s, ds))
}

export const managed = (input: Input): ReadonlyArray<Managed> => [
  { component: "nodeAgent", resource: ApiResource.DaemonSet, namespace: input.namespace, name: Naming.nodeAgent.daemonSet },
  { component: "gpuMonitoring", resource: ApiResource.DaemonSet, namespace: input.namespace, name: Naming.nodeAgent.gpuDaemonSet }
]
