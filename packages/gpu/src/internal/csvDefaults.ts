/**
 * The default dcgm-exporter field list (spec 6.3, manifests/Helm variant, PSTATE once),
 * grouped as the file is; Csv.defaults is the public name. The help texts are ours: the
 * exporter prints them as the HELP line of each series.
 */
import type { Group } from "../Csv.ts"

export const defaultGroups: ReadonlyArray<Group> = [
  { title: "Identity and mode of the device", metrics: [
    { field: "DCGM_FI_DRIVER_VERSION", type: "label", help: "Driver version." },
    { field: "DCGM_FI_NVML_VERSION", type: "label", help: "NVML version." },
    { field: "DCGM_FI_DEV_NAME", type: "label", help: "Device name." },
    { field: "DCGM_FI_DEV_SERIAL", type: "label", help: "Device serial number." },
    { field: "DCGM_FI_DEV_UUID", type: "label", help: "Device UUID." },
    { field: "DCGM_FI_DEV_COMPUTE_MODE", type: "label", help: "Compute mode." },
    { field: "DCGM_FI_DEV_PERSISTENCE_MODE", type: "label", help: "Persistence mode." },
    { field: "DCGM_FI_DEV_VIRTUAL_MODE", type: "label", help: "Virtualization mode." },
    { field: "DCGM_FI_DEV_MIG_MODE", type: "label", help: "MIG mode." },
    { field: "DCGM_FI_DEV_MIG_MAX_SLICES", type: "label", help: "Maximum number of MIG slices." },
    { field: "DCGM_FI_DEV_MIG_GI_INFO", type: "label", help: "MIG GPU instance information." },
    { field: "DCGM_FI_DEV_MIG_CI_INFO", type: "label", help: "MIG compute instance information." }
  ] },
  { title: "Clocks", metrics: [
    { field: "DCGM_FI_DEV_SM_CLOCK", type: "gauge", help: "SM clock (MHz)." },
    { field: "DCGM_FI_DEV_MEM_CLOCK", type: "gauge", help: "Memory clock (MHz)." },
    { field: "DCGM_FI_DEV_VIDEO_CLOCK", type: "gauge", help: "Video clock (MHz)." }
  ] },
  { title: "Power, performance state, fan and temperature", metrics: [
    { field: "DCGM_FI_DEV_POWER_USAGE", type: "gauge", help: "Power draw (W)." },
    { field: "DCGM_FI_DEV_PSTATE", type: "gauge", help: "Performance state (P-state)." },
    { field: "DCGM_FI_DEV_FAN_SPEED", type: "gauge", help: "Fan speed (%)." },
    { field: "DCGM_FI_DEV_GPU_TEMP", type: "gauge", help: "GPU temperature (C)." }
  ] },
  { title: "Utilization", metrics: [
    { field: "DCGM_FI_DEV_GPU_UTIL", type: "gauge", help: "GPU utilization (%)." },
    { field: "DCGM_FI_DEV_WEIGHTED_GPU_UTIL", type: "gauge", help: "GPU utilization weighted by MIG slice size for MIG and non-MIG devices (ratio 0-1)." },
    { field: "DCGM_FI_DEV_MEM_COPY_UTIL", type: "gauge", help: "Memory copy engine utilization (%)." },
    { field: "DCGM_FI_DEV_ENC_UTIL", type: "gauge", help: "Encoder utilization (%)." },
    { field: "DCGM_FI_DEV_DEC_UTIL", type: "gauge", help: "Decoder utilization (%)." }
  ] },
  { title: "PCIe and NVLink traffic", metrics: [
    { field: "DCGM_FI_PROF_PCIE_TX_BYTES", type: "counter", help: "Bytes sent over PCIe." },
    { field: "DCGM_FI_PROF_PCIE_RX_BYTES", type: "counter", help: "Bytes received over PCIe." },
    { field: "DCGM_FI_PROF_NVLINK_TX_BYTES", type: "counter", help: "Bytes sent over NVLink." },
    { field: "DCGM_FI_PROF_NVLINK_RX_BYTES", type: "counter", help: "Bytes received over NVLink." }
  ] },
  { title: "Frame buffer and BAR1 memory", metrics: [
    { field: "DCGM_FI_DEV_FB_TOTAL", type: "gauge", help: "Total frame buffer memory (MiB)." },
    { field: "DCGM_FI_DEV_FB_FREE", type: "gauge", help: "Free frame buffer memory (MiB)." },
    { field: "DCGM_FI_DEV_FB_USED", type: "gauge", help: "Used frame buffer memory (MiB)." },
    { field: "DCGM_FI_DEV_FB_RESERVED", type: "gauge", help: "Reserved frame buffer memory (MiB)." },
    { field: "DCGM_FI_DEV_FB_USED_PERCENT", type: "gauge", help: "Frame buffer memory used (%)." },
    { field: "DCGM_FI_DEV_BAR1_TOTAL", type: "gauge", help: "Total BAR1 memory (MiB)." },
    { field: "DCGM_FI_DEV_BAR1_FREE", type: "gauge", help: "Free BAR1 memory (MiB)." },
    { field: "DCGM_FI_DEV_BAR1_USED", type: "gauge", help: "Used BAR1 memory (MiB)." }
  ] },
  { title: "ECC errors", metrics: [
    { field: "DCGM_FI_DEV_ECC_SBE_AGG_TOTAL", type: "counter", help: "Persistent single-bit ECC errors in total." },
    { field: "DCGM_FI_DEV_ECC_DBE_AGG_TOTAL", type: "counter", help: "Persistent double-bit ECC errors in total." }
  ] },
  { title: "Profiling: engine and pipe activity", metrics: [
    { field: "DCGM_FI_PROF_GR_ENGINE_ACTIVE", type: "gauge", help: "Share of time the graphics engine is active." },
    { field: "DCGM_FI_PROF_SM_ACTIVE", type: "gauge", help: "Share of cycles an SM has at least one warp assigned." },
    { field: "DCGM_FI_PROF_SM_OCCUPANCY", type: "gauge", help: "Resident warps per SM relative to the maximum." },
    { field: "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", type: "gauge", help: "Share of cycles the tensor pipes are active." },
    { field: "DCGM_FI_PROF_DRAM_ACTIVE", type: "gauge", help: "Share of cycles the device memory interface is active." },
    { field: "DCGM_FI_PROF_PIPE_FP64_ACTIVE", type: "gauge", help: "Share of cycles the FP64 pipes are active." },
    { field: "DCGM_FI_PROF_PIPE_FP32_ACTIVE", type: "gauge", help: "Share of cycles the FP32 pipes are active." },
    { field: "DCGM_FI_PROF_PIPE_FP16_ACTIVE", type: "gauge", help: "Share of cycles the FP16 pipes are active." }
  ] }
]

