/**
 * Dependency direction of the workspace (ARCHITECTURE.md), checked on the import statements
 * of every source file of every package (src, tests, scripts), of e2e/ and of bench/:
 * - cli, operator, injector, gpu -> kube -> core -> effect; apps may import core directly,
 *   operator may import injector and gpu (it embeds the webhook and reconciles GPU pieces);
 * - nothing imports cli: e2e and bench run the operator as a process, the way it ships;
 * - nothing but bench and package tests import e2e: bench measures the operator on e2e's
 *   control plane, and a package's test fixtures may be captured from it (kube's capture
 *   of server-side applies); a package's src never imports it. e2e may import every
 *   package but cli;
 * - core's src imports effect only and no Node built-in (it runs under Deno too);
 * - only packages/kube imports @kubernetes/client-node (ADR 0004). The e2e files listed in
 *   `clientNodeInE2e` are the exception (see there); the list may only shrink.
 * Imports are read as text (static, type-only, side-effect, re-exports, dynamic, require),
 * so a forbidden one fails here before review.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"

const root = join(import.meta.dirname, "..", "..", "..")

/** What each area may import of the workspace (itself aside). */
const allowed: Record<string, ReadonlyArray<string>> = {
  core: [],
  kube: ["core"],
  gpu: ["core", "kube"],
  injector: ["core", "kube"],
  operator: ["core", "kube", "injector", "gpu"],
  cli: ["core", "kube", "injector", "gpu", "operator"],
  e2e: ["core", "kube", "injector", "gpu", "operator"],
  bench: ["core", "kube", "injector", "gpu", "operator", "e2e"]
}

const clientNode = "@kubernetes/client-node"

/**
 * e2e files that still import client-node. The harness hands a client-node `KubeConfig`
 * around (the control plane's, the kind and k3s clusters' built from a container's
 * kubeconfig, the ServiceAccount kubeconfigs the audit spec authenticates with), and
 * Manifests applies the CRDs through the untyped custom-object endpoint byte for byte.
 * New e2e code uses `KubeClient` from @whatap-operator/kube; a file that no longer needs
 * client-node must leave this list (the test says so), and no file may join it.
 */
const clientNodeInE2e: ReadonlyArray<string> = [
  "e2e/src/Audit.ts",
  "e2e/src/ControlPlane.ts",
  "e2e/src/FakeNodes.ts",
  "e2e/src/Manifests.ts",
  "e2e/src/ServiceAccounts.ts",
  "e2e/test/audit.test.ts",
  "e2e/test/k3s.test.ts",
  "e2e/test/kind.test.ts",
  "e2e/test/local.test.ts",
  "e2e/test/restart.test.ts",
  "e2e/test/specs/Target.ts",
  "e2e/test/specs/crds.ts",
  "e2e/test/specs/webhook.ts",
  "e2e/test/specs/workloads.ts"
]

const skippedDirs = new Set(["node_modules", "dist", "controlplane", "go-selector"])

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  !existsSync(dir) ? [] : readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return skippedDirs.has(name) ? [] : sourceFiles(path)
    return /\.[cm]?[jt]s$/.test(name) && !name.endsWith(".d.ts") ? [path] : []
  })

const areaDir = (area: string): string => (area === "e2e" || area === "bench" ? join(root, area) : join(root, "packages", area))

const specifiers = (text: string, pattern: RegExp): ReadonlyArray<string> => [...text.matchAll(pattern)].map((m) => m[1] ?? "")

/** Every module specifier `text` imports, in order of the forms below. */
const importsOf = (text: string): ReadonlyArray<string> => [
  // import x from "m", import type { X } from "m", export * from "m", multi-line lists
  ...specifiers(text, /(?:^|[\n;])\s*(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']/g),
  // import "m" (side effects only)
  ...specifiers(text, /(?:^|[\n;])\s*import\s*["']([^"']+)["']/g),
  // import("m"), require("m")
  ...specifiers(text, /\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g)
]

const workspaceOf = (spec: string): string | undefined => /^@whatap-operator\/([a-z0-9-]+)/.exec(spec)?.[1]

const isNodeBuiltin = (spec: string): boolean =>
  spec.startsWith("node:") || ["fs", "path", "os", "crypto", "child_process", "http", "https", "net", "url", "util"].includes(spec)

/** What is wrong with `file` (of `area`) importing `spec`, if anything. */
const problem = (area: string, file: string, spec: string): string | undefined => {
  const where = relative(root, file)
  const workspace = workspaceOf(spec)
  const fixtureCapture = workspace === "e2e" && where.startsWith(join("packages", area, "test"))
  if (workspace !== undefined && workspace !== area && !fixtureCapture && !(allowed[area] ?? []).includes(workspace)) {
    return `${where}: imports @whatap-operator/${workspace}`
  }
  if ((spec === clientNode || spec.startsWith(`${clientNode}/`)) && area !== "kube" && !clientNodeInE2e.includes(where)) {
    return `${where}: imports ${clientNode}; only packages/kube may (use KubeClient)`
  }
  if (!where.startsWith(join("packages", "core", "src"))) return undefined
  if (isNodeBuiltin(spec)) return `${where}: imports the Node built-in ${spec}`
  // re2js (pure JavaScript, no dependencies, runs under Deno too) checks regexes with Go's
  // RE2 grammar, where a hand-written check disagreed with Go (test/re2-golden.test.ts)
  if (workspace === undefined && !spec.startsWith(".") && spec !== "effect" && !spec.startsWith("effect/") && spec !== "re2js") {
    return `${where}: imports ${spec}; core depends on effect (and re2js) only`
  }
  return undefined
}

const filesWithImports = (area: string) =>
  sourceFiles(areaDir(area)).map((file) => ({ file, imports: importsOf(readFileSync(file, "utf8")) }))

const violations = (area: string): ReadonlyArray<string> =>
  filesWithImports(area).flatMap(({ file, imports }) =>
    imports.flatMap((spec) => {
      const found = problem(area, file, spec)
      return found === undefined ? [] : [found]
    }))

describe("workspace dependency direction", () => {
  for (const area of Object.keys(allowed)) {
    it(`${area} imports only what it may`, () => {
      assert.isAbove(sourceFiles(areaDir(area)).length, 0, `no source files under ${relative(root, areaDir(area))}`)
      assert.deepStrictEqual(violations(area), [])
    })
  }

  it("every package under packages/ has a rule", () => {
    const packages = readdirSync(join(root, "packages")).filter((name) => statSync(join(root, "packages", name)).isDirectory())
    assert.deepStrictEqual(packages.filter((name) => allowed[name] === undefined), [])
  })

  it("the e2e files excepted from the client-node rule all still need the exception", () => {
    const importing = filesWithImports("e2e")
      .filter(({ imports }) => imports.some((spec) => spec === clientNode || spec.startsWith(`${clientNode}/`)))
      .map(({ file }) => relative(root, file))
    assert.deepStrictEqual(clientNodeInE2e.filter((file) => !importing.includes(file)), [])
  })
})

describe("the import scanner (self-check)", () => {
  it("reads every import form", () => {
    const text = [
      `import { x } from "node:fs"`,
      `import type { T } from "./T.ts"`,
      `export * as A from "./A.ts"`,
      `import "./polyfill.ts"`,
      `import {\n  a,\n  b\n} from "@whatap-operator/kube"`,
      // Interpolated, so this file's own scan does not read them as imports.
      `const m = await import("${clientNode}")`,
      `const r = require("yaml")`,
      `// import "commented-out"`,
      `const id = "@whatap-operator/cli/Io"`
    ].join("\n")
    assert.deepStrictEqual([...importsOf(text)].sort(), [
      "./A.ts", "./T.ts", "./polyfill.ts", "@kubernetes/client-node", "@whatap-operator/kube", "node:fs", "yaml"
    ])
  })

  it("flags what the rules forbid", () => {
    const core = join(root, "packages", "core", "src", "X.ts")
    const e2e = join(root, "e2e", "test", "specs", "New.ts")
    assert.deepStrictEqual([
      problem("core", core, "node:fs"),
      problem("core", core, "yaml"),
      problem("kube", join(root, "packages", "kube", "src", "X.ts"), "@whatap-operator/operator"),
      problem("operator", join(root, "packages", "operator", "src", "X.ts"), clientNode),
      problem("e2e", e2e, clientNode),
      problem("e2e", e2e, "@whatap-operator/cli"),
      problem("bench", join(root, "bench", "src", "X.ts"), "@whatap-operator/cli"),
      problem("kube", join(root, "packages", "kube", "src", "X.ts"), "@whatap-operator/e2e")
    ].map((p) => p !== undefined), [true, true, true, true, true, true, true, true])
    assert.isUndefined(problem("kube", join(root, "packages", "kube", "test", "capture.ts"), "@whatap-operator/e2e"))
    assert.isUndefined(problem("bench", join(root, "bench", "src", "X.ts"), "@whatap-operator/e2e"))
    assert.isUndefined(problem("e2e", join(root, "e2e", "src", "Manifests.ts"), clientNode))
  })
})
