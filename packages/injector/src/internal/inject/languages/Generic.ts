/**
 * Languages without env injection (php, dotnet, golang, and any unknown language
 * string, spec 5.4 "other languages"): the init container copies the agent and every
 * application container mounts it; the env is left to the target's `envs`.
 */
import { envOf } from "../Pod.ts"
import type { Strategy } from "./Strategy.ts"

export const strategy: Strategy = {
  initEnv: () => [],
  containerEnv: ({ container }) => ({ env: envOf(container), warnings: [] })
}
