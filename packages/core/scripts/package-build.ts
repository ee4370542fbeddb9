/**
 * Builds the publishable form of `@whatap-operator/core` into a directory of its own
 * (ADR 0008): JavaScript and `.d.ts` emitted by tsc from `src/`, a generated npm
 * manifest (an `exports` map to `dist/`, `effect` as a peer dependency) and a
 * `jsr.json` for Deno's registry. The workspace manifest is left alone, so inside the
 * repository the package keeps resolving to its TypeScript source.
 *
 * Two rewrites make the output work everywhere: tsc keeps the `.ts` specifiers of the
 * source in the `.d.ts` files, which Deno's checker cannot follow, so they become
 * `.js`; and every `.js` file names its `.d.ts` with `@ts-self-types`, so JSR takes
 * the declarations instead of inferring types from JavaScript ("no slow types").
 */
import { spawnSync } from "node:child_process"
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { Schema } from "effect"

export const coreRoot = join(import.meta.dirname, "..")
export const repoRoot = join(coreRoot, "..", "..")
/** Where `npm run build -w @whatap-operator/core` writes the package. */
export const defaultOutDir = join(coreRoot, "dist", "package")

const WorkspaceManifest = Schema.Struct({
  name: Schema.String,
  version: Schema.String,
  description: Schema.String,
  license: Schema.String,
  dependencies: Schema.Record(Schema.String, Schema.String)
})
type WorkspaceManifest = typeof WorkspaceManifest.Type

export const readWorkspaceManifest = (): WorkspaceManifest =>
  Schema.decodeUnknownSync(WorkspaceManifest)(JSON.parse(readFileSync(join(coreRoot, "package.json"), "utf8")))

/**
 * `effect` becomes a peer with a caret range: the application owns the one copy, so
 * `instanceof`, Schema identity and services agree across it. Other runtime
 * dependencies stay ordinary, pinned ones.
 */
const sharedWithApplication = new Set(["effect"])

const split = (source: WorkspaceManifest) => {
  const entries = Object.entries(source.dependencies)
  return {
    peers: Object.fromEntries(entries.filter(([name]) => sharedWithApplication.has(name)).map(([name, v]) => [name, `^${v}`])),
    own: Object.fromEntries(entries.filter(([name]) => !sharedWithApplication.has(name)))
  }
}

/** The npm manifest of the built package. */
export const npmManifest = (source: WorkspaceManifest) => {
  const { own, peers } = split(source)
  return {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    type: "module",
    sideEffects: false,
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json"
    },
    files: ["dist"],
    ...(Object.keys(own).length > 0 ? { dependencies: own } : {}),
    peerDependencies: peers,
    engines: { node: ">=24" }
  }
}

/** The JSR manifest: the same JavaScript, typed by its `.d.ts`; npm dependencies mapped by `imports`. */
export const jsrManifest = (source: WorkspaceManifest) => {
  const { own, peers } = split(source)
  return {
    name: source.name,
    version: source.version,
    license: source.license,
    exports: "./dist/index.js",
    imports: Object.fromEntries(Object.entries({ ...peers, ...own }).sort().flatMap(([name, range]) => [
      [name, `npm:${name}@${range}`],
      [`${name}/`, `npm:/${name}@${range}/`]
    ])),
    publish: { include: ["dist", "README.md", "jsr.json"] }
  }
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string): void => {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" })
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`)
  }
}

/** tsc of `src/` (JavaScript and declarations) into `dir`. */
export const compile = (dir: string): void =>
  run(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json", "--outDir", dir], coreRoot)

const filesUnder = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()

const relativeTs = /(["'])(\.\.?\/[^"']*)\.ts\1/

/** `"./Finding.ts"` -> `"./Finding.js"` in relative specifiers only. */
export const toJsSpecifiers = (text: string): string => text.replace(new RegExp(relativeTs, "g"), "$1$2.js$1")

const baseName = (file: string, suffix: string): string => file.slice(file.lastIndexOf("/") + 1, -suffix.length)

/** The two rewrites of the module comment, in place over everything tsc wrote to `dir`. */
export const rewrite = (dir: string): void => {
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, "utf8")
    if (file.endsWith(".d.ts")) writeFileSync(file, toJsSpecifiers(text))
    else if (file.endsWith(".js")) {
      if (relativeTs.test(text)) throw new Error(`${relative(dir, file)}: a .ts specifier survived compilation`)
      writeFileSync(file, `/* @ts-self-types="./${baseName(file, ".js")}.d.ts" */\n${text}`)
    }
  }
}

const writeJson = (file: string, value: unknown): void => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)

/** The whole package: `outDir/{package.json, jsr.json, README.md, dist/}`. Replaces `outDir`. */
export const buildPackage = (outDir: string = defaultOutDir): string => {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const dist = join(outDir, "dist")
  compile(dist)
  rewrite(dist)
  const source = readWorkspaceManifest()
  writeJson(join(outDir, "package.json"), npmManifest(source))
  writeJson(join(outDir, "jsr.json"), jsrManifest(source))
  cpSync(join(coreRoot, "README.md"), join(outDir, "README.md"))
  return outDir
}
