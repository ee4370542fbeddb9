/**
 * Test builders for the scrape configuration: CRs are decoded with core's `Decode.as`,
 * so CRD defaults (`enabled: true` of inline targets, `addNodeLabel: false`, ...) are
 * applied exactly as the API server applies them in production.
 */
import { Decode } from "@whatap-operator/core"
import type { Monitors as CoreMonitors, WhatapAgent } from "@whatap-operator/core"
import { Option } from "effect"
import { readFileSync } from "node:fs"
import YAML from "yaml"
import type { Monitors } from "../../src/render/scrape/ScrapeConfig.ts"

const apiVersion = "monitoring.whatap.com/v2alpha1"

type Kind = "WhatapAgent" | "WhatapPodMonitor" | "WhatapServiceMonitor" | "WhatapStaticEndpoint"

export const decode = <K extends Kind>(kind: K, input: unknown): Decode.TypeOf<K> => {
  const result = Decode.as(kind, input)
  if (Option.isNone(result.value)) {
    throw new Error(`test input does not decode: ${JSON.stringify(result.findings)}`)
  }
  return result.value.value
}

export const fixture = (file: string): string =>
  readFileSync(new URL(`../fixtures/scrape/${file}`, import.meta.url), "utf8")

export interface Cluster {
  readonly agent: WhatapAgent.WhatapAgent
  readonly monitors: Monitors
}

/** A multi-document fixture: one WhatapAgent and any monitors, each decoded by its kind. */
export const cluster = (file: string): Cluster => {
  const docs: ReadonlyArray<unknown> = YAML.parseAllDocuments(fixture(file)).map((doc) => doc.toJS())
  const kindOf = (d: unknown): unknown => (typeof d === "object" && d !== null && "kind" in d ? d.kind : undefined)
  const of = <K extends Kind>(kind: K) => docs.filter((d) => kindOf(d) === kind).map((d) => decode(kind, d))
  const [agent] = of("WhatapAgent")
  if (agent === undefined) throw new Error(`${file} has no WhatapAgent`)
  return {
    agent,
    monitors: {
      podMonitors: of("WhatapPodMonitor"),
      serviceMonitors: of("WhatapServiceMonitor"),
      staticEndpoints: of("WhatapStaticEndpoint")
    }
  }
}

export const noMonitors: Monitors = { podMonitors: [], serviceMonitors: [], staticEndpoints: [] }

/** A WhatapAgent named `whatap` with the given `features`. */
export const agent = (features: Record<string, unknown>): WhatapAgent.WhatapAgent =>
  decode("WhatapAgent", { apiVersion, kind: "WhatapAgent", metadata: { name: "whatap" }, spec: { features } })

/** `k8sAgent` with the required component blocks and the given GPU monitoring. */
export const k8sAgent = (gpuMonitoring: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  masterAgent: { enabled: false },
  nodeAgent: { enabled: true },
  gpuMonitoring,
  ...extra
})

const metadata = (namespace: string, name: string) => ({ name, namespace })

export const podMonitor = (namespace: string, name: string, spec: Record<string, unknown>): CoreMonitors.WhatapPodMonitor =>
  decode("WhatapPodMonitor", { apiVersion, kind: "WhatapPodMonitor", metadata: metadata(namespace, name), spec })

export const serviceMonitor = (
  namespace: string,
  name: string,
  spec: Record<string, unknown>
): CoreMonitors.WhatapServiceMonitor =>
  decode("WhatapServiceMonitor", { apiVersion, kind: "WhatapServiceMonitor", metadata: metadata(namespace, name), spec })

export const staticEndpoint = (
  namespace: string,
  name: string,
  spec: Record<string, unknown>
): CoreMonitors.WhatapStaticEndpoint =>
  decode("WhatapStaticEndpoint", { apiVersion, kind: "WhatapStaticEndpoint", metadata: metadata(namespace, name), spec })
