/**
 * Check 2: the four CRDs are installed, Established, serve and store
 * `monitoring.whatap.com/v2alpha1`, and carry exactly the schema this whatapctl
 * generates (the same `Crd.generate` as `whatapctl crds` and `deploy/crds/`). A CRD
 * older or newer than the CLI is named with the first field where the schemas part, so
 * "current" means "the same release as this CLI".
 */
import { Crd, Resource } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import { Effect } from "effect"
import * as Meta from "../../Meta.ts"
import * as Check from "./Check.ts"

const title = "CRDs installed and current"

const fix = "install this release's CRDs: whatapctl crds | kubectl apply --server-side -f -"

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const list = (u: unknown): ReadonlyArray<Json> => (Array.isArray(u) ? u.filter(isRecord) : [])

/** The path of the first difference between two JSON values (`""`: the roots differ); undefined when equal. */
export const firstDifference = (a: unknown, b: unknown, path = ""): string | undefined => {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path} (${a.length} items, expected ${b.length})`
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`)
      if (found !== undefined) return found
    }
    return undefined
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
    for (const key of keys) {
      const found = firstDifference(a[key], b[key], path === "" ? key : `${path}.${key}`)
      if (found !== undefined) return found
    }
    return undefined
  }
  return a === b ? undefined : path
}

const established = (crd: KubeObject.KubeObject): boolean => {
  const status = isRecord(crd["status"]) ? crd["status"] : {}
  return list(status["conditions"]).some((c) => c["type"] === "Established" && c["status"] === "True")
}

/** Why the stored CRD is not the generated one; undefined when it is. */
export const problem = (kind: Resource.Kind, crd: KubeObject.KubeObject): string | undefined => {
  if (!established(crd)) return "not Established (the API server has not accepted its names yet)"
  const spec = isRecord(crd["spec"]) ? crd["spec"] : {}
  const version = list(spec["versions"]).find((v) => v["name"] === Resource.version)
  if (version === undefined) return `does not define version ${Resource.version}`
  if (version["served"] !== true || version["storage"] !== true) return `version ${Resource.version} is not served and stored`
  const schema = isRecord(version["schema"]) ? version["schema"]["openAPIV3Schema"] : undefined
  const where = firstDifference(schema, Crd.openApiSchema(kind))
  return where === undefined ? undefined : `its schema differs from whatapctl ${Meta.version}'s at ${where === "" ? "the root" : where}`
}

export const step: Check.Step = {
  title,
  skipIf: Check.needsApi,
  run: () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const problems: Array<string> = []
      for (const kind of Resource.kinds) {
        const name = Resource.crdName(kind)
        const got = yield* Effect.result(kube.get(ApiResource.CustomResourceDefinition, name))
        if (got._tag === "Failure") {
          if (got.failure.reason !== "NotFound") {
            const failed = Check.callFailed(title, `read CustomResourceDefinition ${name}`, got.failure)
            return got.failure.reason === "Forbidden" ? { ...failed, learnt: { crds: "unknown" } } : failed
          }
          problems.push(`${name}: not installed`)
          continue
        }
        const why = problem(kind, got.success)
        if (why !== undefined) problems.push(`${name}: ${why}`)
      }
      if (problems.length === 0) return { ...Check.ok(title, `${Resource.kinds.length} CRDs, each as whatapctl ${Meta.version} generates it`), learnt: { crds: true } }
      const missing = problems.filter((p) => p.endsWith("not installed")).length
      return { ...Check.fail(title, `${problems.length} of ${Resource.kinds.length} CRDs ${missing === problems.length ? "missing" : "missing or out of date"}`, fix, problems), learnt: { crds: missing === 0 } }
    })
}
