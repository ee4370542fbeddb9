/**
 * The Helm chart in deploy/chart with the real `helm` (built from its Go module on first
 * use): lint, template and the values schema without a cluster, then `helm install` into a
 * control plane of its own (the operator suite's fixed names stay out of the way) with the
 * operator running as the chart's ServiceAccount, `helm uninstall`, and an install over the
 * Deployment the Go operator's chart leaves (the migration path of the README).
 */
import { describe, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { beforeAll } from "vitest"
import { KubeClient } from "@whatap-operator/kube"
import { ControlPlane } from "../src/ControlPlane.ts"
import * as Tools from "../src/Tools.ts"
import { installSpecs } from "./helm/install.ts"
import { offlineSpecs } from "./helm/offline.ts"
import { valuesSpecs } from "./helm/values.ts"
import { suiteNodes } from "./specs/Target.ts"

// Cold: about 3 minutes on 2 cores (the progress is printed); cached: instant.
beforeAll(() => Effect.runPromise(Tools.helm), 600_000)

describe("helm chart", () => {
  offlineSpecs()
  valuesSpecs()
})

const cluster = Layer.unwrap(Effect.map(Effect.service(ControlPlane), (plane) => KubeClient.layer({ kubeconfig: plane.kubeconfigPath }))).pipe(
  Layer.provideMerge(ControlPlane.layer({ nodes: suiteNodes, keepWorkDir: process.env["E2E_KEEP_WORKDIR"] === "1" }))
)

layer(cluster, { timeout: "5 minutes", excludeTestServices: true })("helm install", (it) => {
  installSpecs(it)
})
