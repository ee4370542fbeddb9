import { readFileSync, readdirSync } from "node:fs"
const f = readdirSync(".").find((n) => n.endsWith(".cpuprofile"))!
const p = JSON.parse(readFileSync(f, "utf8"))
const byId = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]))
const self = new Map<number, number>()
for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + p.timeDeltas[i])
const key = (n: any) => `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/.*\/(node_modules|packages)\//, "")}:${n.callFrame.lineNumber + 1}`
const incl = new Map<string, number>(), selfBy = new Map<string, number>()
const walk = (id: number, stack: Set<string>): number => {
  const n = byId.get(id); let t = self.get(id) ?? 0
  const k = key(n)
  selfBy.set(k, (selfBy.get(k) ?? 0) + (self.get(id) ?? 0))
  const had = stack.has(k); stack.add(k)
  for (const c of n.children ?? []) t += walk(c, stack)
  if (!had) { stack.delete(k); incl.set(k, (incl.get(k) ?? 0) + t) }
  return t
}
walk(p.nodes[0].id, new Set())
const filt = process.argv[2] ? new RegExp(process.argv[2]) : /./
console.log("== inclusive"); for (const [k, t] of [...incl].filter(([k]) => filt.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 50)) console.log((t / 1000).toFixed(1).padStart(7), k)
console.log("== self"); for (const [k, t] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((t / 1000).toFixed(1).padStart(7), k)
