#!/usr/bin/env node
// Runs the esbuild bundle (fast start) when it was built, else the TypeScript source
// directly (Node 24 strips types), so a checkout works before and after `npm run build`.
// The on-disk V8 compile cache (Node >= 22.1) saves most of the bundle's parse and compile
// time on every start after the first.
import { existsSync } from "node:fs"
import module from "node:module"

module.enableCompileCache?.()
const bundle = new URL("../dist/whatapctl.mjs", import.meta.url)
await import(existsSync(bundle) ? bundle.href : new URL("../src/main.ts", import.meta.url).href)
