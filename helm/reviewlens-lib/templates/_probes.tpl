{{/*
Probes from .Values.probes. gRPC services use Kubernetes' native gRPC probes against the
foundation's health service: the service name "liveness" for liveness, the overall status ("")
for readiness (NOT_SERVING until dependencies answer, and again while draining).
HTTP components (vLLM, the simulator, the watchdog) use httpGet on the given paths.
*/}}
{{- define "reviewlens-lib.probe" -}}
{{- $root := index . 0 -}}
{{- $kind := index . 1 -}}
{{- $p := $root.Values.probes -}}
{{- $timing := index $p $kind -}}
{{- if eq $p.type "grpc" }}
grpc:
  port: {{ index $root.Values.ports $p.port }}
  {{- if ne $kind "readiness" }}
  service: liveness
  {{- end }}
{{- else }}
httpGet:
  path: {{ index $p (printf "%sPath" $kind) | default $p.path }}
  port: {{ $p.port }}
{{- end }}
{{- toYaml (omit $timing "enabled") | nindent 0 }}
{{- end -}}

{{- define "reviewlens-lib.probes" -}}
{{- $p := .Values.probes -}}
{{- if $p -}}
livenessProbe:
  {{- include "reviewlens-lib.probe" (list . "liveness") | trim | nindent 2 }}
readinessProbe:
  {{- include "reviewlens-lib.probe" (list . "readiness") | trim | nindent 2 }}
{{- if and $p.startup (dig "enabled" true $p.startup) }}
startupProbe:
  {{- include "reviewlens-lib.probe" (list . "startup") | trim | nindent 2 }}
{{- end }}
{{- end -}}
{{- end -}}
