/**
 * The dcgm-exporter field list `whatap-gpu.csv` (D9: the ConfigMap `dcgm-exporter-csv`
 * rendered when the install bundle did not provide it). The fields are those of the
 * manifests/Helm variant of spec 6.3: the MIG label fields for MIG-aware attribution and
 * `DCGM_FI_DEV_WEIGHTED_GPU_UTIL` (a field of the WhaTap exporter build). Unlike that
 * variant it lists `DCGM_FI_DEV_PSTATE` once. Lines are `FIELD, type, help`; lines that
 * start with `#` are comments to the exporter.
 */

type MetricType = "label" | "gauge" | "counter"

const groups: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, MetricType, string]>]> = [
  ["Identity and mode of the device", [
    ["DCGM_FI_DRIVER_VERSION", "label", "Driver version."],
    ["DCGM_FI_NVML_VERSION", "label", "NVML version."],
    ["DCGM_FI_DEV_NAME", "label", "Device name."],
    ["DCGM_FI_DEV_SERIAL", "label", "Device serial number."],
    ["DCGM_FI_DEV_UUID", "label", "Device UUID."],
    ["DCGM_FI_DEV_COMPUTE_MODE", "label", "Compute mode."],
    ["DCGM_FI_DEV_PERSISTENCE_MODE", "label", "Persistence mode."],
    ["DCGM_FI_DEV_VIRTUAL_MODE", "label", "Virtualization mode."],
    ["DCGM_FI_DEV_MIG_MODE", "label", "MIG mode."],
    ["DCGM_FI_DEV_MIG_MAX_SLICES", "label", "Maximum number of MIG slices."],
    ["DCGM_FI_DEV_MIG_GI_INFO", "label", "MIG GPU instance information."],
    ["DCGM_FI_DEV_MIG_CI_INFO", "label", "MIG compute instance information."]
  ]],
  ["Clocks", [
    ["DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock (MHz)."],
    ["DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock (MHz)."],
    ["DCGM_FI_DEV_VIDEO_CLOCK", "gauge", "Video clock (MHz)."]
  ]],
  ["Power, performance state, fan and temperature", [
    ["DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (W)."],
    ["DCGM_FI_DEV_PSTATE", "gauge", "Performance state (P-state)."],
    ["DCGM_FI_DEV_FAN_SPEED", "gauge", "Fan speed (%)."],
    ["DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (C)."]
  ]],
  ["Utilization", [
    ["DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (%)."],
    ["DCGM_FI_DEV_WEIGHTED_GPU_UTIL", "gauge", "GPU utilization weighted by MIG slice size for MIG and non-MIG devices (ratio 0-1)."],
    ["DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory copy engine utilization (%)."],
    ["DCGM_FI_DEV_ENC_UTIL", "gauge", "Encoder utilization (%)."],
    ["DCGM_FI_DEV_DEC_UTIL", "gauge", "Decoder utilization (%)."]
  ]],
  ["PCIe and NVLink traffic", [
    ["DCGM_FI_PROF_PCIE_TX_BYTES", "counter", "Bytes sent over PCIe."],
    ["DCGM_FI_PROF_PCIE_RX_BYTES", "counter", "Bytes received over PCIe."],
    ["DCGM_FI_PROF_NVLINK_TX_BYTES", "counter", "Bytes sent over NVLink."],
    ["DCGM_FI_PROF_NVLINK_RX_BYTES", "counter", "Bytes received over NVLink."]
  ]],
  ["Frame buffer and BAR1 memory", [
    ["DCGM_FI_DEV_FB_TOTAL", "gauge", "Total frame buffer memory (MiB)."],
    ["DCGM_FI_DEV_FB_FREE", "gauge", "Free frame buffer memory (MiB)."],
    ["DCGM_FI_DEV_FB_USED", "gauge", "Used frame buffer memory (MiB)."],
    ["DCGM_FI_DEV_FB_RESERVED", "gauge", "Reserved frame buffer memory (MiB)."],
    ["DCGM_FI_DEV_FB_USED_PERCENT", "gauge", "Frame buffer memory used (%)."],
    ["DCGM_FI_DEV_BAR1_TOTAL", "gauge", "Total BAR1 memory (MiB)."],
    ["DCGM_FI_DEV_BAR1_FREE", "gauge", "Free BAR1 memory (MiB)."],
    ["DCGM_FI_DEV_BAR1_USED", "gauge", "Used BAR1 memory (MiB)."]
  ]],
  ["ECC errors", [
    ["DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", "counter", "Persistent single-bit ECC errors in total."],
    ["DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", "counter", "Persistent double-bit ECC errors in total."]
  ]],
  ["Profiling: engine and pipe activity", [
    ["DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gauge", "Share of time the graphics engine is active."],
    ["DCGM_FI_PROF_SM_ACTIVE", "gauge", "Share of cycles an SM has at least one warp assigned."],
    ["DCGM_FI_PROF_SM_OCCUPANCY", "gauge", "Resident warps per SM relative to the maximum."],
    ["DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge", "Share of cycles the tensor pipes are active."],
    ["DCGM_FI_PROF_DRAM_ACTIVE", "gauge", "Share of cycles the device memory interface is active."],
    ["DCGM_FI_PROF_PIPE_FP64_ACTIVE", "gauge", "Share of cycles the FP64 pipes are active."],
    ["DCGM_FI_PROF_PIPE_FP32_ACTIVE", "gauge", "Share of cycles the FP32 pipes are active."],
    ["DCGM_FI_PROF_PIPE_FP16_ACTIVE", "gauge", "Share of cycles the FP16 pipes are active."]
  ]]
]

/** Every field of the list, in file order. */
export const fields: ReadonlyArray<string> = groups.flatMap(([, rows]) => rows.map(([name]) => name))

/** The file: a comment line per group, then `FIELD, type, help` lines. */
export const csv: string = groups
  .map(([title, rows]) => [`# ${title}`, ...rows.map(([name, type, help]) => `${name}, ${type}, ${help}`)].join("\n"))
  .join("\n\n") + "\n"
