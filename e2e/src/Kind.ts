/**
 * A kind cluster as an e2e target, where a container engine exists. kind is a CLI that
 * drives the engine itself, so the binary is built from the wrapper module in
 * `controlplane/modules/kind` (like the rest of the control plane; about 5 s), and the
 * cluster lives as long as the scope that created it.
 */
import { existsSync } from "node:fs"
import { mkdtemp, rename, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { randomBytes } from "node:crypto"
import { Config, Console, Effect } from "effect"
import * as BuildSpec from "./BuildSpec.ts"
import * as Exec from "./Exec.ts"

export const KIND_MODULE_VERSION = "v0.33.0"

/** Builds kind into the cache (keyed by the module version) unless it is already there. */
export const ensureBinary = Effect.gen(function*() {
  const dir = join(yield* BuildSpec.cacheRoot, `kind-${KIND_MODULE_VERSION}`)
  const binary = join(dir, "kind")
  if (existsSync(binary)) return binary
  yield* Console.log(`[kind] go build sigs.k8s.io/kind ${KIND_MODULE_VERSION} ...`)
  // Built beside and renamed into place: presence is the only check above, so an
  // interrupted copy must never be left under the final name.
  const partial = `${binary}.partial-${process.pid}`
  yield* Exec.run("go", ["build", "-trimpath", "-ldflags", "-s -w", "-o", partial, "sigs.k8s.io/kind"], {
    cwd: join(BuildSpec.modulesDir, "kind"),
    env: BuildSpec.goEnv(),
    inheritStderr: true
  }).pipe(Effect.onError(() => Effect.promise(() => rm(partial, { force: true }))))
  yield* Effect.promise(() => rename(partial, binary))
  return binary
})

export interface Cluster {
  readonly name: string
  readonly kubeconfig: string
}

/**
 * Creates a kind cluster (node image from E2E_KIND_IMAGE, else kind's default for its
 * version) and deletes it, with its kubeconfig, when the scope closes.
 */
export const cluster = Effect.acquireRelease(
  Effect.gen(function*() {
    const kind = yield* ensureBinary
    const image = yield* Config.String("E2E_KIND_IMAGE").pipe(Config.withDefault(""), Effect.orDie)
    const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "whatap-kind-")))
    const name = `whatap-e2e-${randomBytes(3).toString("hex")}`
    const kubeconfig = join(dir, "kubeconfig")
    yield* Console.log(`[kind] creating cluster ${name}${image === "" ? "" : ` (${image})`} ...`)
    yield* Exec.run(kind, [
      "create", "cluster", "--name", name, "--kubeconfig", kubeconfig, "--wait", "180s",
      ...(image === "" ? [] : ["--image", image])
    ], { inheritStderr: true })
    return { kind, dir, cluster: { name, kubeconfig } }
  }),
  ({ kind, dir, cluster }) =>
    Exec.run(kind, ["delete", "cluster", "--name", cluster.name, "--kubeconfig", cluster.kubeconfig]).pipe(
      Effect.ignore,
      Effect.andThen(Effect.promise(() => rm(dir, { recursive: true, force: true })))
    )
).pipe(Effect.map(({ cluster }): Cluster => cluster))
