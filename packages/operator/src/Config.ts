/**
 * How one operator process runs: its namespace (where the agents and the webhook plumbing
 * live), how the API server reaches its webhook, its identity for leader election and
 * Events, and the timings of the control loop. Built by `whatapctl run` from flags and
 * the environment; a plain value in tests.
 */
import { Context, Duration, Layer, Redacted } from "effect"
import type { Inject } from "@whatap-operator/injector"
import { Naming } from "@whatap-operator/core"
import * as WebhookTls from "./controller/WebhookTls.ts"
import type { WebhookEndpoint } from "./render/Render.ts"

export interface LeaderElectionOptions {
  readonly enabled: boolean
  readonly namespace: string
  readonly name: string
  readonly leaseDuration: Duration.Duration
  readonly renewDeadline: Duration.Duration
  readonly retryPeriod: Duration.Duration
}

export interface Shape {
  readonly namespace: string
  /** hostname-suffix: the lease holder and the Events' reportingInstance. */
  readonly identity: string
  readonly webhook: WebhookEndpoint
  /** Every WhatapAgent is reconciled at least this often (drift the watches missed). */
  readonly resyncPeriod: Duration.Duration
  /** WhatapAgents reconciled at once. */
  readonly concurrency: number
  /** After a pod or namespace change, status counts are refreshed this much later (batched). */
  readonly statusDelay: Duration.Duration
  readonly leaderElection: LeaderElectionOptions
  /** Lifetimes of the webhook CA and serving certificate (short ones only in tests). */
  readonly webhookValidity: WebhookTls.Validity
  /** The operator's own WHATAP_LICENSE/HOST/PORT: what the webhook injects when a target names none (spec 5.7). */
  readonly credentials: Inject.Credentials
  /** Where this process serves the admission webhooks; undefined: not served. */
  readonly webhookServer: { readonly host: string | undefined; readonly port: number } | undefined
  /** The leader restarts node-agent pods whose dcgm-exporter nears its memory limit (spec 6.6, ADR 0010). */
  readonly gpuMemoryCheck: boolean
}

export class OperatorConfig extends Context.Service<OperatorConfig, Shape>()("@whatap-operator/operator/OperatorConfig") {
  static readonly layer = (config: Shape) => Layer.succeed(OperatorConfig, OperatorConfig.of(config))
}

export const defaults = (namespace: string, identity: string): Shape => ({
  namespace,
  identity,
  webhook: { mode: "service" },
  resyncPeriod: Duration.minutes(5),
  concurrency: 2,
  statusDelay: Duration.seconds(2),
  leaderElection: {
    enabled: true,
    namespace,
    name: Naming.leaderElectionLease,
    leaseDuration: Duration.seconds(10),
    renewDeadline: Duration.seconds(8),
    retryPeriod: Duration.seconds(2)
  },
  webhookValidity: WebhookTls.defaultValidity,
  credentials: { license: Redacted.make(""), host: "", port: "" },
  webhookServer: { host: undefined, port: Naming.webhook.targetPort },
  gpuMemoryCheck: false
})

/** The environment variable that gives `--enable-gpu-memory-check` its default (spec 2.1). */
export const gpuMemoryCheckEnv = "ENABLED_WHATAP_DCGM_EXPORTER_MEMORY_CHECK"

/**
 * Go's `strconv.ParseBool`, which the Go operator applied to `gpuMemoryCheckEnv`:
 * `1 t T TRUE true True` and `0 f F FALSE false False`; anything else is none (the Go
 * operator then kept the default, false).
 */
export const parseBool = (text: string): boolean | undefined =>
  ["1", "t", "T", "TRUE", "true", "True"].includes(text) ? true
    : ["0", "f", "F", "FALSE", "false", "False"].includes(text) ? false
    : undefined
