/**
 * The operator against a real control plane of its own (its kube-apiserver is stopped
 * and restarted by one spec), run as a separate process with the identity of its
 * ServiceAccount bound to deploy/operator/rbac.yaml and rollout-restart-rbac.yaml. Specs run in order and share the
 * cluster: the WhatapAgent is cluster-scoped and named `whatap`.
 */
import { layer } from "@effect/vitest"
import { conformanceSpecs } from "./operator/conformance.ts"
import { lifecycleSpecs } from "./operator/lifecycle.ts"
import { resilienceSpecs } from "./operator/resilience.ts"
import { rolloutSpecs } from "./operator/rollout.ts"
import { webhookSpecs } from "./operator/webhook.ts"
import * as Suite from "./operator/Suite.ts"

layer(Suite.layer, { timeout: "5 minutes", excludeTestServices: true })("operator", (it) => {
  lifecycleSpecs(it)
  webhookSpecs(it)
  rolloutSpecs(it)
  resilienceSpecs(it)
  conformanceSpecs(it)
})
