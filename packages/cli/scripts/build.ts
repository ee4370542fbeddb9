/**
 * Builds whatapctl's esbuild bundle: `dist/whatapctl.mjs` (what `bin/whatapctl.js` and the
 * operator image run) plus `dist/chunks/`, the modules only some commands need. Split this
 * way, a command parses and keeps only its own code: `whatapctl version` starts in about
 * 67 MiB instead of 103, and `validate` of 15,000 documents peaks 40 MiB lower than with one
 * file. Chunk names carry a content hash, so the output is the same for the same sources.
 *
 *   npm run build -w @whatap-operator/cli
 */
import { rmSync, writeFileSync } from "node:fs"
import { createRequire, isBuiltin } from "node:module"
import { fileURLToPath } from "node:url"
import { build, type Plugin } from "esbuild"

/** Paths relative to packages/cli. */
export const entryFile = "dist/whatapctl.mjs"
export const chunkDir = "dist/chunks"
/** esbuild's record of the outputs and what each imports (the image test reads it). */
export const metaFile = "dist/whatapctl.meta.json"

const packageDir = fileURLToPath(new URL("..", import.meta.url))

// Each chunk needs `require` for the CommonJS dependencies esbuild inlines.
const requireShim = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"

const nodeRequire = createRequire(import.meta.url)

const isBinding = (name: string): boolean => {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === "default") return false
  try {
    new Function(`let ${name}`)
    return true
  } catch {
    return false
  }
}

/** The exports of a built-in module that are plain values: reading a getter would run it at load. */
const plainExports = (id: string): ReadonlyArray<string> => {
  const exports = nodeRequire(id) as object
  return Object.keys(exports).filter((name) => isBinding(name) && Object.getOwnPropertyDescriptor(exports, name)?.get === undefined)
}

/**
 * Node's built-in modules are loaded with `require`, not `import`. An ES import of a
 * built-in builds its module namespace from every export, getters included: `node:http`'s
 * `WebSocket`, `CloseEvent` and `MessageEvent` then load Node's bundled undici, 13 MiB of
 * resident memory for a fetch client the operator never uses. Each `import ... from
 * "node:x"` resolves to a module that re-exports `require("node:x")`: its plain exports by
 * name and the module itself as the default. A name imported from a getter (none today)
 * fails the build rather than being undefined.
 */
const builtinsByRequire: Plugin = {
  name: "builtins-by-require",
  setup(build) {
    build.onResolve({ filter: /^[a-z_]|^node:/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined
      const id = args.path.startsWith("node:") ? args.path : `node:${args.path}`
      // `require` of a built-in (CommonJS dependencies, and the module below) stays as it is.
      if (args.kind === "require-call") return { path: id, external: true }
      return { path: id, namespace: "builtin-by-require" }
    })
    build.onLoad({ filter: /.*/, namespace: "builtin-by-require" }, (args) => ({
      contents: `const m = require(${JSON.stringify(args.path)});\nexport default m;\nexport const { ${plainExports(args.path).join(", ")} } = m;\n`,
      loader: "js"
    }))
  }
}

export const buildBundle = async (): Promise<void> => {
  // Old chunks would stay behind otherwise (their names change with their content).
  rmSync(new URL(`../${chunkDir}`, import.meta.url), { recursive: true, force: true })
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: { whatapctl: "src/main.ts" },
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node24",
    minify: true,
    legalComments: "none",
    outdir: "dist",
    chunkNames: "chunks/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    banner: { js: requireShim },
    plugins: [builtinsByRequire],
    logOverride: { "import-is-undefined": "error" },
    metafile: true,
    logLevel: "warning"
  })
  writeFileSync(new URL(`../${metaFile}`, import.meta.url), `${JSON.stringify(result.metafile, null, 1)}\n`)
}

if (import.meta.main) await buildBundle()
