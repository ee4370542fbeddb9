/**
 * @whatap-operator/kube: the only port to the Kubernetes API server (the only importer of
 * @kubernetes/client-node). Raw JSON objects in and out, one tagged error, informers as
 * Streams with restart, server-side apply.
 */
export * as ApiResource from "./ApiResource.ts"
export * from "./KubeClient.ts"
export * from "./KubeError.ts"
export * as KubeObject from "./KubeObject.ts"
export { KubeMemory } from "./KubeMemory.ts"
export type { Call as MemoryCall, Fault as MemoryFault, Shape as MemoryShape } from "./KubeMemory.ts"
export * as MergeKeys from "./MergeKeys.ts"
export * as ServerSideApply from "./ServerSideApply.ts"
export * as Informer from "./Informer.ts"
export * from "./KubeConfigError.ts"
export type { Options as LiveOptions, RequestEvent, RetryOptions, Verb } from "./internal/live.ts"
