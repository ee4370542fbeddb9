/**
 * Reading the chart's renders: YAML streams as objects, one object by kind and name, and
 * typed views of the few fields the specs check.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseAllDocuments } from "yaml"
import { repoRoot } from "../../src/Manifests.ts"

export type Json = Readonly<Record<string, unknown>>

export const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** Every non-empty document of a YAML stream. */
export const parse = (text: string): ReadonlyArray<Json> =>
  parseAllDocuments(text).map((d) => d.toJS() as unknown).filter(isRecord)

export const repoText = (path: string): string => readFileSync(join(repoRoot, path), "utf8")

export const metadataOf = (o: Json): { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } =>
  isRecord(o["metadata"]) ? o["metadata"] : {}

export const idOf = (o: Json): string => `${String(o["kind"])}/${metadataOf(o).name ?? ""}`

/** The object of `kind` named `name`; a failure naming what there was otherwise. */
export const find = (objects: ReadonlyArray<Json>, kind: string, name: string): Json => {
  const found = objects.find((o) => o["kind"] === kind && metadataOf(o).name === name)
  if (found === undefined) throw new Error(`${kind}/${name} not rendered; rendered: ${objects.map(idOf).join(", ")}`)
  return found
}

export interface Container {
  readonly name: string
  readonly args?: ReadonlyArray<string>
  readonly env?: ReadonlyArray<{ name: string; valueFrom?: Json }>
  readonly ports?: ReadonlyArray<{ name?: string; containerPort: number }>
  readonly livenessProbe?: Json
  readonly readinessProbe?: Json
  readonly resources?: Json
  readonly securityContext?: Json
}

export interface PodTemplate {
  readonly metadata: { labels: Record<string, string> }
  readonly spec: { serviceAccountName?: string; securityContext?: Json; containers: ReadonlyArray<Container> }
}

/** A Deployment's replicas and pod template. */
export const deploymentOf = (o: Json): { replicas: number; template: PodTemplate } =>
  o["spec"] as { replicas: number; template: PodTemplate }

/** The first container of a Deployment. */
export const containerOf = (o: Json): Container => {
  const container = deploymentOf(o).template.spec.containers[0]
  if (container === undefined) throw new Error(`${idOf(o)} has no container`)
  return container
}
