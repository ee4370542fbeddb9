/**
 * `nvidia-smi mig -lgip` (the real H100 capture) and `nvidia-smi mig -lgi` (constructed
 * in NVIDIA's documented layout) to MIG profiles and GPU instances, and the ways a
 * table can be cut or garbled.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Mig, NvidiaSmi } from "../src/index.ts"
import { failure, fixture } from "./support/support.ts"

const lgip = fixture("h100-80gb-hbm3-no-mig-lgip.txt")

describe("NvidiaSmi.parseGpuInstanceProfiles", () => {
  it.effect("reads the H100's seven profiles from both lines of each row", () =>
    Effect.gen(function*() {
      const profiles = yield* NvidiaSmi.parseGpuInstanceProfiles(lgip)
      assert.deepStrictEqual(profiles.map((p) => [p.name, p.id, p.instancesFree, p.instancesTotal, p.memoryGiB, p.multiprocessors]), [
        ["1g.10gb", 19, 7, 7, 9.75, 16],
        ["1g.10gb+me", 20, 1, 1, 9.75, 16],
        ["1g.20gb", 15, 4, 4, 19.62, 26],
        ["2g.20gb", 14, 3, 3, 19.62, 32],
        ["3g.40gb", 9, 2, 2, 39.5, 60],
        ["4g.40gb", 5, 1, 1, 39.5, 64],
        ["7g.80gb", 0, 1, 1, 79.25, 132]
      ])
      assert.deepStrictEqual(profiles[6], {
        gpu: 0, name: "7g.80gb", id: 0, instancesFree: 1, instancesTotal: 1, memoryGiB: 79.25, p2p: false,
        multiprocessors: 132, decoders: 7, encoders: 0, copyEngines: 8, jpegEngines: 7, ofaEngines: 1
      })
      assert.isTrue(profiles.every((p) => Mig.isProfile(p.name)))
    }))

  it.effect("a GPU without MIG support prints a message, not a table: no profiles", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* NvidiaSmi.parseGpuInstanceProfiles("No MIG-supported devices found.\n"), [])
    }))

  const errors: ReadonlyArray<readonly [string, string, NvidiaSmi.Reason, string]> = [
    ["empty", "", "Empty", "nvidia-smi mig -lgip: line 1: the output is empty"],
    ["another command's table", fixture("constructed-h100-mig-mixed-lgi.txt"), "Malformed", "no \"GPU instance profiles:\" table (this is the output of nvidia-smi mig -lgi, not of nvidia-smi mig -lgip)"],
    ["XML", fixture("h100-80gb-hbm3-no-mig.xml"), "Malformed", "no \"GPU instance profiles:\" table"],
    ["cut after a row's first line", lgip.split("\n").slice(0, 6).join("\n"), "Missing", "closing border is missing"],
    ["a row's second line gone", lgip.split("\n").filter((_, i) => i !== 6).join("\n"), "Missing", "line 6: the second line (CE, JPEG, OFA) of profile 1g.10gb is missing"],
    ["a second line garbled", lgip.replace("1     1     0   |\n+", "1     x     0   |\n+"), "Invalid", "line 7: not a GPU instance profile's second row"],
    ["a second line missing at the end", [...lgip.split("\n").slice(0, 6), lgip.split("\n")[7]].join("\n"), "Missing", "line 6: the second line (CE, JPEG, OFA) of profile 1g.10gb is missing"],
    ["header only", lgip.split("\n").slice(0, 5).concat("+---+").join("\n"), "Missing", "the table has no rows"],
    ["a garbled number", lgip.replace("7/7", "7/x"), "Invalid", "line 6: not a GPU instance profile row: \"|   0  MIG 1g.10gb         19     7/x"]
  ]
  for (const [name, text, reason, message] of errors) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* failure(NvidiaSmi.parseGpuInstanceProfiles(text))
        assert.strictEqual(error.input, "nvidia-smi mig -lgip")
        assert.strictEqual(error.reason, reason)
        assert.include(error.message, message)
      }))
  }
})

describe("NvidiaSmi.parseGpuInstances", () => {
  it.effect("reads GPU, profile, profile id, instance id and placement of each row", () =>
    Effect.gen(function*() {
      const instances = yield* NvidiaSmi.parseGpuInstances(fixture("constructed-h100-mig-mixed-lgi.txt"))
      assert.deepStrictEqual(instances, [
        { gpu: 0, profile: "3g.40gb", profileId: 9, id: 2, placementStart: 0, placementSize: 4 },
        { gpu: 0, profile: "2g.20gb", profileId: 14, id: 3, placementStart: 4, placementSize: 2 },
        { gpu: 0, profile: "1g.10gb", profileId: 19, id: 9, placementStart: 6, placementSize: 1 }
      ])
      assert.lengthOf(yield* NvidiaSmi.parseGpuInstances(fixture("constructed-h100-mig-single-lgi.txt")), 14)
    }))

  it.effect("the documented A100 example (narrower columns) reads the same way", () =>
    Effect.gen(function*() {
      const a100 = [
        "+----------------------------------------------------+",
        "| GPU instances:                                     |",
        "| GPU   Name          Profile  Instance   Placement  |",
        "|                       ID       ID       Start:Size |",
        "|====================================================|",
        "|   0  MIG 1g.5gb       19       13          6:1     |",
        "+----------------------------------------------------+",
        "|   0  MIG 4g.20gb       5        1          0:4     |",
        "+----------------------------------------------------+"
      ].join("\n")
      assert.deepStrictEqual((yield* NvidiaSmi.parseGpuInstances(a100)).map((i) => [i.profile, i.id, i.placementStart]), [["1g.5gb", 13, 6], ["4g.20gb", 1, 0]])
    }))

  it.effect("MIG off or no instance: nvidia-smi's one-line message is an empty list", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* NvidiaSmi.parseGpuInstances("No MIG-enabled devices found.\n"), [])
      assert.deepStrictEqual(yield* NvidiaSmi.parseGpuInstances("No GPU instances found: Not Found\n"), [])
    }))

  it.effect("a cut or garbled table is an error with the line", () =>
    Effect.gen(function*() {
      const lgi = fixture("constructed-h100-mig-mixed-lgi.txt")
      const cut = yield* failure(NvidiaSmi.parseGpuInstances(lgi.slice(0, lgi.indexOf("2g.20gb") + 3)))
      assert.strictEqual(cut.reason, "Missing")
      const garbled = yield* failure(NvidiaSmi.parseGpuInstances(lgi.replace("0:4", "0-4")))
      assert.strictEqual(garbled.message, "nvidia-smi mig -lgi: line 6: not a GPU instance row: \"|   0  MIG 3g.40gb          9        2          0-4     |\"")
      const huge = yield* failure(NvidiaSmi.parseGpuInstances(lgi.replace("|   0  MIG 3g.40gb", "|   99999999999999999999  MIG 3g.40gb")))
      assert.strictEqual(huge.reason, "Invalid")
      assert.include(huge.message, "line 6: a number out of range in")
    }))

  it.effect("a table after a \"No ... found\" line is read; another message is quoted; blank lines count toward the bound", () =>
    Effect.gen(function*() {
      const lgi = fixture("constructed-h100-mig-mixed-lgi.txt")
      assert.lengthOf(yield* NvidiaSmi.parseGpuInstances(`No GPU instances found\n${lgi}`), 3)
      const refused = yield* failure(NvidiaSmi.parseGpuInstances("Failed to display GPU instances: Insufficient Permissions\n"))
      assert.strictEqual(refused.message, "nvidia-smi mig -lgi: line 1: nvidia-smi printed \"Failed to display GPU instances: Insufficient Permissions\" instead of the \"GPU instances:\" table")
      const partly = yield* failure(NvidiaSmi.parseGpuInstances(`Failed to display GPU instances for GPU 1: Insufficient Permissions\n${lgi}`))
      assert.strictEqual(partly.message, "nvidia-smi mig -lgi: line 1: nvidia-smi printed \"Failed to display GPU instances for GPU 1: Insufficient Perm…\" with the \"GPU instances:\" table")
      const after = yield* failure(NvidiaSmi.parseGpuInstances(`${lgi}Failed to display GPU instances for GPU 1: Unknown Error\n`))
      assert.include(after.message, "nvidia-smi printed \"Failed to display GPU instances for GPU 1: Unknown Error\" with the \"GPU instances:\" table")
      const profiles = yield* failure(NvidiaSmi.parseGpuInstances(fixture("h100-80gb-hbm3-no-mig-lgip.txt")))
      assert.include(profiles.message, "no \"GPU instances:\" table (this is the output of nvidia-smi mig -lgip, not of nvidia-smi mig -lgi)")
      const padded = yield* failure(NvidiaSmi.parseGpuInstances(`${"\n".repeat(10_000)}${lgi}`))
      assert.strictEqual(padded.reason, "TooLarge")
    }))
})

describe("Mig profile names", () => {
  it("parses GPU-instance, compute-instance and engine-option forms", () => {
    assert.deepStrictEqual(Mig.parseProfile("3g.40gb"), { slices: 3, memoryGB: 40, options: "" })
    assert.deepStrictEqual(Mig.parseProfile("1c.3g.40gb"), { slices: 3, memoryGB: 40, computeSlices: 1, options: "" })
    assert.deepStrictEqual(Mig.parseProfile("1g.10gb+me"), { slices: 1, memoryGB: 10, options: "+me" })
    assert.deepStrictEqual(Mig.parseProfile("1g.12gb+me.all"), { slices: 1, memoryGB: 12, options: "+me.all" })
    for (const bad of ["", "3g", "3g.40", "MIG 3g.40gb", "3g.40gb ", "INVALID"]) assert.isUndefined(Mig.parseProfile(bad), bad)
    assert.strictEqual(Mig.resourceName("1g.10gb"), "nvidia.com/mig-1g.10gb")
    // the device plugin counts a profile with engine options under its base name
    assert.strictEqual(Mig.resourceName("1g.10gb+me"), "nvidia.com/mig-1g.10gb")
    assert.strictEqual(Mig.resourceName("1g.24gb+gfx"), "nvidia.com/mig-1g.24gb")
    assert.strictEqual(Mig.resourceName("1g.12gb+me.all"), "nvidia.com/mig-1g.12gb")
  })
})
