/**
 * @whatap-operator/operator: the pure render of every object the operator creates for a
 * WhatapAgent, the controllers that apply it, and the runtime around them.
 */
export * as Render from "./render/Render.ts"
export * as Operator from "./Operator.ts"
export * as OperatorConfig from "./Config.ts"
export * as LeaderElection from "./runtime/LeaderElection.ts"
export * as WorkQueue from "./runtime/WorkQueue.ts"
export * as Backoff from "./runtime/Backoff.ts"
export * as Prometheus from "./runtime/Prometheus.ts"
