/**
 * Node label sets as GPU Feature Discovery and the GPU Operator write them for an H100
 * node under each MIG strategy (GFD README "Generated Labels"; k8s-device-plugin
 * internal/lm/mig-strategy.go), shared by the NodeLabels and Planner tests.
 */
export const labelSets = {
  /** An H100 node, MIG off; plus labels of other software, which are ignored. */
  none: {
    "kubernetes.io/hostname": "gpu-1",
    "nvidia.com/gpu.present": "true",
    "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3",
    "nvidia.com/gpu.count": "8",
    "nvidia.com/gpu.memory": "81559",
    "nvidia.com/gpu.family": "hopper",
    "nvidia.com/mig.capable": "true",
    "nvidia.com/mig.strategy": "none",
    "nvidia.com/mig.config": "all-disabled",
    "nvidia.com/mig.config.state": "success"
  },
  /** Every GPU as 7 x 1g.10gb: count and memory are per MIG device. */
  single: {
    "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3-MIG-1g.10gb",
    "nvidia.com/gpu.count": "56",
    "nvidia.com/gpu.memory": "9984",
    "nvidia.com/gpu.multiprocessors": "16",
    "nvidia.com/gpu.slices.gi": "1",
    "nvidia.com/mig.capable": "true",
    "nvidia.com/mig.strategy": "single",
    "nvidia.com/mig.config": "all-1g.10gb",
    "nvidia.com/mig.config.state": "success"
  },
  /** GPU labels describe the physical GPUs; each profile has its own. */
  mixed: {
    "nvidia.com/gpu.product": "NVIDIA-H100-80GB-HBM3",
    "nvidia.com/gpu.count": "2",
    "nvidia.com/gpu.memory": "81559",
    "nvidia.com/mig.capable": "true",
    "nvidia.com/mig.strategy": "mixed",
    "nvidia.com/mig-3g.40gb.count": "1",
    "nvidia.com/mig-3g.40gb.memory": "40448",
    "nvidia.com/mig-3g.40gb.slices.gi": "3",
    "nvidia.com/mig-2g.20gb.count": "1",
    "nvidia.com/mig-1g.10gb.count": "1",
    "nvidia.com/mig-1g.10gb.engines.copy": "1",
    "nvidia.com/mig.config": "custom-mixed",
    "nvidia.com/mig.config.state": "success"
  }
} as const
