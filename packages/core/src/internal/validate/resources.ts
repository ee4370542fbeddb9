/**
 * `ResourceRequirements` blocks: every quantity must parse and be non-negative, and a
 * request above its limit is rejected by the API server when the pod is created,
 * long after the CR was accepted, so it is reported here instead.
 */
import type { ResourceRequirements } from "../../KubeTypes.ts"
import { error, type Issue, none } from "./issue.ts"
import { at, entries, type L, type Path } from "./model.ts"
import * as Quantity from "./quantity.ts"

type Parsed = ReadonlyMap<string, { readonly quantity: Quantity.Quantity; readonly text: string }>

const parseAll = (map: L<ResourceRequirements>["limits"], path: Path, out: Array<Issue>): Parsed => {
  const parsed = new Map<string, { readonly quantity: Quantity.Quantity; readonly text: string }>()
  for (const [name, value] of entries(map)) {
    const result = Quantity.parse(value)
    if (!result.ok) out.push(error("quantity", [...path, name], result.message))
    else if (Quantity.isNegative(result.quantity)) {
      out.push(error("quantity", [...path, name], `${name} must not be negative`))
    } else parsed.set(name, { quantity: result.quantity, text: String(value) })
  }
  return parsed
}

export const checkResources = (resources: L<ResourceRequirements> | undefined, path: Path): ReadonlyArray<Issue> => {
  if (resources === undefined) return none
  const out: Array<Issue> = []
  const limits = parseAll(...at(resources, "limits", path), out)
  const [requestMap, requestsPath] = at(resources, "requests", path)
  const requests = parseAll(requestMap, requestsPath, out)
  for (const [name, request] of requests) {
    const limit = limits.get(name)
    if (limit !== undefined && Quantity.compare(request.quantity, limit.quantity) > 0) {
      out.push(error("resource-limits", [...requestsPath, name], `${name} request ${request.text} is greater than its limit ${limit.text}`))
    }
  }
  return out
}
