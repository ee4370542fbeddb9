/**
 * Turns the model's Schema AST into a Kubernetes *structural* OpenAPI v3 schema, the
 * form a CustomResourceDefinition needs: every node has a `type` (or is int-or-string),
 * no `$ref`, maps as `additionalProperties`, defaults and enums inline. We walk the
 * encoded side of the AST ourselves instead of post-processing `toJsonSchemaDocument`,
 * because that output uses `$ref`/`allOf` and has no int-or-string notion.
 * Properties and `required` are sorted, so the output is deterministic.
 */
import { SchemaAST } from "effect"
import type { Schema } from "effect"
import { requiredInCrd } from "./Field.ts"

export type Node = Record<string, unknown>

/** Marks an object whose contents the CRD leaves to the API server (`metadata`). */
export const opaqueObject = "whatap/opaqueObject"
const intOrString = "x-kubernetes-int-or-string"

export const fromSchema = (schema: Schema.Top): Node => fromAst(schema.ast)

export const fromAst = (input: SchemaAST.AST): Node => {
  const ast = SchemaAST.toEncoded(input)
  const annotations = annotationsOf(ast)
  return { ...shape(ast), ...extensions(annotations), ...documentation(annotations) }
}

/** `x-kubernetes-*` markers (list/map types) pass through unchanged. */
const extensions = (annotations: Schema.Annotations.Annotations): Node =>
  Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith("x-kubernetes-") && k !== intOrString))

/**
 * `.annotate` on a schema with checks lands on its last check, so a node's own
 * annotations are the union of the node's and its checks'.
 */
const annotationsOf = (ast: SchemaAST.AST): Schema.Annotations.Annotations => {
  let out: Schema.Annotations.Annotations = { ...ast.annotations }
  for (const check of ast.checks ?? []) out = { ...out, ...check.annotations }
  return out
}

const documentation = (annotations: Schema.Annotations.Annotations | undefined): Node => {
  const out: Record<string, unknown> = {}
  if (typeof annotations?.["description"] === "string") out["description"] = annotations["description"]
  if (annotations?.["default"] !== undefined) out["default"] = annotations["default"]
  return out
}

const shape = (ast: SchemaAST.AST): Node => {
  switch (ast._tag) {
    case "String":
      return { type: "string", ...checks(ast), ...format(ast) }
    case "Number":
      return { type: isInteger(ast) ? "integer" : "number", ...checks(ast), ...format(ast) }
    case "Boolean":
      return { type: "boolean" }
    case "Literal":
      return { type: typeof ast.literal, enum: [ast.literal] }
    case "Union":
      return union(ast)
    case "Arrays":
      return array(ast)
    case "Objects":
      return objects(ast)
    case "Suspend":
      return fromAst(ast.thunk())
    default:
      // A schema the CRD cannot express is a programming error in the model.
      throw new Error(`OpenApi: no structural form for AST node ${ast._tag}`)
  }
}

interface Representation {
  readonly id: string
  readonly payload: Record<string, unknown> | null
}

const representations = (ast: SchemaAST.AST): ReadonlyArray<Representation> =>
  (ast.checks ?? []).flatMap((check) => (check._tag === "Filter" ? [check] : check.checks))
    .flatMap((check) => {
      const r = check.annotations?.["representation"]
      return isRepresentation(r) ? [r] : []
    })

const isRepresentation = (u: unknown): u is Representation =>
  typeof u === "object" && u !== null && typeof (u as { id?: unknown }).id === "string"

const isInteger = (ast: SchemaAST.AST): boolean =>
  representations(ast).some((r) => r.id === "effect/schema/isInt")

/** Pattern, length and minimum constraints the upstream CRDs carry. */
const checks = (ast: SchemaAST.AST): Node => {
  const out: Record<string, unknown> = {}
  for (const { id, payload } of representations(ast)) {
    if (id === "effect/schema/isPattern") out["pattern"] = patternSource(payload?.["source"])
    if (id === "effect/schema/isMaxLength") out["maxLength"] = payload?.["maxLength"]
    if (id === "effect/schema/isMinLength") out["minLength"] = payload?.["minLength"]
    if (id === "effect/schema/isGreaterThanOrEqualTo") out["minimum"] = payload?.["minimum"]
  }
  return out
}

/** `RegExp.source` escapes `/`; Go's RE2 does not need it and upstream CRDs omit it. */
const patternSource = (source: unknown): unknown =>
  typeof source === "string" ? source.replace(/(^|[^\\])\\\//g, "$1/") : source

const format = (ast: SchemaAST.AST): Node => {
  const value = annotationsOf(ast)["format"]
  return typeof value === "string" ? { format: value } : {}
}

/** Literal unions become enums; the int-or-string union becomes the Kubernetes form. */
const union = (ast: SchemaAST.Union): Node => {
  if (ast.annotations?.[intOrString] === true) {
    const pattern = ast.types.map((member) => checks(member)["pattern"]).find((p) => p !== undefined)
    return {
      anyOf: [{ type: "integer" }, { type: "string" }],
      ...(pattern === undefined ? {} : { pattern }),
      [intOrString]: true
    }
  }
  const literals = ast.types.map((member) => (member._tag === "Literal" ? member.literal : undefined))
  const first = literals[0]
  if (first !== undefined && literals.every((l) => l !== undefined && typeof l === typeof first)) {
    return { type: typeof first, enum: literals }
  }
  throw new Error("OpenApi: only literal unions and int-or-string are structural")
}

const array = (ast: SchemaAST.Arrays): Node => {
  const item = ast.rest[0]
  if (ast.elements.length > 0 || item === undefined) throw new Error("OpenApi: tuples are not structural")
  return { type: "array", items: fromAst(item) }
}

const objects = (ast: SchemaAST.Objects): Node => {
  if (ast.annotations?.[opaqueObject] === true) return { type: "object" }
  const index = ast.indexSignatures[0]
  if (index !== undefined) return { type: "object", additionalProperties: fromAst(index.type) }
  const fields = [...ast.propertySignatures].sort((a, b) => compare(String(a.name), String(b.name)))
  if (fields.length === 0) return { type: "object" }
  const properties: Record<string, unknown> = {}
  const required: Array<string> = []
  for (const field of fields) {
    const name = String(field.name)
    properties[name] = { ...fromAst(field.type), ...documentation(field.type.context?.annotations) }
    const context = field.type.context
    if (context?.isOptional !== true || context.annotations?.[requiredInCrd] === true) required.push(name)
  }
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
