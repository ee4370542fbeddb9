/**
 * The real `helm` (built from its Go module by `Tools.helm`) run against `deploy/chart`, and
 * the files rendered from the chart that the repository keeps: the chart is the one source
 * of the operator's install objects, and `deploy/manifests/whatap-operator.yaml` (plain
 * manifests), `deploy/operator/*.yaml` (what the operator specs and `npm start` apply) and
 * the chart's CRD copies (`deploy/chart/files/crds`, of core's `deploy/crds`) are generated
 * from it. `npx node e2e/test/helm/write.ts` rewrites them; the helm spec fails when one drifts.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { Naming } from "@whatap-operator/core"
import { ControlPlaneError } from "../../src/ControlPlaneError.ts"
import * as Exec from "../../src/Exec.ts"
import { loopbackNoProxy } from "../../src/Loopback.ts"
import { repoRoot } from "../../src/Manifests.ts"
import * as Tools from "../../src/Tools.ts"

export const chartDir = join(repoRoot, "deploy", "chart")
export const release = "whatap-operator"
export const namespace = Naming.defaultNamespace
export const regenerate = "run `npx node e2e/test/helm/write.ts` from the repository root"

/** The values the committed manifests are rendered with: the defaults plus the Namespace. */
export const manifestArgs: ReadonlyArray<string> = ["--namespace", namespace, "--set", "namespace.create=true"]

const header = (template: string) =>
  `# Generated from deploy/chart (${template}) by \`npx node e2e/test/helm/write.ts\`; edit the chart, not this file.\n`

const io = <A>(step: string, f: () => Promise<A>) =>
  Effect.tryPromise({ try: f, catch: (error) => new ControlPlaneError({ step, message: String(error) }) })

/** A directory for helm's cache, configuration and data, removed with the scope: helm never reads ~/.config/helm. */
export const home = Effect.acquireRelease(
  io("helm home", () => mkdtemp(join(tmpdir(), "whatap-helm-"))),
  (dir) => Effect.ignore(io("helm home", () => rm(dir, { recursive: true, force: true })))
)

/**
 * helm's environment: its own home, and a proxy on a closed loopback port for anything that
 * is not loopback, so a request for anywhere but the local API server fails instead of
 * leaving the machine (Go never proxies loopback addresses).
 */
export const env = (dir: string): NodeJS.ProcessEnv => ({
  PATH: process.env["PATH"] ?? "",
  HOME: dir,
  HELM_CACHE_HOME: join(dir, "cache"),
  HELM_CONFIG_HOME: join(dir, "config"),
  HELM_DATA_HOME: join(dir, "data"),
  HTTPS_PROXY: "http://127.0.0.1:9",
  HTTP_PROXY: "http://127.0.0.1:9",
  NO_PROXY: loopbackNoProxy(undefined),
  KUBECONFIG: join(dir, "no-kubeconfig")
})

/** `helm ARGS...` to its end: exit code and output, whatever the code. */
export const result = Effect.fn("Helm.result")(function*(dir: string, args: ReadonlyArray<string>) {
  const helm = yield* Tools.helm
  return yield* Exec.result(helm, args, { cwd: repoRoot, env: env(dir) })
})

/** `helm ARGS...`'s stdout; a non-zero exit fails with its output. */
export const run = Effect.fn("Helm.run")(function*(dir: string, args: ReadonlyArray<string>) {
  const helm = yield* Tools.helm
  return yield* Exec.run(helm, args, { cwd: repoRoot, env: env(dir) })
})

/** `helm template` of the chart with the manifests' values plus `args`. */
export const template = (dir: string, args: ReadonlyArray<string> = []) =>
  run(dir, ["template", release, chartDir, ...manifestArgs, ...args])

export interface Generated {
  /** Repository-relative path. */
  readonly path: string
  readonly content: string
}

const readText = (path: string) => io(`read ${path}`, () => readFile(path, "utf8"))

/** The CRDs of core (`deploy/crds`), copied into the chart. */
const crdCopies = Effect.gen(function*() {
  const source = join(repoRoot, "deploy", "crds")
  const files = (yield* io(`read ${source}`, () => readdir(source))).filter((f) => f.endsWith(".yaml")).sort()
  return yield* Effect.forEach(files, (file) =>
    Effect.map(readText(join(source, file)), (content): Generated => ({ path: `deploy/chart/files/crds/${file}`, content })))
})

/** Files that `deploy/operator` keeps, each the render of the chart template of the same name (with these values). */
export const operatorFiles: ReadonlyArray<{ readonly file: string; readonly set?: string }> = [
  { file: "namespace.yaml" },
  { file: "rbac.yaml" },
  { file: "agents-rbac.yaml" },
  { file: "rollout-restart-rbac.yaml", set: "rolloutRestart.enabled=true" }
]

/**
 * Every generated file with the content it must have: the CRD copies first (the renders
 * read them), then the manifests and `deploy/operator`.
 */
export const generated = Effect.fn("Helm.generated")(function*(dir: string) {
  const crds = yield* crdCopies
  const manifests: Generated = { path: "deploy/manifests/whatap-operator.yaml", content: header("all templates") + (yield* template(dir)) }
  const operator = yield* Effect.forEach(operatorFiles, ({ file, set }) =>
    Effect.map(template(dir, [...(set === undefined ? [] : ["--set", set]), "--show-only", `templates/${file}`]), (content): Generated => ({
      path: `deploy/operator/${file}`,
      content: header(`templates/${file}${set === undefined ? "" : ` with ${set}`}`) + content
    })))
  return { crds, rendered: [manifests, ...operator] }
})
