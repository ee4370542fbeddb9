/**
 * Rewrites what is generated from the chart (see `Helm.ts`): the chart's copy of the CRDs,
 * `deploy/manifests/whatap-operator.yaml` and `deploy/operator/*.yaml`.
 *   npx node e2e/test/helm/write.ts
 * Run it after editing `deploy/chart` or regenerating `deploy/crds`; the helm spec fails
 * until the committed files match.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { Console, Effect } from "effect"
import * as Cli from "../../src/Cli.ts"
import { ControlPlaneError } from "../../src/ControlPlaneError.ts"
import { repoRoot } from "../../src/Manifests.ts"
import * as Helm from "./Helm.ts"

const write = (file: Helm.Generated) =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(join(repoRoot, file.path)), { recursive: true })
      await writeFile(join(repoRoot, file.path), file.content)
    },
    catch: (error) => new ControlPlaneError({ step: `write ${file.path}`, message: String(error) })
  }).pipe(Effect.andThen(Console.log(`wrote ${file.path}`)))

const program = Effect.gen(function*() {
  const dir = yield* Helm.home
  // The CRD copies first: the renders include them.
  const first = yield* Helm.generated(dir)
  yield* Effect.forEach(first.crds, write)
  const { rendered } = yield* Helm.generated(dir)
  yield* Effect.forEach(rendered, write)
}).pipe(Effect.scoped)

Cli.runMain(program)
