/**
 * `ResourceRequirements` blocks: every quantity must parse and be non-negative, and a
 * request above its limit is rejected by the API server when the pod is created,
 * long after the CR was accepted, so it is reported here instead.
 */
import { error, type Issue } from "./issue.ts"
import { field, type Path, pairs } from "./json.ts"
import * as Quantity from "./quantity.ts"

const parseAll = (map: unknown, path: Path, out: Array<Issue>): ReadonlyMap<string, Quantity.Quantity> => {
  const parsed = new Map<string, Quantity.Quantity>()
  for (const [name, value] of pairs(map)) {
    if (typeof value !== "string" && typeof value !== "number") continue // a schema error already
    const result = Quantity.parse(value)
    if (!result.ok) out.push(error("quantity", [...path, name], result.message))
    else if (Quantity.isNegative(result.quantity)) {
      out.push(error("quantity", [...path, name], `${name} must not be negative`))
    } else parsed.set(name, result.quantity)
  }
  return parsed
}

const show = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value))

export const checkResources = (resources: unknown, path: Path): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  const limits = parseAll(field(resources, "limits"), [...path, "limits"], out)
  const requests = parseAll(field(resources, "requests"), [...path, "requests"], out)
  for (const [name, request] of requests) {
    const limit = limits.get(name)
    if (limit !== undefined && Quantity.compare(request, limit) > 0) {
      const requested = show(field(field(resources, "requests"), name))
      const limited = show(field(field(resources, "limits"), name))
      out.push(error("resource-limits", [...path, "requests", name], `${name} request ${requested} is greater than its limit ${limited}`))
    }
  }
  return out
}
