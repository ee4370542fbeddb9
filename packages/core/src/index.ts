/**
 * @whatap-operator/core: the typed CRD model, the selector engine, validation and
 * CRD generation. No IO and no Node built-ins, so it runs under Node.js and Deno alike.
 *
 * What this module exports is the public API (`api-report.d.ts` records it, a test keeps
 * the two in sync); modules under `internal/` are not part of it (ADR 0008).
 */
export * as Finding from "./Finding.ts"
export * as LabelSyntax from "./LabelSyntax.ts"
export * as Selector from "./Selector.ts"
export * as Affinity from "./Affinity.ts"
export * as Crd from "./Crd.ts"
export * as Decode from "./Decode.ts"
export * as GpuMonitoring from "./GpuMonitoring.ts"
export * as Instrumentation from "./Instrumentation.ts"
export * as K8sAgent from "./K8sAgent.ts"
export * as KubeTypes from "./KubeTypes.ts"
export * as Monitors from "./Monitors.ts"
export * as OpenAgent from "./OpenAgent.ts"
export * as Resource from "./Resource.ts"
export * as Scrape from "./Scrape.ts"
export * as SecurityContext from "./SecurityContext.ts"
export * as WhatapAgent from "./WhatapAgent.ts"
export * as Validate from "./Validate.ts"
export * as Naming from "./Naming.ts"
export * as Images from "./Images.ts"
export * as Language from "./Language.ts"
export * as Conditions from "./Conditions.ts"
export * as RolloutRestart from "./RolloutRestart.ts"
export * as Quantity from "./Quantity.ts"
