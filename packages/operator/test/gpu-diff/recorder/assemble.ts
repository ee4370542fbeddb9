/** record.sh's last step: one fixture from the recorder's outputs (GPU objects only, to keep it small). */
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import YAML from "yaml"

const [work = "", commit = "", target = ""] = process.argv.slice(2)
const read = (f: string) => readFileSync(join(work, f), "utf8")
const { tls, cases } = JSON.parse(read("cases.json"))
const functions = JSON.parse(read("functions.json"))
const objects = JSON.parse(read("objects.json"))
const mem = JSON.parse(read("mem.json"))
const memOut = JSON.parse(read("mem-out.json"))
const gpuObject = (o: any) => (o.kind === "DaemonSet" && /^whatap-node-agent(-gpu)?$/.test(o.metadata.name)) ||
  (o.kind === "Service" && o.metadata.name === "dcgm-exporter-service") || (o.kind === "ConfigMap" && o.metadata.name === "whatap-open-agent-config")
const bundle = YAML.parseAllDocuments(read("resources.yaml")).map((d) => d.toJS()).find((d: any) => d?.kind === "ConfigMap" && d.metadata?.name === "dcgm-exporter-csv")
const fixture = {
  upstreamCommit: commit, tls,
  cases: cases.map((c: any, i: number) => ({ ...c, go: { ...functions[i], error: objects[i].error, objects: objects[i].objects.filter(gpuObject) } })),
  csv: { constant: read("csv-const.csv"), bundle: bundle.data["whatap-gpu.csv"] },
  memory: { scenarios: mem.scenarios.map((s: any, i: number) => ({ ...s, go: memOut.scenarios[i] })), quantities: memOut.quantities }
}
writeFileSync(target, JSON.stringify(fixture) + "\n")
console.log(`recorded ${fixture.cases.length} cases, ${fixture.memory.scenarios.length} memory scenarios at ${commit}`)
