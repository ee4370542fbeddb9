/**
 * The world of the admission benchmark: a WhatapAgent `whatap` with 20 APM targets (raw
 * JSON, as the operator's watch cache holds it), the namespace `shop` and its labels, the
 * operator's credentials, and two AdmissionReview v1 requests as kube-apiserver sends
 * them for a ReplicaSet's pod: one that the 10th target (index 9) matches, so the nine
 * before it are evaluated and rejected first, and one that no target matches, so all 20
 * are evaluated. `contextFor` is the webhook's context as the operator builds it.
 */
import { Decode, Naming } from "@whatap-operator/core"
import { Inject } from "@whatap-operator/injector"
import { Effect, Option, Redacted } from "effect"

export const namespace = "shop"
export const operatorNamespace = "whatap-monitoring"
export const matchedTargetIndex = 9

const namespaceLabels: Readonly<Record<string, string>> = {
  "kubernetes.io/metadata.name": namespace,
  "whatap-apm": "enabled",
  team: "payments",
  env: "prod"
}

/** Not a real license: nothing of the answers is printed. */
const credentials: Inject.Credentials = { license: Redacted.make("bench-license"), host: "whatap-proxy.example", port: "6600" }

const labels = (map: Record<string, string>) => ({ matchLabels: map })
const expressions = (...list: ReadonlyArray<readonly [string, string, ReadonlyArray<string>?]>) => ({
  matchExpressions: list.map(([key, operator, values]) => (values === undefined ? { key, operator } : { key, operator, values }))
})

/** Twenty targets in the shapes users write; only index 9 (and, shadowed, 14) matches the `checkout` pod. */
const targets: ReadonlyArray<Record<string, unknown>> = [
  { name: "orders", enabled: true, language: "java", podSelector: labels({ app: "orders" }) },
  { name: "recommend", enabled: true, language: "python", podSelector: labels({ app: "recommend" }), namespaceSelector: { matchNames: ["ml"] } },
  { name: "storefront", enabled: true, language: "nodejs", podSelector: expressions(["app", "In", ["web", "storefront"]]) },
  { name: "legacy-all", enabled: false, language: "java" },
  { name: "checkout-staging", enabled: true, language: "java", podSelector: labels({ app: "checkout" }), namespaceSelector: { matchNames: ["staging"] } },
  { name: "data", enabled: true, language: "python", podSelector: labels({ team: "data" }) },
  { name: "frontends", enabled: true, language: "nodejs", podSelector: expressions(["tier", "In", ["frontend", "edge"]]) },
  { name: "checkout-v1", enabled: true, language: "java", podSelector: labels({ app: "checkout", "app.kubernetes.io/version": "1.9.0" }) },
  { name: "dotnet", enabled: true, language: "dotnet", podSelector: expressions(["runtime", "Exists"]) },
  {
    name: "checkout",
    enabled: true,
    language: "java",
    whatapApmVersions: { java: "2.2.58" },
    podSelector: { ...labels({ app: "checkout" }), ...expressions(["tier", "In", ["backend", "api"]], ["whatap-apm/skip", "DoesNotExist"]) },
    namespaceSelector: { ...labels({ "whatap-apm": "enabled" }), ...expressions(["env", "NotIn", ["dev", "test"]]) },
    envs: [{ name: "whatap.name", value: "checkout-{ip2}-{ip3}" }, { name: "weaving", value: "spring-boot-3.0" }]
  },
  { name: "payments-python", enabled: true, language: "python", podSelector: labels({ app: "payments", lang: "python" }) },
  { name: "search", enabled: true, language: "java", podSelector: labels({ app: "search" }), namespaceSelector: labels({ team: "search" }) },
  { name: "gateway", enabled: true, language: "golang", podSelector: labels({ app: "gateway" }) },
  { name: "php-shop", enabled: true, language: "php", podSelector: expressions(["app", "In", ["cms", "wordpress"]]) },
  { name: "backend-catch-all", enabled: true, language: "java", podSelector: expressions(["tier", "In", ["backend"]]), namespaceSelector: { matchNames: ["shop"] } },
  { name: "notifications", enabled: true, language: "nodejs", podSelector: labels({ app: "notifications" }) },
  { name: "ml-batch", enabled: true, language: "python", podSelector: expressions(["workload", "In", ["training"]]) },
  { name: "reports", enabled: true, language: "java", podSelector: labels({ app: "reports", tier: "batch" }), namespaceSelector: { matchNames: ["analytics"] } },
  { name: "inventory", enabled: true, language: "java", podSelector: labels({ app: "inventory" }) },
  { name: "canary", enabled: true, language: "java", podSelector: expressions(["track", "In", ["canary"]]) }
]

/** The WhatapAgent as stored (what the watch cache holds): decoded per admission, as the operator does. */
export const rawAgent = {
  apiVersion: "monitoring.whatap.com/v2alpha1",
  kind: "WhatapAgent",
  metadata: { name: Naming.agentName, uid: "3f1c2a9e-7b1d-4c55-9a51-0c4f8e1d2b6a", resourceVersion: "48213", generation: 7 },
  spec: { features: { apm: { instrumentation: { enabled: true, targets } } } }
}

/** Decoding the CR per request (`perRequest`, as the operator's webhook does today) or once at start. */
export type DecodeMode = "perRequest" | "once"

const decoded = () => Option.getOrUndefined(Decode.as("WhatapAgent", rawAgent).value)

/** The webhook's context per namespace, built like the operator's: the agent and the namespace from caches. */
export const contextFor = (mode: DecodeMode) => {
  const once = decoded()
  const namespaces = new Map([[namespace, namespaceLabels]])
  return (name: string): Effect.Effect<Inject.Context> =>
    Effect.sync(() => {
      const labelsOf = namespaces.get(name)
      return {
        agent: mode === "once" ? once : decoded(),
        namespace: labelsOf === undefined ? undefined : { name, labels: labelsOf },
        operatorNamespace,
        credentials
      }
    })
}

/** A pod of a Deployment's ReplicaSet after the API server's defaulting, as a mutating webhook receives it. */
const pod = (app: string, podLabels: Record<string, string>) => ({
  kind: "Pod",
  apiVersion: "v1",
  metadata: {
    generateName: `${app}-5d8f7c9b4-`,
    namespace,
    labels: { app, "pod-template-hash": "5d8f7c9b4", ...podLabels },
    annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-20T09:12:44Z", "prometheus.io/scrape": "true" },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${app}-5d8f7c9b4`, uid: "9b2e4f7a-1c3d-4e5f-8a9b-0c1d2e3f4a5b", controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: "kube-controller-manager", operation: "Update", apiVersion: "v1", time: "2026-11-25T08:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:generateName": {} } } }]
  },
  spec: {
    volumes: [{
      name: "kube-api-access-7x2kq",
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } }
        ],
        defaultMode: 420
      }
    }],
    containers: [{
      name: app,
      image: `registry.example.com/shop/${app}:3.4.1`,
      ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "metrics", containerPort: 9090, protocol: "TCP" }],
      env: [
        { name: "SPRING_PROFILES_ACTIVE", value: "prod" },
        { name: "JAVA_OPTS", value: "-XX:MaxRAMPercentage=75" },
        { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: `${app}-db`, key: "password" } } }
      ],
      resources: { limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "250m", memory: "512Mi" } },
      volumeMounts: [{ name: "kube-api-access-7x2kq", readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }],
      livenessProbe: { httpGet: { path: "/actuator/health/liveness", port: 8080, scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: "/actuator/health/readiness", port: 8080, scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      imagePullPolicy: "IfNotPresent"
    }],
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    serviceAccountName: "default",
    serviceAccount: "default",
    securityContext: {},
    schedulerName: "default-scheduler",
    tolerations: [
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }
    ],
    priority: 0,
    enableServiceLinks: true,
    preemptionPolicy: "PreemptLowerPriority"
  },
  status: {}
})

export const matchingPod = pod("checkout", { tier: "backend", "app.kubernetes.io/version": "3.4.1" })
export const nonMatchingPod = pod("batch-report", { tier: "batch", "app.kubernetes.io/version": "1.2.0" })

/** An AdmissionReview v1 request of a pod CREATE from the ReplicaSet controller. */
export const review = (object: unknown, uid: string) => ({
  kind: "AdmissionReview",
  apiVersion: "admission.k8s.io/v1",
  request: {
    uid,
    kind: { group: "", version: "v1", kind: "Pod" },
    resource: { group: "", version: "v1", resource: "pods" },
    requestKind: { group: "", version: "v1", kind: "Pod" },
    requestResource: { group: "", version: "v1", resource: "pods" },
    namespace,
    operation: "CREATE",
    userInfo: {
      username: "system:serviceaccount:kube-system:replicaset-controller",
      uid: "a7e0ab33-5f29-11e8-8a3c-36e6bb280816",
      groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]
    },
    object,
    oldObject: null,
    dryRun: false,
    options: { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" }
  }
})

/**
 * What makes the measurement the intended one, as problems (none when all is well): the CR
 * decodes without errors, the matching pod gets target 9 and the other pod no target.
 */
export const problems = (): ReadonlyArray<string> => {
  const errors = Decode.as("WhatapAgent", rawAgent).findings.filter((f) => f.severity === "error")
  const matched = expected(matchingPod).outcome
  const unmatched = expected(nonMatchingPod).outcome
  return [
    ...errors.map((f) => `the CR does not decode: ${f.message}`),
    ...(matched.injected && matched.target.index === matchedTargetIndex ? [] : [`the matching pod is not injected by target ${matchedTargetIndex}`]),
    ...(!unmatched.injected && unmatched.reason === "NoTargetMatched" ? [] : ["the non-matching pod is matched by a target"])
  ]
}

/** What the mutation itself decides for `object` here: the patch length and the outcome, to check the answers against. */
export const expected = (object: unknown) => {
  const context = { agent: decoded(), namespace: { name: namespace, labels: namespaceLabels }, operatorNamespace, credentials }
  const mutated = Inject.mutate(object, context)
  return { operations: mutated.patch.length, outcome: mutated.outcome }
}
