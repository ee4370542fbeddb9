/**
 * The CR reference in the README, generated from the same OpenAPI schemas the CRDs are
 * (so from the Schema model's `about` descriptions and defaults): one table per kind,
 * then one per shared WhaTap type. Embedded Kubernetes types are named, not expanded
 * (`kubectl explain` shows their upstream documentation). Deterministic: the CRD
 * properties are sorted.
 *
 *   npx node packages/core/scripts/write-reference.ts   (rewrites the README section)
 *
 * `reference-sync.test.ts` fails when the README section is stale.
 */
import { isDeepStrictEqual } from "node:util"
import {
  Affinity,
  Crd,
  Instrumentation,
  K8sAgent,
  KubeTypes,
  Resource,
  Scrape,
  SecurityContext
} from "../src/index.ts"
import * as OpenApi from "../src/internal/OpenApi.ts"
import type { Schema } from "effect"

type Node = Record<string, unknown>

interface Named {
  readonly name: string
  readonly node: Node
  /** Shared WhaTap types get a table of their own; Kubernetes types are only named. */
  readonly kubernetes: string | undefined
}

const withoutDocs = (node: Node): Node => {
  const { description: _d, ...rest } = node
  return rest
}

const kube = (name: string, group: string, schema: Schema.Top): Named => ({
  name,
  node: withoutDocs(OpenApi.fromSchema(schema)),
  kubernetes: group
})
const whatap = (name: string, schema: Schema.Top): Named => ({
  name,
  node: withoutDocs(OpenApi.fromSchema(schema)),
  kubernetes: undefined
})

/** Checked in order; the shared WhaTap types are listed in the order their tables appear. */
const namedTypes: ReadonlyArray<Named> = [
  kube("Affinity", "core/v1", Affinity.Affinity),
  kube("Toleration", "core/v1", KubeTypes.Toleration),
  kube("EnvVar", "core/v1", KubeTypes.EnvVar),
  kube("ResourceRequirements", "core/v1", KubeTypes.ResourceRequirements),
  kube("PodSecurityContext", "core/v1", SecurityContext.PodSecurityContext),
  kube("SecurityContext", "core/v1", SecurityContext.SecurityContext),
  kube("LocalObjectReference", "core/v1", KubeTypes.LocalObjectReference),
  kube("LabelSelector", "meta/v1", KubeTypes.LabelSelector),
  kube("Condition", "meta/v1", KubeTypes.Condition),
  whatap("ContainerSpec", K8sAgent.ContainerSpec),
  whatap("InitContainerSecurity", Instrumentation.InitContainerSecurity),
  whatap("Endpoint", Scrape.Endpoint),
  whatap("TLSConfig", Scrape.TLSConfig),
  whatap("BasicAuthConfig", Scrape.BasicAuthConfig),
  whatap("AuthorizationConfig", Scrape.AuthorizationConfig),
  whatap("SecretKeySelector", Scrape.SecretKeySelector),
  whatap("MetricRelabelConfig", Scrape.MetricRelabelConfig),
  whatap("NamespaceSelector", Scrape.NamespaceSelector),
  whatap("PodSelector", Scrape.PodSelector),
  whatap("SelectorRequirement", Scrape.SelectorRequirement)
]

const named = (node: Node): Named | undefined => {
  const bare = withoutDocs(node)
  return namedTypes.find((t) => isDeepStrictEqual(t.node, bare))
}

const anchor = (name: string): string => `#${name.toLowerCase()}`

const typeName = (t: Named): string => (t.kubernetes === undefined ? `[${t.name}](${anchor(t.name)})` : `${t.name} (${t.kubernetes})`)

const cell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ")

const scalar = (node: Node): string => {
  if (node["x-kubernetes-int-or-string"] === true) return "quantity"
  const type = String(node["type"])
  if (Array.isArray(node["enum"])) return node["enum"].map((v) => `\`${String(v)}\``).join(", ")
  if (type === "integer" && typeof node["format"] === "string") return `integer (${node["format"]})`
  if (typeof node["format"] === "string") return `${type} (${node["format"]})`
  return type
}

/** The type column and, when the node is an unnamed object, the node to expand below it. */
const describe = (node: Node): { readonly type: string; readonly expand: Node | undefined } => {
  const t = named(node)
  if (t !== undefined) return { type: typeName(t), expand: undefined }
  if (node["type"] === "array") {
    const items = (node["items"] ?? {}) as Node
    const inner = describe(items)
    return { type: `list of ${inner.type}`, expand: inner.expand }
  }
  if (node["type"] === "object") {
    const values = node["additionalProperties"] as Node | undefined
    if (values !== undefined) return { type: `map of ${describe(values).type}`, expand: undefined }
    if (node["properties"] === undefined) return { type: "object", expand: undefined }
    return { type: "object", expand: node }
  }
  return { type: scalar(node), expand: undefined }
}

const rows = (node: Node, prefix: string): Array<string> => {
  const properties = (node["properties"] ?? {}) as Record<string, Node>
  const required = new Set((node["required"] ?? []) as ReadonlyArray<string>)
  const out: Array<string> = []
  for (const key of Object.keys(properties).sort()) {
    const child = properties[key]!
    const { type, expand } = describe(child)
    const path = expand !== undefined && child["type"] === "array" ? `${prefix}${key}[]` : `${prefix}${key}`
    const fallback = child["type"] === "array" ? (((child["items"] ?? {}) as Node)["description"] as string | undefined) : undefined
    const text = (child["description"] as string | undefined) ?? fallback ?? ""
    const dflt = child["default"] === undefined ? "" : `\`${JSON.stringify(child["default"])}\``
    out.push(`| \`${path}\` | ${cell(type)}${required.has(key) ? ", required" : ""} | ${dflt} | ${cell(text)} |`)
    if (expand !== undefined) out.push(...rows(expand, `${path}.`))
  }
  return out
}

const header = ["| Field | Type | Default | Description |", "|---|---|---|---|"]

const table = (node: Node, prefix: string): string => [...header, ...rows(node, prefix)].join("\n")

const kindSection = (kind: Resource.Kind): string => {
  const schema = Crd.openApiSchema(kind)
  const properties = schema["properties"] as Record<string, Node>
  const info = Resource.byKind[kind]
  const scope = info.scope === "Namespaced" ? "namespaced" : "cluster-scoped"
  const body = { type: "object", properties: { spec: properties["spec"]!, status: properties["status"]! } }
  return [
    `### ${kind}`,
    "",
    `\`${Resource.apiVersion}\`, ${scope}, plural \`${info.plural}\`, short name \`${info.shortNames.join(", ")}\`. ${String(schema["description"])}`,
    "",
    table(body, "")
  ].join("\n")
}

const sharedSection = (t: Named): string =>
  [`#### ${t.name}`, "", table(t.node, ""), ""].join("\n")

/** The Markdown between the README's reference markers. */
export const renderReference = (): string =>
  [
    ...Resource.kinds.map((kind) => `${kindSection(kind)}\n`),
    "### Shared types",
    "",
    ...namedTypes.filter((t) => t.kubernetes === undefined).map(sharedSection)
  ].join("\n")

export const startMarker = "<!-- cr-reference:start (generated by packages/core/scripts/write-reference.ts) -->"
export const endMarker = "<!-- cr-reference:end -->"

/** The README with its reference section replaced; fails when the markers are missing. */
export const replaceSection = (readme: string, reference: string): string => {
  const start = readme.indexOf(startMarker)
  const end = readme.indexOf(endMarker)
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${startMarker} ... ${endMarker}`)
  return `${readme.slice(0, start + startMarker.length)}\n\n${reference}\n${readme.slice(end)}`
}

export const readmeUrl = new URL("../../../README.md", import.meta.url)
