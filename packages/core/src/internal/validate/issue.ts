/**
 * An issue is a `Finding` tagged with the rule that produced it. The tag lets the CLI
 * group results (SARIF rules, JUnit test names) without parsing messages; since it
 * only adds a property, an `Issue` is still a `Finding` everywhere.
 */
import type { Finding } from "../../Finding.ts"
import { subdomainErrors } from "../../LabelSyntax.ts"
import type { Path } from "./json.ts"

export const ruleDescriptions = {
  "yaml": "The document is not well-formed YAML",
  "schema": "The resource does not match the CRD schema",
  "empty-spec": "The resource has a spec (the CRD accepts one without, which does nothing)",
  "unknown-field": "The field is not part of the CRD schema and would be pruned",
  "selector": "Label selectors and label keys/values follow Kubernetes syntax",
  "labels": "Label and annotation maps follow Kubernetes syntax",
  "apm-language": "APM targets use a supported language",
  "duplicate-target": "Target names are unique",
  "shadowed-target": "A target is reachable (first match wins)",
  "target-type": "OpenAgent target fields fit the target type",
  "quantity": "Resource quantities follow the Kubernetes quantity grammar",
  "resource-limits": "Resource requests do not exceed limits",
  "resource-name": "Container resources are standard ones or extended resources (domain/name)",
  "port": "Ports are within 1-65535",
  "image-reference": "Image references follow the OCI reference grammar",
  "agent-name": "The WhatapAgent is named `whatap`",
  "rollout-restart": "The rollout restart's annotations hold values the operator reads",
  "object-name": "Object names are DNS-1123 subdomains and namespaces DNS-1123 labels",
  "host-port": "Addresses are host:port",
  "duration": "Durations follow the Prometheus duration grammar",
  "regex": "Regular expressions are valid RE2",
  "relabel": "Relabel configurations are complete",
  "scheduling": "Tolerations and affinity are valid pod scheduling fields",
  "security-context": "Pod and container security contexts are ones the API server accepts",
  "conflict": "Options do not contradict or silently override each other",
  "env": "Env entries are what the API server accepts in a pod: a name, and one value or source",
  "key-reference": "Secret and ConfigMap references name an object and a key the API server accepts",
  "mount-path": "Paths the agents mount are ones the API server and the init container accept",
  "findings-limit": "More findings than are listed for one resource (the first ones are, errors first)"
} as const

export type Rule = keyof typeof ruleDescriptions

export type Issue = Finding & { readonly rule: Rule }

export const error = (rule: Rule, path: Path, message: string): Issue => ({
  severity: "error",
  path,
  message,
  rule
})

export const warning = (rule: Rule, path: Path, message: string): Issue => ({
  severity: "warning",
  path,
  message,
  rule
})

/**
 * No issues: one shared empty list, so a rule with nothing to check allocates nothing.
 * Not frozen: V8 spreads a frozen array through the slow iterator path.
 */
export const none: ReadonlyArray<Issue> = []

/**
 * The issues of several rules in order: what `[...a, ...b, ...c]` gives, without an
 * iterator and a result object per list and element, which code V8 has not optimized
 * yet (every rule, for the first documents of a run) allocates; `none` when all are empty.
 */
export const issues = (...lists: ReadonlyArray<ReadonlyArray<Issue>>): ReadonlyArray<Issue> => {
  let out: Array<Issue> | undefined
  let only: ReadonlyArray<Issue> = none
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i]
    if (list === undefined || list.length === 0) continue
    if (only.length === 0 && out === undefined) {
      only = list
      continue
    }
    out ??= only.slice()
    for (let j = 0; j < list.length; j++) {
      const issue = list[j]
      if (issue !== undefined) out.push(issue)
    }
  }
  return out ?? only
}

/**
 * Appends `list` to `out`: for rules that collect into one array, without the spread's
 * iterator (see `issues`).
 */
export const add = (out: Array<Issue>, list: ReadonlyArray<Issue>): void => {
  for (let i = 0; i < list.length; i++) {
    const issue = list[i]
    if (issue !== undefined) out.push(issue)
  }
}

/** An object name that must be a DNS-1123 subdomain: one error per broken rule, under `rule`. */
export const subdomainIssues = (rule: Rule, name: string, path: Path, noun = "name"): ReadonlyArray<Issue> =>
  subdomainErrors(name).map((m) => error(rule, path, `invalid ${noun} ${JSON.stringify(name)}: ${m}`))

/** Attaches a rule to findings produced elsewhere (decoder, selector engine). */
export const tag = (rule: Rule, findings: ReadonlyArray<Finding>): ReadonlyArray<Issue> =>
  findings.length === 0 ? none : findings.map((f) => ({ severity: f.severity, path: f.path, message: f.message, rule }))
