/**
 * Python (spec 5.6): the connection block (license, whatap_server_host/port, WHATAP_HOME,
 * micro, downward API forced; app info added when absent), PYTHONPATH with the bootstrap
 * directory (its `sitecustomize` starts the agent) and WHATAP_PYTHON_AGENT_PATH.
 *
 * Deliberate difference (spec 10.2): the Go operator left an existing PYTHONPATH
 * unchanged, so the agent silently did not load. Here the bootstrap directory is put in
 * front of the application's value (`/whatap-agent/whatap/bootstrap:<value>`; a
 * `valueFrom` entry is aliased to WHATAP_ORIGINAL_PYTHONPATH and referenced as
 * `$(...)`, see `Env.augment`), and a warning records it. Upstream WhaTap made the same
 * change after the version this port follows.
 */
import * as Env from "../Env.ts"
import * as Names from "../Names.ts"
import { envOf } from "../Pod.ts"
import { connection, forced, initEnvWithApp, pathAugmentation } from "./Common.ts"
import type { Strategy } from "./Strategy.ts"

const names = { license: Names.python.license, host: Names.python.host, port: Names.python.port }
const force = forced(names)

export const pythonPath = pathAugmentation(Names.python.path, Names.python.bootstrap)

export const strategy: Strategy = {
  initEnv: (target, credentials) => initEnvWithApp(target.envs ?? [], credentials),
  containerEnv: (input) => {
    const augmented = Env.augment(envOf(input.container), pythonPath, input.reserved)
    const incoming = [
      ...connection(input, names),
      Env.literal(Names.python.path, Names.python.bootstrap),
      Env.literal(Names.python.agentPath, Names.python.agent)
    ]
    return {
      env: Env.combine(augmented.env, incoming, (name) => force.has(name)),
      warnings: Env.describeAugmented(input.container.name, Names.python.path, augmented.result, true)
    }
  }
}
