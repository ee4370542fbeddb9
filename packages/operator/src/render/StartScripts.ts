/**
 * The `entrypoint.sh` of the master and node agent (D9: rendered when the install bundle
 * did not provide `master-start-script` / `node-start-script`). Both write the agent's
 * configuration from `WHATAP_LICENSE`, `WHATAP_HOST`, `WHATAP_PORT`, size the JVM heap
 * from `WHATAP_MEM_LIMIT` (the container memory limit in bytes) and `exec` the agent so
 * it gets the pod's signals. Heap (KAZAA-3046): `-Xmx` is 45 % of the limit and `-Xms` a
 * quarter of that (at least 16m, at most `-Xmx`), with G1 returning unused heap, so an
 * idle agent does not hold a heap three times its live size and get OOMKilled. The JVM
 * options and their order are those of the Go operator's bundle (`manifests/resources.yaml`).
 */

const heap = `# Heap: -Xmx is 45% of the container memory limit; -Xms a quarter of it, at least
# 16m and at most -Xmx, so an idle agent does not commit its whole heap (KAZAA-3046).
xmx=$(awk -v limit="\${WHATAP_MEM_LIMIT:-0}" 'BEGIN { printf "%d", limit * 0.45 / 1048576 }')
xms=$((xmx / 4))
if [ "$xms" -lt 16 ]; then xms=16; fi
if [ "$xms" -gt "$xmx" ]; then xms=$xmx; fi
java_opts="-Xms\${xms}m -Xmx\${xmx}m"
java_opts="$java_opts -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -XX:G1PeriodicGCInterval=900000"
java_opts="$java_opts -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m"
java_opts="$java_opts -XX:+UseG1GC -XX:+UseStringDeduplication -XX:+ExitOnOutOfMemoryError -XshowSettings:vm"
java_opts="$java_opts -Dwhatap.home=/whatap_conf"`

const credentials = `license=\${WHATAP_LICENSE:-}
whatap.server.host=\${WHATAP_HOST:-}
whatap.server.port=\${WHATAP_PORT:-}`

/** Writes the confbase and master settings only once: the confbase keeps its own edits there. */
export const master = `#!/usr/bin/env bash
# WhaTap master agent start script (rendered by whatap-operator).
set -e

mkdir -p /whatap_conf/confbase

if [ ! -f /whatap_conf/confbase/whatap_server.conf ]; then
  cat > /whatap_conf/confbase/whatap_server.conf <<CONF
${credentials}
CONF
fi

if [ ! -f /whatap_conf/whatap.master.conf ]; then
  cat > /whatap_conf/whatap.master.conf <<CONF
master_agent_port=6600
${credentials}
confbase_backup_enabled=true
CONF
fi

${heap}

# shellcheck disable=SC2086 # java_opts holds several options
exec java $java_opts -cp /data/agent/confbase/whatap.agent.confbase-1.0.0.jar:/data/agent/master/whatap.kube.master-1.0.1.jar whatap.agent.App
`

/** Rewrites the node settings on every start, so a changed credential takes effect on restart. */
export const node = `#!/usr/bin/env bash
# WhaTap node agent start script (rendered by whatap-operator).
set -e

cat > /whatap_conf/whatap.node.conf <<CONF
${credentials}
imageignore=k8s.gcr.io/pause:3.1,docker.io/openshift/origin-pod:v3.11.0
commandignore=/pause,/usr/bin/pod
whatap.name=\${NODE_NAME:-}
helper_embedded=false
CONF

${heap}

# shellcheck disable=SC2086 # java_opts holds several options
exec java $java_opts -jar /data/agent/node/whatap.kube.node-*.jar
`
