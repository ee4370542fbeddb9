{{/*
Object names are fixed: they are the Go operator's, which the e2e suite, the operator's own
webhook Service (it selects app.kubernetes.io/name: whatap-operator) and existing installs
rely on. One release per cluster: the WhatapAgent, the webhook configurations and the
ClusterRoles are cluster-wide.
*/}}
{{- define "whatap-operator.name" -}}
whatap-operator
{{- end }}

{{/*
The Deployment's selector is the Go operator's (`app.kubernetes.io/name` alone): a selector
cannot change, so any other would make installing over the Go operator, or back, fail.
*/}}
{{- define "whatap-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "whatap-operator.name" . }}
{{- end }}

{{- define "whatap-operator.podLabels" -}}
{{ include "whatap-operator.selectorLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "whatap-operator.labels" -}}
{{ include "whatap-operator.podLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "whatap-operator.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end }}

{{/* The Secret the operator's WHATAP_LICENSE/HOST/PORT come from. */}}
{{- define "whatap-operator.credentialsSecret" -}}
{{- if and .Values.credentials.create .Values.credentials.existingSecret -}}
{{- fail "credentials.create and credentials.existingSecret exclude each other" -}}
{{- end -}}
{{- .Values.credentials.existingSecret | default "whatap-credentials" -}}
{{- end }}

{{/* Two replicas without leader election would both reconcile. */}}
{{- define "whatap-operator.checks" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) -}}
{{- fail "replicaCount > 1 needs leaderElection.enabled" -}}
{{- end -}}
{{- end }}
