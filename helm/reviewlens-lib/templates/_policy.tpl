{{- define "reviewlens-lib.pdb" -}}
{{- if .Values.pdb.enabled -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" .Values.pdb.minAvailable) }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "reviewlens-lib.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
Ingress only: pods of the listed components of the same release reach every port; extraFrom
peers (e.g. the ingress controller's namespace) reach the listed extraPorts; metricsFrom peers
(Prometheus) reach the metrics port.
*/}}
{{- define "reviewlens-lib.networkPolicy" -}}
{{- $np := .Values.networkPolicy -}}
{{- if $np.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "reviewlens-lib.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    {{- with $np.from }}
    - from:
        {{- range . }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ . }}
              app.kubernetes.io/instance: {{ $.Release.Name }}
        {{- end }}
      ports:
        {{- range $name, $port := $.Values.ports }}
        - port: {{ $port }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- if and $np.extraFrom $np.extraPorts }}
    - from:
        {{- toYaml $np.extraFrom | nindent 8 }}
      ports:
        {{- range $np.extraPorts }}
        - port: {{ index $.Values.ports . }}
          protocol: TCP
        {{- end }}
    {{- end }}
    {{- with $np.metricsFrom }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: {{ index $.Values.ports ($.Values.serviceMonitor.port | default "metrics") }}
          protocol: TCP
    {{- end }}
{{- end -}}
{{- end -}}

{{- define "reviewlens-lib.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "reviewlens-lib.serviceAccountName" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountToken | default false }}
{{- end -}}
{{- end -}}

{{/* Rendered only where the Prometheus Operator's API exists, unless forced (e.g. for helm template). */}}
{{- define "reviewlens-lib.serviceMonitor" -}}
{{- $sm := .Values.serviceMonitor -}}
{{- if and $sm.enabled (or $sm.force (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor")) -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "reviewlens-lib.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: {{ $sm.port | default "metrics" }}
      path: {{ $sm.path | default "/metrics" }}
      interval: {{ $sm.interval | default "15s" }}
{{- end -}}
{{- end -}}
