{{/* Names, labels and values shared by every Reviewlens chart. */}}

{{/* A component's object name: the release name alone when it equals the chart's name. */}}
{{- define "reviewlens-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "reviewlens-lib.peer" (list . .Chart.Name) -}}
{{- end -}}
{{- end -}}

{{/* The object name of another component of the same release: (list $ "inference-gateway"). */}}
{{- define "reviewlens-lib.peer" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- if eq $root.Release.Name $component -}}
{{- $component -}}
{{- else -}}
{{- printf "%s-%s" $root.Release.Name $component | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The in-cluster DNS name of another component's Service: (list $ "vector-search"). */}}
{{- define "reviewlens-lib.peerHost" -}}
{{- $root := index . 0 -}}
{{- printf "%s.%s.svc" (include "reviewlens-lib.peer" .) $root.Release.Namespace -}}
{{- end -}}

{{- define "reviewlens-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "reviewlens-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "reviewlens-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | default .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: reviewlens
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "reviewlens-lib.image" -}}
{{- $image := .Values.image | default dict -}}
{{- $repository := $image.repository | default (dig "image" "repository" "ghcr.io/reviewlens/reviewlens" (.Values.global | default dict)) -}}
{{- $tag := $image.tag | default (dig "image" "tag" "" (.Values.global | default dict)) | default .Chart.AppVersion -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{- define "reviewlens-lib.imagePullPolicy" -}}
{{- $image := .Values.image | default dict -}}
{{- $image.pullPolicy | default (dig "image" "pullPolicy" "IfNotPresent" (.Values.global | default dict)) -}}
{{- end -}}

{{- define "reviewlens-lib.serviceAccountName" -}}
{{- $sa := .Values.serviceAccount | default dict -}}
{{- if $sa.create -}}
{{- $sa.name | default (include "reviewlens-lib.fullname" .) -}}
{{- else -}}
{{- $sa.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* "hpa" or "keda": the chart's own choice, else the global one, else hpa. */}}
{{- define "reviewlens-lib.autoscalingEngine" -}}
{{- $as := .Values.autoscaling | default dict -}}
{{- $as.engine | default (dig "autoscaling" "engine" "hpa" (.Values.global | default dict)) -}}
{{- end -}}

{{/* Non-empty when an autoscaler owns the replica count. */}}
{{- define "reviewlens-lib.autoscaled" -}}
{{- $as := .Values.autoscaling | default dict -}}
{{- if $as.enabled -}}true{{- end -}}
{{- end -}}

{{/* Seconds Kubernetes waits after SIGTERM: longer than the preStop pause plus DRAIN_TIMEOUT_MS. */}}
{{- define "reviewlens-lib.terminationGracePeriodSeconds" -}}
{{- $drainSeconds := div (add (int .Values.drainTimeoutMs) 999) 1000 -}}
{{- $needed := add $drainSeconds (int (.Values.preStopSleepSeconds | default 0)) -}}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds -}}
{{- add $needed 5 -}}
{{- else if le (int .Values.terminationGracePeriodSeconds) $needed -}}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed drainTimeoutMs (%d ms) plus preStopSleepSeconds (%d s), or in-flight calls are killed while draining" (int .Values.terminationGracePeriodSeconds) (int .Values.drainTimeoutMs) (int (.Values.preStopSleepSeconds | default 0))) -}}
{{- else -}}
{{- int .Values.terminationGracePeriodSeconds -}}
{{- end -}}
{{- end -}}

{{/*
The gateway's gRPC API key Secret, for a chart that declares gatewayApiKey (the gateway requires
the key, its callers send it): its own secretName, else global.gatewayApiKey's; empty when neither
names a Secret (the key is off).
*/}}
{{- define "reviewlens-lib.gatewayApiKey" -}}
{{- if hasKey .Values "gatewayApiKey" -}}
{{- $own := .Values.gatewayApiKey | default dict -}}
{{- $global := dig "gatewayApiKey" dict (.Values.global | default dict) -}}
{{- $secretName := $own.secretName | default $global.secretName -}}
{{- if $secretName -}}
secretName: {{ $secretName | quote }}
key: {{ $own.key | default $global.key | default "api-key" | quote }}
{{- end -}}
{{- end -}}
{{- end -}}
