#!/usr/bin/env node
// Runs the esbuild bundle (fast start) when it was built, else the TypeScript source
// directly (Node 24 strips types), so a checkout works before and after `npm run build`.
import { existsSync } from "node:fs"

const bundle = new URL("../dist/whatapctl.mjs", import.meta.url)
await import(existsSync(bundle) ? bundle.href : new URL("../src/main.ts", import.meta.url).href)
