{{/* Everything a long-running component needs: include "reviewlens-lib.workload" . from a chart template. */}}
{{- define "reviewlens-lib.workload" -}}
{{- $parts := list "serviceAccount" "deployment" "service" "autoscaler" "pdb" "networkPolicy" "serviceMonitor" -}}
{{- range $parts }}
{{- $object := include (printf "reviewlens-lib.%s" .) $ | trim }}
{{- if $object }}
---
{{ $object }}
{{- end }}
{{- end }}
{{- end -}}
