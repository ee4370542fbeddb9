/**
 * Parse time of `nvidia-smi -q -x` documents, per document: the real H100 capture (one
 * GPU, MIG off, 27 KB) and the constructed 8-GPU H100 node with MIG on every other GPU
 * (221 KB), each through NvidiaSmi.parseXml (well-formedness check, element tree,
 * inventory) and with its `mig -lgi` table joined in, on one core after a warm-up. The
 * operator reads a node's document at most once per reconcile, so the budget is loose:
 * 50 ms per 8-GPU document. Run: `npx node bench/src/gpu-parse.ts`.
 */
import { readFileSync } from "node:fs"
import { Effect } from "effect"
import { Gpu, NvidiaSmi } from "@whatap-operator/gpu"

const fixtures = new URL("../../packages/gpu/test/fixtures/", import.meta.url)
const read = (name: string): string => readFileSync(new URL(name, fixtures), "utf8")

const budgetMs = 50

interface Case {
  readonly name: string
  readonly xml: string
  readonly lgi?: string
  readonly gpus: number
  readonly migDevices: number
}

const cases: ReadonlyArray<Case> = [
  { name: "H100, MIG off (real)", xml: read("h100-80gb-hbm3-no-mig.xml"), gpus: 1, migDevices: 0 },
  { name: "8 x H100, MIG mixed (constructed)", xml: read("constructed-h100x8-mig-mixed.xml"), lgi: read("constructed-h100x8-mig-mixed-lgi.txt"), gpus: 8, migDevices: 12 }
]

const parse = (c: Case): Gpu.Inventory =>
  Effect.runSync(Effect.gen(function*() {
    const inventory = yield* NvidiaSmi.parseXml(c.xml)
    return c.lgi === undefined ? inventory : Gpu.withProfiles(inventory, yield* NvidiaSmi.parseGpuInstances(c.lgi))
  }))

/** Mean milliseconds per document over `ms` of repeated parses. */
const measure = (c: Case, ms: number): { readonly mean: number; readonly runs: number } => {
  const start = performance.now()
  let runs = 0
  let elapsed = 0
  while ((elapsed = performance.now() - start) < ms) {
    parse(c)
    runs++
  }
  return { mean: elapsed / runs, runs }
}

const main = () => {
  console.log(`nvidia-smi -q -x parse time per document (node ${process.version}, one core)`)
  for (const c of cases) {
    const inventory = parse(c)
    const devices = inventory.gpus.reduce((sum, gpu) => sum + gpu.migDevices.length, 0)
    // the figures only mean something if the document parses to what it holds
    if (inventory.gpus.length !== c.gpus || devices !== c.migDevices) throw new Error(`${c.name}: parsed ${inventory.gpus.length} GPUs, ${devices} MIG devices`)
    measure(c, 500)
    const { mean, runs } = measure(c, 2000)
    const verdict = mean <= budgetMs ? "ok" : `OVER BUDGET ${budgetMs} ms`
    console.log(`${c.name.padEnd(36)} ${(c.xml.length / 1024).toFixed(0).padStart(4)} KiB  ${mean.toFixed(3).padStart(8)} ms  (${runs} runs)  ${verdict}`)
  }
}

main()
