/**
 * `nvidia-smi -q -x` to an Inventory: the real H100 capture (MIG off) and the constructed
 * MIG documents as golden inventories, then each way a document can be wrong, with the
 * element path or line the error names.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { Gpu, NvidiaSmi } from "../src/index.ts"
import { expectGolden, failure, fixture, json } from "./support/support.ts"

const real = fixture("h100-80gb-hbm3-no-mig.xml")

const errorOf = (text: string) => failure(NvidiaSmi.parseXml(text))

/** A minimal document with `gpu` as the body of its one `<gpu>` element. */
const doc = (gpu: string, top = "<driver_version>580.159.04</driver_version>") =>
  `<?xml version="1.0" ?>\n<nvidia_smi_log>${top}<gpu id="00000000:00:06.0">${gpu}</gpu></nvidia_smi_log>\n`

const minimalGpu = "<product_name>NVIDIA H100 80GB HBM3</product_name><uuid>GPU-1</uuid><fb_memory_usage><total>81559 MiB</total></fb_memory_usage>"

describe("NvidiaSmi.parseXml on the real H100 capture", () => {
  it.effect("reads the one GPU: name, UUID, PCI id, memory, MIG off, no MIG devices", () =>
    Effect.gen(function*() {
      const inventory = yield* NvidiaSmi.parseXml(real)
      assert.deepStrictEqual(inventory, {
        driverVersion: "580.159.04",
        cudaVersion: "13.0",
        gpus: [{
          index: 0,
          name: "NVIDIA H100 80GB HBM3",
          uuid: "GPU-168062df-44cb-64c7-cc0b-89a08280ecf4",
          pciBusId: "00000000:00:06.0",
          memoryTotalMiB: 81559,
          memoryUsedMiB: 0,
          mig: { current: "disabled", pending: "disabled" },
          migDevices: []
        }]
      })
      assert.strictEqual(Gpu.migLayout(inventory), "off")
      // the result is a value of the Inventory schema, so it encodes to JSON and back
      assert.deepStrictEqual(Schema.decodeUnknownSync(Gpu.Inventory)(JSON.parse(JSON.stringify(inventory))), inventory)
    }))
})

describe("NvidiaSmi.parseXml on constructed MIG documents", () => {
  for (const name of ["constructed-h100-mig-single", "constructed-h100-mig-mixed", "constructed-h100x8-mig-mixed"]) {
    it.effect(`${name}.xml with -lgi profiles is the golden inventory`, () =>
      Effect.gen(function*() {
        const inventory = yield* NvidiaSmi.parseXml(fixture(`${name}.xml`))
        const instances = yield* NvidiaSmi.parseGpuInstances(fixture(`${name}-lgi.txt`))
        expectGolden(`${name}.inventory.json`, json(Gpu.withProfiles(inventory, instances)))
      }))
  }

  it.effect("single: 2 GPUs with 7 x 1g.10gb each; the parent's memory use is N/A, so absent", () =>
    Effect.gen(function*() {
      const inventory = Gpu.withProfiles(
        yield* NvidiaSmi.parseXml(fixture("constructed-h100-mig-single.xml")),
        yield* NvidiaSmi.parseGpuInstances(fixture("constructed-h100-mig-single-lgi.txt"))
      )
      assert.strictEqual(Gpu.migLayout(inventory), "all")
      assert.deepStrictEqual(Gpu.migDeviceCounts(inventory), [{ profile: "1g.10gb", count: 14 }])
      assert.isUndefined(inventory.gpus[0]?.memoryUsedMiB)
      assert.deepStrictEqual(inventory.gpus[0]?.migDevices[0], {
        index: 0, gpuInstanceId: 7, computeInstanceId: 0, profile: "1g.10gb", memoryTotalMiB: 9984, memoryUsedMiB: 5120, multiprocessors: 16
      })
    }))

  it.effect("mixed: a MIG GPU next to a whole GPU; without -lgi the profiles stay unknown", () =>
    Effect.gen(function*() {
      const inventory = yield* NvidiaSmi.parseXml(fixture("constructed-h100-mig-mixed.xml"))
      assert.strictEqual(Gpu.migLayout(inventory), "some")
      assert.deepStrictEqual(inventory.gpus.map((g) => [g.index, g.mig.current, g.migDevices.length, g.pciBusId]), [
        [0, "enabled", 3, "00000000:00:06.0"],
        [1, "disabled", 0, "00000000:00:07.0"]
      ])
      assert.deepStrictEqual(Gpu.migDeviceCounts(inventory), [{ profile: "unknown", count: 3 }])
    }))
})

describe("NvidiaSmi.parseXml reads what is optional as absent", () => {
  it.effect("no cuda_version, no mig_mode (a pre-MIG driver), no PCI id, used N/A", () =>
    Effect.gen(function*() {
      const text = `<nvidia_smi_log><driver_version>418.87</driver_version><gpu><product_name>Tesla T4</product_name><uuid>GPU-2</uuid>` +
        `<fb_memory_usage><total>15109 MiB</total><used>N/A</used></fb_memory_usage></gpu></nvidia_smi_log>`
      assert.deepStrictEqual(yield* NvidiaSmi.parseXml(text), {
        driverVersion: "418.87",
        gpus: [{ index: 0, name: "Tesla T4", uuid: "GPU-2", memoryTotalMiB: 15109, mig: { current: "unsupported", pending: "unsupported" }, migDevices: [] }]
      })
    }))

  it.effect("a pending MIG change and N/A modes", () =>
    Effect.gen(function*() {
      const pending = yield* NvidiaSmi.parseXml(doc(`${minimalGpu}<mig_mode><current_mig>Disabled</current_mig><pending_mig>Enabled</pending_mig></mig_mode>`))
      assert.deepStrictEqual(pending.gpus[0]?.mig, { current: "disabled", pending: "enabled" })
      assert.isTrue(pending.gpus.some(Gpu.isMigPending))
      const na = yield* NvidiaSmi.parseXml(doc(`${minimalGpu}<mig_mode><current_mig>N/A</current_mig><pending_mig>N/A</pending_mig></mig_mode>`))
      assert.deepStrictEqual(na.gpus[0]?.mig, { current: "unsupported", pending: "unsupported" })
    }))

  it.effect("text given as CDATA reads as the same text", () =>
    Effect.gen(function*() {
      const inventory = yield* NvidiaSmi.parseXml(doc(minimalGpu.replace("<uuid>GPU-1</uuid>", "<uuid><![CDATA[GPU-]]>1</uuid>")))
      assert.strictEqual(inventory.gpus[0]?.uuid, "GPU-1")
    }))

  it.effect("no GPU at all is an empty inventory", () =>
    Effect.gen(function*() {
      const empty = yield* NvidiaSmi.parseXml("<nvidia_smi_log><driver_version>580.159.04</driver_version><attached_gpus>0</attached_gpus></nvidia_smi_log>")
      assert.deepStrictEqual(empty.gpus, [])
    }))
})

describe("NvidiaSmi.parseXml on values nvidia-smi could not read", () => {
  it.effect("a bracketed value is unavailable wherever it stands: used memory absent, MIG unsupported", () =>
    Effect.gen(function*() {
      const inventory = yield* NvidiaSmi.parseXml(doc(`${minimalGpu.replace("</total>", "</total><used>[Unknown Error]</used>")}<mig_mode><current_mig>[GPU requires reset]</current_mig><pending_mig>GPU is lost</pending_mig></mig_mode>`))
      const gpu = inventory.gpus[0]
      assert.isUndefined(gpu?.memoryUsedMiB)
      assert.deepStrictEqual(gpu?.mig, { current: "unsupported", pending: "unsupported" })
    }))
})

describe("NvidiaSmi.parseXml errors name what is wrong and where", () => {
  const cases: ReadonlyArray<readonly [string, string, NvidiaSmi.Reason, string]> = [
    ["empty output", "", "Empty", "nvidia-smi -q -x: line 1: the output is empty"],
    ["whitespace only", " \n\t", "Empty", "nvidia-smi -q -x: line 1: the output is empty"],
    ["not XML", "No devices were found", "Malformed", "nvidia-smi -q -x: line 1:21: not well-formed XML: text data outside of root node (it printed \"No devices were found\")"],
    ["an error line before the XML", `Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error\n${real}`, "Malformed", "(it printed \"Unable to determine the device handle for GPU0000:3B:00.0: U…\")"],
    ["fewer GPUs than attached (one nvidia-smi could not read)", doc(minimalGpu, "<driver_version>1</driver_version><attached_gpus>2</attached_gpus>"), "Invalid", "nvidia_smi_log/attached_gpus: 2 GPUs attached but 1 reported"],
    ["more GPUs than a node holds", `<nvidia_smi_log><driver_version>1</driver_version>${`<gpu>${minimalGpu}</gpu>`.repeat(65)}</nvidia_smi_log>`, "Invalid", "nvidia_smi_log/gpu: 65 GPUs, more than the 64 a node can hold"],
    ["millions of tiny elements", `<nvidia_smi_log>${"<x/>".repeat(300_001)}</nvidia_smi_log>`, "Malformed", "more than 300000 elements"],
    ["uuid [GPU requires reset]", doc(minimalGpu.replace("GPU-1", "[GPU requires reset]")), "Invalid", "nvidia_smi_log/gpu[0]/uuid: expected a value, got \"[GPU requires reset]\""],
    ["name [Unknown Error]", doc(minimalGpu.replace("NVIDIA H100 80GB HBM3", "[Unknown Error]")), "Invalid", "nvidia_smi_log/gpu[0]/product_name: expected a value, got \"[Unknown Error]\""],
    ["more memory used than there is", doc(minimalGpu.replace("</total>", "</total><used>999999 MiB</used>")), "Invalid", "nvidia_smi_log/gpu[0]/fb_memory_usage/used: 999999 MiB used is more than the 81559 MiB total"],
    ["truncated", real.slice(0, 2000), "Malformed", "(the document ends early: truncated output?)"],
    ["mismatched tags", doc(`${minimalGpu}<serial>1</uuid>`), "Malformed", "unexpected close tag"],
    ["another document", "<html><body/></html>", "Invalid", "nvidia-smi -q -x: html: the root element is <html>, expected <nvidia_smi_log> (the output of nvidia-smi -q -x)"],
    ["no driver_version", doc(minimalGpu, ""), "Missing", "nvidia-smi -q -x: nvidia_smi_log/driver_version: is missing"],
    ["no uuid", doc(minimalGpu.replace("<uuid>GPU-1</uuid>", "")), "Missing", "nvidia-smi -q -x: nvidia_smi_log/gpu[0]/uuid: is missing"],
    ["uuid N/A", doc(minimalGpu.replace("GPU-1", "N/A")), "Invalid", "nvidia-smi -q -x: nvidia_smi_log/gpu[0]/uuid: expected a value, got \"N/A\""],
    ["no memory total", doc(minimalGpu.replace("<total>81559 MiB</total>", "")), "Missing", "nvidia_smi_log/gpu[0]/fb_memory_usage/total: is missing"],
    ["memory in GB", doc(minimalGpu.replace("81559 MiB", "80 GB")), "Invalid", "nvidia_smi_log/gpu[0]/fb_memory_usage/total: expected \"<n> MiB\", got \"80 GB\""],
    ["garbled used", doc(minimalGpu.replace("</total>", "</total><used>12x MiB</used>")), "Invalid", "fb_memory_usage/used: expected \"<n> MiB\""],
    ["unknown MIG mode", doc(`${minimalGpu}<mig_mode><current_mig>Maybe</current_mig><pending_mig>Disabled</pending_mig></mig_mode>`), "Invalid", "nvidia_smi_log/gpu[0]/mig_mode/current_mig: expected Enabled, Disabled or N/A, got \"Maybe\""],
    ["half a mig_mode", doc(`${minimalGpu}<mig_mode><current_mig>Enabled</current_mig></mig_mode>`), "Missing", "nvidia_smi_log/gpu[0]/mig_mode/pending_mig: is missing"],
    ["MIG device without its GI", doc(`${minimalGpu}<mig_devices><mig_device><index>0</index><compute_instance_id>0</compute_instance_id></mig_device></mig_devices>`), "Missing", "nvidia_smi_log/gpu[0]/mig_devices/mig_device[0]/gpu_instance_id: is missing"],
    ["negative GI id", doc(`${minimalGpu}<mig_devices><mig_device><index>0</index><gpu_instance_id>-1</gpu_instance_id><compute_instance_id>0</compute_instance_id></mig_device></mig_devices>`), "Invalid", "gpu_instance_id: expected a whole number, got \"-1\""],
    ["an undefined entity", doc(minimalGpu.replace("GPU-1", "&gpu;")), "Malformed", "undefined entity"],
    ["nested too deep", `<nvidia_smi_log>${"<a>".repeat(40)}${"</a>".repeat(40)}</nvidia_smi_log>`, "Malformed", "elements nested deeper than 32"]
  ]
  for (const [name, text, reason, message] of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const error = yield* errorOf(text)
        assert.strictEqual(error._tag, "NvidiaSmiError")
        assert.strictEqual(error.input, "nvidia-smi -q -x")
        assert.strictEqual(error.reason, reason)
        assert.include(error.message, message)
      }))
  }

  it.effect("a document over the size bound is refused before it is parsed", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(`<nvidia_smi_log>${" ".repeat(16 * 1024 * 1024)}</nvidia_smi_log>`)
      assert.strictEqual(error.reason, "TooLarge")
    }))

  it.effect("the DOCTYPE's external DTD is never fetched or needed", () =>
    Effect.gen(function*() {
      const inventory = yield* NvidiaSmi.parseXml(real.replace("nvsmi_device_v13.dtd", "http://127.0.0.1:9/nothing.dtd"))
      assert.lengthOf(inventory.gpus, 1)
    }))
})
