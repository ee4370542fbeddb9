/**
 * GPU Feature Discovery node labels to GpuLabels, for each MIG strategy as GFD writes
 * them (NVIDIA/k8s-device-plugin internal/lm/mig-strategy.go), and the label values GFD
 * never writes, which are errors naming the label.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { NodeLabels } from "../src/index.ts"
import { labelSets } from "./support/labels.ts"
import { failure } from "./support/support.ts"

describe("NodeLabels.read", () => {
  it.effect("MIG off (strategy none)", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* NodeLabels.read(labelSets.none), {
        product: "NVIDIA-H100-80GB-HBM3",
        model: "NVIDIA-H100-80GB-HBM3",
        count: 8,
        memoryMiB: 81559,
        present: true,
        migCapable: true,
        migStrategy: "none",
        migProfiles: [],
        migConfig: "all-disabled",
        migConfigState: "success"
      })
    }))

  it.effect("single: the profile comes out of the product label", () =>
    Effect.gen(function*() {
      const labels = yield* NodeLabels.read(labelSets.single)
      assert.strictEqual(labels.model, "NVIDIA-H100-80GB-HBM3")
      assert.strictEqual(labels.singleProfile, "1g.10gb")
      assert.strictEqual(labels.count, 56)
      assert.strictEqual(labels.migStrategy, "single")
    }))

  it.effect("mixed: one entry per profile, sorted, with count and memory", () =>
    Effect.gen(function*() {
      const labels = yield* NodeLabels.read(labelSets.mixed)
      assert.deepStrictEqual(labels.migProfiles, [
        { profile: "1g.10gb", count: 1 },
        { profile: "2g.20gb", count: 1 },
        { profile: "3g.40gb", count: 1, memoryMiB: 40448 }
      ])
      assert.isUndefined(labels.singleProfile)
    }))

  it.effect("MIG-INVALID and time-sliced (-SHARED) products; GKE's accelerator label", () =>
    Effect.gen(function*() {
      const invalid = yield* NodeLabels.read({ "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-80GB-MIG-INVALID", "nvidia.com/gpu.count": "0", "nvidia.com/mig.strategy": "single" })
      assert.deepStrictEqual([invalid.model, invalid.singleProfile, invalid.count], ["NVIDIA-A100-SXM4-80GB", "INVALID", 0])
      const shared = yield* NodeLabels.read({ "nvidia.com/gpu.product": "Tesla-T4-SHARED", "nvidia.com/gpu.replicas": "4" })
      assert.deepStrictEqual([shared.model, shared.replicas], ["Tesla-T4", 4])
      const gke = yield* NodeLabels.read({ "cloud.google.com/gke-accelerator": "nvidia-h100-80gb" })
      assert.strictEqual(gke.gkeAccelerator, "nvidia-h100-80gb")
      assert.isTrue(NodeLabels.hasGpu(gke))
    }))

  it.effect("a CPU-only node has no GPU facts", () =>
    Effect.gen(function*() {
      const labels = yield* NodeLabels.read({ "kubernetes.io/hostname": "cpu-1", "kubernetes.io/arch": "amd64" })
      assert.deepStrictEqual(labels, { migProfiles: [] })
      assert.isFalse(NodeLabels.hasGpu(labels))
      assert.isFalse(NodeLabels.hasGpu(yield* NodeLabels.read({ "nvidia.com/gpu.present": "false", "nvidia.com/gpu.count": "0" })))
    }))

  const bad: ReadonlyArray<readonly [Record<string, string>, string, string]> = [
    [{ "nvidia.com/gpu.count": "eight" }, "nvidia.com/gpu.count", "node label nvidia.com/gpu.count: expected a whole number, got \"eight\""],
    [{ "nvidia.com/gpu.memory": "-1" }, "nvidia.com/gpu.memory", "expected a whole number, got \"-1\""],
    [{ "nvidia.com/mig.strategy": "Mixed" }, "nvidia.com/mig.strategy", "expected single, mixed or none, got \"Mixed\""],
    [{ "nvidia.com/mig.capable": "yes" }, "nvidia.com/mig.capable", "expected true or false, got \"yes\""],
    [{ "nvidia.com/mig-1g.10gb.count": "1.5" }, "nvidia.com/mig-1g.10gb.count", "expected a whole number, got \"1.5\""],
    [{ "nvidia.com/mig-big.count": "1" }, "nvidia.com/mig-big.count", "\"big\" is not a MIG profile name (like 1g.10gb)"],
    [{ "nvidia.com/gpu.product": "X-MIG-" }, "nvidia.com/gpu.product", "the part after -MIG- (\"\") is neither a MIG profile name (like 1g.10gb) nor INVALID"],
    [{ "nvidia.com/gpu.product": "X-MIG-../../etc" }, "nvidia.com/gpu.product", "the part after -MIG- (\"../../etc\") is neither"]
  ]
  for (const [labels, label, message] of bad) {
    it.effect(`${label}=${Object.values(labels)[0]} is a NodeLabelsError naming the label`, () =>
      Effect.gen(function*() {
        const error = yield* failure(NodeLabels.read(labels))
        assert.strictEqual(error._tag, "NodeLabelsError")
        assert.strictEqual(error.label, label)
        assert.include(error.message, message)
      }))
  }
})
