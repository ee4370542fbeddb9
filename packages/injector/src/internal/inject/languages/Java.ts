/**
 * Java (spec 5.6): `-javaagent:` through JAVA_TOOL_OPTIONS, WHATAP_JAVA_AGENT_PATH, then
 * the connection block forced over any existing entries (`upsert`).
 *
 * D5: a JAVA_TOOL_OPTIONS defined with `valueFrom` made the Go operator write a `value`
 * next to it, and the API server rejected the pod. Here its source moves to the alias
 * WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS (same place in the list) and JAVA_TOOL_OPTIONS
 * becomes `$(WHATAP_ORIGINAL_JAVA_TOOL_OPTIONS) -javaagent:...`, which the kubelet
 * expands: the application keeps its options and the agent loads. A source marked
 * `optional` is left untouched instead (if it were missing, the unexpanded reference
 * would reach the JVM as an unknown option), and a warning says the agent is not loaded.
 * As in Go, the entry changed is the first of duplicates, and a literal always gets the
 * option appended (even when it already has it).
 */
import * as Credentials from "../Credentials.ts"
import * as Env from "../Env.ts"
import * as Names from "../Names.ts"
import { type EnvVar, envOf } from "../Pod.ts"
import type { Strategy } from "./Strategy.ts"

export const agentOption = `-javaagent:${Names.java.agentJar}`

/** Go joins with a space even when the existing value is empty; kept for byte-identical pods. */
export const toolOptions: Env.Augmentation = {
  name: Names.java.toolOptions,
  entry: "first",
  join: (existing) => `${existing} ${agentOption}`,
  unexpandedIsHarmless: false
}

export const strategy: Strategy = {
  initEnv: (_target, credentials) => Credentials.initEnv(credentials),
  containerEnv: ({ container, credentials, reserved }) => {
    const augmented = Env.augment(envOf(container), toolOptions, reserved)
    const withOptions = augmented.result._tag === "Absent"
      ? [...augmented.env, Env.literal(Names.java.toolOptions, agentOption)]
      : augmented.env
    const withPath = Env.has(withOptions, Names.java.agentPath)
      ? withOptions
      : [...withOptions, Env.literal(Names.java.agentPath, Names.java.agentJar)]
    const env = Env.upsert(withPath, [
      Credentials.envVar(Names.java.license, credentials.license),
      Credentials.envVar(Names.java.host, credentials.host),
      Credentials.envVar(Names.java.port, credentials.port),
      Env.literal(Names.env.microEnabled, "true"),
      ...Env.downward
    ])
    return {
      env,
      warnings: [...Env.describeAugmented(container.name, Names.java.toolOptions, augmented.result, false), ...lastWins(container.name, env)]
    }
  }
}

/**
 * Duplicates of JAVA_TOOL_OPTIONS: the first is changed, as in Go, but the kubelet uses the
 * last, so unless that one loads the agent itself the JVM starts without it; the pod is
 * left as Go leaves it and an Event says so.
 */
const lastWins = (container: string, env: ReadonlyArray<EnvVar>): ReadonlyArray<string> => {
  const entries = env.filter((e) => e.name === Names.java.toolOptions)
  const last = entries[entries.length - 1]
  if (entries.length < 2 || last === undefined) return []
  if ((last.valueFrom === undefined || last.valueFrom === null) && (last.value ?? "").includes(agentOption)) return []
  return [`container ${JSON.stringify(container)}: ${Names.java.toolOptions} is set ${entries.length} times; the WhaTap agent was added to the first (as the Go operator does) but the kubelet uses the last, so the agent does not load: remove the duplicates`]
}
