/**
 * GPU nodes (B6) against a control plane of their own with kwok nodes labelled as GPU
 * Feature Discovery labels MIG-single, MIG-mixed, whole-GPU and CPU-only nodes, and one
 * operator process with the ServiceAccount's RBAC (deploy/operator/rbac.yaml). Its own
 * file keeps the operator suite's timing as it was.
 */
import { layer } from "@effect/vitest"
import { gpuNodes, gpuSpecs } from "./operator/gpu.ts"
import * as Suite from "./operator/Suite.ts"

layer(Suite.layerWith({ nodes: gpuNodes, primaryArgs: [] }), { timeout: "5 minutes", excludeTestServices: true })("GPU nodes", (it) => {
  gpuSpecs(it)
})
