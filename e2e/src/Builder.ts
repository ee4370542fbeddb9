/**
 * Builds the control-plane binaries from the wrapper Go modules into the content-addressed
 * cache (`BuildSpec.layout`). Idempotent: a complete cache directory is returned as is, so
 * the test setup and `npm start` can call `ensure` unconditionally.
 */
import { existsSync } from "node:fs"
import { mkdir, readdir, readFile, rename, rm, statfs, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { Console, Effect } from "effect"
import * as BuildSpec from "./BuildSpec.ts"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Exec from "./Exec.ts"
import * as Janitor from "./Janitor.ts"

const MIN_FREE_BYTES = 6 * 1024 ** 3

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`

const nearestExisting = (path: string): string => {
  let dir = path
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

// A cold build writes ~3 GB to Go's caches and ~400 MB of binaries; failing up front beats
// a half-written cache and an obscure linker error.
const checkDisk = Effect.fn("Builder.checkDisk")(function*(dir: string) {
  const stats = yield* Effect.promise(() => statfs(nearestExisting(dir)))
  const free = stats.bavail * stats.bsize
  if (free < MIN_FREE_BYTES) {
    return yield* new ControlPlaneError({
      step: "disk",
      message: `only ${(free / 1024 ** 3).toFixed(1)} GB free under ${dir}; building the control plane needs >= 6 GB`
    })
  }
})

const tmpDir = (layout: BuildSpec.Layout): string => join(layout.dir, "tmp")

const buildComponent = Effect.fn("Builder.component")(
  function*(component: BuildSpec.Component, layout: BuildSpec.Layout, index: number) {
    const label = `[controlplane] ${index + 1}/${BuildSpec.components.length} ${component.name}`
    yield* Console.log(`${label}: go build ${component.pkg} ...`)
    const started = Date.now()
    yield* Exec.run("go", BuildSpec.goBuildArgs(component, layout.bin(component.name)), {
      cwd: join(BuildSpec.modulesDir, component.module),
      // go removes its work directory only when it finishes; an interrupted build would leave
      // hundreds of MB in /tmp. Inside the partial directory, it goes when that goes.
      env: { ...BuildSpec.goEnv(), GOTMPDIR: tmpDir(layout) },
      inheritStderr: true
    })
    yield* Console.log(`${label}: built in ${seconds(started)}`)
  }
)

// The stage files ship inside the kwok module; reading them from the module cache keeps
// them in step with the kwok binary without vendoring YAML into the repo.
const writeKwokStages = Effect.fn("Builder.writeKwokStages")(function*(layout: BuildSpec.Layout) {
  const json = yield* Exec.run("go", ["mod", "download", "-json", BuildSpec.KWOK_MODULE], {
    cwd: join(BuildSpec.modulesDir, "kwok"),
    env: BuildSpec.goEnv()
  })
  const info: { readonly Dir?: unknown } = JSON.parse(json)
  if (typeof info.Dir !== "string") {
    return yield* new ControlPlaneError({ step: "kwok stages", message: `no module dir in: ${json}` })
  }
  const stageDir = join(info.Dir, "kustomize", "stage")
  const docs: Array<string> = []
  for (const stage of BuildSpec.kwokStages) {
    docs.push((yield* Effect.promise(() => readFile(join(stageDir, stage), "utf8"))).trimEnd())
  }
  yield* Effect.promise(() => writeFile(layout.stagesFile, docs.join("\n---\n") + "\n"))
})

const buildInto = Effect.fn("Builder.buildInto")(function*(partial: BuildSpec.Layout) {
  const started = Date.now()
  yield* Effect.promise(() => mkdir(partial.binDir, { recursive: true }))
  yield* Effect.promise(() => mkdir(tmpDir(partial)))
  for (const [index, component] of BuildSpec.components.entries()) {
    yield* buildComponent(component, partial, index)
  }
  yield* Effect.promise(() => rm(tmpDir(partial), { recursive: true, force: true }))
  yield* writeKwokStages(partial)
  const version = (yield* Exec.run(partial.bin("kube-apiserver"), ["--version"])).trim()
  yield* Effect.promise(() => writeFile(partial.stampFile, `${version}\n${new Date().toISOString()}\n`))
  yield* Console.log(`[controlplane] ${version} built in ${seconds(started)}`)
})

// Builds happen in a private directory renamed into place at the end, so a concurrent
// `npm start` and test run never see (or write into) each other's half-built binaries.
const publish = Effect.fn("Builder.publish")(function*(partial: BuildSpec.Layout, layout: BuildSpec.Layout) {
  if (existsSync(layout.stampFile)) {
    yield* Effect.promise(() => rm(partial.dir, { recursive: true, force: true }))
    return
  }
  yield* Effect.promise(() => rm(layout.dir, { recursive: true, force: true }))
  yield* Effect.promise(() => rename(partial.dir, layout.dir))
  // owned until it has its final name: a sweep never takes it for an abandoned build
  Janitor.disown(layout.dir)
})

const PARTIAL = /\.partial-(\d+)$/

// A build whose process was SIGKILLed leaves `<hash>.partial-<pid>` (up to 400 MB that
// nothing reads); its owner file says whether its builder is gone (one without an owner
// file, from an older harness, by the pid in its name).
const sweepPartials = Effect.fn("Builder.sweepPartials")(function*(root: string) {
  const names = yield* Effect.promise(() => readdir(root).catch((): Array<string> => []))
  const stale = names.filter((name) => {
    const pid = PARTIAL.exec(name)?.[1]
    return pid !== undefined && Janitor.ownerGone(join(root, name), Number(pid))
  })
  for (const name of stale) {
    yield* Console.log(`[controlplane] removing the unfinished build ${name}`)
    yield* Effect.promise(() => rm(join(root, name), { recursive: true, force: true }))
  }
})

/** Returns the cache layout, building whatever is missing first. */
export const ensure = Effect.fn("Builder.ensure")(function*() {
  const layout = yield* BuildSpec.layout
  if (existsSync(layout.stampFile)) return layout
  yield* sweepPartials(dirname(layout.dir))
  yield* checkDisk(layout.dir)
  yield* Console.log(`[controlplane] building Kubernetes ${BuildSpec.KUBERNETES_VERSION} into ${layout.dir}`)
  yield* Console.log("[controlplane] a cold build takes ~5-10 min on 2 cores; later runs reuse the cache")
  const partial = BuildSpec.layoutAt(`${layout.dir}.partial-${process.pid}`)
  // Interrupted or failed: the scope removes it; the process exits mid-build: the exit hook does.
  Janitor.removeOnExit(partial.dir)
  yield* Effect.promise(() => mkdir(partial.dir, { recursive: true }))
  Janitor.own(partial.dir)
  yield* buildInto(partial).pipe(
    Effect.onError(() => Effect.promise(() => rm(partial.dir, { recursive: true, force: true }))),
    Effect.andThen(publish(partial, layout)),
    Effect.ensuring(Effect.sync(() => Janitor.forget(partial.dir)))
  )
  return layout
})

/** Removes the cache entry (used when a build is known to be broken). */
export const clean = Effect.fn("Builder.clean")(function*() {
  const layout = yield* BuildSpec.layout
  yield* Effect.promise(() => rm(layout.dir, { recursive: true, force: true }))
})
