/**
 * Every spec, registered against one target. Used by the local-plane and the kind suites.
 */
import { crdSpecs } from "./crds.ts"
import { differentialSpecs } from "./differential.ts"
import { gcSpecs } from "./gc.ts"
import { kubeSpecs } from "./kube.ts"
import { clusterScopedLeakCheck } from "./leaks.ts"
import { ssaSpecs } from "./ssa.ts"
import type { TargetSource } from "./Target.ts"
import { watchSpecs } from "./watch.ts"
import { webhookSpecs } from "./webhook.ts"
import { workloadSpecs } from "./workloads.ts"
import { yamlSpecs } from "./yaml.ts"

export const allSpecs = (source: TargetSource, options: { readonly fakeGpu: boolean }): void => {
  clusterScopedLeakCheck(source)
  crdSpecs(source)
  differentialSpecs(source)
  ssaSpecs(source)
  watchSpecs(source)
  workloadSpecs(source, options)
  webhookSpecs(source)
  gcSpecs(source)
  kubeSpecs(source)
  yamlSpecs(source)
}
