/**
 * Which node-agent DaemonSets exist and where they may run (spec 4.6.1, 4.6.3). With GPU
 * monitoring limited to some nodes (`gpuMonitoring.nodeSelector` or a required node
 * affinity) there are two: `whatap-node-agent-gpu` with the DCGM sidecars on the GPU
 * nodes, and `whatap-node-agent` kept off them by negated terms. Otherwise one
 * DaemonSet, with the sidecars iff GPU monitoring is on.
 *
 * Deliberate difference D4: the Go operator merged the GPU terms into the CR's own
 * `nodeAgent.affinity` object while building the `-gpu` DaemonSet, so the plain one
 * inherited them (an unsatisfiable affinity). Every function here returns new values.
 */
import { GpuMonitoring, Naming, type Affinity, type K8sAgent } from "@whatap-operator/core"

type Term = Affinity.NodeSelectorTerm
type Requirement = NonNullable<Term["matchExpressions"]>[number]

/** One DaemonSet to render: its name, whether it carries the DCGM sidecars, and its scheduling. */
export interface NodeDaemonSet {
  readonly name: string
  readonly gpu: boolean
  readonly nodeSelector: { readonly [key: string]: string } | undefined
  readonly affinity: Affinity.Affinity | undefined
}

const gpuTerms = (gpu: GpuMonitoring.GpuMonitoringSpec): ReadonlyArray<Term> | undefined =>
  gpu.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms

/** Split mode: GPU monitoring on and limited by a non-empty nodeSelector or a required node affinity (core's `GpuMonitoring.splitMode`). */
export const isSplit = (gpu: GpuMonitoring.GpuMonitoringSpec): boolean => GpuMonitoring.splitMode(gpu).split

const negate = (requirement: Requirement): ReadonlyArray<Term> => {
  const operator = GpuMonitoring.negations[requirement.operator]
  return operator === undefined ? [] : [{ matchExpressions: [{ ...requirement, operator }] }]
}

/**
 * Terms that keep the plain DaemonSet off GPU nodes, ORed: `k NotIn [v]` per GPU
 * nodeSelector entry (sorted by key, D3), then each expression of a single GPU affinity
 * term negated (Gt/Lt have no negation and are skipped). Several GPU terms are not
 * negated (their negation is a product of terms); GPU nodes then run both agents.
 */
export const antiTerms = (gpu: GpuMonitoring.GpuMonitoringSpec): ReadonlyArray<Term> => {
  const selector = Object.entries(gpu.nodeSelector ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]): Term => ({ matchExpressions: [{ key, operator: "NotIn", values: [value] }] }))
  const terms = gpuTerms(gpu) ?? []
  const [only] = terms
  const negated = terms.length === 1 && only !== undefined ? (only.matchExpressions ?? []).flatMap(negate) : []
  return [...selector, ...negated]
}

/**
 * The user's required terms ∧ the mode terms: the mode terms alone when the user has
 * none, else every user term extended by every mode term's expressions (the mode terms'
 * matchFields are dropped, as in the Go operator). A term left without expressions has no
 * `matchExpressions` key, as the Go operator's (nil) list.
 */
export const mergeTerms = (user: ReadonlyArray<Term>, mode: ReadonlyArray<Term>): ReadonlyArray<Term> => {
  if (mode.length === 0) return user
  if (user.length === 0) return mode
  return user.flatMap((u) =>
    mode.map((m): Term => {
      const matchExpressions = [...(u.matchExpressions ?? []), ...(m.matchExpressions ?? [])]
      return { ...u, ...(matchExpressions.length > 0 ? { matchExpressions } : {}) }
    }))
}

/** `affinity` with its required node terms merged with `mode` (a new object; `affinity` is untouched). */
export const withModeTerms = (affinity: Affinity.Affinity | undefined, mode: ReadonlyArray<Term>): Affinity.Affinity | undefined => {
  if (mode.length === 0) return affinity
  const nodeAffinity = affinity?.nodeAffinity
  const user = nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []
  return {
    ...affinity,
    nodeAffinity: {
      ...nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: mergeTerms(user, mode) }
    }
  }
}

/** The DaemonSets of the node agent, the plain one first. */
export const daemonSets = (k8s: K8sAgent.K8sAgentSpec): ReadonlyArray<NodeDaemonSet> => {
  const node = k8s.nodeAgent
  const gpu = k8s.gpuMonitoring
  if (!isSplit(gpu)) {
    return [{ name: Naming.nodeAgent.daemonSet, gpu: gpu.enabled, nodeSelector: node.nodeSelector, affinity: node.affinity }]
  }
  return [
    {
      name: Naming.nodeAgent.daemonSet,
      gpu: false,
      nodeSelector: node.nodeSelector,
      affinity: withModeTerms(node.affinity, antiTerms(gpu))
    },
    {
      name: Naming.nodeAgent.gpuDaemonSet,
      gpu: true,
      nodeSelector: gpu.nodeSelector ?? node.nodeSelector,
      affinity: withModeTerms(node.affinity, gpuTerms(gpu) ?? [])
    }
  ]
}
