/**
 * The publishable package end to end (ADR 0008): built, packed with `npm pack`, installed
 * from the tarball into a scratch project outside the workspace, and the README example
 * type-checked by tsc against the package's declarations, then run under Node.js and
 * under Deno (through the npm package and through the JSR layout), printing exactly what
 * the README shows; `deno publish --dry-run` finds no slow types. Offline: npm runs with
 * `--offline` and takes `effect` from the workspace's own install, Deno gets a fresh
 * DENO_DIR and resolves everything from the scratch project's node_modules.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Schema } from "effect"
import { buildPackage, coreRoot, jsrManifest, npmManifest, readWorkspaceManifest, repoRoot, toJsSpecifiers } from "../scripts/package-build.ts"
import { readmeExample } from "./support/readme.ts"

const root = mkdtempSync(join(tmpdir(), "core-package-"))
const example = readmeExample()
const deno = join(repoRoot, "node_modules", ".bin", "deno")
/** The runner's own colour settings (Nx sets FORCE_COLOR) would colour `console.log` output. */
const { FORCE_COLOR: _force, ...uncoloured } = process.env

const denoEnv = { ...uncoloured, DENO_DIR: join(root, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }
/** Without the workspace selection of an outer `npm test -w ...`, which the scratch project has no use for. */
const npmEnv = Object.fromEntries(Object.entries(uncoloured).filter(([key]) => !/^npm_config_(workspace|workspaces|include_workspace_root)$/i.test(key)))

const run = (command: string, args: ReadonlyArray<string>, cwd = root, env: NodeJS.ProcessEnv = uncoloured): string => {
  const result = spawnSync(command, args, { cwd, env: { ...env, NO_COLOR: "1" }, encoding: "utf8", timeout: 60_000 })
  assert.strictEqual(result.status, 0, `${command} ${args.join(" ")}:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

const Packed = Schema.Struct({ filename: Schema.String, files: Schema.Array(Schema.Struct({ path: Schema.String })) })
type Packed = typeof Packed.Type
const Dependencies = Schema.Record(Schema.String, Schema.String)
const InstalledManifest = Schema.Struct({ peerDependencies: Dependencies, dependencies: Schema.optionalKey(Dependencies) })

let packed: Packed = { filename: "", files: [] }

beforeAll(() => {
  buildPackage(join(root, "package"))
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }))
  const [entry] = Schema.decodeUnknownSync(Schema.Array(Packed))(JSON.parse(run("npm", ["pack", "./package", "--json", "--ignore-scripts"], root, npmEnv)))
  assert.isDefined(entry)
  packed = entry
  // The runtime dependencies (effect included) from the workspace's own install: no registry needed.
  const dependencies = Object.keys(readWorkspaceManifest().dependencies).map((name) =>
    [join(coreRoot, "node_modules", name), join(repoRoot, "node_modules", name)].find((dir) => existsSync(dir)) ?? name)
  run("npm", ["install", `./${packed.filename}`, ...dependencies, "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"], root, npmEnv)
  writeFileSync(join(root, "example.ts"), example.code)
  // jsr-map.json: what a JSR user gets, the package's own layout (JavaScript typed by @ts-self-types).
  writeFileSync(join(root, "jsr-map.json"), JSON.stringify({ imports: { "@whatap-operator/core": "./package/dist/index.js" } }))
}, 120_000)

afterAll(() => rmSync(root, { recursive: true, force: true }))

const effectCopies = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.name === "effect" && entry.parentPath.endsWith("node_modules"))
    .map((entry) => join(entry.parentPath, entry.name))

describe("the packed @whatap-operator/core", () => {
  it("holds the built JavaScript and declarations, no TypeScript source", () => {
    const paths = packed.files.map((f) => f.path).sort()
    assert.includeMembers(paths, ["README.md", "package.json", "dist/index.js", "dist/index.d.ts"])
    assert.deepStrictEqual(paths.filter((p) => !(p.startsWith("dist/") || p === "README.md" || p === "package.json")), [])
    assert.deepStrictEqual(paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts")), [])
  })

  it("declares effect a peer, so the application's one copy is used", () => {
    const installed = readFileSync(join(root, "node_modules", "@whatap-operator", "core", "package.json"), "utf8")
    const manifest = Schema.decodeUnknownSync(InstalledManifest)(JSON.parse(installed))
    const { effect, ...others } = readWorkspaceManifest().dependencies
    assert.deepStrictEqual(manifest.peerDependencies, { effect: `^${effect}` })
    assert.deepStrictEqual(manifest.dependencies ?? {}, others)
    assert.deepStrictEqual(effectCopies(join(root, "node_modules")), [join(root, "node_modules", "effect")])
    assert.isFalse(existsSync(join(root, "node_modules", "@whatap-operator", "core", "node_modules")))
  })

  it("type-checks the README example against its declarations (tsc, strict, library checks on)", () => {
    // `dom`: effect's declarations name web APIs (AbortSignal, URL) that Node.js and Deno also have.
    const options = { module: "nodenext", target: "es2024", lib: ["es2024", "dom"], strict: true, noEmit: true, skipLibCheck: false, types: [] }
    writeFileSync(join(root, "tsconfig.check.json"), JSON.stringify({ compilerOptions: options, files: ["example.ts"] }))
    run(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.check.json"])
  }, 60_000)

  it("runs the README example under Node.js and prints what the README shows", () => {
    assert.strictEqual(run(process.execPath, ["example.ts"]), example.output)
  }, 30_000)

  it("runs the README example under Deno from the npm package, type-checked", () => {
    assert.strictEqual(run(deno, ["run", "--check", "example.ts"], root, denoEnv), example.output)
  }, 60_000)

  it("runs the README example under Deno from the JSR layout, type-checked", () => {
    assert.strictEqual(run(deno, ["run", "--check", "--import-map=jsr-map.json", "example.ts"], root, denoEnv), example.output)
  }, 60_000)

  it("passes deno publish --dry-run: no slow types, and the public API's declarations check on their own", () => {
    // Not --no-check: JSR type-checks the public API cut out of the declarations ("fast check"), which
    // fails where a module imports a non-public type from a module the public API re-exports from.
    run(deno, ["publish", "--dry-run"], join(root, "package"), denoEnv)
  }, 60_000)
})

describe("the package build", () => {
  it("rewrites relative .ts specifiers of declarations to .js, and nothing else", () => {
    const dts = `export * as A from "./A.ts";\nimport { B } from "../b/B.ts";\ntype C = import("./C.ts").C;\nimport { Schema } from "effect";\ntype D = "x.ts";`
    assert.strictEqual(toJsSpecifiers(dts),
      `export * as A from "./A.js";\nimport { B } from "../b/B.js";\ntype C = import("./C.js").C;\nimport { Schema } from "effect";\ntype D = "x.ts";`)
  })

  it("makes effect a peer and keeps other dependencies, for npm and for JSR", () => {
    const source = { name: "@x/core", version: "1.0.0", description: "d", license: "MIT", dependencies: { effect: "4.1.0", re2js: "2.10.0" } }
    const npm = npmManifest(source)
    assert.deepStrictEqual([npm.peerDependencies, npm.dependencies], [{ effect: "^4.1.0" }, { re2js: "2.10.0" }])
    assert.deepStrictEqual(jsrManifest(source).imports, {
      effect: "npm:effect@^4.1.0", "effect/": "npm:/effect@^4.1.0/", re2js: "npm:re2js@2.10.0", "re2js/": "npm:/re2js@2.10.0/"
    })
  })
})
