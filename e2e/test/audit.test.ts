/**
 * The audit log as specs use it: requests of a ServiceAccount (a TokenRequest token, not the
 * admin certificate) appear under its user name with their outcome, `writes` and `calls`
 * summarise them, and `since` cuts off what came before. Plus the parser's edge cases.
 */
import { statSync } from "node:fs"
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api
} from "@kubernetes/client-node"
import { Effect } from "effect"
import { afterAll, assert, beforeAll, describe, inject, it } from "vitest"
import * as Audit from "../src/Audit.ts"
import * as ServiceAccounts from "../src/ServiceAccounts.ts"
import { eventually, suffix } from "./specs/Target.ts"

const event = (verb: string, ref: Partial<Record<"resource" | "name" | "namespace" | "apiGroup" | "subresource", string>>) =>
  JSON.stringify({
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: "Metadata",
    auditID: "a1",
    stage: "ResponseComplete",
    requestURI: "/x",
    verb,
    user: { username: "system:serviceaccount:ns:op", groups: ["system:serviceaccounts"] },
    objectRef: ref,
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: "2026-11-25T10:00:00.123456Z",
    stageTimestamp: "2026-11-25T10:00:00.125000Z"
  })

describe("Audit.parse", () => {
  it("leaves out a last line still being written and fails on a broken complete line", async () => {
    const complete = `${event("get", { resource: "pods", namespace: "ns" })}\n`
    const parsed = await Effect.runPromise(Audit.parse(`${complete}{"kind":"Event","audi`))
    assert.strictEqual(parsed.length, 1)
    assert.strictEqual(parsed[0]?.requestReceivedTimestamp, "2026-11-25T10:00:00.123456Z")
    const broken = await Effect.runPromise(Effect.flip(Audit.parse(`${complete}{"kind":"Event"}\n`)))
    assert.match(broken.message, /^line 2 is not an audit event/)
  })

  it("keeps writes and lists distinct calls in a stable order", async () => {
    const events = await Effect.runPromise(Audit.parse([
      event("patch", { resource: "daemonsets", apiGroup: "apps", namespace: "ns", name: "agent" }),
      event("get", { resource: "configmaps", namespace: "ns", name: "c" }),
      event("patch", { resource: "daemonsets", apiGroup: "apps", namespace: "ns", name: "agent" }),
      event("update", { resource: "whatapagents", apiGroup: "monitoring.whatap.com", name: "whatap", subresource: "status" }),
      ""
    ].join("\n")))
    assert.deepStrictEqual(Audit.writes(events).map((e) => e.verb), ["patch", "patch", "update"])
    assert.deepStrictEqual(Audit.calls(events), [
      { verb: "get", apiGroup: "", resource: "configmaps", namespace: "ns", name: "c" },
      { verb: "patch", apiGroup: "apps", resource: "daemonsets", namespace: "ns", name: "agent" },
      { verb: "update", apiGroup: "monitoring.whatap.com", resource: "whatapagents", subresource: "status", name: "whatap" }
    ])
  })
})

describe("audit log of a ServiceAccount's requests", () => {
  const plane = inject("controlPlane")
  const admin = new KubeConfig()
  admin.loadFromFile(plane.kubeconfigPath)
  const namespace = `e2e-audit-${suffix()}`
  const name = "operator"
  const user = ServiceAccounts.username(namespace, name)
  let asServiceAccount = new KubeConfig()
  let kubeconfigPath = ""

  beforeAll(async () => {
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } })
    kubeconfigPath = await Effect.runPromise(
      ServiceAccounts.kubeconfig({ kubeConfig: admin, namespace, name, dir: plane.workDir })
    )
    asServiceAccount = new KubeConfig()
    asServiceAccount.loadFromFile(kubeconfigPath)
  })
  afterAll(async () => {
    await admin.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace }).catch(() => undefined)
  })

  it("authenticates with the token as the ServiceAccount, never as the admin", async () => {
    assert.strictEqual(statSync(kubeconfigPath).mode & 0o777, 0o600)
    const user0 = asServiceAccount.getCurrentUser()
    assert.isString(user0?.token)
    assert.isUndefined(user0?.certData)
    const review = await asServiceAccount.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} })
    assert.strictEqual(review.status?.userInfo?.username, user)
  })

  it("records its writes, denied and allowed, under its user name", async () => {
    const core = asServiceAccount.makeApiClient(CoreV1Api)
    const since = new Date()
    const denied = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "first" } } })
      .then(() => 0, (error: { readonly code?: number }) => error.code ?? -1)
    assert.strictEqual(denied, 403)
    await grantConfigMaps(admin, namespace, user)
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: "second" } } })
    await core.deleteNamespacedConfigMap({ namespace, name: "second" })
    await Effect.runPromise(Audit.flush(plane.auditLogPath, admin))

    const events = await Effect.runPromise(Audit.events(plane.auditLogPath, { user, since }))
    // A denied create has no name: authorization runs before the body is read.
    assert.deepStrictEqual(
      Audit.writes(events).map((e) => `${e.verb} ${e.objectRef?.resource} ${e.objectRef?.name ?? "-"} ${e.responseStatus?.code}`),
      ["create configmaps - 403", "create configmaps second 201", "delete configmaps second 200"]
    )
    assert.deepStrictEqual(Audit.calls(events), [
      { verb: "create", apiGroup: "", resource: "configmaps", namespace },
      { verb: "create", apiGroup: "", resource: "configmaps", namespace, name: "second" },
      { verb: "delete", apiGroup: "", resource: "configmaps", namespace, name: "second" }
    ])
    // The admin's RBAC writes in between are someone else's; the SelfSubjectReview came before `since`.
    const all = await Effect.runPromise(Audit.events(plane.auditLogPath, { user }))
    assert.isTrue(all.some((e) => e.objectRef?.resource === "selfsubjectreviews"))
    assert.isFalse(events.some((e) => e.objectRef?.resource === "selfsubjectreviews"))
  })
})

const grantConfigMaps = async (admin: KubeConfig, namespace: string, user: string) => {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api)
  const metadata = { name: "configmaps", namespace }
  await rbac.createNamespacedRole({
    namespace,
    body: { metadata, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create", "delete"] }] }
  })
  const [, , saNamespace = "", saName = ""] = user.split(":")
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "configmaps" },
      subjects: [{ kind: "ServiceAccount", namespace: saNamespace, name: saName }]
    }
  })
  // The authorizer learns of the binding through a watch; ask it as the admin, so that the
  // ServiceAccount's own request log stays exactly what the spec did.
  const authorization = admin.makeApiClient(AuthorizationV1Api)
  await eventually(async () => {
    const review = await authorization.createSubjectAccessReview({
      body: { spec: { user, resourceAttributes: { namespace, verb: "create", resource: "configmaps" } } }
    })
    assert.isTrue(review.status?.allowed)
  }, "10 seconds")
}
