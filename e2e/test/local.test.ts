/**
 * The specs against the local control plane that globalSetup started (kube-apiserver,
 * etcd, controller-manager, scheduler and kwok built from upstream Go modules).
 */
import { KubeConfig, VersionApi } from "@kubernetes/client-node"
import { afterEach, beforeAll, describe, inject } from "vitest"
import * as WorkDir from "../src/WorkDir.ts"
import { allSpecs } from "./specs/index.ts"
import type { Target } from "./specs/Target.ts"

const plane = inject("controlPlane")
const kubeConfig = new KubeConfig()
kubeConfig.loadFromFile(plane.kubeconfigPath)
const target: Target = {
  name: "local",
  kubeConfig,
  kubeconfigPath: plane.kubeconfigPath,
  webhook: { host: "127.0.0.1", cert: plane.webhookCert, key: plane.webhookKey, caBundle: plane.caCert }
}

describe(`local control plane (kube-apiserver ${plane.version})`, () => {
  beforeAll(async () => {
    const info = await kubeConfig.makeApiClient(VersionApi).getCode()
    console.log(`[e2e] running against kube-apiserver ${info.gitVersion} (${info.platform})`)
  })
  // A failing spec is easiest to read next to what the components logged at the time.
  afterEach((ctx) => {
    if (ctx.task.result?.state === "fail") console.error(WorkDir.logTails(plane.workDir, 15))
  })
  allSpecs(() => target, { fakeGpu: true })
})
