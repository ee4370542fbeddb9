/**
 * The admission webhook's plumbing (spec 4.4), rendered whatever the feature toggles say:
 * the Service `whatap-admission-controller` in front of the operator pods, the Secret
 * `whatap-webhook-certificate` with the CA and serving certificate, the
 * MutatingWebhookConfiguration `whatap-webhook` with the pod webhook and the WhatapAgent
 * validation webhook, in that order (as the Go operator), and a
 * ValidatingWebhookConfiguration `whatap-validating-webhook` for the three monitor kinds
 * (new). Deliberate difference D6: the pod webhook skips the system namespaces and the
 * operator's own unless the caller gives its own selector. The `caBundle` is every CA the
 * Secret lists as trusted (two while a CA is replaced: D2).
 */
import { Naming, type KubeTypes } from "@whatap-operator/core"
import { ApiResource } from "@whatap-operator/kube"
import { type Json, field, metadata, object } from "./Objects.ts"
import type { Desired, Input, Managed, WebhookEndpoint, WebhookTls } from "./Render.ts"

const labels = { [Naming.labels.appName]: Naming.operatorAppName, [Naming.labels.managedBy]: Naming.managedByValue }

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64")

const service = (input: Input): Desired => ({
  component: "webhook",
  resource: ApiResource.Service,
  policy: "apply",
  object: object(ApiResource.Service, metadata(input.agent, { name: Naming.webhook.service, namespace: input.namespace, labels }), {
    spec: {
      selector: { [Naming.labels.appName]: Naming.operatorAppName },
      ports: [{ port: Naming.webhook.servicePort, targetPort: Naming.webhook.targetPort, protocol: "TCP" }]
    }
  })
})

/**
 * The Secret's data: the Go operator's four keys (it stores the CA key too, spec 4.4.2; D2
 * needs it to renew the serving certificate) and the trusted CA bundle.
 */
export const secretData = (tls: WebhookTls): Readonly<Record<string, string>> => {
  const keys = Naming.webhook.secretKeys
  return {
    [keys.caCert]: base64(tls.caCert),
    [keys.caKey]: base64(tls.caKey),
    [keys.tlsCert]: base64(tls.tlsCert),
    [keys.tlsKey]: base64(tls.tlsKey),
    [keys.caBundle]: base64(bundleOf(tls))
  }
}

const secret = (input: Input): ReadonlyArray<Desired> => {
  const tls = input.webhook.tls
  if (tls === undefined) return []
  return [{
    component: "webhook",
    resource: ApiResource.Secret,
    policy: "apply",
    object: object(ApiResource.Secret, metadata(input.agent, { name: Naming.webhook.secret, namespace: input.namespace }), {
      type: "Opaque",
      data: secretData(tls)
    })
  }]
}

const bundleOf = (tls: WebhookTls): string => tls.caBundle ?? tls.caCert

const clientConfig = (input: Input, endpoint: WebhookEndpoint, path: string): Json => ({
  ...(endpoint.mode === "url"
    ? { url: `${endpoint.baseUrl.replace(/\/+$/, "")}${path}` }
    : { service: { name: Naming.webhook.service, namespace: input.namespace, path } }),
  ...field("caBundle", input.webhook.tls === undefined ? undefined : base64(bundleOf(input.webhook.tls)))
})

/** D6: `kubernetes.io/metadata.name NotIn [system namespaces, NS]`, values sorted. */
export const defaultNamespaceSelector = (namespace: string): KubeTypes.LabelSelector => ({
  matchExpressions: [{
    key: Naming.labels.namespaceName,
    operator: "NotIn",
    values: [...new Set([...Naming.systemNamespaces, namespace])].sort()
  }]
})

const isRecordValue = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null && !Array.isArray(u)

const hasLabels = (selector: Readonly<Record<string, unknown>>): boolean => {
  const labels = selector["matchLabels"]
  return isRecordValue(labels) && Object.keys(labels).length > 0
}

/**
 * D6's default for any operator namespace: one `kubernetes.io/metadata.name NotIn` naming
 * every system namespace and at most one more (the operator's); a list a user extended
 * is theirs.
 */
const isDefaultShape = (selector: Readonly<Record<string, unknown>>): boolean => {
  const expressions = selector["matchExpressions"]
  if (!Array.isArray(expressions) || expressions.length !== 1 || hasLabels(selector)) return false
  const [only] = expressions as ReadonlyArray<unknown>
  if (!isRecordValue(only) || only["key"] !== Naming.labels.namespaceName || only["operator"] !== "NotIn" || !Array.isArray(only["values"])) return false
  const values = new Set(only["values"] as ReadonlyArray<unknown>)
  return Naming.systemNamespaces.every((n) => values.has(n)) && values.size <= Naming.systemNamespaces.length + 1
}

/**
 * A `namespaceSelector` someone set on the live pod webhook entry, which the Go operator
 * keeps (spec 4.4.3: the live entry is the base), so the next pass keeps it instead of
 * writing D6's again; undefined for none, for the API server's empty default (`{}`, which
 * a configuration the Go operator wrote holds) and for D6's own for any namespace.
 */
export const userNamespaceSelector = (configuration: { readonly [key: string]: unknown } | undefined): KubeTypes.LabelSelector | undefined => {
  const entries = configuration?.["webhooks"]
  if (!Array.isArray(entries)) return undefined
  const entry = (entries as ReadonlyArray<unknown>).find((w) => isRecordValue(w) && w["name"] === Naming.webhook.podWebhook)
  const selector = isRecordValue(entry) ? entry["namespaceSelector"] : undefined
  if (!isRecordValue(selector)) return undefined
  const expressions = selector["matchExpressions"]
  const empty = !hasLabels(selector) && !(Array.isArray(expressions) && expressions.length > 0)
  return empty || isDefaultShape(selector) ? undefined : selector as KubeTypes.LabelSelector
}

/**
 * D6's opt-in: the system namespaces (never the operator's) that carry the opt-in label. A
 * second webhook entry, since one namespaceSelector cannot say "not a system namespace, or
 * one that opted in"; the two selectors exclude each other, so no pod is sent twice.
 */
export const optInNamespaceSelector = (namespace: string): KubeTypes.LabelSelector => ({
  matchExpressions: [
    { key: Naming.labels.namespaceName, operator: "In", values: Naming.systemNamespaces.filter((n) => n !== namespace).toSorted() },
    { key: Naming.systemNamespaceOptIn.label, operator: "In", values: [Naming.systemNamespaceOptIn.value] }
  ]
})

const common = { failurePolicy: "Ignore", sideEffects: "None", admissionReviewVersions: ["v1"] } as const

const podRules = [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }]

const webhooks = (input: Input): ReadonlyArray<Json> => [
  {
    name: Naming.webhook.podWebhook,
    clientConfig: clientConfig(input, input.webhook.endpoint, Naming.webhook.podPath),
    rules: podRules,
    namespaceSelector: input.webhook.namespaceSelector ?? defaultNamespaceSelector(input.namespace),
    ...common
  },
  {
    name: Naming.webhook.agentWebhook,
    clientConfig: clientConfig(input, input.webhook.endpoint, Naming.webhook.agentPath),
    rules: [{
      operations: ["CREATE", "UPDATE"],
      apiGroups: [ApiResource.WhatapAgent.group],
      apiVersions: [ApiResource.WhatapAgent.version],
      resources: [ApiResource.WhatapAgent.plural]
    }],
    ...common
  },
  // last, so the Go operator's two entries keep their places (D6's opt-in for system namespaces)
  {
    name: Naming.webhook.systemPodWebhook,
    clientConfig: clientConfig(input, input.webhook.endpoint, Naming.webhook.podPath),
    rules: podRules,
    namespaceSelector: optInNamespaceSelector(input.namespace),
    ...common
  }
]

const configuration = (input: Input): Desired => ({
  component: "webhook",
  resource: ApiResource.MutatingWebhookConfiguration,
  policy: "apply",
  object: object(ApiResource.MutatingWebhookConfiguration, metadata(input.agent, { name: Naming.webhook.configuration }), {
    webhooks: webhooks(input)
  })
})

const monitorKinds = [ApiResource.WhatapPodMonitor, ApiResource.WhatapServiceMonitor, ApiResource.WhatapStaticEndpoint]

const validating = (input: Input): Desired => ({
  component: "webhook",
  resource: ApiResource.ValidatingWebhookConfiguration,
  policy: "apply",
  object: object(ApiResource.ValidatingWebhookConfiguration, metadata(input.agent, { name: Naming.webhook.validatingConfiguration }), {
    webhooks: [{
      name: Naming.webhook.monitorsWebhook,
      clientConfig: clientConfig(input, input.webhook.endpoint, Naming.webhook.monitorsPath),
      rules: [{
        operations: ["CREATE", "UPDATE"],
        apiGroups: [ApiResource.WhatapPodMonitor.group],
        apiVersions: [ApiResource.WhatapPodMonitor.version],
        resources: monitorKinds.map((k) => k.plural)
      }],
      ...common
    }]
  })
})

export const render = (input: Input): ReadonlyArray<Desired> => [service(input), ...secret(input), configuration(input), validating(input)]

export const managed = (input: Input): ReadonlyArray<Managed> => [
  { component: "webhook", resource: ApiResource.Service, namespace: input.namespace, name: Naming.webhook.service },
  ...(input.webhook.tls === undefined
    ? []
    : [{ component: "webhook", resource: ApiResource.Secret, namespace: input.namespace, name: Naming.webhook.secret } as const]),
  { component: "webhook", resource: ApiResource.MutatingWebhookConfiguration, name: Naming.webhook.configuration },
  { component: "webhook", resource: ApiResource.ValidatingWebhookConfiguration, name: Naming.webhook.validatingConfiguration }
]
