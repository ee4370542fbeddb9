/**
 * Command-line tools the specs run, built from wrapper Go modules in `controlplane/modules`
 * like the control plane, each into its own content-addressed cache directory
 * (`<cache root>/<name>-<sha256[:16]>/<name>`): the key covers the module's go.mod and
 * go.sum, the `go build` arguments, `go version` and the target, so a bump rebuilds and
 * nothing else does. Built on first use; `npm run controlplane:build` builds promtool too,
 * which the specs need, but not vegeta, which only the benchmarks use.
 *
 * Today: promtool (Prometheus' own linter for the metrics exposition format), vegeta
 * (the HTTP load generator of the admission benchmark) and helm (lint, template and
 * install of the chart in `deploy/chart`; built on first use only, ~3 min cold).
 */
import { createHash } from "node:crypto"
import { existsSync } from "node:fs"
import { mkdir, readFile, rename, rm } from "node:fs/promises"
import { join } from "node:path"
import { Console, Effect } from "effect"
import * as BuildSpec from "./BuildSpec.ts"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Exec from "./Exec.ts"
import * as Janitor from "./Janitor.ts"

export interface Tool {
  readonly name: string
  /** Directory under `controlplane/modules`. */
  readonly module: string
  readonly pkg: string
  /** The version the wrapper module requires, for progress output. */
  readonly version: string
  readonly ldflags: ReadonlyArray<string>
  /** How long a build takes with empty Go caches, for progress output. */
  readonly coldBuild: string
}

/** Go module github.com/prometheus/prometheus v0.316.0 is Prometheus 3.16.0. */
export const PROMTOOL: Tool = {
  name: "promtool",
  module: "promtool",
  pkg: "github.com/prometheus/prometheus/cmd/promtool",
  version: "v0.316.0",
  ldflags: ["-s", "-w", "-X github.com/prometheus/common/version.Version=3.16.0"],
  coldBuild: "~3-4 min"
}

/** `vegeta -version` prints the Version set here; the wrapper module pins the same release. */
export const VEGETA: Tool = {
  name: "vegeta",
  module: "vegeta",
  pkg: "github.com/tsenart/vegeta/v12",
  version: "v12.13.0",
  ldflags: ["-s", "-w", "-X main.Version=v12.13.0"],
  coldBuild: "~30 s"
}

/** Helm 4; `helm version` prints the version set here, which the wrapper module pins. */
export const HELM: Tool = {
  name: "helm",
  module: "helm",
  pkg: "helm.sh/helm/v4/cmd/helm",
  version: "v4.3.1",
  ldflags: ["-s", "-w", "-X helm.sh/helm/v4/internal/version.version=v4.3.1", "-X helm.sh/helm/v4/internal/version.gitTreeState=clean"],
  coldBuild: "~3 min"
}

/** kubeconform, the benchmark's reference validator; `-v` prints the Version set here. */
export const KUBECONFORM: Tool = {
  name: "kubeconform",
  module: "kubeconform",
  pkg: "github.com/yannh/kubeconform/cmd/kubeconform",
  version: "v0.8.0",
  ldflags: ["-s", "-w", "-X main.version=v0.8.0"],
  coldBuild: "~30 s"
}

const buildArgs = (tool: Tool, output: string): ReadonlyArray<string> =>
  ["build", "-trimpath", "-ldflags", tool.ldflags.join(" "), "-o", output, tool.pkg]

const read = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path),
    catch: (error) => new ControlPlaneError({ step: "tools", message: String(error) })
  })

/** The tool's cache directory for the current inputs. */
export const dirOf = Effect.fn("Tools.dirOf")(function*(tool: Tool) {
  const hash = createHash("sha256")
  for (const file of ["go.mod", "go.sum"]) {
    hash.update(`${file}\0`).update(yield* read(join(BuildSpec.modulesDir, tool.module, file)))
  }
  hash.update(JSON.stringify(buildArgs(tool, tool.name)))
  hash.update(yield* Exec.run("go", ["version"])).update(yield* Exec.run("go", ["env", "GOOS", "GOARCH"]))
  return join(yield* BuildSpec.cacheRoot, `${tool.name}-${hash.digest("hex").slice(0, 16)}`)
})

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`

// As the control plane: built in `<dir>.partial-<pid>` (go's temp files included, so an
// interrupted build leaves nothing in /tmp) and renamed into place, so presence of the
// final directory means a complete binary.
const buildInto = Effect.fn("Tools.buildInto")(function*(tool: Tool, partial: string) {
  yield* Effect.promise(() => mkdir(join(partial, "tmp"), { recursive: true }))
  yield* Exec.run("go", buildArgs(tool, join(partial, tool.name)), {
    cwd: join(BuildSpec.modulesDir, tool.module),
    env: { ...BuildSpec.goEnv(), GOTMPDIR: join(partial, "tmp") },
    inheritStderr: true
  })
  yield* Effect.promise(() => rm(join(partial, "tmp"), { recursive: true, force: true }))
})

// Another process may have finished the same build meanwhile: keep its copy, drop ours.
const publish = (partial: string, dir: string, binary: string) =>
  Effect.promise(async () => {
    if (existsSync(binary)) return rm(partial, { recursive: true, force: true })
    await rm(dir, { recursive: true, force: true })
    await rename(partial, dir)
  })

/** The path of the tool's binary, building it first when the cache has none. */
export const ensure = Effect.fn("Tools.ensure")(function*(tool: Tool) {
  const dir = yield* dirOf(tool)
  const binary = join(dir, tool.name)
  if (existsSync(binary)) return binary
  const started = Date.now()
  yield* Console.log(`[tools] ${tool.name}: go build ${tool.pkg} ${tool.version} (cold: ${tool.coldBuild} on 2 cores) ...`)
  const partial = `${dir}.partial-${process.pid}`
  Janitor.removeOnExit(partial)
  yield* buildInto(tool, partial).pipe(
    Effect.andThen(publish(partial, dir, binary)),
    Effect.onError(() => Effect.promise(() => rm(partial, { recursive: true, force: true }))),
    Effect.ensuring(Effect.sync(() => Janitor.forget(partial)))
  )
  yield* Console.log(`[tools] ${tool.name}: built in ${seconds(started)} into ${dir}`)
  return binary
})

/** promtool's path, built on first use. */
export const promtool = ensure(PROMTOOL)

/** vegeta's path, built on first use. */
export const vegeta = ensure(VEGETA)

/** kubeconform's path, built on first use. */
export const kubeconform = ensure(KUBECONFORM)

/** helm's path, built on first use. */
export const helm = ensure(HELM)
