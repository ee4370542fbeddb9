/**
 * @whatap-operator/e2e: a real local Kubernetes control plane (built from upstream Go
 * modules) as a scoped Effect layer, plus the helpers the end-to-end specs share.
 */
export * as Audit from "./Audit.ts"
export * as Builder from "./Builder.ts"
export * as BuildSpec from "./BuildSpec.ts"
export { ControlPlane } from "./ControlPlane.ts"
export type { Options as ControlPlaneOptions, Shape as ControlPlaneShape } from "./ControlPlane.ts"
export { ControlPlaneError } from "./ControlPlaneError.ts"
export * as FakeNodes from "./FakeNodes.ts"
export * as Loopback from "./Loopback.ts"
export * as Manifests from "./Manifests.ts"
export * as NetworkGuard from "./NetworkGuard.ts"
export * as Promtool from "./Promtool.ts"
export * as RssMonitor from "./RssMonitor.ts"
export * as ServiceAccounts from "./ServiceAccounts.ts"
export * as Tools from "./Tools.ts"
export * as OperatorProcess from "./OperatorProcess.ts"
