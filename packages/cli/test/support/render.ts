/**
 * Helpers of the render suites: run `whatapctl render` and read its output back as
 * objects, and find things in them.
 */
import { assert } from "@effect/vitest"
import { parse, parseAllDocuments } from "yaml"
import { run } from "./run.ts"

export type Obj = { readonly kind: string; readonly metadata: { readonly name: string; readonly namespace?: string }; readonly [k: string]: unknown }

export const samples = "deploy/samples"
export const allOptions = `${samples}/whatap-agent-all-options.yaml`
export const monitorSamples = ["whatap-pod-monitor.yaml", "whatap-service-monitor.yaml", "whatap-static-endpoint.yaml"].map((f) => `${samples}/${f}`)

/** stdout of a render that must succeed with nothing on stderr. */
export const render = (args: ReadonlyArray<string>, stdin?: string): string => {
  const r = run(["render", ...args], stdin === undefined ? {} : { stdin })
  assert.strictEqual(r.status, 0, r.stderr)
  assert.strictEqual(r.stderr, "")
  return r.stdout
}

export const documents = (yamlText: string): ReadonlyArray<Obj> => parseAllDocuments(yamlText).map((d) => d.toJS() as Obj)
export const items = (jsonText: string): ReadonlyArray<Obj> => (JSON.parse(jsonText) as { items: ReadonlyArray<Obj> }).items

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export const ids = (objects: ReadonlyArray<Obj>): ReadonlyArray<string> =>
  objects.map((o) => `${o.kind} ${o.metadata.namespace === undefined ? "" : `${o.metadata.namespace}/`}${o.metadata.name}`)

export const find = (objects: ReadonlyArray<Obj>, kind: string, name: string): Obj => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  return found ?? assert.fail(`no ${kind} ${name}`)
}

/** Computed on first use, inside a test: a failing render fails that test, not the collection. */
export const lazy = <A>(compute: () => A): (() => A) => {
  const cell: Array<A> = []
  return () => {
    if (cell.length === 0) cell.push(compute())
    return cell[0] as A
  }
}

/** The targetName of every target in scrape_config.yaml of the OpenAgent's ConfigMap. */
export const scrapeTargets = (objects: ReadonlyArray<Obj>): ReadonlyArray<string> => {
  const data = find(objects, "ConfigMap", "whatap-open-agent-config")["data"] as Record<string, string>
  const config = parse(data["scrape_config.yaml"] ?? "") as { features: { openAgent: { targets: ReadonlyArray<{ targetName: string }> } } }
  return config.features.openAgent.targets.map((t) => t.targetName)
}

/** Every env entry named `name` of every container and init container of every workload. */
export const envValues = (objects: ReadonlyArray<Obj>, name: string): ReadonlyArray<unknown> =>
  objects.flatMap((o) => {
    const pod = ((o["spec"] as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec) ?? {}
    const containers = [...(pod["containers"] as Array<Record<string, unknown>> ?? []), ...(pod["initContainers"] as Array<Record<string, unknown>> ?? [])]
    return containers.flatMap((c) => (c["env"] as Array<{ name: string; value?: unknown }> ?? []).filter((e) => e.name === name).map((e) => e.value))
  })
