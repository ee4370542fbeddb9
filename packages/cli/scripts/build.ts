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
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

/** Paths relative to packages/cli. */
export const entryFile = "dist/whatapctl.mjs"
export const chunkDir = "dist/chunks"
/** esbuild's record of the outputs and what each imports (the image test reads it). */
export const metaFile = "dist/whatapctl.meta.json"

const packageDir = fileURLToPath(new URL("..", import.meta.url))

// Each chunk needs `require` for the CommonJS dependencies esbuild inlines.
const requireShim = "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"

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
    metafile: true,
    logLevel: "warning"
  })
  writeFileSync(new URL(`../${metaFile}`, import.meta.url), `${JSON.stringify(result.metafile, null, 1)}\n`)
}

if (import.meta.main) await buildBundle()
