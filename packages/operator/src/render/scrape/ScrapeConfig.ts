/**
 * The OpenAgent scrape configuration (`scrape_config.yaml`, spec 4.10): the contract
 * between the operator and OpenAgent, written byte for byte as the Go operator writes
 * it (yaml.v2 formatting, keys sorted in every map), and the TLS Secrets the OpenAgent
 * pod must mount for it (spec 4.9).
 *
 * Targets in order: enabled inline targets (spec order), WhatapPodMonitors,
 * WhatapServiceMonitors, WhatapStaticEndpoints, then the automatic GPU target.
 * Deliberate difference D3: monitor CRs are sorted by namespace, then name (the Go
 * operator used informer-cache order, so the ConfigMap could change between
 * reconciles), and the TLS Secrets by name (Go map order).
 */
import type { Monitors as CoreMonitors, Scrape, WhatapAgent } from "@whatap-operator/core"
import { gpuTarget } from "./internal/gpuTarget.ts"
import * as Targets from "./internal/scrapeTargets.ts"
import * as Yaml from "./Yaml.ts"

/** Every monitor CR in the cluster (all namespaces), in any order. */
export interface Monitors {
  readonly podMonitors: ReadonlyArray<CoreMonitors.WhatapPodMonitor>
  readonly serviceMonitors: ReadonlyArray<CoreMonitors.WhatapServiceMonitor>
  readonly staticEndpoints: ReadonlyArray<CoreMonitors.WhatapStaticEndpoint>
}

/** A Secret to mount at /etc/ssl/certs/<name>, with the keys the endpoints reference. */
export interface TlsSecret {
  readonly name: string
  readonly keys: ReadonlyArray<string>
}

interface Named {
  readonly metadata: { readonly namespace?: string; readonly name?: string }
}

const byNamespaceThenName = <A extends Named>(items: ReadonlyArray<A>): ReadonlyArray<A> =>
  [...items].sort(
    (a, b) =>
      Yaml.compareKeys(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
      Yaml.compareKeys(a.metadata.name ?? "", b.metadata.name ?? "")
  )

const inlineTargets = (agent: WhatapAgent.WhatapAgent) => agent.spec.features.openAgent?.targets ?? []

/** The document as `scrape_config.yaml` carries it; `namespace` is the operator's namespace. */
export const render = (agent: WhatapAgent.WhatapAgent, monitors: Monitors, namespace: string): string => {
  const emitted: ReadonlyArray<Targets.Target> = [
    ...inlineTargets(agent).filter((t) => t.enabled).map(Targets.inline),
    ...byNamespaceThenName(monitors.podMonitors).map((m) => Targets.monitor(m, "PodMonitor")),
    ...byNamespaceThenName(monitors.serviceMonitors).map((m) => Targets.monitor(m, "ServiceMonitor")),
    ...byNamespaceThenName(monitors.staticEndpoints).map(Targets.staticEndpoint)
  ]
  const targets = [...emitted.map((t) => t.yaml), ...gpuTarget(agent, emitted, namespace)]
  const openAgent = Yaml.mapping([
    ["enabled", agent.spec.features.openAgent?.enabled ?? false],
    ...(targets.length > 0 ? [["targets", targets] as const] : [])
  ])
  return Yaml.stringify(Yaml.mapping([["features", Yaml.mapping([["openAgent", openAgent]])]]))
}

const secretRefs = (endpoints: ReadonlyArray<Scrape.Endpoint> | undefined): ReadonlyArray<Scrape.SecretKeySelector> =>
  (endpoints ?? []).flatMap((ep) => {
    const tls = ep.tlsConfig
    return tls === undefined ? [] : [tls.caSecret, tls.certSecret, tls.keySecret].filter((s) => s !== undefined)
  })

/**
 * Secrets referenced by `tlsConfig.caSecret/certSecret/keySecret` of every inline
 * target (disabled ones too), WhatapPodMonitor and WhatapServiceMonitor, grouped by
 * Secret name (the selector's namespace is ignored: the Secret must live in the
 * operator's namespace), keys in first-seen order. WhatapStaticEndpoints are left out,
 * as in the Go operator.
 */
export const tlsSecrets = (agent: WhatapAgent.WhatapAgent, monitors: Monitors): ReadonlyArray<TlsSecret> => {
  const refs = [
    ...inlineTargets(agent).flatMap((t) => secretRefs(t.endpoints)),
    ...byNamespaceThenName(monitors.podMonitors).flatMap((m) => secretRefs(m.spec.endpoints)),
    ...byNamespaceThenName(monitors.serviceMonitors).flatMap((m) => secretRefs(m.spec.endpoints))
  ]
  const keys = new Map<string, Array<string>>()
  for (const ref of refs) {
    const seen = keys.get(ref.name) ?? []
    if (!seen.includes(ref.key)) seen.push(ref.key)
    keys.set(ref.name, seen)
  }
  return [...keys.entries()]
    .sort(([a], [b]) => Yaml.compareKeys(a, b))
    .map(([name, secretKeys]) => ({ name, keys: secretKeys }))
}
