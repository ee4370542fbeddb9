/**
 * RBAC rules against the calls of an audit log: which (verb, group, resource, name) a
 * rule allows, and which rules no call ever needed. Verbs that authorize something other
 * than a request (`escalate`, `bind` on roles; `update` of `whatapagents/finalizers`, checked only by
 * the OwnerReferencesPermissionEnforcement admission plugin) never appear in an audit log;
 * they are listed in `authorizationOnly` with the reason, so nothing else can hide there.
 */
import type * as Audit from "../../src/Audit.ts"

export interface Rule {
  /** Undefined: a ClusterRole (every namespace); else the Role's namespace. */
  readonly namespace: string | undefined
  readonly apiGroups: ReadonlyArray<string>
  readonly resources: ReadonlyArray<string>
  readonly resourceNames: ReadonlyArray<string>
  readonly verbs: ReadonlyArray<string>
}

/** One permission: a rule expanded to one verb on one resource (and one name when restricted). */
export interface Atom {
  readonly namespace: string | undefined
  readonly apiGroup: string
  readonly resource: string
  readonly name: string | undefined
  readonly verb: string
}

export const authorizationOnly: ReadonlyArray<{ readonly resource: string; readonly verb: string; readonly why: string }> = [
  { resource: "clusterroles", verb: "escalate", why: "lets the operator create the OpenAgent's ClusterRole without holding its rules" },
  { resource: "clusterroles", verb: "bind", why: "lets the operator bind the OpenAgent's ClusterRole without holding its rules" },
  { resource: "whatapagents/finalizers", verb: "update", why: "blockOwnerDeletion owner references, where OwnerReferencesPermissionEnforcement is enabled" }
]

type Json = Readonly<Record<string, unknown>>
const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const strings = (u: unknown): ReadonlyArray<string> => (Array.isArray(u) ? u.filter((s): s is string => typeof s === "string") : [])

export const rulesOf = (documents: ReadonlyArray<unknown>): ReadonlyArray<Rule> =>
  documents.filter(isRecord).filter((d) => d["kind"] === "ClusterRole" || d["kind"] === "Role").flatMap((role) => {
    const metadata = isRecord(role["metadata"]) ? role["metadata"] : {}
    const namespace = role["kind"] === "Role" && typeof metadata["namespace"] === "string" ? metadata["namespace"] : undefined
    return (Array.isArray(role["rules"]) ? role["rules"] : []).filter(isRecord).map((r): Rule => ({
      namespace,
      apiGroups: strings(r["apiGroups"]),
      resources: strings(r["resources"]),
      resourceNames: strings(r["resourceNames"]),
      verbs: strings(r["verbs"])
    }))
  })

export const atoms = (rules: ReadonlyArray<Rule>): ReadonlyArray<Atom> =>
  rules.flatMap((rule) => rule.apiGroups.flatMap((apiGroup) => rule.resources.flatMap((resource) => rule.verbs.flatMap((verb) =>
    (rule.resourceNames.length === 0 ? [undefined] : rule.resourceNames).map((name): Atom => ({ namespace: rule.namespace, apiGroup, resource, name, verb }))))))

const resourceOf = (call: Audit.Call): string => (call.subresource === undefined ? call.resource : `${call.resource}/${call.subresource}`)

export const allows = (atom: Atom, call: Audit.Call): boolean =>
  atom.apiGroup === call.apiGroup &&
  atom.resource === resourceOf(call) &&
  atom.verb === call.verb &&
  (atom.namespace === undefined || atom.namespace === call.namespace) &&
  (atom.name === undefined || atom.name === call.name)

const exempt = (atom: Atom): boolean => authorizationOnly.some((a) => a.resource === atom.resource && a.verb === atom.verb)

const describe = (atom: Atom): string =>
  `${atom.verb} ${atom.apiGroup === "" ? "" : `${atom.apiGroup}/`}${atom.resource}${atom.name === undefined ? "" : ` ${atom.name}`}${atom.namespace === undefined ? "" : ` in ${atom.namespace}`}`

/** Permissions no call used (authorization-only verbs excepted), described. */
export const unused = (rules: ReadonlyArray<Rule>, calls: ReadonlyArray<Audit.Call>): ReadonlyArray<string> =>
  atoms(rules).filter((atom) => !exempt(atom) && !calls.some((call) => allows(atom, call))).map(describe)

/** Calls no rule allows (they were refused, or came from elsewhere). */
export const unallowed = (rules: ReadonlyArray<Rule>, calls: ReadonlyArray<Audit.Call>): ReadonlyArray<Audit.Call> =>
  calls.filter((call) => call.nonResourceURL === undefined && !atoms(rules).some((atom) => allows(atom, call)))
