/**
 * The monitor CRs (WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint) from the
 * caches, decoded with the CRD defaults applied. A monitor that does not decode, or that the
 * validator finds an error in (D1: a TLS Secret reference without a name, a key such as
 * `../x`, which would make the OpenAgent Deployment one the API server refuses, for every
 * target), is left out of the scrape configuration and logged (once per resourceVersion would
 * need state; the log is rate-limited by the reconcile rate instead), never fatal to the agent.
 */
import { Effect, Option } from "effect"
import { Decode, Finding, Resource, Validate } from "@whatap-operator/core"
import type { KubeObject } from "@whatap-operator/kube"
import type * as ScrapeConfig from "../render/scrape/ScrapeConfig.ts"
import { Caches } from "./Caches.ts"

const decodeAll = <K extends Resource.Kind>(kind: K, objects: ReadonlyArray<KubeObject.KubeObject>) =>
  Effect.forEach(objects, (object) => {
    // the validator reports what does not decode too; only a valid monitor is decoded
    const errors = (findings: ReadonlyArray<Finding.Finding>) => findings.filter((f) => f.severity === "error")
    const invalid = errors(Validate.resource(object))
    const decoded = invalid.length === 0 ? Decode.as(kind, object) : undefined
    if (decoded !== undefined && Option.isSome(decoded.value)) return Effect.succeed([decoded.value.value])
    const problems = decoded === undefined ? invalid : errors(decoded.findings)
    const where = `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`
    const why = problems.map((f) => `${Finding.formatPath(f.path)}: ${f.message}`).slice(0, 3).join("; ")
    return Effect.as(Effect.logWarning(`skipping ${kind} ${where} in the scrape configuration: ${why}`), [])
  }).pipe(Effect.map((lists) => lists.flat()))

export const fromCaches: Effect.Effect<ScrapeConfig.Monitors, never, Caches> = Effect.gen(function*() {
  const caches = yield* Caches
  return {
    podMonitors: yield* decodeAll("WhatapPodMonitor", yield* caches.podMonitors.list),
    serviceMonitors: yield* decodeAll("WhatapServiceMonitor", yield* caches.serviceMonitors.list),
    staticEndpoints: yield* decodeAll("WhatapStaticEndpoint", yield* caches.staticEndpoints.list)
  }
})
