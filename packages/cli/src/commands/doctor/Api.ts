/**
 * Check 1: the API server answers with the kubeconfig's credentials. One GET of the
 * operator's Namespace: any answer but 401 proves the server is reachable and takes the
 * credentials (a 404 only says the namespace is missing, which later checks report with
 * their own fixes). Unreachable or refused, every later check is skipped.
 */
import { ApiResource, KubeClient } from "@whatap-operator/kube"
import { Effect } from "effect"
import * as Cluster from "../../Cluster.ts"
import * as Check from "./Check.ts"

const title = "API server reachable"

const unreachableFix =
  "check that the cluster is up and that the server of the kubeconfig's context is reachable from here (kubectl config view --minify); --kubeconfig and --context pick another"

export const step: Check.Step = {
  title,
  skipIf: () => undefined,
  run: (facts) =>
    Effect.gen(function*() {
      const kube = yield* KubeClient
      const answer = yield* Effect.result(kube.get(ApiResource.Namespace, facts.namespace))
      if (answer._tag === "Success") return { ...Check.ok(title, `the API server answered; namespace ${facts.namespace} exists`), learnt: { reachable: true } }
      const e = answer.failure
      if (e.reason === "NotFound") {
        return { ...Check.ok(title, `the API server answered; namespace ${facts.namespace} does not exist yet (later checks say what is missing)`), learnt: { reachable: true } }
      }
      if (e.reason === "Forbidden") {
        return { ...Check.ok(title, "the API server answered (this user may not read namespaces)"), learnt: { reachable: true } }
      }
      if (e.reason === "Unauthorized") {
        return Check.fail(title, "the API server refused the kubeconfig's credentials", "renew the credentials of the kubeconfig's user (an expired token or certificate), or pick another --context", [Cluster.describe(e)])
      }
      if (Cluster.isUntrusted(e)) {
        return Check.fail(title, "the API server's certificate is not signed by the kubeconfig's certificate authority", "check the cluster's certificate-authority(-data) in the kubeconfig (a cluster re-created with a new CA needs the new one), or pick another --context", [Cluster.describe(e)])
      }
      return Check.fail(title, Cluster.isUnreachable(e) ? "the API server did not answer" : `the API server answered with an error: ${e.message}`, unreachableFix, [Cluster.describe(e)])
    })
}
