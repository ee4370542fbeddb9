/**
 * `npm start`: builds the control plane if needed, starts it, installs the CRDs and the
 * samples, prints how to reach it, and runs until Ctrl-C (which closes the scope: every
 * process is stopped and the work directory removed).
 */
import { existsSync } from "node:fs"
import { join } from "node:path"
import { Console, Effect, Layer } from "effect"
import * as Cli from "./Cli.ts"
import { ControlPlane } from "./ControlPlane.ts"
import * as Manifests from "./Manifests.ts"

const kubectlFor = (binDir: string): string => {
  const built = join(binDir, "kubectl")
  return existsSync(built) ? built : "kubectl"
}

const program = Effect.gen(function*() {
  const plane = yield* ControlPlane
  const crds = yield* Manifests.crds
  if (crds.objects.length === 0) {
    yield* Console.log(`[start] no CRDs found (core's Crd.generateAll() or ${crds.source}); skipping`)
  } else {
    yield* Manifests.apply(plane.kubeConfig, crds.objects)
    yield* Manifests.waitEstablished(plane.kubeConfig, crds.objects.map((o) => o.metadata?.name ?? ""))
    yield* Console.log(`[start] installed ${crds.objects.length} CRDs from ${crds.source}`)
  }
  const samples = Manifests.loadDir(Manifests.samplesDir)
  if (samples.length === 0) {
    yield* Console.log(`[start] no samples in ${Manifests.samplesDir}; skipping`)
  } else {
    yield* Manifests.apply(plane.kubeConfig, Manifests.namespacesOf(samples))
    const outcomes = yield* Manifests.applyEach(plane.kubeConfig, samples)
    for (const { object, error } of outcomes) {
      const id = `${object.kind}/${object.metadata?.namespace ?? ""}${object.metadata?.namespace ? "/" : ""}${object.metadata?.name}`
      yield* Console.log(error === undefined ? `[start] applied ${id}` : `[start] could not apply ${id}: ${error}`)
    }
    const applied = outcomes.filter((o) => o.error === undefined).length
    yield* Console.log(`[start] applied ${applied}/${samples.length} sample objects from ${Manifests.samplesDir}`)
  }
  const kubectl = kubectlFor(plane.binDir)
  yield* Console.log([
    "",
    `Kubernetes ${plane.version} is running (API ${plane.apiServerUrl}).`,
    `  export KUBECONFIG=${plane.kubeconfigPath}`,
    `  ${kubectl} --kubeconfig ${plane.kubeconfigPath} get whatapagents -A`,
    `  ${kubectl} --kubeconfig ${plane.kubeconfigPath} get nodes,pods -A`,
    "Press Ctrl-C to stop.",
    ""
  ].join("\n"))
  return yield* Effect.never
})

// runMain turns SIGINT/SIGTERM into interruption, so the layer's finalizers stop everything.
Cli.runMain(program.pipe(Effect.provide(Layer.fresh(ControlPlane.layer()))))
