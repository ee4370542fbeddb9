/**
 * `ResourceRequirements` blocks: every quantity must parse and be non-negative, and a
 * request above its limit is rejected by the API server when the pod is created,
 * long after the CR was accepted, so it is reported here instead.
 */
import { agentResourceDefaults } from "../../K8sAgent.ts"
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

/** Unparsable and negative quantities are the `quantity` rule's. */
const parsedOrUndefined = (value: string | number): Quantity.Quantity | undefined => {
  const result = Quantity.parse(value)
  return result.ok && !Quantity.isNegative(result.quantity) ? result.quantity : undefined
}

/**
 * A master or node agent's `resources` as its pod gets them, each key the CR leaves out
 * filled with `K8sAgent.agentResourceDefaults`: a request above a default limit, or a
 * limit below a default request, is refused by the API server like one given outright.
 */
export const checkAgentResources = (resources: L<ResourceRequirements> | undefined, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  for (const name of ["cpu", "memory"] as const) {
    const givenRequest = resources?.requests?.[name]
    const givenLimit = resources?.limits?.[name]
    if ((givenRequest === undefined) === (givenLimit === undefined)) continue
    const request = parsedOrUndefined(givenRequest ?? agentResourceDefaults.requests[name])
    const limit = parsedOrUndefined(givenLimit ?? agentResourceDefaults.limits[name])
    if (request === undefined || limit === undefined || Quantity.compare(request, limit) <= 0) continue
    if (givenRequest !== undefined) {
      const message = `${name} request ${givenRequest} is greater than the default limit ${agentResourceDefaults.limits[name]}; set limits.${name} too`
      out.push(error("resource-limits", [...path, "requests", name], message))
    } else {
      const message = `${name} limit ${givenLimit} is below the default request ${agentResourceDefaults.requests[name]}; set requests.${name} too`
      out.push(error("resource-limits", [...path, "limits", name], message))
    }
  }
  return out
}
