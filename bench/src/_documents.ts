/**
 * The documents the validate benchmarks feed whatapctl (and kubeconform): a WhatapAgent,
 * a WhatapPodMonitor and a WhatapStaticEndpoint in turn, a tenth of each with errors so
 * the reporting path is exercised too.
 */

const agent = (i: number): string => `apiVersion: monitoring.whatap.com/v2alpha1
kind: WhatapAgent
metadata:
  name: ${i % 10 === 0 ? `agent-${i}` : "whatap"}
spec:
  features:
    apm:
      instrumentation:
        enabled: true
        targets:
          - name: java-${i}
            enabled: true
            language: ${i % 10 === 0 ? "jav" : "java"}
            namespaceSelector:
              matchNames: [team-${i}]
            podSelector:
              matchLabels: {app: web-${i}}
              matchExpressions:
                - {key: tier, operator: In, values: [frontend, backend]}
          - name: python-${i}
            enabled: true
            language: python
            podSelector:
              matchLabels: {lang: python}
    k8sAgent:
      masterAgent:
        enabled: true
        resources:
          requests: {cpu: 100m, memory: 256Mi}
          limits: {cpu: ${i % 10 === 0 ? "50m" : "1"}, memory: 1Gi}
      nodeAgent: {enabled: true}
      gpuMonitoring: {enabled: false}
`

const podMonitor = (i: number): string => `apiVersion: monitoring.whatap.com/v2alpha1
kind: WhatapPodMonitor
metadata:
  name: pm-${i}
  namespace: default
spec:
  selector:
    matchLabels: {app: api-${i}}
  endpoints:
    - port: ${i % 10 === 1 ? '"70000"' : "metrics"}
      interval: 30s
      metricRelabelConfigs:
        - {action: keep, regex: "http_.*", source_labels: [__name__]}
`

const staticEndpoint = (i: number): string => `apiVersion: monitoring.whatap.com/v2alpha1
kind: WhatapStaticEndpoint
metadata:
  name: se-${i}
  namespace: default
spec:
  endpoints:
    - address: ${i % 10 === 2 ? "db-only-host" : `10.0.${i % 256}.1:9100`}
`

const generators = [agent, podMonitor, staticEndpoint]

/** `n` documents as one multi-document YAML text. */
export const documents = (n: number): string => Array.from({ length: n }, (_, i) => (generators[i % 3] ?? agent)(i)).join("---\n")
