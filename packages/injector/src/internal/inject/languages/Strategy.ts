/**
 * A language strategy: what the APM mutation does that depends on the target's
 * language (spec 5.4 init container env, spec 5.6 application container env). The
 * registry (`Registry.ts`) maps every known language to one; everything else about the
 * mutation is language-independent.
 */
import type { Instrumentation } from "@whatap-operator/core"
import type * as Credentials from "../Credentials.ts"
import type { Container, EnvVar } from "../Pod.ts"

export interface Input {
  readonly container: Container
  readonly target: Instrumentation.TargetSpec
  readonly credentials: Credentials.Resolved
  /** Names an alias must not take: the target's env names (they are applied after the language step). */
  readonly reserved: ReadonlySet<string>
}

export interface ContainerEnv {
  readonly env: ReadonlyArray<EnvVar>
  /** For the Event on the pod; names only, never values. */
  readonly warnings: ReadonlyArray<string>
}

export interface Strategy {
  /** The init container's env; none (no `env` field) when empty. */
  readonly initEnv: (target: Instrumentation.TargetSpec, credentials: Credentials.Resolved) => ReadonlyArray<EnvVar>
  /** An application container's env after the language step (before the target's envs). */
  readonly containerEnv: (input: Input) => ContainerEnv
}
