/**
 * Every object name, label, annotation, finalizer and well-known key of the objects the
 * operator creates or reads (spec section 4 and 5), in one place. Names are those of the
 * Go operator, so an existing install can be switched over; a string literal object name
 * anywhere else is a review failure.
 */

/** The operator's namespace when neither WHATAP_DEFAULT_NAMESPACE nor the in-cluster namespace file says otherwise. */
export const defaultNamespace = "whatap-monitoring"

/** The only WhatapAgent name the APM webhook reads (spec 5.2). */
export const agentName = "whatap"

export const finalizer = "whatapagent.finalizers.monitoring.whatap.com"
export const fieldManager = "whatap-operator"
/** Component name of the Events the operator records. */
export const eventSource = "whatap-operator"
/** Lease of leader election; the Go operator's ID, so the two never run at once. */
export const leaderElectionLease = "19e8a60c.whatap.com"

/** Secret the agents read credentials from when the CR carries none. */
export const credentialsSecret = "whatap-credentials"
export const credentialKeys = { license: "WHATAP_LICENSE", host: "WHATAP_HOST", port: "WHATAP_PORT" } as const

export const labels = {
  name: "name",
  app: "app",
  gpu: "whatap-gpu",
  appName: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  run: "run",
  /** The label the API server puts on every Namespace (D6 namespaceSelector). */
  namespaceName: "kubernetes.io/metadata.name"
} as const

/** Taint keys of control-plane nodes, tolerated by the node agent (spec 4.6.2). */
export const controlPlaneTaints: ReadonlyArray<string> = ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"]

export const operatorAppName = "whatap-operator"
export const managedByValue = "whatap-operator"

/** Webhook plumbing (spec 4.4). */
export const webhook = {
  service: "whatap-admission-controller",
  secret: "whatap-webhook-certificate",
  configuration: "whatap-webhook",
  podWebhook: "mpod.kb.io",
  /** The same pod mutation for the system namespaces that opted in (D6, `systemNamespaceOptIn`). */
  systemPodWebhook: "mpod-system.kb.io",
  podPath: "/whatap-injection--v1-pod",
  agentWebhook: "whatapagent.kb.io",
  agentPath: "/whatap-validation--v2alpha1-whatapagent",
  /** Validation of the three monitor kinds (new: the Go operator validated only the WhatapAgent). */
  validatingConfiguration: "whatap-validating-webhook",
  monitorsWebhook: "whatapmonitors.kb.io",
  monitorsPath: "/whatap-validation--v2alpha1-monitors",
  servicePort: 443,
  targetPort: 9443,
  /** `ca-bundle.pem`: every CA the webhook configurations trust (two while a CA is replaced). */
  secretKeys: { caCert: "cert.pem", caKey: "key.pem", tlsCert: "tls.crt", tlsKey: "tls.key", caBundle: "ca-bundle.pem" }
} as const

/** Master agent (spec 4.5). */
export const masterAgent = {
  deployment: "whatap-master-agent",
  container: "whatap-master-agent",
  service: "whatap-master-agent",
  startScript: "master-start-script",
  port: 6600,
  confbasePort: 6800,
  /** Port names of the headless Service (install bundle, spec 1). */
  servicePortName: "tcp-whatap-master-agent",
  confbasePortName: "tcp-whatap-confbase"
} as const

/** Node agent (spec 4.6). */
export const nodeAgent = {
  daemonSet: "whatap-node-agent",
  gpuDaemonSet: "whatap-node-agent-gpu",
  helperContainer: "whatap-node-helper",
  agentContainer: "whatap-node-agent",
  startScript: "node-start-script",
  helperPort: 6801,
  agentPort: 6600,
  helperPortName: "helperport",
  agentPortName: "nodeport",
  /** Host mounts of the node helper and agent: volume name, mount path, host path. */
  rootfs: { volume: "rootfs", mountPath: "/rootfs", hostPath: "/" },
  hostSys: { volume: "hostsys", mountPath: "/sys", hostPath: "/sys" },
  hostDisk: { volume: "hostdiskdevice", mountPath: "/dev/disk", hostPath: "/dev/disk" }
} as const

/**
 * Container-runtime socket per `nodeAgent.runtime` (spec 4.6.2): volume name and the
 * path, the same inside the container and on the host unless `runtimeSocketPath`
 * overrides the host side.
 */
export const runtimeSockets = {
  containerd: { volume: "containerddomainsocket", path: "/run/containerd/containerd.sock" },
  docker: { volume: "dockerdomainsocket", path: "/var/run/docker.sock" },
  crio: { volume: "criodomainsocket", path: "/var/run/crio/crio.sock" }
} as const

/** Service account and start-script key the agents share (the install bundle's, D9). */
export const agentServiceAccount = "whatap"
export const startScriptKey = "entrypoint.sh"

/** Volumes the master and node agent share: the start script and the config directory. */
export const agentVolumes = {
  startScript: "start-script-volume",
  startScriptPath: "/bin/entrypoint.sh",
  config: "whatap-config-volume",
  configPath: "/whatap_conf"
} as const

/** GPU monitoring (spec 4.7). */
export const gpu = {
  exporterContainer: "dcgm-exporter",
  hostEngineContainer: "dcgm-hostengine",
  service: "dcgm-exporter-service",
  csvConfigMap: "dcgm-exporter-csv",
  csvKey: "whatap-gpu.csv",
  csvVolume: "whatap-dcgm-exporter-csv",
  csvMountPath: "/etc/dcgm-exporter/whatap-dcgm-exporter.csv",
  podResourcesVolume: "pod-gpu-resources",
  podResourcesPath: "/var/lib/kubelet/pod-resources",
  metricsPort: 9400,
  metricsPortName: "metrics",
  hostEnginePortName: "he",
  defaultNodePort: 30400,
  defaultHostEnginePort: 5555,
  defaultInterval: "30s",
  autoTarget: "dcgm-exporter-auto",
  appName: "dcgm-exporter"
} as const

/** OpenAgent (spec 4.9). */
export const openAgent = {
  deployment: "whatap-open-agent",
  container: "whatap-open-agent",
  configMap: "whatap-open-agent-config",
  configKey: "scrape_config.yaml",
  serviceAccount: "whatap-open-agent-sa",
  clusterRole: "whatap-open-agent-role",
  clusterRoleBinding: "whatap-open-agent-role-binding",
  tlsVolumePrefix: "tls-secret-",
  tlsMountRoot: "/etc/ssl/certs",
  logsVolume: "logs-volume",
  logsPath: "/app/logs",
  configVolume: "config-volume",
  configPath: "/app/scrape_config.yaml"
} as const

/** Pod annotations of APM injection (spec 5.8). */
export const apmAnnotations = {
  injected: "whatap-apm-injected",
  language: "whatap-apm-language",
  version: "whatap-apm-version",
  /** Why a pod that a target matched was not injected (D8), next to `injected: "false"`. */
  reason: "whatap-apm-reason"
} as const

/** Namespaces excluded from injection by default (D6), besides the operator's own. */
export const systemNamespaces: ReadonlyArray<string> = ["kube-system", "kube-public", "kube-node-lease"]

/**
 * The namespace label that opts a system namespace back into APM injection (D6):
 * `kubectl label namespace kube-system monitoring.whatap.com/apm-injection=enabled`.
 * The operator's own namespace cannot opt in.
 */
export const systemNamespaceOptIn = { label: "monitoring.whatap.com/apm-injection", value: "enabled" } as const

/**
 * B3, the opt-in rollout restart: annotations on the WhatapAgent turn it on and bound it;
 * the operator writes the other two into the pod template of each workload it restarts
 * (`restartedFor` holds the instrumentation hash the restart was made for, so the same
 * workload is never restarted twice for the same instrumentation).
 */
export const rolloutRestart = {
  /** `monitoring.whatap.com/rollout-restart: enabled` on the WhatapAgent turns it on. */
  annotation: "monitoring.whatap.com/rollout-restart",
  enabled: "enabled",
  /** How many workloads may roll at once (default 1, at most `maxConcurrentLimit`). */
  maxConcurrent: "monitoring.whatap.com/rollout-restart-max-concurrent",
  maxConcurrentLimit: 50,
  restartedFor: "monitoring.whatap.com/restarted-for",
  restartedAt: "monitoring.whatap.com/restarted-at"
} as const
