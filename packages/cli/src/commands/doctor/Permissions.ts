/**
 * Every permission the operator's ServiceAccount needs, as the rules of its ClusterRole
 * (`cluster`) and of its Role in the operator's namespace (`namespace`): the same rules
 * as `deploy/chart/templates/rbac.yaml`, which the e2e suite proves least-privilege
 * against the API server's audit log. A test keeps this table and
 * `deploy/operator/rbac.yaml` equal, permission by permission.
 */
import { Naming } from "@whatap-operator/core"
import { ApiResource } from "@whatap-operator/kube"

export interface Rule {
  readonly scope: "cluster" | "namespace"
  readonly group: string
  /** `whatapagents/status` for a subresource. */
  readonly resources: ReadonlyArray<string>
  readonly names?: ReadonlyArray<string>
  readonly verbs: ReadonlyArray<string>
}

/** One verb on one resource (and one name when restricted), where it applies. */
export interface Permission {
  readonly namespace: string | undefined
  readonly group: string
  readonly resource: string
  readonly subresource: string | undefined
  readonly name: string | undefined
  readonly verb: string
}

const whatap = ApiResource.WhatapAgent.group
const rbac = ApiResource.ClusterRole.group
const admission = ApiResource.MutatingWebhookConfiguration.group
const named = ["list", "watch", "patch", "delete"]
const managed = ["list", "watch", "create", "patch", "delete"]

export const rules: ReadonlyArray<Rule> = [
  { scope: "cluster", group: whatap, resources: [ApiResource.WhatapAgent.plural], verbs: ["list", "watch", "patch"] },
  { scope: "cluster", group: whatap, resources: [`${ApiResource.WhatapAgent.plural}/status`], verbs: ["patch"] },
  { scope: "cluster", group: whatap, resources: [`${ApiResource.WhatapAgent.plural}/finalizers`], verbs: ["update"] },
  { scope: "cluster", group: whatap, resources: [ApiResource.WhatapPodMonitor.plural, ApiResource.WhatapServiceMonitor.plural, ApiResource.WhatapStaticEndpoint.plural], verbs: ["list", "watch"] },
  { scope: "cluster", group: "", resources: [ApiResource.Pod.plural, ApiResource.Namespace.plural, ApiResource.Node.plural], verbs: ["list", "watch"] },
  { scope: "cluster", group: "", resources: [ApiResource.Service.plural], verbs: managed },
  { scope: "cluster", group: "", resources: [ApiResource.Event.plural], verbs: ["create", "patch"] },
  { scope: "cluster", group: rbac, resources: [ApiResource.ClusterRole.plural, ApiResource.ClusterRoleBinding.plural], verbs: ["create"] },
  { scope: "cluster", group: admission, resources: [ApiResource.MutatingWebhookConfiguration.plural, ApiResource.ValidatingWebhookConfiguration.plural], verbs: ["create"] },
  { scope: "cluster", group: rbac, resources: [ApiResource.ClusterRole.plural], names: [Naming.openAgent.clusterRole], verbs: [...named, "escalate", "bind"] },
  { scope: "cluster", group: rbac, resources: [ApiResource.ClusterRoleBinding.plural], names: [Naming.openAgent.clusterRoleBinding], verbs: named },
  { scope: "cluster", group: admission, resources: [ApiResource.MutatingWebhookConfiguration.plural], names: [Naming.webhook.configuration], verbs: named },
  { scope: "cluster", group: admission, resources: [ApiResource.ValidatingWebhookConfiguration.plural], names: [Naming.webhook.validatingConfiguration], verbs: named },
  { scope: "namespace", group: ApiResource.Deployment.group, resources: [ApiResource.Deployment.plural, ApiResource.DaemonSet.plural], verbs: managed },
  { scope: "namespace", group: "", resources: [ApiResource.ConfigMap.plural, ApiResource.ServiceAccount.plural], verbs: managed },
  { scope: "namespace", group: "", resources: [ApiResource.Secret.plural], verbs: ["create"] },
  { scope: "namespace", group: "", resources: [ApiResource.Secret.plural], names: [Naming.webhook.secret], verbs: ["get", "list", "watch", "patch", "delete"] },
  { scope: "namespace", group: ApiResource.Lease.group, resources: [ApiResource.Lease.plural], verbs: ["create"] },
  { scope: "namespace", group: ApiResource.Lease.group, resources: [ApiResource.Lease.plural], names: [Naming.leaderElectionLease], verbs: ["get", "update"] }
]

/**
 * What the opt-in rollout restart (B3) needs besides, as `deploy/chart/templates/rollout-restart-rbac.yaml`
 * grants it (chart value `rolloutRestart.enabled`); checked only for a WhatapAgent that opts in.
 */
export const rolloutRules: ReadonlyArray<Rule> = [
  { scope: "cluster", group: ApiResource.Deployment.group, resources: [ApiResource.Deployment.plural, ApiResource.StatefulSet.plural, ApiResource.DaemonSet.plural], verbs: ["get", "patch"] },
  { scope: "cluster", group: ApiResource.ReplicaSet.group, resources: [ApiResource.ReplicaSet.plural], verbs: ["get"] },
  { scope: "cluster", group: ApiResource.PodDisruptionBudget.group, resources: [ApiResource.PodDisruptionBudget.plural], verbs: ["list"] }
]

/** The rules expanded to single permissions; namespaced ones in `namespace`. */
export const expand = (list: ReadonlyArray<Rule>, namespace: string): ReadonlyArray<Permission> =>
  list.flatMap((rule) => rule.resources.flatMap((full) => {
    const [resource = "", subresource] = full.split("/")
    return rule.verbs.flatMap((verb) => (rule.names ?? [undefined]).map((name): Permission => ({
      namespace: rule.scope === "namespace" ? namespace : undefined,
      group: rule.group,
      resource,
      subresource,
      name,
      verb
    })))
  }))

/** `patch whatapagents.monitoring.whatap.com/status`, `get secrets "whatap-webhook-certificate" in whatap-monitoring`. */
export const describe = (p: Permission): string =>
  `${p.verb} ${p.resource}${p.group === "" ? "" : `.${p.group}`}${p.subresource === undefined ? "" : `/${p.subresource}`}` +
  `${p.name === undefined ? "" : ` ${JSON.stringify(p.name)}`}${p.namespace === undefined ? "" : ` in ${p.namespace}`}`
