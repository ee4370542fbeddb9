/**
 * Starts one local control plane for the suite (building the binaries first when the cache
 * is cold) and hands its coordinates to the test files through `provide`. Teardown stops it
 * and prints the figures: start-to-ready, peak RSS of the components, suite wall time.
 */
import { Console, Effect, ManagedRuntime, Option } from "effect"
import type { TestProject } from "vitest/node"
import { ControlPlane } from "../src/ControlPlane.ts"
import * as RssMonitor from "../src/RssMonitor.ts"
import * as WorkDir from "../src/WorkDir.ts"
import { suiteNodes } from "./specs/Target.ts"

export interface ProvidedPlane {
  readonly kubeconfigPath: string
  readonly workDir: string
  readonly version: string
  readonly caCert: string
  readonly webhookCert: string
  readonly webhookKey: string
  /** kube-apiserver's audit log (read it with `Audit`). */
  readonly auditLogPath: string
  /** kube-apiserver's pid (for `NetworkGuard`); the suite's plane is never restarted. */
  readonly apiServerPid: number
}

declare module "vitest" {
  export interface ProvidedContext {
    controlPlane: ProvidedPlane
  }
}

export default async function setup(project: TestProject) {
  const suiteStarted = Date.now()
  const runtime = ManagedRuntime.make(ControlPlane.layer({ nodes: suiteNodes }))
  // vitest answers SIGINT and SIGTERM with process.exit() without running teardown, so the
  // processes and the work directory are Janitor's exit hook's to remove. Nothing answers
  // SIGHUP (the terminal was closed), whose default kills Node without that hook: exit too.
  const onHangup = () => process.exit(129)
  process.once("SIGHUP", onHangup)
  const plane = await runtime.runPromise(Effect.service(ControlPlane))
  const apiServerPid = Option.getOrElse(await runtime.runPromise(plane.apiServerPid), () => 0)
  project.provide("controlPlane", {
    kubeconfigPath: plane.kubeconfigPath,
    workDir: plane.workDir,
    version: plane.version,
    caCert: plane.caCert,
    webhookCert: plane.webhookCert,
    webhookKey: plane.webhookKey,
    auditLogPath: plane.auditLogPath,
    apiServerPid
  })
  return async () => {
    const peak = await runtime.runPromise(plane.peakRss)
    // Failed specs: keep PKI, kubeconfig and component logs for a look afterwards.
    if (project.vitest.state.getCountOfFailedTests() > 0) WorkDir.keep(plane.workDir)
    await runtime.dispose()
    process.off("SIGHUP", onHangup)
    await Effect.runPromise(Console.log([
      `[e2e] kube-apiserver ${plane.version}: start-to-ready ${(plane.startMillis / 1000).toFixed(1)}s`,
      `[e2e] peak RSS of the control plane: ${RssMonitor.format(peak)}`,
      `[e2e] suite wall time (setup to teardown): ${((Date.now() - suiteStarted) / 1000).toFixed(1)}s`
    ].join("\n")))
  }
}
