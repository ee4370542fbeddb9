/**
 * The OpenAgent, WhaTap's Prometheus-style scraper (spec 4.9): its ServiceAccount,
 * the ClusterRole and binding that let it discover targets and read the Secrets of
 * basic auth and bearer tokens, the ConfigMap `whatap-open-agent-config` with
 * `scrape_config.yaml` (which it also watches through the API for hot reload), and the
 * Deployment. The Deployment has no resources (`resources: {}`), ports or probes, as in the Go operator.
 */
import { Images, Naming, type OpenAgent, type WhatapAgent } from "@whatap-operator/core"
import { ApiResource, type KubeObject } from "@whatap-operator/kube"
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
  type Json,
  metadata,
  object,
  podDefaults,
  pullSecrets,
  sortedMap,
  tolerations
} from "./Objects.ts"
import type { Desired, Input, Managed } from "./Render.ts"
import * as ScrapeConfig from "./scrape/ScrapeConfig.ts"
import * as TlsVolumes from "./TlsVolumes.ts"

const nonRootPodSecurityContext = { runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: "RuntimeDefault" } } as const

const selector = { [Naming.labels.app]: Naming.openAgent.deployment }

const desired = (resource: ApiResource.ApiResource, meta: KubeObject.ObjectMeta, body: Json): Desired => ({
  component: "openAgent",
  resource,
  policy: "apply",
  object: object(resource, meta, body)
})

const rbac = (input: Input): ReadonlyArray<Desired> => [
  desired(ApiResource.ServiceAccount, metadata(input.agent, { name: Naming.openAgent.serviceAccount, namespace: input.namespace }), {}),
  desired(ApiResource.ClusterRole, metadata(input.agent, { name: Naming.openAgent.clusterRole }), {
    rules: [
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["*"], resources: ["pods", "services", "endpoints", "namespaces", "configmaps", "secrets"], verbs: ["get", "list", "watch"] },
      { nonResourceURLs: ["/metrics"], verbs: ["*"] }
    ]
  }),
  desired(ApiResource.ClusterRoleBinding, metadata(input.agent, { name: Naming.openAgent.clusterRoleBinding }), {
    subjects: [{ kind: "ServiceAccount", name: Naming.openAgent.serviceAccount, namespace: input.namespace }],
    roleRef: { apiGroup: ApiResource.ClusterRole.group, kind: ApiResource.ClusterRole.kind, name: Naming.openAgent.clusterRole }
  })
]

const configMap = (input: Input): Desired =>
  desired(ApiResource.ConfigMap, metadata(input.agent, { name: Naming.openAgent.configMap, namespace: input.namespace }), {
    data: { [Naming.openAgent.configKey]: ScrapeConfig.render(input.agent, input.monitors, input.namespace) }
  })

const container = (agent: WhatapAgent.WhatapAgent, spec: OpenAgent.OpenAgentSpec, tls: ReadonlyArray<TlsVolumes.TlsSecret>): Json =>
  containerDefaults({
    name: Naming.openAgent.container,
    image: Images.openAgent(spec),
    ...(spec.disableForeground ? { args: ["-d"] } : {}),
    env: [...Credentials.env(agent), ...envVars(spec.envs)],
    resources: containerResources(undefined),
    volumeMounts: [
      { name: Naming.openAgent.logsVolume, mountPath: Naming.openAgent.logsPath },
      { name: Naming.openAgent.configVolume, mountPath: Naming.openAgent.configPath, subPath: Naming.openAgent.configKey },
      ...TlsVolumes.mounts(tls)
    ]
  })

const podSpec = (input: Input, spec: OpenAgent.OpenAgentSpec): Json => {
  const tls = ScrapeConfig.tlsSecrets(input.agent, input.monitors)
  return {
    ...podDefaults,
    dnsPolicy: "ClusterFirst",
    serviceAccountName: Naming.openAgent.serviceAccount,
    ...field("tolerations", tolerations(spec.tolerations)),
    ...affinity(spec.affinity),
    ...field("nodeSelector", sortedMap(spec.nodeSelector)),
    ...field("priorityClassName", spec.priorityClassName),
    ...pullSecrets(spec.imagePullSecrets),
    ...field("nodeName", spec.nodeName),
    securityContext: spec.podSecurityContext ?? nonRootPodSecurityContext,
    containers: [container(input.agent, spec, tls)],
    volumes: [
      emptyDirVolume(Naming.openAgent.logsVolume),
      configMapVolume(Naming.openAgent.configVolume, Naming.openAgent.configMap),
      ...TlsVolumes.volumes(tls)
    ]
  }
}

/**
 * The label `app` is the selector: forced on the pods over `podLabels` (the Go operator let
 * them replace it, and the API server then rejected the Deployment). On the Deployment's own
 * metadata it selects nothing, so `labels` may replace it, as in the Go operator.
 */
const deployment = (input: Input, spec: OpenAgent.OpenAgentSpec): Desired => {
  const meta = { name: Naming.openAgent.deployment, namespace: input.namespace, labels: sortedMap(selector, spec.labels), annotations: spec.annotations }
  return desired(ApiResource.Deployment, metadata(input.agent, meta), {
    spec: {
      ...deploymentDefaults,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: sortedMap(spec.podLabels, selector), ...field("annotations", sortedMap(spec.podAnnotations)) },
        spec: podSpec(input, spec)
      }
    }
  })
}

export const render = (input: Input): ReadonlyArray<Desired> => {
  const spec = input.agent.spec.features.openAgent
  return spec !== undefined && spec.enabled ? [...rbac(input), configMap(input), deployment(input, spec)] : []
}

export const managed = (input: Input): ReadonlyArray<Managed> => [
  { component: "openAgent", resource: ApiResource.ServiceAccount, namespace: input.namespace, name: Naming.openAgent.serviceAccount },
  { component: "openAgent", resource: ApiResource.ClusterRole, name: Naming.openAgent.clusterRole },
  { component: "openAgent", resource: ApiResource.ClusterRoleBinding, name: Naming.openAgent.clusterRoleBinding },
  { component: "openAgent", resource: ApiResource.ConfigMap, namespace: input.namespace, name: Naming.openAgent.configMap },
  { component: "openAgent", resource: ApiResource.Deployment, namespace: input.namespace, name: Naming.openAgent.deployment }
]
