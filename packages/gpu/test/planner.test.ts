/**
 * Planner (PRODUCT B6): table tests over the node kinds the planner must tell apart (MIG
 * single, mixed and none, mixed GPU models, CPU-only nodes) from labels, from nvidia-smi
 * inventories and from both, then the notes for states that need attention, and
 * invariants over generated inventories.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { Csv, Gpu, NodeLabels, NvidiaSmi, Planner } from "../src/index.ts"
import { labelSets } from "./support/labels.ts"
import { fixture, gpu, inventory, migGpu } from "./support/support.ts"

const labels = (set: Readonly<Record<string, string>>): NodeLabels.GpuLabels => Effect.runSync(NodeLabels.read(set))

const parsed = (name: string): Gpu.Inventory =>
  Effect.runSync(Effect.map(
    Effect.all([NvidiaSmi.parseXml(fixture(`${name}.xml`)), NvidiaSmi.parseGpuInstances(fixture(`${name}-lgi.txt`))]),
    ([inv, gis]) => Gpu.withProfiles(inv, gis)
  ))

const migUtil = ["DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL"]
const mixedResources = ["nvidia.com/gpu", "nvidia.com/mig-1g.10gb", "nvidia.com/mig-2g.20gb", "nvidia.com/mig-3g.40gb"]

interface Row {
  readonly name: string
  readonly input: Planner.Input
  readonly layout: Planner.Layout
  readonly removeFields: ReadonlyArray<string>
  readonly resourceNames: ReadonlyArray<string>
  readonly notes: ReadonlyArray<Planner.NoteCode>
  readonly status: Partial<Planner.NodeStatus>
}

const rows: ReadonlyArray<Row> = [
  {
    name: "MIG none, from labels",
    input: { labels: labels(labelSets.none) },
    layout: "off", removeFields: [], resourceNames: ["nvidia.com/gpu"], notes: ["attribution-limits"],
    status: { gpus: 8, models: ["NVIDIA-H100-80GB-HBM3"], migStrategy: "none", migConfigState: "success", migDevices: [], warnings: 0 }
  },
  {
    name: "MIG single, from labels",
    input: { labels: labels(labelSets.single) },
    layout: "all", removeFields: migUtil, resourceNames: ["nvidia.com/gpu"], notes: ["mig-utilization", "whole-gpu-metrics", "attribution-limits"],
    status: { models: ["NVIDIA-H100-80GB-HBM3"], migStrategy: "single", migDevices: [{ profile: "1g.10gb", count: 56 }], warnings: 0 }
  },
  {
    name: "MIG mixed, from labels",
    input: { labels: labels(labelSets.mixed) },
    layout: "some", removeFields: [], resourceNames: mixedResources, notes: ["mixed-utilization", "mixed-host-engine", "attribution-limits"],
    status: { gpus: 2, migStrategy: "mixed", migDevices: [{ profile: "1g.10gb", count: 1 }, { profile: "2g.20gb", count: 1 }, { profile: "3g.40gb", count: 1 }] }
  },
  {
    name: "MIG off, from the real H100 capture",
    input: { inventory: Effect.runSync(NvidiaSmi.parseXml(fixture("h100-80gb-hbm3-no-mig.xml"))) },
    layout: "off", removeFields: [], resourceNames: ["nvidia.com/gpu"], notes: ["attribution-limits"],
    status: { gpus: 1, models: ["NVIDIA H100 80GB HBM3"], migDevices: [] }
  },
  {
    name: "MIG single, from nvidia-smi (constructed)",
    input: { inventory: parsed("constructed-h100-mig-single"), labels: labels(labelSets.single) },
    layout: "all", removeFields: migUtil, resourceNames: ["nvidia.com/gpu"], notes: ["mig-utilization", "whole-gpu-metrics", "attribution-limits"],
    status: { gpus: 2, migStrategy: "single", migDevices: [{ profile: "1g.10gb", count: 14 }] }
  },
  {
    name: "MIG mixed, from nvidia-smi (constructed), strategy unknown",
    input: { inventory: parsed("constructed-h100-mig-mixed") },
    layout: "some", removeFields: [], resourceNames: mixedResources, notes: ["mixed-utilization", "mixed-host-engine", "attribution-limits"],
    status: { gpus: 2, migDevices: [{ profile: "1g.10gb", count: 1 }, { profile: "2g.20gb", count: 1 }, { profile: "3g.40gb", count: 1 }] }
  },
  {
    name: "mixed GPU models, MIG off",
    input: { inventory: inventory([gpu(0), gpu(1, { name: "NVIDIA A100-SXM4-80GB" }), gpu(2)]) },
    layout: "off", removeFields: [], resourceNames: ["nvidia.com/gpu"], notes: ["mixed-models", "attribution-limits"],
    status: { gpus: 3, models: ["NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB"] }
  },
  {
    name: "mixed GPU models, MIG on the A100 only",
    input: { inventory: inventory([gpu(0, { name: "NVIDIA L4" }), { ...migGpu(1, ["3g.40gb", "3g.40gb"]), name: "NVIDIA A100-SXM4-80GB" }]) },
    layout: "some", removeFields: [], resourceNames: ["nvidia.com/gpu", "nvidia.com/mig-3g.40gb"], notes: ["mixed-utilization", "mixed-host-engine", "mixed-models", "attribution-limits"],
    status: { gpus: 2, models: ["NVIDIA L4", "NVIDIA A100-SXM4-80GB"], migDevices: [{ profile: "3g.40gb", count: 2 }] }
  },
  {
    name: "CPU-only node: no NVIDIA labels",
    input: { labels: labels({ "kubernetes.io/hostname": "cpu-1" }) },
    layout: "no-gpu", removeFields: [], resourceNames: [], notes: ["no-gpu"],
    status: { models: [], migDevices: [], warnings: 0 }
  },
  {
    name: "CPU-only node: nothing known",
    input: {},
    layout: "no-gpu", removeFields: [], resourceNames: [], notes: ["no-gpu"],
    status: { models: [] }
  },
  {
    name: "CPU-only node: nvidia-smi lists no GPU",
    input: { inventory: inventory([]) },
    layout: "no-gpu", removeFields: [], resourceNames: [], notes: ["no-gpu"],
    status: { gpus: 0, models: [] }
  }
]

describe("Planner.plan and Planner.status", () => {
  for (const row of rows) {
    it(row.name, () => {
      const plan = Planner.plan(row.input)
      assert.strictEqual(plan.layout, row.layout)
      assert.strictEqual(plan.exporter, row.layout !== "no-gpu")
      assert.strictEqual(plan.devices, "f", "f is right for every layout: per GPU, instances when MIG is on, the GPU when off")
      assert.strictEqual(plan.hostEngine, "embedded")
      assert.deepStrictEqual(plan.removeFields, row.removeFields)
      assert.deepStrictEqual(plan.attribution.resourceNames, row.resourceNames)
      assert.deepStrictEqual(plan.notes.map((n) => n.code), row.notes)
      const status = Planner.status(row.input, plan)
      assert.deepStrictEqual({ ...status, ...row.status }, status, "status has the expected fields")
      assert.strictEqual(status.layout, row.layout)
    })
  }
})

const codes = (input: Planner.Input) => Planner.plan(input).notes.map((n) => [n.code, n.severity])

describe("Planner resource names", () => {
  it("a profile with engine options is requested under its base name; a row that names no profile gives no resource", () => {
    const base = parsed("constructed-h100-mig-mixed")
    const gpu = base.gpus[0]
    assert.isDefined(gpu)
    const devices = [
      { index: 0, gpuInstanceId: 1, computeInstanceId: 0, profile: "1g.10gb+me" },
      { index: 1, gpuInstanceId: 2, computeInstanceId: 0, profile: "<script>" }
    ]
    const inventory = { ...base, gpus: gpu === undefined ? [] : [{ ...gpu, migDevices: devices }] }
    const names = Planner.plan({ inventory }).attribution.resourceNames
    assert.include(names, "nvidia.com/mig-1g.10gb")
    assert.isFalse(names.some((n) => n.includes("+") || n.includes("<")), names.join(", "))
  })

  it("MIG devices from nvidia-smi -q -x alone have no profile: a note says to add the -lgi output", () => {
    const bare = Effect.runSync(NvidiaSmi.parseXml(fixture("constructed-h100-mig-mixed.xml")))
    const note = Planner.plan({ inventory: bare }).notes.find((n) => n.code === "mig-profiles-unknown")
    assert.strictEqual(note?.message, "GPU 0: the MIG devices' profiles are unknown (nvidia-smi -q -x does not name them; add the output of nvidia-smi mig -lgi), so the resource names may lack nvidia.com/mig-<profile>")
    assert.isUndefined(Planner.plan({ inventory: parsed("constructed-h100-mig-mixed") }).notes.find((n) => n.code === "mig-profiles-unknown"))
  })
})

describe("Planner notes for states that need attention", () => {
  it("labels and nvidia-smi disagree: the inventory wins and the labels are flagged", () => {
    const single = Planner.plan({ labels: labels(labelSets.single), inventory: parsed("constructed-h100-mig-mixed") })
    assert.strictEqual(single.layout, "some")
    assert.deepInclude(single.notes.map((n) => [n.code, n.severity]), ["labels-disagree", "warning"])
    assert.include(single.notes.find((n) => n.code === "labels-disagree")?.message, "mig.strategy single, but not every GPU has MIG on")
    const none = Planner.plan({ labels: labels(labelSets.none), inventory: parsed("constructed-h100-mig-single") })
    assert.include(none.notes.find((n) => n.code === "labels-disagree")?.message, "mig.strategy none, but a GPU has MIG on")
    assert.deepStrictEqual(none.attribution.resourceNames, ["nvidia.com/gpu"])
  })

  it("GFD's MIG-INVALID product under the single strategy", () => {
    const input = { labels: labels({ "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB-MIG-INVALID", "nvidia.com/gpu.count": "0", "nvidia.com/gpu.present": "true", "nvidia.com/mig.strategy": "single" }) }
    const plan = Planner.plan(input)
    assert.strictEqual(plan.layout, "some")
    assert.deepInclude(plan.notes.map((n) => [n.code, n.severity]), ["mig-invalid", "warning"])
    assert.strictEqual(Planner.status(input, plan).warnings, 1)
    assert.deepStrictEqual(Planner.status(input, plan).migDevices, [])
    // GFD alone (no GPU Operator) writes no gpu.present: the node keeps its warning
    const bare = { labels: labels({ "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-INVALID", "nvidia.com/gpu.count": "0", "nvidia.com/gpu.replicas": "0", "nvidia.com/mig.strategy": "single" }) }
    assert.deepInclude(Planner.plan(bare).notes.map((n) => [n.code, n.severity]), ["mig-invalid", "warning"])
  })

  it("MIG Manager changing or failed (nvidia.com/mig.config.state)", () => {
    const pending = { ...labelSets.single, "nvidia.com/mig.config": "all-3g.40gb", "nvidia.com/mig.config.state": "pending" }
    const note = Planner.plan({ labels: labels(pending) }).notes.find((n) => n.code === "mig-config-changing")
    assert.strictEqual(note?.message, "MIG Manager is applying nvidia.com/mig.config all-3g.40gb (pending); the MIG layout may change")
    assert.deepInclude(codes({ labels: labels({ ...labelSets.single, "nvidia.com/mig.config.state": "rebooting" }) }), ["mig-config-changing", "info"])
    assert.deepInclude(codes({ labels: labels({ ...labelSets.single, "nvidia.com/mig.config.state": "failed" }) }), ["mig-config-failed", "warning"])
  })

  it("a MIG mode change pending, and a MIG GPU without instances", () => {
    const pending = gpu(0, { mig: { current: "disabled", pending: "enabled" } })
    const empty = migGpu(1, [])
    const plan = Planner.plan({ inventory: inventory([pending, empty, migGpu(2, ["7g.80gb"])]) })
    assert.strictEqual(plan.layout, "some")
    assert.strictEqual(plan.notes.find((n) => n.code === "mig-mode-pending")?.message, "GPU 0: the MIG mode changes at the next GPU reset; plan again after it")
    assert.strictEqual(plan.notes.find((n) => n.code === "mig-without-instances")?.message, "GPU 1: MIG is on but no GPU instance exists, so no pod can use it")
  })

  it("profiling fields on a consumer GPU", () => {
    assert.deepInclude(codes({ inventory: inventory([gpu(0, { name: "NVIDIA GeForce RTX 4090" })]) }), ["profiling-unavailable", "info"])
    assert.notDeepInclude(codes({ inventory: inventory([gpu(0)]) }), ["profiling-unavailable", "info"])
  })
})

describe("Planner attribution", () => {
  it("the group label's allow-list is the exact key, quoted as Go's regexp.QuoteMeta does", () => {
    const plan = Planner.plan({ labels: labels(labelSets.none), groupLabel: "team.io/prj-id" })
    assert.strictEqual(plan.attribution.groupLabel, "team.io/prj-id")
    assert.strictEqual(plan.attribution.podLabelAllowlistRegex, "^(team\\.io/prj-id)$")
    assert.strictEqual(Planner.plan({ groupLabel: "prjId", groupLabelAllowlistRegex: "^(prjId|team)$" }).attribution.podLabelAllowlistRegex, "^(prjId|team)$")
    assert.notProperty(Planner.plan({ groupLabel: "" }).attribution, "groupLabel")
  })

  it("GKE nodes use device-name ids", () => {
    const gke = Planner.plan({ labels: labels({ "cloud.google.com/gke-accelerator": "nvidia-h100-80gb" }) })
    assert.strictEqual(gke.attribution.gpuIdType, "device-name")
    assert.strictEqual(Planner.plan({ labels: labels(labelSets.none) }).attribution.gpuIdType, "uid")
  })
})

describe("Planner.metrics", () => {
  it("MIG on every GPU: the default list without the utilization fields MIG leaves empty", () => {
    const fields = Csv.fields(Planner.metrics(Planner.plan({ labels: labels(labelSets.single) })))
    assert.lengthOf(fields, 44)
    for (const f of migUtil) assert.notInclude(fields, f)
    for (const f of ["DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_PROF_DRAM_ACTIVE", "DCGM_FI_DEV_WEIGHTED_GPU_UTIL", "DCGM_FI_DEV_MIG_GI_INFO"]) assert.include(fields, f)
  })

  it("MIG off or mixed: the default list unchanged", () => {
    for (const set of [labelSets.none, labelSets.mixed]) {
      assert.strictEqual(Csv.render(Planner.metrics(Planner.plan({ labels: labels(set) }))), Csv.render(Csv.defaults))
    }
  })
})

const modes = fc.constantFrom<Gpu.Gpu["mig"]>(
  { current: "disabled", pending: "disabled" },
  { current: "enabled", pending: "enabled" },
  { current: "enabled", pending: "disabled" },
  { current: "unsupported", pending: "unsupported" }
)

const arbitraryInventory = fc.array(fc.record({ mig: modes, profiles: fc.array(fc.constantFrom("1g.10gb", "3g.40gb", "7g.80gb"), { maxLength: 7 }), model: fc.constantFrom("NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB") }), { maxLength: 8 })
  .map((gpus) => inventory(gpus.map((g, i) => (g.mig.current === "enabled" ? { ...migGpu(i, g.profiles), mig: g.mig, name: g.model } : gpu(i, { mig: g.mig, name: g.model })))))

describe("Planner invariants (fast-check)", () => {
  it("layout follows the MIG GPUs; only an all-MIG node drops fields; notes are unique; plans encode", () => {
    fc.assert(fc.property(arbitraryInventory, (inv) => {
      const plan = Planner.plan({ inventory: inv })
      const migGpus = inv.gpus.filter(Gpu.isMigEnabled).length
      const expected = inv.gpus.length === 0 ? "no-gpu" : migGpus === 0 ? "off" : migGpus === inv.gpus.length ? "all" : "some"
      assert.strictEqual(plan.layout, expected)
      assert.deepStrictEqual(plan.removeFields, expected === "all" ? migUtil : [])
      assert.strictEqual(new Set(plan.notes.map((n) => n.code)).size, plan.notes.length)
      assert.deepStrictEqual(JSON.parse(JSON.stringify(plan)), plan)
      assert.strictEqual(Planner.status({ inventory: inv }, plan).migDevices.reduce((sum, d) => sum + d.count, 0), inv.gpus.reduce((sum, g) => sum + g.migDevices.length, 0))
    }), { numRuns: 300 })
  })
})
