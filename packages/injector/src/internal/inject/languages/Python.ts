/**
 * Python (spec 5.6): the connection block (license, whatap_server_host/port, WHATAP_HOME,
 * micro, downward API forced; app info added when absent), PYTHONPATH with the bootstrap
 * directory (its `sitecustomize` starts the agent) and WHATAP_PYTHON_AGENT_PATH.
 *
 * An application's own PYTHONPATH wins unchanged, as in the Go operator (its unit test
 * asserts it, spec 7): the agent then loads only if that value already holds the
 * bootstrap directory, and a warning on the pod says so when it does not.
 */
import * as Env from "../Env.ts"
import * as Names from "../Names.ts"
import { envOf } from "../Pod.ts"
import { connection, forced, initEnvWithApp, onPath } from "./Common.ts"
import type { Strategy } from "./Strategy.ts"

const names = { license: Names.python.license, host: Names.python.host, port: Names.python.port }
const force = forced(names)

export const pythonPath = onPath(Names.python.bootstrap)

export const strategy: Strategy = {
  initEnv: (target, credentials) => initEnvWithApp(target.envs ?? [], credentials),
  containerEnv: (input) => {
    const own = envOf(input.container)
    const incoming = [
      ...connection(input, names),
      Env.literal(Names.python.path, Names.python.bootstrap),
      Env.literal(Names.python.agentPath, Names.python.agent)
    ]
    const kept = Env.kept(own, Names.python.path, pythonPath)
    return {
      env: Env.combine(own, incoming, (name) => force.has(name)),
      warnings: Env.describeKept(input.container.name, Names.python.path, kept, pythonPath)
    }
  }
}
