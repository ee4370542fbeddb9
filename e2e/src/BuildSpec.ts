/**
 * What the control plane is built from and where the binaries live: the component table
 * (Go package, module, flags), the cache layout and the cache key. The key covers every
 * input that changes the output, so a changed go.sum or Go toolchain rebuilds, and an
 * unchanged one never does.
 */
import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import { homedir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Config, Effect } from "effect"
import { ControlPlaneError } from "./ControlPlaneError.ts"
import * as Exec from "./Exec.ts"

export const KUBERNETES_VERSION = "v1.36.3"
export const KWOK_MODULE = "sigs.k8s.io/kwok"

export const e2eRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..")
export const modulesDir = join(e2eRoot, "controlplane", "modules")

export type ModuleName = "kubernetes" | "etcd" | "kwok"

export interface Component {
  readonly name: string
  readonly module: ModuleName
  readonly pkg: string
  readonly tags: ReadonlyArray<string>
  readonly ldflags: ReadonlyArray<string>
}

// Same keys upstream's hack/lib/version.sh sets; without them `--version` prints
// v0.0.0-master and kwok/kubectl version skew checks misbehave. A fixed build date keeps
// the link reproducible.
const versionLdflags = (version: string): ReadonlyArray<string> => {
  const minor = version.split(".")[1] ?? "0"
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=1`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`
  ])
}

const kube = (name: string): Component => ({
  name,
  module: "kubernetes",
  pkg: `k8s.io/kubernetes/cmd/${name}`,
  // Upstream's tags for these binaries; they also keep Go's compile cache shared between them.
  tags: ["selinux", "notest", "grpcnotrace"],
  ldflags: ["-s", "-w", ...versionLdflags(KUBERNETES_VERSION)]
})

/** Build order: the small ones first so a broken toolchain fails fast. */
export const components: ReadonlyArray<Component> = [
  { name: "etcd", module: "etcd", pkg: "go.etcd.io/etcd/server/v3", tags: [], ldflags: ["-s", "-w"] },
  { name: "kwok", module: "kwok", pkg: "sigs.k8s.io/kwok/cmd/kwok", tags: [], ldflags: ["-s", "-w"] },
  kube("kube-apiserver"),
  kube("kube-controller-manager"),
  kube("kube-scheduler"),
  kube("kubectl")
]

/** `go build` arguments for one component; part of the cache key. */
export const goBuildArgs = (component: Component, output: string): ReadonlyArray<string> => [
  "build",
  "-trimpath",
  ...(component.tags.length > 0 ? ["-tags", component.tags.join(",")] : []),
  "-ldflags",
  component.ldflags.join(" "),
  "-o",
  output,
  component.pkg
]

/** Environment for every go invocation: static binaries, a deletable module cache. */
export const goEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CGO_ENABLED: "0", GOFLAGS: "-modcacherw" })

/** kwok stages, relative to the kwok module's `kustomize/stage`: the set kwokctl installs. */
export const kwokStages: ReadonlyArray<string> = [
  "node/fast/node-initialize.yaml",
  "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "pod/fast/pod-ready.yaml",
  "pod/fast/pod-complete.yaml",
  "pod/fast/pod-delete.yaml"
]

export interface Layout {
  readonly dir: string
  readonly binDir: string
  readonly stagesFile: string
  readonly stampFile: string
  readonly bin: (name: string) => string
}

export const layoutAt = (dir: string): Layout => ({
  dir,
  binDir: join(dir, "bin"),
  stagesFile: join(dir, "kwok-stages.yaml"),
  stampFile: join(dir, ".complete"),
  bin: (name) => join(dir, "bin", name)
})

export const cacheRoot = Effect.gen(function*() {
  const xdg = yield* Config.String("XDG_CACHE_HOME").pipe(Config.withDefault(join(homedir(), ".cache")), Effect.orDie)
  return join(xdg, "whatap-operator", "controlplane")
})

/** The cache directory for the current inputs; fails with a clear message without Go. */
export const layout = Effect.gen(function*() {
  const goVersion = yield* Exec.run("go", ["version"]).pipe(
    Effect.mapError((e) =>
      new ControlPlaneError({
        step: "go",
        message: `Go is required to build the local control plane (${e.message}); install Go >= 1.26`
      })
    )
  )
  const goTarget = yield* Exec.run("go", ["env", "GOOS", "GOARCH"])
  const hash = createHash("sha256")
  for (const module of ["kubernetes", "etcd", "kwok"] as const) {
    for (const file of ["go.mod", "go.sum"]) {
      const content = yield* Effect.promise(() => readFile(join(modulesDir, module, file)))
      hash.update(`${module}/${file}\0`).update(content)
    }
  }
  hash.update(JSON.stringify(components.map((c) => goBuildArgs(c, c.name))))
  hash.update(JSON.stringify(kwokStages)).update(goVersion).update(goTarget)
  const root = yield* cacheRoot
  return layoutAt(join(root, hash.digest("hex").slice(0, 16)))
})
