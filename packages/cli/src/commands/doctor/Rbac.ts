/**
 * Check 8: the operator's ServiceAccount holds every permission the operator needs
 * (`Permissions.rules`, and `Permissions.rolloutRules` when the WhatapAgent opts in to the
 * rollout restart). Each one is asked of the API server's authorizer with a
 * SubjectAccessReview for `system:serviceaccount:NS:SA` and its groups, created as the
 * kubeconfig's user: no impersonation rights are needed, and the answer is the
 * authorizer's own, whatever grants it (RBAC, a webhook authorizer).
 */
import { RolloutRestart } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect } from "effect"
import * as Check from "./Check.ts"
import * as Permissions from "./Permissions.ts"

const title = "RBAC of the operator's ServiceAccount"

/** Not in kube's table: nothing but this check creates them. */
export const SubjectAccessReview: ApiResource.ApiResource = {
  group: ApiResource.SelfSubjectAccessReview.group,
  version: ApiResource.SelfSubjectAccessReview.version,
  kind: "SubjectAccessReview",
  plural: "subjectaccessreviews",
  namespaced: false
}

/** The authorizer evaluates this many reviews at once. */
const concurrency = 8

export const user = (namespace: string, serviceAccount: string): string => `system:serviceaccount:${namespace}:${serviceAccount}`

/** The groups the API server gives every ServiceAccount token. */
export const groups = (namespace: string): ReadonlyArray<string> => ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"]

export const review = (namespace: string, serviceAccount: string, p: Permissions.Permission): KubeObject.KubeObject => ({
  apiVersion: ApiResource.apiVersionOf(SubjectAccessReview),
  kind: SubjectAccessReview.kind,
  metadata: {},
  spec: {
    user: user(namespace, serviceAccount),
    groups: groups(namespace),
    resourceAttributes: {
      verb: p.verb,
      group: p.group,
      resource: p.resource,
      ...(p.subresource === undefined ? {} : { subresource: p.subresource }),
      ...(p.name === undefined ? {} : { name: p.name }),
      ...(p.namespace === undefined ? {} : { namespace: p.namespace })
    }
  }
})

const allowed = (answer: KubeObject.KubeObject): boolean => {
  const status = answer["status"]
  return typeof status === "object" && status !== null && "allowed" in status && status.allowed === true
}

export const step: Check.Step = {
  title,
  skipIf: Check.needsApi,
  run: (facts) =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const who = user(facts.namespace, facts.serviceAccount)
      const restarts = RolloutRestart.settings(facts.agentObject?.metadata.annotations).enabled
      const permissions = Permissions.expand(restarts ? [...Permissions.rules, ...Permissions.rolloutRules] : Permissions.rules, facts.namespace)
      const answers = yield* Effect.result(Effect.forEach(permissions, (p) =>
        Effect.map(kube.create(SubjectAccessReview, review(facts.namespace, facts.serviceAccount, p), { fieldManager: "whatapctl" }), (a) => ({ p, allowed: allowed(a) })), { concurrency }))
      if (answers._tag === "Failure") return Check.callFailed(title, "create subjectaccessreviews", answers.failure)
      const denied = answers.success.filter((a) => !a.allowed).map((a) => Permissions.describe(a.p))
      if (denied.length === 0) return Check.ok(title, `${who} holds all ${permissions.length} permissions the operator needs`)
      const fix = restarts
        ? "apply the operator's RBAC again with the rollout restart's (the WhatapAgent opts in to it): helm upgrade --set rolloutRestart.enabled=true, or kubectl apply --server-side -f deploy/operator/rbac.yaml -f deploy/operator/rollout-restart-rbac.yaml"
        : "apply the operator's RBAC again: helm upgrade, or kubectl apply --server-side -f deploy/operator/rbac.yaml (the chart's rules)"
      return Check.fail(title, `${who} lacks ${denied.length} of the ${permissions.length} permissions the operator needs`, fix, denied)
    })
}
