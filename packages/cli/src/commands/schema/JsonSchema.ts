/**
 * JSON Schema (draft-07, what yaml-language-server and most editors read) of the four
 * kinds, made from the very OpenAPI schema the CRDs carry (`Crd.openApiSchema`), so an
 * editor accepts and completes exactly what the API server accepts. OpenAPI v3 is close
 * to JSON Schema; what differs is translated:
 * - `x-kubernetes-*` extensions are dropped (they steer the API server's merging; an
 *   int-or-string already comes with its `anyOf` of integer and string);
 * - `format: int32` becomes the int32 bounds (JSON Schema has no such format), `int64`
 *   is dropped (JSON numbers cannot hold its range exactly);
 * - a required field with a `default` is not required: the API server fills in defaults
 *   before it checks `required`, so a manifest may leave it out;
 * - the root gets `apiVersion` and `kind` as constants and the ObjectMeta fields a
 *   manifest uses (`name`, `namespace`, `labels`, `annotations`), with `name` required,
 *   as the API server requires it.
 * Unknown fields stay allowed, as in the CRDs: the API server prunes them and
 * `whatapctl validate` warns about them.
 */
import { Crd, Resource } from "@whatap-operator/core"

export const draft = "http://json-schema.org/draft-07/schema#"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const int32 = { minimum: -2147483648, maximum: 2147483647 } as const

/** One OpenAPI node (and everything under it) as JSON Schema. */
export const translate = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(translate)
  if (!isRecord(node)) return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-")) continue
    if (key === "format" && (value === "int32" || value === "int64")) continue
    // `properties` maps field names to schemas: the names themselves are kept as they are.
    out[key] = key === "properties" && isRecord(value)
      ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, translate(schema)]))
      : translate(value)
  }
  if (Array.isArray(node["required"]) && isRecord(node["properties"])) {
    const properties = node["properties"]
    const required = node["required"].filter((name) => !(typeof name === "string" && isRecord(properties[name]) && "default" in properties[name]))
    if (required.length > 0) out["required"] = required
    else delete out["required"]
  }
  return node["format"] === "int32" ? { ...out, ...int32 } : out
}

const stringMap = { type: "object", additionalProperties: { type: "string" } } as const

const metadata = (kind: Resource.Kind) => {
  const namespaced = Resource.byKind[kind].scope === "Namespaced"
  return {
    type: "object",
    description: namespaced ? "Standard object metadata; the namespace defaults to the one kubectl uses." : "Standard object metadata (the kind is cluster-scoped: no namespace).",
    required: ["name"],
    properties: {
      name: { type: "string", maxLength: 253, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" },
      ...(namespaced ? { namespace: { type: "string", maxLength: 63, pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$" } } : {}),
      labels: stringMap,
      annotations: stringMap
    }
  }
}

/** The schema of one kind, without `$schema` (the document-level wrapper adds it). */
export const ofKind = (kind: Resource.Kind): Json => {
  const openApi = Crd.openApiSchema(kind)
  const translated = translate(openApi)
  const body = isRecord(translated) ? translated : {}
  const properties = isRecord(body["properties"]) ? body["properties"] : {}
  return {
    ...body,
    title: `${kind} (${Resource.apiVersion})`,
    required: ["apiVersion", "kind", "metadata"],
    properties: {
      ...properties,
      apiVersion: { type: "string", const: Resource.apiVersion },
      kind: { type: "string", const: kind },
      metadata: metadata(kind)
    }
  }
}

/** A standalone schema document for one kind. */
export const document = (kind: Resource.Kind): Json => ({ $schema: draft, $id: `${Resource.byKind[kind].singular}.${Resource.group}.json`, ...ofKind(kind) })

/**
 * One document for all four kinds: `kind` picks the definition (if/then, so an editor
 * reports the errors of the kind written, not of all four as `oneOf` would).
 */
export const all = (): Json => ({
  $schema: draft,
  $id: `${Resource.group}.json`,
  title: `WhaTap operator resources (${Resource.apiVersion})`,
  type: "object",
  required: ["apiVersion", "kind"],
  properties: {
    apiVersion: { type: "string", const: Resource.apiVersion },
    kind: { type: "string", enum: [...Resource.kinds] }
  },
  allOf: Resource.kinds.map((kind) => ({
    if: { properties: { kind: { const: kind } }, required: ["kind"] },
    then: { $ref: `#/definitions/${kind}` }
  })),
  definitions: Object.fromEntries(Resource.kinds.map((kind) => [kind, ofKind(kind)]))
})

/** `WhatapAgent`, `whatapagent`, `whatapagents`, `wa` (kubectl's spellings) to the kind. */
export const kindOf = (name: string): Resource.Kind | undefined => {
  const wanted = name.toLowerCase()
  return Resource.kinds.find((kind) => {
    const names = Resource.byKind[kind]
    return [names.kind.toLowerCase(), names.singular, names.plural, ...names.shortNames].includes(wanted)
  })
}
