/**
 * Selector matching throughput: one compiled selector of five requirements against
 * 1,024 pre-generated ten-label sets, all matching or all not matching, on one core,
 * after a warm-up. The baseline is Kubernetes' own Go implementation
 * (`k8s.io/apimachinery/pkg/labels`, bench/go-selector) on the same selector and sets;
 * it is skipped when `go` is not installed. Run: `npx node bench/src/selector.ts`.
 */
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { Result } from "effect"
import { Selector } from "@whatap-operator/core"

/** Keep in sync with bench/go-selector/main.go (same text, same index formulas). */
export const selectorText = "app in (api,web,worker),tier notin (db,cache),env=prod,team,!legacy"
const setCount = 1024
const target = 5_000_000
const apps = ["api", "web", "worker"] as const
const tiers = ["frontend", "backend"] as const

const matching = (i: number): Record<string, string> => {
  const set: Record<string, string> = { app: apps[i % 3] ?? "", tier: tiers[i % 2] ?? "", env: "prod", team: `team-${i % 7}` }
  for (let j = 0; j < 6; j++) set[`k${j}`] = `v${(i + j) % 10}`
  return set
}

/** Each set breaks a different requirement, keeping ten labels. */
const nonMatching = (i: number): Record<string, string> => {
  const set = matching(i)
  const broken = i % 5
  if (broken === 0) set["app"] = "batch"
  if (broken === 1) set["tier"] = "db"
  if (broken === 2) set["env"] = "staging"
  if (broken === 3) (delete set["team"], set["owner"] = "x")
  if (broken === 4) (delete set["k5"], set["legacy"] = "true")
  return set
}

interface Rate { readonly perSecond: number; readonly hits: number }

const measure = (compiled: Selector.Compiled, sets: ReadonlyArray<Record<string, string>>, ms: number): Rate => {
  const start = performance.now()
  let count = 0, hits = 0, elapsed = 0
  while ((elapsed = performance.now() - start) < ms) {
    for (let i = 0; i < sets.length; i++) if (Selector.matches(compiled, sets[i] ?? {})) hits++
    count += sets.length
  }
  return { perSecond: count / (elapsed / 1000), hits }
}

const rate = (compiled: Selector.Compiled, sets: ReadonlyArray<Record<string, string>>): Rate => {
  measure(compiled, sets, 500)
  return measure(compiled, sets, 1000)
}

interface GoFigures { readonly matching: number; readonly nonMatching: number }

const goBaseline = (): GoFigures | string => {
  const cwd = join(import.meta.dirname, "..", "go-selector")
  const env = { ...process.env, GOFLAGS: "-mod=mod", GOPROXY: "off" }
  const run = spawnSync("go", ["run", "."], { cwd, env, encoding: "utf8" })
  if (run.error !== undefined) return `skipped (go not available: ${run.error.message})`
  if (run.status !== 0) return `failed: ${run.stderr.trim()}`
  const figures: GoFigures = JSON.parse(run.stdout)
  return figures
}

const format = (n: number): string => `${(n / 1e6).toFixed(2).padStart(7)} M/s`

const main = () => {
  const compiled = Selector.compile(Result.getOrThrow(Selector.parse(selectorText)))
  const match = Array.from({ length: setCount }, (_, i) => matching(i))
  const miss = Array.from({ length: setCount }, (_, i) => nonMatching(i))
  // every set must behave as named, or the figures measure a different mix of paths
  if (!match.every((l) => Selector.matches(compiled, l)) || miss.some((l) => Selector.matches(compiled, l))) {
    throw new Error("label sets do not behave as intended")
  }
  const ts = { matching: rate(compiled, match), nonMatching: rate(compiled, miss) }
  if (ts.matching.hits === 0 || ts.nonMatching.hits !== 0) throw new Error("label sets do not behave as intended")
  const go = goBaseline()
  console.log(`selector: ${Selector.format(compiled.selector)} (${setCount} sets x 10 labels, one core)`)
  console.log(`                 TypeScript (node ${process.version})   Go apimachinery`)
  for (const kind of ["matching", "nonMatching"] as const) {
    const goFigure = typeof go === "string" ? "-" : format(go[kind])
    const verdict = ts[kind].perSecond >= target ? "ok" : `BELOW TARGET ${format(target)}`
    console.log(`${kind.padEnd(12)} ${format(ts[kind].perSecond)}  ${verdict.padEnd(22)} ${goFigure}`)
  }
  if (typeof go === "string") console.log(`Go baseline ${go}`)
}

main()
