/**
 * The four `apiextensions.k8s.io/v1` CustomResourceDefinitions, generated from the
 * Schema model (single source of truth) through `internal/OpenApi.ts`. Group, names and scope
 * come from `Resource.ts`; the root object mirrors controller-gen (`apiVersion`,
 * `kind`, an opaque `metadata`, nothing required), so every resource the Go CRDs
 * accept is accepted here. Output is plain JSON data: callers serialise it (the
 * repository's YAML copies are written by `scripts/write-crds.ts`).
 */
import type { Schema } from "effect"
import { MonitorSpec, MonitorStatus, StaticEndpointSpec } from "./Monitors.ts"
import * as OpenApi from "./internal/OpenApi.ts"
import * as Resource from "./Resource.ts"
import { WhatapAgentSpec, WhatapAgentStatus } from "./WhatapAgent.ts"

export type CustomResourceDefinition = Record<string, unknown>

interface Parts {
  readonly description: string
  readonly spec: Schema.Top
  readonly status: Schema.Top
  readonly printerColumns: ReadonlyArray<Record<string, unknown>>
}

const age = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }

/** A printer column showing one field of the condition of `type`. */
const condition = (name: string, type: string, field: "status" | "reason") =>
  ({ name, type: "string", jsonPath: `.status.conditions[?(@.type=="${type}")].${field}` })

const parts: { readonly [K in Resource.Kind]: Parts } = {
  WhatapAgent: {
    description: "WhatapAgent installs and runs WhaTap monitoring (K8s agents, GPU, OpenAgent, APM injection).",
    spec: WhatapAgentSpec,
    status: WhatapAgentStatus,
    // The conditions of D7: Ready's status and reason, then each component's reason
    // (Available, Progressing, Disabled, ...), which says more than True/False.
    printerColumns: [
      condition("Ready", "Ready", "status"),
      condition("Reason", "Ready", "reason"),
      condition("Master", "MasterAgentReady", "reason"),
      condition("Node", "NodeAgentReady", "reason"),
      condition("GPU", "GpuMonitoringReady", "reason"),
      condition("OpenAgent", "OpenAgentReady", "reason"),
      condition("APM", "InstrumentationReady", "reason"),
      { ...condition("Certificate", "WebhookCertificateValid", "reason"), priority: 1 },
      { name: "Injected", type: "integer", jsonPath: ".status.instrumentation.injectedPods", priority: 1 },
      { name: "Missed", type: "integer", jsonPath: ".status.instrumentation.missedPods", priority: 1 },
      { name: "Message", type: "string", jsonPath: ".status.conditions[?(@.type==\"Ready\")].message", priority: 1 },
      age
    ]
  },
  WhatapPodMonitor: {
    description: "WhatapPodMonitor declares pods whose metrics the WhaTap OpenAgent scrapes.",
    spec: MonitorSpec,
    status: MonitorStatus,
    printerColumns: [age]
  },
  WhatapServiceMonitor: {
    description: "WhatapServiceMonitor declares services whose endpoints the WhaTap OpenAgent scrapes.",
    spec: MonitorSpec,
    status: MonitorStatus,
    printerColumns: [age]
  },
  WhatapStaticEndpoint: {
    description: "WhatapStaticEndpoint declares fixed host:port targets the WhaTap OpenAgent scrapes.",
    spec: StaticEndpointSpec,
    status: MonitorStatus,
    printerColumns: [age]
  }
}

/**
 * The OpenAPI v3 schema of one kind (the `openAPIV3Schema` of its only version).
 *
 * @example
 * ```ts
 * import { Crd } from "@whatap-operator/core"
 *
 * const schema = Crd.openApiSchema("WhatapPodMonitor")
 * schema["type"] // => "object"
 * ```
 */
export const openApiSchema = (kind: Resource.Kind): Record<string, unknown> => {
  const { description, spec, status } = parts[kind]
  return {
    description,
    type: "object",
    properties: {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object" },
      spec: OpenApi.fromSchema(spec),
      status: OpenApi.fromSchema(status)
    }
  }
}

/**
 * The CustomResourceDefinition of one kind, as plain JSON data.
 *
 * @example
 * ```ts
 * import { Crd } from "@whatap-operator/core"
 *
 * const crd = Crd.generate("WhatapAgent")
 * crd["kind"] // => "CustomResourceDefinition"
 * crd["metadata"] // => { name: "whatapagents.monitoring.whatap.com" }
 * ```
 */
export const generate = (kind: Resource.Kind): CustomResourceDefinition => {
  const names = Resource.byKind[kind]
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: Resource.crdName(kind) },
    spec: {
      group: Resource.group,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: ["whatap"]
      },
      scope: names.scope,
      versions: [{
        name: Resource.version,
        served: true,
        storage: true,
        additionalPrinterColumns: parts[kind].printerColumns,
        schema: { openAPIV3Schema: openApiSchema(kind) },
        subresources: { status: {} }
      }]
    }
  }
}

/**
 * WhatapAgent, WhatapPodMonitor, WhatapServiceMonitor, WhatapStaticEndpoint, in that order.
 *
 * @example
 * ```ts
 * import { Crd } from "@whatap-operator/core"
 *
 * Crd.generateAll().length // => 4
 * ```
 */
export const generateAll = (): ReadonlyArray<CustomResourceDefinition> => Resource.kinds.map(generate)

/**
 * `monitoring.whatap.com_whatapagents.yaml`, the file name under `deploy/crds/`.
 *
 * @example
 * ```ts
 * import { Crd } from "@whatap-operator/core"
 *
 * Crd.fileName("WhatapAgent") // => "monitoring.whatap.com_whatapagents.yaml"
 * ```
 */
export const fileName = (kind: Resource.Kind): string => `${Resource.group}_${Resource.byKind[kind].plural}.yaml`

