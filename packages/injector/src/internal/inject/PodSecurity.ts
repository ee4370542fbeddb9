/**
 * The init container in a namespace where Pod Security admission enforces the
 * "restricted" level (label `pod-security.kubernetes.io/enforce: restricted`). The Go operator's init container carries only `{runAsNonRoot: true}`
 * (or the CR's `runAsUser`/`runAsNonRoot`, the only fields the CRD offers), so the API
 * server refused every injected pod there: restricted requires each container to set
 * `allowPrivilegeEscalation: false` and drop all capabilities, and a seccomp profile on
 * the container or the pod. Here such a namespace gets those fields added to the init
 * container (the pod's own seccomp profile, when it has one, is left to apply), and
 * `runAsNonRoot: true` unless the CR sets it or the pod does (a `runAsUser` alone does not
 * satisfy the level); every other namespace gets the Go operator's container unchanged,
 * including one that only warns or audits at "restricted" (the API server admits the
 * Go operator's pods there).
 *
 * A `runAsNonRoot: false` or `runAsUser: 0` the CR asks for is kept, with a warning: the
 * restricted level refuses it, and the CR is where to change it.
 */
import type { Instrumentation } from "@whatap-operator/core"

type Security = Instrumentation.InitContainerSecurity

/** The Pod Security admission label whose `restricted` value makes the API server refuse the Go operator's pods. */
export const enforceLabel = "pod-security.kubernetes.io/enforce"

export const isRestricted = (namespaceLabels: Readonly<Record<string, string>>): boolean =>
  Object.hasOwn(namespaceLabels, enforceLabel) && namespaceLabels[enforceLabel] === "restricted"

const isRecord = (u: unknown): u is { readonly [key: string]: unknown } => typeof u === "object" && u !== null && !Array.isArray(u)

const podContext = (podSpec: unknown): { readonly [key: string]: unknown } => {
  const context = isRecord(podSpec) ? podSpec["securityContext"] : undefined
  return isRecord(context) ? context : {}
}

export interface InitSecurity {
  readonly securityContext: object
  readonly warnings: ReadonlyArray<string>
}

/**
 * The init container's securityContext for a pod in a namespace with `namespaceLabels`:
 * `base` itself outside restricted namespaces; inside, `base` with the restricted fields,
 * in the order Go writes a SecurityContext's fields.
 */
export const initSecurity = (
  base: Security,
  namespaceLabels: Readonly<Record<string, string>>,
  podSpec: unknown,
  target: string
): InitSecurity => {
  if (!isRestricted(namespaceLabels)) return { securityContext: base, warnings: [] }
  const warnings: Array<string> = []
  const field = (key: string, value: unknown) =>
    warnings.push(`target ${JSON.stringify(target)}: the init container's ${key}: ${value} comes from initContainerSecurity, and the namespace's Pod Security level "restricted" refuses it`)
  if (base.runAsNonRoot === false) field("runAsNonRoot", false)
  if (base.runAsUser === 0) field("runAsUser", 0)
  const pod = podContext(podSpec)
  // restricted wants runAsNonRoot: true on the container, or on the pod (a UID alone is not enough)
  const runAsNonRoot = base.runAsNonRoot ?? (pod["runAsNonRoot"] === true ? undefined : true)
  return {
    securityContext: {
      capabilities: { drop: ["ALL"] },
      ...(base.runAsUser === undefined ? {} : { runAsUser: base.runAsUser }),
      ...(runAsNonRoot === undefined ? {} : { runAsNonRoot }),
      allowPrivilegeEscalation: false,
      ...(isRecord(pod["seccompProfile"]) ? {} : { seccompProfile: { type: "RuntimeDefault" } })
    },
    warnings
  }
}
