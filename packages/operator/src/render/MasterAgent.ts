/**
 * The master agent Deployment `whatap-master-agent` (spec 4.5): one replica that talks
 * to the API server and serves the node agents on port 6600. The pod runs the start
 * script of the ConfigMap `master-start-script` (see `Bundle.ts`) as the service account
 * `whatap`. The pod label `name` is the Deployment's selector, so `podLabels` cannot
 * replace it (the Go operator let them, and the API server then rejected the Deployment).
 */
import { Images, Naming, type K8sAgent, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource } from "@whatap-operator/kube"
import * as Credentials from "./Credentials.ts"
import {
  affinity,
  configMapVolume,
  containerDefaults,
  containerResources,
  deploymentDefaults,
  emptyDirVolume,
  envVars,
  field,
  firstNonEmpty,
  flag,
  type Json,
  memoryLimitEnv,
  metadata,
  object,
  podDefaults,
  pointer,
  pullSecrets,
  rootPodSecurityContext,
  sortedMap,
  tolerations
} from "./Objects.ts"
import type { Desired, Input, Managed } from "./Render.ts"
import * as Resources from "./Resources.ts"

/** `0555`: the start script must be executable; the Go operator writes it in octal. */
export const startScriptMode = 0o555

const selector = { [Naming.labels.name]: Naming.masterAgent.deployment }

const container = (agent: WhatapAgent.WhatapAgent, k8s: K8sAgent.K8sAgentSpec): Json => {
  const spec = k8s.masterAgent
  const own = spec.masterAgentContainer
  const envs = envVars(firstNonEmpty(own?.envs, spec.envs))
  return containerDefaults({
    name: Naming.masterAgent.container,
    image: Images.container(own, Images.kubeAgent(k8s)),
    command: [Naming.agentVolumes.startScriptPath],
    ports: [{ containerPort: Naming.masterAgent.port, protocol: "TCP" }],
    env: [
      ...Credentials.env(agent),
      memoryLimitEnv(Naming.masterAgent.container),
      { name: "collect_custom_resources", value: "true" },
      ...envs
    ],
    resources: containerResources(Resources.containerFirst(own, () => Resources.withAgentDefaults(spec.resources))),
    ...pointer("securityContext", own?.securityContext),
    volumeMounts: [
      { name: Naming.agentVolumes.startScript, mountPath: Naming.agentVolumes.startScriptPath, subPath: Naming.startScriptKey, readOnly: true },
      { name: Naming.agentVolumes.config, mountPath: Naming.agentVolumes.configPath }
    ]
  })
}

const podSpec = (agent: WhatapAgent.WhatapAgent, k8s: K8sAgent.K8sAgentSpec): Json => {
  const spec = k8s.masterAgent
  return {
    ...podDefaults,
    dnsPolicy: "ClusterFirst",
    ...field("runtimeClassName", spec.runtimeClassName),
    ...flag("hostPID", spec.hostPID),
    serviceAccountName: Naming.agentServiceAccount,
    ...field("tolerations", tolerations(spec.tolerations)),
    ...affinity(spec.affinity),
    ...field("nodeSelector", sortedMap(spec.nodeSelector)),
    ...field("priorityClassName", spec.priorityClassName),
    ...pullSecrets(firstNonEmpty(spec.imagePullSecrets, k8s.imagePullSecrets)),
    securityContext: spec.podSecurityContext ?? rootPodSecurityContext,
    containers: [container(agent, k8s)],
    volumes: [
      configMapVolume(Naming.agentVolumes.startScript, Naming.masterAgent.startScript, startScriptMode),
      emptyDirVolume(Naming.agentVolumes.config)
    ]
  }
}

const deployment = (input: Input, k8s: K8sAgent.K8sAgentSpec): Desired => {
  const spec = k8s.masterAgent
  const meta = { name: Naming.masterAgent.deployment, namespace: input.namespace, labels: spec.labels, annotations: spec.annotations }
  return {
    component: "masterAgent",
    resource: ApiResource.Deployment,
    policy: "apply",
    object: object(ApiResource.Deployment, metadata(input.agent, meta), {
      spec: {
        ...deploymentDefaults,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: sortedMap(spec.podLabels, selector),
            ...field("annotations", sortedMap(spec.podAnnotations))
          },
          spec: podSpec(input.agent, k8s)
        }
      }
    })
  }
}

export const render = (input: Input): ReadonlyArray<Desired> => {
  const k8s = input.agent.spec.features.k8sAgent
  return k8s !== undefined && k8s.masterAgent.enabled ? [deployment(input, k8s)] : []
}

export const managed = (input: Input): ReadonlyArray<Managed> => [
  { component: "masterAgent", resource: ApiResource.Deployment, namespace: input.namespace, name: Naming.masterAgent.deployment }
]
