{{/*
Headless by default for gRPC components: clients dial dns:///name:port with round robin and so
spread their long-lived HTTP/2 connections over every replica, including ones the HPA just added.
*/}}
{{- define "reviewlens-lib.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "reviewlens-lib.fullname" . }}
  labels:
    {{- include "reviewlens-lib.labels" . | nindent 4 }}
spec:
  type: ClusterIP
  {{- if .Values.service.headless }}
  clusterIP: None
  {{- end }}
  selector:
    {{- include "reviewlens-lib.selectorLabels" . | nindent 4 }}
  ports:
    {{- range $name, $port := .Values.ports }}
    - name: {{ $name }}
      port: {{ $port }}
      targetPort: {{ $name }}
      protocol: TCP
      appProtocol: {{ ternary "grpc" "http" (eq $name "grpc") }}
    {{- end }}
{{- end -}}
