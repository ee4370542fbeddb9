/**
 * Every name and path the APM mutation writes into a pod (spec 5.4-5.6, the Go
 * operator's `constants.go`): the init container, the shared volume and its mount, the
 * custom-config and plugin volumes, and the env var names of each language. They are the
 * Go operator's, so pods instrumented by either look the same.
 */

export const initContainer = "whatap-agent-init"

export const agentVolume = "whatap-agent-volume"
export const agentMountPath = "/whatap-agent"

/** Custom `whatap.conf` (spec 5.5): defaults of `config.volumeName` / `config.mountPath`. */
export const configVolume = "config-volume"
export const configMountPath = "/config-volume"

export const pluginVolume = "whatap-plugin-volume"
export const pluginMountPath = "/whatap-plugin"
export const pluginDir = `${agentMountPath}/plugin`

/** The init images' entry point; run explicitly when the command is replaced (spec 5.5). */
export const initScriptStep = "if [ -x /init.sh ]; then /init.sh; fi"

export const defaultVersion = "latest"

/** Env names shared by every language. */
export const env = {
  license: "WHATAP_LICENSE",
  host: "WHATAP_HOST",
  port: "WHATAP_PORT",
  nodeIp: "NODE_IP",
  nodeName: "NODE_NAME",
  podName: "POD_NAME",
  microEnabled: "whatap.micro.enabled",
  home: "WHATAP_HOME",
  appName: "app_name",
  appProcessName: "app_process_name",
  okind: "OKIND"
} as const

export const java = {
  license: "license",
  host: "whatap.server.host",
  port: "whatap.server.port",
  agentPath: "WHATAP_JAVA_AGENT_PATH",
  toolOptions: "JAVA_TOOL_OPTIONS",
  agentJar: `${agentMountPath}/whatap.agent.java.jar`
} as const

export const python = {
  license: "license",
  host: "whatap_server_host",
  port: "whatap_server_port",
  agentPath: "WHATAP_PYTHON_AGENT_PATH",
  path: "PYTHONPATH",
  bootstrap: `${agentMountPath}/whatap/bootstrap`,
  agent: `${agentMountPath}/whatap_python`
} as const

export const nodejs = {
  license: "WHATAP_LICENSE",
  host: "WHATAP_SERVER_HOST",
  port: "WHATAP_SERVER_PORT",
  agentPath: "WHATAP_NODEJS_AGENT_PATH",
  options: "NODE_OPTIONS",
  path: "NODE_PATH",
  modules: `${agentMountPath}/node_modules`,
  agent: `${agentMountPath}/node_modules/whatap/agent/whatap_nodejs`,
  require: "-r whatap"
} as const

/** Prefix of the alias an env var defined with `valueFrom` is moved to (D5, spec 10.2). */
export const originalPrefix = "WHATAP_ORIGINAL_"

/**
 * Every env name the operator itself produces (spec 5.6, `operatorManagedEnvNames`):
 * target envs of these names are only added when absent, all others replace a
 * pre-existing entry of the same name.
 */
export const managed: ReadonlySet<string> = new Set([
  env.license, env.host, env.port, env.nodeIp, env.nodeName, env.podName, env.microEnabled,
  java.license, java.host, java.port, java.agentPath, java.toolOptions,
  python.license, python.host, python.port, python.agentPath, env.home, python.path,
  env.appName, env.appProcessName, env.okind,
  nodejs.license, nodejs.host, nodejs.port, nodejs.agentPath, nodejs.options, nodejs.path
])

/** Env names whose value is a license: redacted wherever a mutation is shown rather than applied. */
export const licenseNames: ReadonlySet<string> = new Set([env.license, java.license, python.license, nodejs.license])
