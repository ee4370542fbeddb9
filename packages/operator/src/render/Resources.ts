/**
 * Resource requirements of the agent containers (spec 4.3, 4.5, 4.6.2). The component's
 * `resources` are completed key by key with the Go operator's defaults (a CR that sets
 * only `limits.memory: 200Mi` still gets `requests.memory: 300Mi`, which the API server
 * rejects: reproduced, and reported by the validator, which reads the same defaults). A
 * container's own `resources` win, but only when they carry `limits`.
 */
import { K8sAgent, type KubeTypes } from "@whatap-operator/core"
import { type Json, prunedResources } from "./Objects.ts"

/** Master agent and node agent (core's, which the validator checks against). */
export const agentDefaults = K8sAgent.agentResourceDefaults

/** The node helper: used as a whole, not per key. */
export const helperDefaults = {
  requests: { cpu: "100m", memory: "100Mi" },
  limits: { cpu: "200m", memory: "350Mi" }
} as const

/** `resources` with every missing default key filled in. */
export const withAgentDefaults = (resources: KubeTypes.ResourceRequirements | undefined): Json | undefined =>
  prunedResources({
    ...resources,
    requests: { ...agentDefaults.requests, ...resources?.requests },
    limits: { ...agentDefaults.limits, ...resources?.limits }
  })

/** The container's resources when they set `limits`, else `fallback`. */
export const containerFirst = (container: K8sAgent.ContainerSpec | undefined, fallback: () => Json | undefined): Json | undefined =>
  container?.resources?.limits !== undefined ? prunedResources(container.resources) : fallback()
