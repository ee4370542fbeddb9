/**
 * The DCGM field table: every name dcgm-exporter ships in its own metric lists resolves,
 * legacy and current names of one field are recognised as the same field, and a typo
 * gets the nearest known name.
 */
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import { DcgmField } from "../src/index.ts"

/** Every field named (active or commented out) in NVIDIA/dcgm-exporter d5e5f51 etc/default-counters.csv and dcp-metrics-included.csv. */
const shippedByDcgmExporter = (
  "DCGM_EXP_CLOCK_EVENTS_COUNT DCGM_EXP_GPU_HEALTH_STATUS DCGM_EXP_P2P_STATUS DCGM_EXP_XID_ERRORS_COUNT DCGM_FI_DEV_BOARD_LIMIT_VIOLATION " +
  "DCGM_FI_DEV_BRAND DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS DCGM_FI_DEV_DEC_UTIL DCGM_FI_DEV_ECC_DBE_AGG_TOTAL DCGM_FI_DEV_ECC_DBE_VOL_TOTAL " +
  "DCGM_FI_DEV_ECC_INFOROM_VER DCGM_FI_DEV_ECC_SBE_AGG_TOTAL DCGM_FI_DEV_ECC_SBE_VOL_TOTAL DCGM_FI_DEV_ENC_UTIL DCGM_FI_DEV_FB_FREE " +
  "DCGM_FI_DEV_FB_RESERVED DCGM_FI_DEV_FB_USED DCGM_FI_DEV_GPU_TEMP DCGM_FI_DEV_GPU_UTIL DCGM_FI_DEV_INFOROM_IMAGE_VER DCGM_FI_DEV_LOW_UTIL_VIOLATION " +
  "DCGM_FI_DEV_MEMORY_TEMP DCGM_FI_DEV_MEM_CLOCK DCGM_FI_DEV_MEM_COPY_UTIL DCGM_FI_DEV_NVLINK_BANDWIDTH_L0 DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL " +
  "DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL " +
  "DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL DCGM_FI_DEV_OEM_INFOROM_VER DCGM_FI_DEV_PCIE_REPLAY_COUNTER DCGM_FI_DEV_POWER_INFOROM_VER " +
  "DCGM_FI_DEV_POWER_USAGE DCGM_FI_DEV_POWER_VIOLATION DCGM_FI_DEV_RELIABILITY_VIOLATION DCGM_FI_DEV_RETIRED_DBE DCGM_FI_DEV_RETIRED_PENDING " +
  "DCGM_FI_DEV_RETIRED_SBE DCGM_FI_DEV_ROW_REMAP_FAILURE DCGM_FI_DEV_SERIAL DCGM_FI_DEV_SM_CLOCK DCGM_FI_DEV_SYNC_BOOST_VIOLATION " +
  "DCGM_FI_DEV_THERMAL_VIOLATION DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS DCGM_FI_DEV_VBIOS_VERSION " +
  "DCGM_FI_DEV_VGPU_LICENSE_STATUS DCGM_FI_DEV_XID_ERRORS DCGM_FI_DRIVER_VERSION DCGM_FI_NVML_VERSION DCGM_FI_PROF_DRAM_ACTIVE " +
  "DCGM_FI_PROF_GR_ENGINE_ACTIVE DCGM_FI_PROF_PCIE_RX_BYTES DCGM_FI_PROF_PCIE_TX_BYTES DCGM_FI_PROF_PIPE_FP16_ACTIVE DCGM_FI_PROF_PIPE_FP32_ACTIVE " +
  "DCGM_FI_PROF_PIPE_FP64_ACTIVE DCGM_FI_PROF_PIPE_TENSOR_ACTIVE DCGM_FI_PROF_SM_ACTIVE DCGM_FI_PROF_SM_OCCUPANCY"
).split(" ")

const field = (name: string): DcgmField.Field => Option.getOrThrow(DcgmField.lookup(name))

describe("DcgmField", () => {
  it("knows every field dcgm-exporter ships in its metric lists", () => {
    assert.lengthOf(shippedByDcgmExporter, 61)
    assert.deepStrictEqual(shippedByDcgmExporter.filter((name) => !DcgmField.isKnown(name)), [])
  })

  it("covers go-dcgm's current and legacy tables, the exporter's counters and WhaTap's field", () => {
    assert.isAbove(DcgmField.names.length, 1000)
    assert.deepStrictEqual(field("DCGM_FI_DEV_GPU_UTIL"), { name: "DCGM_FI_DEV_GPU_UTIL", id: 203, source: "dcgm-legacy" })
    assert.strictEqual(field("DCGM_FI_DEV_MIG_MODE").source, "dcgm")
    assert.strictEqual(field("dcgm_sm_clock").id, 100)
    assert.deepStrictEqual(field("DCGM_EXP_P2P_STATUS"), { name: "DCGM_EXP_P2P_STATUS", id: 9004, source: "dcgm-exporter" })
    assert.deepStrictEqual(field("DCGM_FI_DEV_WEIGHTED_GPU_UTIL"), { name: "DCGM_FI_DEV_WEIGHTED_GPU_UTIL", id: 9003, source: "whatap" })
    assert.isTrue(Option.isNone(DcgmField.lookup("DCGM_FI_DEV_GPU_UTILIZATION_PERCENT")))
    assert.isFalse(DcgmField.isKnown("dcgm_fi_dev_gpu_util"), "names are case-sensitive, as in the exporter")
  })

  it("names are sorted and unique", () => {
    assert.deepStrictEqual([...DcgmField.names].sort(), DcgmField.names)
    assert.strictEqual(new Set(DcgmField.names).size, DcgmField.names.length)
  })

  it("sameField: a legacy name and its current name are one field; exporter codes are their own space", () => {
    assert.isTrue(DcgmField.sameField(field("DCGM_FI_DEV_NAME"), field("DCGM_FI_DEV_GPU_NAME")))
    assert.isTrue(DcgmField.sameField(field("DCGM_FI_DEV_SM_CLOCK"), field("dcgm_sm_clock")))
    assert.isFalse(DcgmField.sameField(field("DCGM_FI_DEV_SM_CLOCK"), field("DCGM_FI_DEV_MEM_CLOCK")))
    assert.isFalse(DcgmField.sameField(field("DCGM_FI_DEV_WEIGHTED_GPU_UTIL"), field("DCGM_EXP_GPU_HEALTH_STATUS")), "both 9003, different tables")
  })

  it("nearest suggests a close name and nothing for a far one", () => {
    assert.deepStrictEqual(DcgmField.nearest("DCGM_FI_DEV_GPU_UTLI"), Option.some("DCGM_FI_DEV_GPU_UTIL"))
    assert.deepStrictEqual(DcgmField.nearest("dcgm_fi_dev_fb_used"), Option.some("DCGM_FI_DEV_FB_USED"))
    assert.isTrue(Option.isNone(DcgmField.nearest("SOMETHING_ELSE_ENTIRELY")))
  })
})
