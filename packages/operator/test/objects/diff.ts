/**
 * The field-by-field difference between the objects the Go operator wrote (recorded by
 * recorder/record.sh) and the render's. Normalised on the Go side only, and only for what
 * the API server sets or drops anyway: `metadata.resourceVersion` (the fake client's),
 * `metadata.creationTimestamp: null` and `spec.template.metadata.creationTimestamp: null`
 * (Go's zero metav1.Time), and `status` (never written by a create/update of the spec).
 * Everything else is compared as is: list order (env, containers, volumes), empty vs
 * absent fields, map keys, quantity text.
 */
import { GpuMonitoring } from "@whatap-operator/core"

type Json = any

export interface Difference {
  /** kind/namespace/name */
  readonly object: string
  /** JSON path, list indices in brackets */
  readonly path: string
  /** "missing" (Go only), "extra" (ours only) or "value" */
  readonly type: "missing" | "extra" | "value"
  readonly go?: Json
  readonly ours?: Json
}

export const objectKey = (o: Json): string => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`

export const normaliseGo = (o: Json): Json => {
  const copy = structuredClone(o)
  delete copy.status
  if (copy.metadata !== undefined) {
    delete copy.metadata.resourceVersion
    if (copy.metadata.creationTimestamp === null) delete copy.metadata.creationTimestamp
  }
  const template = copy.spec?.template?.metadata
  if (template !== undefined && template.creationTimestamp === null) delete template.creationTimestamp
  return copy
}

const isObject = (v: Json): boolean => typeof v === "object" && v !== null && !Array.isArray(v)

const walk = (object: string, path: string, go: Json, ours: Json, out: Array<Difference>): void => {
  if (Array.isArray(go) && Array.isArray(ours)) {
    for (let i = 0; i < Math.max(go.length, ours.length); i++) {
      const p = `${path}[${i}]`
      if (i >= ours.length) out.push({ object, path: p, type: "missing", go: go[i] })
      else if (i >= go.length) out.push({ object, path: p, type: "extra", ours: ours[i] })
      else walk(object, p, go[i], ours[i], out)
    }
    return
  }
  if (isObject(go) && isObject(ours)) {
    for (const k of [...new Set([...Object.keys(go), ...Object.keys(ours)])].sort()) {
      const p = `${path}.${k}`
      if (!(k in ours)) out.push({ object, path: p, type: "missing", go: go[k] })
      else if (!(k in go)) out.push({ object, path: p, type: "extra", ours: ours[k] })
      else walk(object, p, go[k], ours[k], out)
    }
    return
  }
  if (JSON.stringify(go) !== JSON.stringify(ours)) out.push({ object, path, type: "value", go, ours })
}

/** Objects present on one side only are one difference each, at path "". */
export const differences = (goObjects: ReadonlyArray<Json>, ourObjects: ReadonlyArray<Json>): Array<Difference> => {
  const go = new Map(goObjects.map((o) => [objectKey(o), normaliseGo(o)] as const))
  const ours = new Map(ourObjects.map((o) => [objectKey(o), o] as const))
  const out: Array<Difference> = []
  for (const key of [...new Set([...go.keys(), ...ours.keys()])].sort()) {
    const g = go.get(key)
    const o = ours.get(key)
    if (o === undefined) out.push({ object: key, path: "", type: "missing" })
    else if (g === undefined) out.push({ object: key, path: "", type: "extra" })
    else walk(key, "", g, o, out)
  }
  return out
}

/** A difference with list indices and per-case names generalised, to group them. */
export const signature = (d: Difference): string =>
  `${d.object.replace(/^(\w+)\/[^/]*\//, "$1/NS/")} ${d.type} ${d.path.replace(/\[\d+\]/g, "[*]")}`

/** Objects the render adds on purpose: the install bundle (D9) and the validating webhook configuration. */
export const deliberateExtraObjects: ReadonlyArray<RegExp> = [
  /^ConfigMap\/[^/]*\/(master-start-script|node-start-script|dcgm-exporter-csv)$/,
  /^ServiceAccount\/[^/]*\/whatap$/,
  /^Service\/[^/]*\/whatap-master-agent$/,
  /^ValidatingWebhookConfiguration\/\/whatap-validating-webhook$/
]

const lastPerName = <A>(list: ReadonlyArray<A>, name: (a: A) => string | undefined): Array<A> => {
  const last = new Map<string, number>()
  list.forEach((a, i) => { const n = name(a); if (n !== undefined) last.set(n, i) })
  return list.filter((a, i) => { const n = name(a); return n === undefined || last.get(n) === i })
}

/**
 * The Go objects with the README's documented fixes applied, so what is left differs for
 * no documented reason: one env / image pull secret per name, the last where it stands;
 * selector labels win over podLabels; TLS secret volumes (and mounts) sorted by name (D3);
 * D6's namespaceSelector and `mpod-system.kb.io` entry and D2's `ca-bundle.pem`/`type`
 * on the webhook objects taken from ours.
 */
export const withDeliberate = (goObjects: ReadonlyArray<Json>, ourObjects: ReadonlyArray<Json>): Array<Json> => {
  const ours = new Map(ourObjects.map((o) => [objectKey(o), o] as const))
  return goObjects.map((g0) => {
    const g = normaliseGo(g0)
    const o = ours.get(objectKey(g))
    const pod = g.spec?.template?.spec
    if (pod !== undefined) {
      for (const c of pod.containers ?? []) if (Array.isArray(c.env)) c.env = lastPerName(c.env, (e: Json) => e.name)
      if (Array.isArray(pod.imagePullSecrets)) pod.imagePullSecrets = lastPerName(pod.imagePullSecrets, (s: Json) => s.name)
      const selector = g.spec.selector?.matchLabels ?? {}
      g.spec.template.metadata.labels = { ...g.spec.template.metadata.labels, ...selector }
      if (g.metadata.name === "whatap-open-agent" && Array.isArray(pod.volumes)) {
        const byName = (a: Json, b: Json) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
        pod.volumes = [...pod.volumes.slice(0, 2), ...pod.volumes.slice(2).sort(byName)]
        const c = pod.containers[0]
        c.volumeMounts = [...c.volumeMounts.slice(0, 2), ...c.volumeMounts.slice(2).sort(byName)]
      }
    }
    if (g.kind === "MutatingWebhookConfiguration" && o !== undefined) {
      g.webhooks = g.webhooks.map((w: Json, i: number) => {
        const ow = o.webhooks?.[i]
        return ow?.namespaceSelector !== undefined && w.namespaceSelector === undefined ? { ...w, namespaceSelector: ow.namespaceSelector } : w
      })
      for (const w of o.webhooks ?? []) if (w.name === "mpod-system.kb.io") g.webhooks.push(w)
    }
    if (g.kind === "Secret" && g.metadata.name === "whatap-webhook-certificate" && o !== undefined) {
      if (o.data?.["ca-bundle.pem"] !== undefined) g.data = { ...g.data, "ca-bundle.pem": o.data["ca-bundle.pem"] }
      if (o.type !== undefined && g.type === undefined) g.type = o.type
    }
    return g
  })
}

/** GPU split mode (core's `GpuMonitoring.splitMode`, on the recorded CR). */
export const splitMode = (agent: Json): boolean => GpuMonitoring.splitMode(agent.spec?.features?.k8sAgent?.gpuMonitoring).split

const nodeAffinityOf = (o: Json): Json => o?.spec?.template?.spec?.affinity?.nodeAffinity
const expression = (e: Json): string => JSON.stringify([e.key, e.operator, [...(e.values ?? [])].sort()])
const expressions = (term: Json): ReadonlyArray<string> => (term?.matchExpressions ?? []).map(expression)
const requiredTerms = (nodeAffinity: Json): ReadonlyArray<Json> => nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []

/**
 * D3/D4 in split mode, for the plain node-agent DaemonSet: Go's node affinity is ours but
 * for the order of terms and expressions (map order) and the GPU expressions its GPU pass
 * wrote into the CR's `nodeAgent.affinity` (the expressions of `gpuMonitoring.affinity`'s
 * required terms, ANDed into each term or standing as terms of their own). Taken out of
 * Go's terms, the two sets of terms (and match fields) are equal, and so are the preferred terms.
 */
export const leakedOnly = (agent: Json, go: Json, ours: Json): boolean => {
  const leaked = new Set(requiredTerms(agent.spec?.features?.k8sAgent?.gpuMonitoring?.affinity?.nodeAffinity).flatMap(expressions))
  const termSet = (terms: ReadonlyArray<Json>, strip: ReadonlySet<string>): ReadonlySet<string> =>
    new Set(terms.map((t) => JSON.stringify([[...expressions(t)].filter((e) => !strip.has(e)).sort(), t.matchFields ?? []]))
      .filter((t) => t !== JSON.stringify([[], []])))
  const [g, o] = [nodeAffinityOf(go), nodeAffinityOf(ours)]
  const goTerms = termSet(requiredTerms(g), leaked)
  const ourTerms = termSet(requiredTerms(o), new Set())
  return JSON.stringify(g?.preferredDuringSchedulingIgnoredDuringExecution ?? []) === JSON.stringify(o?.preferredDuringSchedulingIgnoredDuringExecution ?? []) &&
    goTerms.size === ourTerms.size && [...goTerms].every((t) => ourTerms.has(t))
}
