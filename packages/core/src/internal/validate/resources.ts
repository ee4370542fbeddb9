/**
 * `ResourceRequirements` blocks: every quantity must parse and be non-negative, and a
 * request above its limit is rejected by the API server when the pod is created,
 * long after the CR was accepted, so it is reported here instead.
 */
import { agentResourceDefaults } from "../../K8sAgent.ts"
import type { ResourceRequirements } from "../../KubeTypes.ts"
import { labelKeyErrors } from "../../LabelSyntax.ts"
import { error, type Issue, none } from "./issue.ts"
import { entries, type L, type Path } from "./model.ts"
import * as Quantity from "./quantity.ts"

interface Entry {
  readonly quantity: Quantity.Quantity
  readonly text: string
}

type Parsed = ReadonlyMap<string, Entry>

const parseAll = (map: L<ResourceRequirements>["limits"], path: Path, out: Array<Issue>): Parsed => {
  const parsed = new Map<string, Entry>()
  for (const [name, value] of entries(map)) {
    const result = Quantity.parse(value)
    if (!result.ok) out.push(error("quantity", [...path, name], result.message))
    else if (Quantity.isNegative(result.quantity)) {
      out.push(error("quantity", [...path, name], `${name} must not be negative`))
    } else parsed.set(name, { quantity: result.quantity, text: String(value) })
  }
  return parsed
}

const standard = new Set(["cpu", "memory", "ephemeral-storage"])
const isHugePages = (name: string): boolean => name.startsWith("hugepages-")
/** No domain, or kubernetes.io: a resource the API server itself defines. */
const isNative = (name: string): boolean => !name.includes("/") || name.startsWith("kubernetes.io/")

/** A container's resource other than a standard one or hugepages: an extended resource (`domain/name`). */
const nameIssues = (name: string, path: Path): ReadonlyArray<Issue> => {
  if (!isNative(name) && !name.startsWith("requests.") && labelKeyErrors(name).length === 0) return none
  return [error("resource-name", path, `${JSON.stringify(name)} is neither a container resource (cpu, memory, ephemeral-storage, hugepages-<size>) nor an extended resource (domain/name, such as nvidia.com/gpu)`)]
}

const isWhole = (q: Quantity.Quantity): boolean => q.numerator % q.denominator === 0n

/** Requests of these may be below their limits; of hugepages and extended resources (a GPU) not. */
const mayOvercommit = (name: string): boolean => isNative(name) && !isHugePages(name)

interface Paths {
  readonly requests: Path
  readonly limits: Path
}

/** Per resource: its name; an extended resource in whole units; no overcommit where the API server forbids it. */
const perResource = (name: string, request: Entry | undefined, limit: Entry | undefined, paths: Paths, out: Array<Issue>): void => {
  if (!standard.has(name) && !isHugePages(name)) out.push(...nameIssues(name, request !== undefined ? [...paths.requests, name] : [...paths.limits, name]))
  if (!isNative(name)) {
    if (request !== undefined && !isWhole(request.quantity)) out.push(error("quantity", [...paths.requests, name], `${name} is counted in whole units: ${request.text} is not`))
    if (limit !== undefined && !isWhole(limit.quantity)) out.push(error("quantity", [...paths.limits, name], `${name} is counted in whole units: ${limit.text} is not`))
  }
  if (request !== undefined && limit !== undefined && Quantity.compare(request.quantity, limit.quantity) > 0) {
    out.push(error("resource-limits", [...paths.requests, name], `${name} request ${request.text} is greater than its limit ${limit.text}`))
  } else if (request !== undefined && !mayOvercommit(name)) {
    if (limit === undefined) out.push(error("resource-limits", [...paths.limits, name], `${name} needs a limit equal to its request ${request.text}`))
    else if (Quantity.compare(request.quantity, limit.quantity) !== 0) out.push(error("resource-limits", [...paths.requests, name], `${name} request ${request.text} must equal its limit ${limit.text}`))
  }
}

/** `claims` name entries of the pod's `resourceClaims`, which the operator's own pods never have. */
const claimIssues = (resources: L<ResourceRequirements>, path: Path): ReadonlyArray<Issue> =>
  (resources.claims ?? []).length === 0
    ? none
    : [error("resource-name", [...path, "claims"], "claims name entries of the pod's resourceClaims, and the operator's pods have none: the API server refuses them")]

export interface ResourceOptions {
  /** The container joins a pod that may have resourceClaims (an injected init container). */
  readonly claimsAllowed?: boolean
  /** The operator fills in cpu and memory the CR leaves out (the master and node agents). */
  readonly cpuMemoryDefaulted?: boolean
}

/** A container's resources as the API server checks them. */
export const checkResources = (resources: L<ResourceRequirements> | undefined, path: Path, options: ResourceOptions = {}): ReadonlyArray<Issue> => {
  if (resources === undefined) return none
  const out: Array<Issue> = options.claimsAllowed === true ? [] : [...claimIssues(resources, path)]
  const paths: Paths = { requests: [...path, "requests"], limits: [...path, "limits"] }
  const limits = parseAll(resources.limits, paths.limits, out)
  const requests = parseAll(resources.requests, paths.requests, out)
  // every name once: the requests' in order, then the limits' without a request
  for (const [name, request] of requests) perResource(name, request, limits.get(name), paths, out)
  for (const [name, limit] of limits) if (!requests.has(name)) perResource(name, undefined, limit, paths, out)
  out.push(...hugePagesIssues(requests, limits, paths, options.cpuMemoryDefaulted === true))
  return out
}

/**
 * Hugepages as the API server checks a container: only next to cpu or memory, and each
 * quantity a whole number of pages (`hugepages-2Mi: 3Mi` is refused).
 */
const hugePagesIssues = (requests: Parsed, limits: Parsed, paths: Paths, cpuMemoryDefaulted: boolean): ReadonlyArray<Issue> => {
  const out: Array<Issue> = []
  let any = false
  for (const [map, where] of [[requests, paths.requests], [limits, paths.limits]] as const) {
    for (const [name, entry] of map) {
      if (!isHugePages(name)) continue
      any = true
      const page = Quantity.parse(name.slice("hugepages-".length))
      if (!page.ok || Quantity.isNegative(page.quantity) || page.quantity.numerator === 0n) continue
      // q / page is whole: q.n * page.d divisible by q.d * page.n
      const whole = (entry.quantity.numerator * page.quantity.denominator) % (entry.quantity.denominator * page.quantity.numerator) === 0n
      if (!whole) out.push(error("quantity", [...where, name], `${entry.text} is not a whole number of ${name.slice("hugepages-".length)} pages`))
    }
  }
  const withCpuOrMemory = cpuMemoryDefaulted || ["cpu", "memory"].some((name) => requests.has(name) || limits.has(name))
  if (any && !withCpuOrMemory) out.push(error("resource-name", paths.limits, "hugepages require cpu or memory in the same container's resources"))
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
