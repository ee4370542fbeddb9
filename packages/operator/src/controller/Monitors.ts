/**
 * The monitor CRs (WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint) from the
 * caches, decoded with the CRD defaults applied. A monitor that does not decode, or that the
 * validator finds an error in (D1: a TLS Secret reference without a name, a key such as
 * `../x`, which would make the OpenAgent Deployment one the API server refuses, for every
 * target), is left out of the scrape configuration, never fatal to the agent: it comes back
 * as `skipped`, for the OpenAgentReady condition (`sentence`) and a Warning Event on the
 * monitor itself, so `kubectl describe` of either says why it is not scraped.
 */
import { Effect, Option } from "effect"
import { Decode, Finding, Resource, Validate } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"
import type * as ScrapeConfig from "../render/scrape/ScrapeConfig.ts"
import { Caches } from "./Caches.ts"

/** A monitor left out of the scrape configuration, and why (its first errors). */
export interface Skipped {
  readonly object: KubeObject.KubeObject
  readonly kind: Resource.Kind
  /** `namespace/name` */
  readonly where: string
  readonly why: string
}

export interface FromCaches {
  readonly monitors: ScrapeConfig.Monitors
  /** in the caches' order: by kind, then as listed */
  readonly skipped: ReadonlyArray<Skipped>
}

type Decoded<K extends Resource.Kind> = { readonly value: Decode.TypeOf<K> } | { readonly skipped: Skipped }

const errors = (findings: ReadonlyArray<Finding.Finding>) => findings.filter((f) => f.severity === "error")

const decodeOne = <K extends Resource.Kind>(kind: K, object: KubeObject.KubeObject): Decoded<K> => {
  // the validator reports what does not decode too; only a valid monitor is decoded
  const invalid = errors(Validate.resource(object))
  const decoded = invalid.length === 0 ? Decode.as(kind, object) : undefined
  if (decoded !== undefined && Option.isSome(decoded.value)) return { value: decoded.value.value }
  const problems = decoded === undefined ? invalid : errors(decoded.findings)
  const why = problems.map((f) => `${Finding.formatPath(f.path)}: ${f.message}`).slice(0, 3).join("; ")
  return { skipped: { object, kind, where: `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`, why } }
}

const decodeAll = <K extends Resource.Kind>(kind: K, objects: ReadonlyArray<KubeObject.KubeObject>, skipped: Array<Skipped>) => {
  const values: Array<Decode.TypeOf<K>> = []
  for (const object of objects) {
    const one = decodeOne(kind, object)
    if ("value" in one) values.push(one.value)
    else skipped.push(one.skipped)
  }
  return values
}

export const fromCaches: Effect.Effect<FromCaches, never, Caches> = Effect.gen(function*() {
  const caches = yield* Caches
  const skipped: Array<Skipped> = []
  const monitors: ScrapeConfig.Monitors = {
    podMonitors: decodeAll("WhatapPodMonitor", yield* caches.podMonitors.list, skipped),
    serviceMonitors: decodeAll("WhatapServiceMonitor", yield* caches.serviceMonitors.list, skipped),
    staticEndpoints: decodeAll("WhatapStaticEndpoint", yield* caches.staticEndpoints.list, skipped)
  }
  return { monitors, skipped }
})

/** Monitors a condition message names before it counts the rest. */
const named = 3

/**
 * What OpenAgentReady adds while monitors are left out: the first few, by kind and name,
 * then how many more (the reasons are on each monitor's Event). Undefined when none is.
 */
export const sentence = (skipped: ReadonlyArray<Skipped>): string | undefined => {
  if (skipped.length === 0) return undefined
  const shown = skipped.slice(0, named).map((s) => `${s.kind} ${s.where}`).join(", ")
  const more = skipped.length > named ? ` and ${skipped.length - named} more` : ""
  const count = skipped.length === 1 ? "1 monitor is" : `${skipped.length} monitors are`
  return `${count} left out of the scrape configuration for errors (see their events): ${shown}${more}`
}

/** The reason of the Warning Event on a skipped monitor. */
export const skippedReason = "InvalidMonitor"

/** The Warning Event's message on a skipped monitor. */
export const eventMessage = (s: Skipped): string => `left out of the OpenAgent's scrape configuration: ${s.why}`
