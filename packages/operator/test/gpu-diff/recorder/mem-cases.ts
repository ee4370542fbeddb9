/** Memory-checker scenarios (seeded) and quantity strings for the Go recorder. Prints JSON. */
import fc from "fast-check"
export const quantities = ["170Mi", "16069016Ki", "1Gi", "512Mi", "0", "", "0Mi", "0.0", "1e9", "1E9", "1e3", "100m", "1m", "0.5", ".5", "5.", "1.5Gi",
  "+1Gi", "-1Gi", " 1Gi", "1Gi ", "1gi", "1GB", "1G", "1k", "1K", "1Ki", "9223372036854775807", "9223372036854775808", "18446744073709551616",
  "8Ei", "16Ei", "1e19", "1e308", "1e-3", "0x10", "1_000", "NaN", "Infinity", "512Mi\r", "512 Mi", "1.0000000001Gi", "3.999999999", "0.1m"]
const limits = ["170Mi", "512Mi", "1Gi", "0", "", "0Mi", "100m", "1e9", "1.5Gi", "-1Gi", " 512Mi", "512mi", "8Ei", "16Ei", "1e19", "0.5"]
const u = fc.oneof(
  fc.constantFrom(0, 1, 119537664, 125829120, 375809638, 375809639, 375809640, 536870912, 751619276, 751619277, 9007199254740993),
  fc.integer({ min: 0, max: 2 ** 31 }))
const statsBody = fc.oneof(
  { weight: 8, arbitrary: fc.record({ usage: u, inactive: u }).map(({ usage, inactive }) => JSON.stringify({ memory_stats: { usage, limit: 1, stats: { inactive_file: inactive, rss: 1 } } })) },
  { weight: 1, arbitrary: fc.constantFrom("", "{", "null", "[]", "{\"memory_stats\":{}}", "{\"memory_stats\":{\"usage\":-1}}", "{\"memory_stats\":{\"usage\":1.5}}",
    "{\"memory_stats\":{\"usage\":\"400000000\"}}", "{\"memory_stats\":{\"usage\":18446744073709551615,\"stats\":{\"inactive_file\":0}}}",
    "{\"memory_stats\":{\"usage\":18446744073709551616}}", "{\"memory_stats\":{\"usage\":400000000,\"stats\":{\"inactive_file\":0},\"x\":[1,2]}} trailing",
    "\r\n{\"memory_stats\":{\"usage\":400000000}}\r\n", "{\"memory_stats\":{\"usage\":4e8}}") }
)
const id = fc.constantFrom<string | null>(null, "containerd://abc123", "docker://abc123", "abc123", "", "cri-o://abc123", "containerd://")
const listBody = (cid: string | null) => fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...limits).map((l) => JSON.stringify([{ Id: "zzz", MemoryLimit: "1Ki" }, { Id: (cid ?? "").replace(/^.*:\/\//, ""), MemoryLimit: l }])) },
  { weight: 1, arbitrary: fc.constantFrom("[]", "", "{}", "[{\"Id\":\"abc123\",\"MemoryLimit\":536870912}]", "[{\"id\":\"abc123\",\"memoryLimit\":\"512Mi\"}]") }
)
const scenario = fc.record({ phase: fc.constantFrom("Running", "Running", "Running", "Pending", "Succeeded", ""), deleting: fc.constantFrom(false, false, false, true),
  containerID: id, statsStatus: fc.constantFrom(200, 200, 200, 200, 500, 404), statsBody, listStatus: fc.constantFrom(200, 200, 200, 200, 503) })
  .chain((s) => listBody(s.containerID).map((listBody) => ({ ...s, listBody })))
const scenarios = fc.sample(scenario, { numRuns: Number(process.argv[2] ?? 400), seed: 20261202 }).map((s, i) => ({ name: `pod-${i}`, ...s }))
process.stdout.write(JSON.stringify({ scenarios, quantities }) + "\n")
