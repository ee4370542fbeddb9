/**
 * Identity of the four WhaTap kinds: API group, version, names and scope. Every other
 * module (decoder, CRD generator, CLI, controllers) takes these from here.
 */
export const group = "monitoring.whatap.com"
export const version = "v2alpha1"
export const apiVersion = `${group}/${version}` as const

export const kinds = ["WhatapAgent", "WhatapPodMonitor", "WhatapServiceMonitor", "WhatapStaticEndpoint"] as const
export type Kind = (typeof kinds)[number]

/**
 * Whether `u` names one of the four kinds.
 *
 * @example
 * ```ts
 * import { Resource } from "@whatap-operator/core"
 *
 * Resource.isKind("WhatapAgent") // => true
 * Resource.isKind("Pod") // => false
 * ```
 */
export const isKind = (u: unknown): u is Kind => typeof u === "string" && (kinds as ReadonlyArray<string>).includes(u)

export interface Names {
  readonly kind: Kind
  readonly listKind: string
  readonly plural: string
  readonly singular: string
  readonly shortNames: ReadonlyArray<string>
  readonly scope: "Cluster" | "Namespaced"
}

const names = (kind: Kind, scope: Names["scope"], shortNames: ReadonlyArray<string>): Names => ({
  kind,
  listKind: `${kind}List`,
  plural: `${kind.toLowerCase()}s`,
  singular: kind.toLowerCase(),
  shortNames,
  scope
})

/** Short names are additions (the Go CRDs have none); they never clash with core kinds. */
export const byKind: { readonly [K in Kind]: Names } = {
  WhatapAgent: names("WhatapAgent", "Cluster", ["wa"]),
  WhatapPodMonitor: names("WhatapPodMonitor", "Namespaced", ["wpm"]),
  WhatapServiceMonitor: names("WhatapServiceMonitor", "Namespaced", ["wsm"]),
  WhatapStaticEndpoint: names("WhatapStaticEndpoint", "Namespaced", ["wse"])
}

/**
 * `whatapagents.monitoring.whatap.com`
 *
 * @example
 * ```ts
 * import { Resource } from "@whatap-operator/core"
 *
 * Resource.crdName("WhatapPodMonitor") // => "whatappodmonitors.monitoring.whatap.com"
 * ```
 */
export const crdName = (kind: Kind): string => `${byKind[kind].plural}.${group}`
