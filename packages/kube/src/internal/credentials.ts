/**
 * How long the per-request headers (a bearer token, basic auth, impersonation) are kept
 * before the credentials are read again, shared by both ways of configuring the client:
 * a kubeconfig (`kubeconfig.ts`) and the in-cluster service account (`inCluster.ts`).
 */
import { Duration, Effect, Exit } from "effect"
import type { KubeError } from "../KubeError.ts"

export type Headers = Readonly<Record<string, string>>

/**
 * Credentials are re-read this often: client-go re-reads a projected token file every
 * minute, and the kubelet rotates it long before it expires.
 */
export const authTtl = Duration.seconds(30)

/**
 * `read` cached for `authTtl` after a success (a failure is not kept: the next call reads
 * again), and the invalidation that forgets it after a 401.
 */
export const cached = (
  read: Effect.Effect<Headers, KubeError>
): Effect.Effect<readonly [Effect.Effect<Headers, KubeError>, Effect.Effect<void>]> =>
  read.pipe(Effect.cachedInvalidateWithTTL((exit) => Exit.isSuccess(exit) ? authTtl : Duration.zero))
