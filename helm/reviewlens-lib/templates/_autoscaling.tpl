{{/*
One autoscaler per component, from .Values.autoscaling: an autoscaling/v2 HPA (custom metrics
through prometheus-adapter, rules in k8s/prometheus-adapter) or, with engine=keda, a KEDA
ScaledObject with Prometheus triggers on the same queries (KEDA may also scale to zero).
Each entry of autoscaling.metrics is an autoscaling/v2 MetricSpec (Pods, External or Object, with
an AverageValue or Value target; strings are templated) plus `query`: the same signal in PromQL for
KEDA's Prometheus trigger (templated), and optionally `activationThreshold`. autoscaling.keda.activeWhile
(PromQL, templated) adds a KEDA trigger that only keeps the Deployment active (above zero) while
it is non-zero: its threshold is too high to ask for a second replica.
*/}}
{{- define "reviewlens-lib.autoscaler" -}}
{{- $as := .Values.autoscaling -}}
{{- if $as.enabled -}}
{{- if not (or $as.cpu.enabled $as.metrics) -}}
{{- fail (printf "%s: autoscaling.enabled needs autoscaling.cpu.enabled or autoscaling.metrics" .Chart.Name) -}}
{{- end -}}
{{- if gt (int $as.minReplicas) (int $as.maxReplicas) -}}
{{- fail (printf "%s: autoscaling.minReplicas (%d) exceeds autoscaling.maxReplicas (%d)" .Chart.Name (int $as.minReplicas) (int $as.maxReplicas)) -}}
{{- end -}}
{{- if eq (include "reviewlens-lib.autoscalingEngine" .) "keda" -}}
{{- include "reviewlens-lib.scaledObject" . -}}
{{- else -}}
{{- if lt (int $as.minReplicas) 1 -}}
{{- fail (printf "%s: autoscaling.minReplicas 0 (scale to zero) needs autoscaling.engine=keda" .Chart.Name) -}}
{{- end -}}
{{- include "reviewlens-lib.hpa" . -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "reviewlens-lib.hpa" -}}
{{- $as := .Values.autoscaling -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "reviewlens-lib.fullname" . }}
  minReplicas: {{ int $as.minReplicas }}
  maxReplicas: {{ int $as.maxReplicas }}
  metrics:
    {{- if $as.cpu.enabled }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ int $as.cpu.targetAverageUtilization }}
    {{- end }}
    {{- range $as.metrics }}
    - {{- tpl (toYaml (omit . "query" "activationThreshold")) $ | nindent 6 }}
    {{- end }}
  {{- with $as.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{- define "reviewlens-lib.scaledObject" -}}
{{- $as := .Values.autoscaling -}}
{{- $keda := $as.keda | default dict -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "reviewlens-lib.fullname" . }}
  minReplicaCount: {{ int $as.minReplicas }}
  maxReplicaCount: {{ int $as.maxReplicas }}
  pollingInterval: {{ $keda.pollingInterval | default 15 }}
  cooldownPeriod: {{ $keda.cooldownPeriod | default 300 }}
  {{- with $as.behavior }}
  advanced:
    horizontalPodAutoscalerConfig:
      name: {{ include "reviewlens-lib.fullname" $ }}
      behavior:
        {{- toYaml . | nindent 8 }}
  {{- end }}
  triggers:
    {{- if $as.cpu.enabled }}
    - type: cpu
      name: cpu
      metricType: Utilization
      metadata:
        value: {{ int $as.cpu.targetAverageUtilization | toString | quote }}
    {{- end }}
    {{- range $as.metrics }}
    - type: prometheus
      {{- $spec := index . (lower .type) }}
      name: {{ $spec.metric.name | replace "_" "-" | replace ":" "-" | quote }}
      metricType: AverageValue
      metadata:
        serverAddress: {{ $keda.prometheusAddress | default (dig "prometheus" "address" "http://prometheus-operated.monitoring.svc:9090" ($.Values.global | default dict)) | quote }}
        query: {{ tpl .query $ | quote }}
        threshold: {{ $spec.target.averageValue | default $spec.target.value | toString | quote }}
        {{- if not (kindIs "invalid" .activationThreshold) }}
        activationThreshold: {{ .activationThreshold | toString | quote }}
        {{- end }}
    {{- end }}
    {{- with $keda.activeWhile }}
    - type: prometheus
      name: active-while
      metricType: AverageValue
      metadata:
        serverAddress: {{ $keda.prometheusAddress | default (dig "prometheus" "address" "http://prometheus-operated.monitoring.svc:9090" ($.Values.global | default dict)) | quote }}
        query: {{ tpl . $ | quote }}
        threshold: "1000000000"
        activationThreshold: "0"
    {{- end }}
{{- end -}}
