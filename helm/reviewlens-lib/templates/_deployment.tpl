{{- define "reviewlens-lib.deployment" -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
spec:
  {{- if not (include "reviewlens-lib.autoscaled" .) }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ .Values.revisionHistoryLimit | default 5 }}
  {{- with .Values.strategy }}
  strategy:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "reviewlens-lib.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "reviewlens-lib.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- include "reviewlens-lib.podSpecCommon" . | nindent 6 }}
      containers:
        {{- include "reviewlens-lib.container" (dict "root" .) | nindent 8 }}
      {{- include "reviewlens-lib.volumes" . | nindent 6 }}
{{- end -}}
