/**
 * Cold start of `whatapctl version` (target: median <= 300 ms), next to the start of a
 * bare `node -e 0` on the same Node binary, so the CLI's own cost is visible. Runs are
 * interleaved so that machine noise hits both sides alike. The bin enables Node's on-disk
 * compile cache; `NODE_DISABLE_COMPILE_CACHE=1` measures the first start on a machine.
 */
import { bin, bundled, fmt, stats, time } from "./_whatapctl.ts"

const runs = Number(process.env["BENCH_RUNS"] ?? 31)
const baseline: Array<number> = []
const version: Array<number> = []
for (let i = 0; i < runs + 2; i++) {
  const b = time(["-e", "0"])
  const v = time([bin, "version"])
  if (v.status !== 0) throw new Error(`whatapctl version exited ${v.status}`)
  if (i >= 2) { // the first runs warm the OS file cache, not the process
    baseline.push(b.ms)
    version.push(v.ms)
  }
}

const b = stats(baseline)
const v = stats(version)
const cache = process.env["NODE_DISABLE_COMPILE_CACHE"] === undefined ? "V8 compile cache on (warmed by the discarded first runs)" : "V8 compile cache off"
console.log(`node ${process.version}, ${runs} runs each, ${bundled ? "esbuild bundle" : "TypeScript source (no bundle built)"}, ${cache}`)
console.log(`node -e 0          median ${fmt(b.median)}  p90 ${fmt(b.p90)}  min ${fmt(b.min)}`)
console.log(`whatapctl version  median ${fmt(v.median)}  p90 ${fmt(v.p90)}  min ${fmt(v.min)}`)
console.log(`cli overhead over bare node: ${fmt(v.median - b.median)} (median); target: whatapctl version median <= 300 ms`)
