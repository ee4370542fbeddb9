/**
 * What `whatapctl version` reports and SARIF names as the tool: the CLI's own version
 * (kept equal to packages/cli/package.json by a test), the CRD schema version and the
 * operator's default images (spec §3.2-§3.3).
 */
export const name = "whatapctl"
export const version = "0.1.0"
/** equal to core's `Resource.apiVersion` (tested); a literal so `version` loads no schema code */
export const schema = "monitoring.whatap.com/v2alpha1"

export const defaultImages = {
  kubeAgent: "public.ecr.aws/whatap/kube_agent:latest",
  openAgent: "public.ecr.aws/whatap/open_agent:latest",
  dcgmExporter: "public.ecr.aws/whatap/dcgm-exporter:4.6.0-4.8.3-distroless",
  dcgmHostEngine: "nvcr.io/nvidia/cloud-native/dcgm:4.6.0-1-ubuntu24.04"
} as const
