/**
 * The chart installed by the real `helm install` into a local control plane of its own, and
 * the operator run with the chart's ServiceAccount. kwok cannot run the operator image, so
 * the chart's Deployment gets fake pods that run nothing, and the operator runs as a process
 * outside the cluster with a TokenRequest token of that ServiceAccount: RBAC sees the
 * chart's identity. Nothing is reachable through a Service: the operator registers its
 * webhooks by loopback URL, and kube-apiserver never opens a non-loopback socket.
 */
import { assert, type Vitest } from "@effect/vitest"
import { Duration, Effect, Schedule } from "effect"
import { Naming } from "@whatap-operator/core"
import { ApiResource, KubeClient, type KubeObject } from "@whatap-operator/kube"
import * as Audit from "../../src/Audit.ts"
import { ControlPlane } from "../../src/ControlPlane.ts"
import * as Manifests from "../../src/Manifests.ts"
import * as NetworkGuard from "../../src/NetworkGuard.ts"
import * as OperatorProcess from "../../src/OperatorProcess.ts"
import * as ServiceAccounts from "../../src/ServiceAccounts.ts"
import * as Rbac from "../operator/Rbac.ts"
import * as Helm from "./Helm.ts"
import * as Objects from "./Objects.ts"

type It = Vitest.MethodsNonLive<KubeClient | ControlPlane>

const ns = Helm.namespace
const account = "whatap-operator"
/** A license the chart stores in the Secret; never printed by helm or the operator. */
const license = "e2e-HELM-LICENSE-4b1e9a"

const eventually = <A, E, R>(check: Effect.Effect<A, E, R>, timeout: Duration.Input = "60 seconds") =>
  check.pipe(Effect.retry(Schedule.spaced("250 millis").pipe(Schedule.upTo({ duration: timeout }))))

const helm = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const plane = yield* ControlPlane
    return yield* Effect.scoped(Effect.flatMap(Helm.home, (dir) =>
      Helm.result(dir, [...args, "--namespace", ns, "--kubeconfig", plane.kubeconfigPath])))
  })

const gone = (resource: ApiResource.ApiResource, name: string, namespace?: string) =>
  Effect.flatMap(Effect.service(KubeClient), (kube) => kube.get(resource, name, { namespace })).pipe(
    Effect.matchEffect({
      onSuccess: () => Effect.fail(new Error(`${resource.kind} ${name} still exists`)),
      onFailure: (e) => e.reason === "NotFound" ? Effect.void : Effect.fail(e)
    })
  )

const conditionOf = (agent: KubeObject.KubeObject, type: string) =>
  ((agent["status"] as { conditions?: ReadonlyArray<{ type: string; status: string }> } | undefined)?.conditions ?? []).find((c) => c.type === type)

/** Starts the operator as the chart's ServiceAccount, applies the basic sample and waits for Ready. */
const reconcileSample = Effect.gen(function*() {
  const plane = yield* ControlPlane
  const kube = yield* KubeClient
  const kubeconfig = yield* ServiceAccounts.kubeconfig({ kubeConfig: plane.kubeConfig, namespace: ns, name: account, dir: plane.workDir })
  const operator = yield* OperatorProcess.start({ kubeconfig, namespace: ns, identity: "helm-e2e" })
  yield* operator.waitReady()
  const [sample] = Manifests.loadFiles(Manifests.samplesDir, (f) => f === "whatap-agent-basic.yaml")
  yield* kube.apply(ApiResource.WhatapAgent, sample as unknown as KubeObject.KubeObject, { force: true, fieldManager: "e2e" })
  const agent = yield* eventually(Effect.flatMap(kube.get(ApiResource.WhatapAgent, Naming.agentName), (a) =>
    conditionOf(a, "Ready")?.status === "True" ? Effect.succeed(a) : Effect.fail(new Error(`not ready: ${JSON.stringify(a["status"])}`))), "90 seconds")
  return { operator, agent }
})

export const installSpecs = (it: It) => {
  it.effect("helm install creates the chart's objects and does not wait for pods", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const kube = yield* KubeClient
      const install = yield* helm(["install", Helm.release, Helm.chartDir, "--create-namespace",
        "--set", `credentials.create=true,credentials.license=${license},credentials.host=127.0.0.1`])
      assert.strictEqual(install.code, 0, install.stderr)
      assert.include(install.stdout, "STATUS: deployed")
      assert.notInclude(install.stdout + install.stderr, license)
      const deployment = yield* kube.get(ApiResource.Deployment, "whatap-operator", { namespace: ns })
      assert.strictEqual(Objects.deploymentOf(deployment as unknown as Objects.Json).replicas, 2)
      yield* Manifests.waitEstablished(plane.kubeConfig, ["whatapagents.monitoring.whatap.com", "whatappodmonitors.monitoring.whatap.com"])
      for (const [resource, name] of [[ApiResource.ClusterRole, "whatap-operator"], [ApiResource.ClusterRole, "whatap"], [ApiResource.ClusterRoleBinding, "whatap"]] as const) {
        assert.strictEqual((yield* kube.get(resource, name)).metadata.name, name)
      }
      assert.strictEqual((yield* kube.get(ApiResource.Secret, Naming.credentialsSecret, { namespace: ns })).metadata.name, Naming.credentialsSecret)
      // The controller-manager creates the pods and kwok fakes them: nothing runs the image.
      const pods = yield* eventually(Effect.flatMap(kube.list(ApiResource.Pod, { namespace: ns, labelSelector: "app.kubernetes.io/name=whatap-operator" }), (l) =>
        l.items.length === 2 ? Effect.succeed(l.items) : Effect.fail(new Error(`${l.items.length} pods`))))
      assert.strictEqual(pods.length, 2)
    }))

  it.effect("the operator with the chart's ServiceAccount reconciles a sample; kube-apiserver dials loopback only", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      const kube = yield* KubeClient
      const { result, connections } = yield* NetworkGuard.during(plane.nonLoopbackConnections, Effect.scoped(Effect.gen(function*() {
        const { operator, agent } = yield* reconcileSample
        assert.include(agent.metadata.finalizers ?? [], Naming.finalizer)
        for (const [resource, name] of [[ApiResource.Deployment, Naming.masterAgent.deployment], [ApiResource.DaemonSet, Naming.nodeAgent.daemonSet]] as const) {
          assert.strictEqual((yield* kube.get(resource, name, { namespace: ns })).metadata.name, name)
        }
        const mwc = yield* kube.get(ApiResource.MutatingWebhookConfiguration, Naming.webhook.configuration)
        for (const hook of mwc["webhooks"] as ReadonlyArray<{ clientConfig: { url?: string } }>) {
          assert.strictEqual(new URL(hook.clientConfig.url ?? "").hostname, "127.0.0.1")
        }
        // The operator's webhook Service selects the chart's pods (in a cluster, its endpoints).
        const service = yield* kube.get(ApiResource.Service, Naming.webhook.service, { namespace: ns })
        const selector = Object.entries((service["spec"] as { selector: Record<string, string> }).selector).map(([k, v]) => `${k}=${v}`).join(",")
        assert.lengthOf((yield* kube.list(ApiResource.Pod, { namespace: ns, labelSelector: selector })).items, 2)
        yield* kube.delete(ApiResource.WhatapAgent, Naming.agentName)
        yield* eventually(gone(ApiResource.WhatapAgent, Naming.agentName))
        yield* gone(ApiResource.Deployment, Naming.masterAgent.deployment, ns)
        return operator.logs()
      })))
      assert.deepStrictEqual(connections.map(NetworkGuard.format), [])
      assert.isAbove(result.length, 5)
      assert.notInclude(result.join("\n"), license)
    }))

  it.effect("the chart's RBAC allowed every call the operator made", () =>
    Effect.gen(function*() {
      const plane = yield* ControlPlane
      yield* Audit.flush(plane.auditLogPath, plane.kubeConfig)
      const events = yield* Audit.events(plane.auditLogPath, { user: ServiceAccounts.username(ns, account) })
      assert.deepStrictEqual(events.filter((e) => e.responseStatus?.code === 403).map((e) => e.requestURI), [])
      // Server-side apply of an absent object is a `patch` answered 201, authorized as `create` too.
      const created = events.filter((e) => e.verb === "patch" && e.responseStatus?.code === 201).map((e) => ({ ...e, verb: "create" }))
      const calls = Audit.calls([...events, ...created])
      assert.isAbove(calls.length, 20)
      const chart = yield* Effect.scoped(Effect.flatMap(Helm.home, (dir) => Helm.template(dir, ["--show-only", "templates/rbac.yaml"])))
      assert.deepStrictEqual(Rbac.unallowed(Rbac.rulesOf(Objects.parse(chart)), calls), [])
    }))

  it.effect("helm uninstall removes the chart's objects and keeps the CRDs", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const uninstall = yield* helm(["uninstall", Helm.release])
      assert.strictEqual(uninstall.code, 0, uninstall.stderr)
      yield* eventually(gone(ApiResource.Deployment, "whatap-operator", ns))
      yield* gone(ApiResource.ClusterRole, "whatap-operator")
      yield* gone(ApiResource.ClusterRole, "whatap")
      yield* gone(ApiResource.Secret, Naming.credentialsSecret, ns)
      const crd = yield* kube.get(ApiResource.CustomResourceDefinition, "whatapagents.monitoring.whatap.com")
      assert.strictEqual(crd.metadata.annotations?.["helm.sh/resource-policy"], "keep")
    }))

  it.effect("over the Go operator's Deployment (a Helm 3 release of the same name), helm install --take-ownership updates it in place", () =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      // What the Go operator's install leaves (manifests/resources.yaml and its chart): the
      // selector and container name below, `command: [/manager]`, written client-side by Helm 3.
      const goLabels = { "app.kubernetes.io/name": "whatap-operator" }
      const goDeployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
          name: "whatap-operator",
          namespace: ns,
          labels: { ...goLabels, "app.kubernetes.io/managed-by": "Helm" },
          annotations: { "meta.helm.sh/release-name": Helm.release, "meta.helm.sh/release-namespace": ns }
        },
        spec: {
          replicas: 1,
          selector: { matchLabels: goLabels },
          template: {
            metadata: { labels: goLabels },
            spec: { serviceAccountName: "whatap-operator", containers: [{ name: "operator", image: "public.ecr.aws/whatap/whatap-operator:latest", command: ["/manager"], ports: [{ containerPort: 9443 }] }] }
          }
        }
      } as unknown as KubeObject.KubeObject
      const created = yield* kube.create(ApiResource.Deployment, goDeployment, { namespace: ns, fieldManager: "helm" })
      const install = yield* helm(["install", Helm.release, Helm.chartDir, "--take-ownership"])
      assert.strictEqual(install.code, 0, install.stderr)
      const taken = yield* kube.get(ApiResource.Deployment, "whatap-operator", { namespace: ns })
      assert.strictEqual(taken.metadata.uid, created.metadata.uid, "updated in place, not replaced")
      const { template } = Objects.deploymentOf(taken as unknown as Objects.Json)
      const containers = template.spec.containers
      assert.deepStrictEqual(containers.map((c) => c.name), ["operator"])
      assert.strictEqual(containers[0]?.args?.[0], "run", "the chart's args (a leftover command: [/manager] runs them too)")
      const uninstall = yield* helm(["uninstall", Helm.release])
      assert.strictEqual(uninstall.code, 0, uninstall.stderr)
    }))
}
