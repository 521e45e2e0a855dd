{{/*
The application container, shared by Deployments and CronJobs.
Context: (dict "root" $ "extraArgs" (list ...)).
*/}}
{{- define "reviewlens-lib.container" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
- name: {{ $root.Chart.Name }}
  image: {{ include "reviewlens-lib.image" $root | quote }}
  imagePullPolicy: {{ include "reviewlens-lib.imagePullPolicy" $root }}
  command: {{ toJson $v.command }}
  {{- $args := concat ($v.args | default list) (.extraArgs | default list) }}
  {{- with $args }}
  args:
    {{- range . }}
    {{- $arg := tpl (toString .) $root }}
    {{- /* An argument that renders empty is an optional flag left unset. */}}
    {{- if $arg }}
    - {{ $arg | quote }}
    {{- end }}
    {{- end }}
  {{- end }}
  {{- with $v.ports }}
  ports:
    {{- range $name, $port := . }}
    - name: {{ $name }}
      containerPort: {{ $port }}
      protocol: TCP
    {{- end }}
  {{- end }}
  env:
    {{- range $name, $variable := $v.portEnv }}
    - name: {{ $variable }}
      value: {{ index $v.ports $name | toString | quote }}
    {{- end }}
    {{- if not (kindIs "invalid" $v.drainTimeoutMs) }}
    - name: DRAIN_TIMEOUT_MS
      value: {{ int $v.drainTimeoutMs | toString | quote }}
    {{- end }}
    {{- with ($v.otlpEndpoint | default (dig "otlpEndpoint" "" ($v.global | default dict))) }}
    - name: OTEL_EXPORTER_OTLP_ENDPOINT
      value: {{ . | quote }}
    - name: OTEL_SERVICE_NAME
      value: {{ $root.Chart.Name | quote }}
    {{- end }}
    {{- if and $v.dataDir $v.dataDir.enabled }}
    - name: DATA_DIR
      value: {{ $v.dataDir.mountPath | quote }}
    {{- end }}
    {{- range $name, $value := $v.env }}
    {{- if not (kindIs "invalid" $value) }}
    - name: {{ $name }}
      value: {{ include "reviewlens-lib.envValue" (list $root $value) | quote }}
    {{- end }}
    {{- end }}
    {{- with (include "reviewlens-lib.gatewayApiKey" $root | fromYaml) }}
    - name: GATEWAY_GRPC_API_KEY
      valueFrom:
        secretKeyRef:
          name: {{ tpl .secretName $root | quote }}
          key: {{ .key | quote }}
    {{- end }}
    {{- range $name, $ref := $v.secretEnv }}
    - name: {{ $name }}
      valueFrom:
        secretKeyRef:
          name: {{ tpl $ref.secretName $root | quote }}
          key: {{ $ref.key | quote }}
          {{- if $ref.optional }}
          optional: true
          {{- end }}
    {{- end }}
  {{- with $v.envFrom }}
  envFrom:
    {{- tpl (toYaml .) $root | nindent 4 }}
  {{- end }}
  {{- with (include "reviewlens-lib.probes" $root | trim) }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- if $v.preStopSleepSeconds }}
  lifecycle:
    preStop:
      sleep:
        seconds: {{ int $v.preStopSleepSeconds }}
  {{- end }}
  resources:
    {{- toYaml $v.resources | nindent 4 }}
  securityContext:
    {{- $default := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) }}
    {{- toYaml (mergeOverwrite $default ($v.securityContext | default dict)) | nindent 4 }}
  volumeMounts:
    - name: tmp
      mountPath: /tmp
    {{- if and $v.dataDir $v.dataDir.enabled }}
    - name: data
      mountPath: {{ $v.dataDir.mountPath }}
    {{- end }}
    {{- with $v.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/* The pod's volumes matching the container's mounts. */}}
{{- define "reviewlens-lib.volumes" -}}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .Values.tmpSizeLimit | default "256Mi" }}
  {{- if and .Values.dataDir .Values.dataDir.enabled }}
  - name: data
    {{- if .Values.dataDir.existingClaim }}
    persistentVolumeClaim:
      claimName: {{ .Values.dataDir.existingClaim }}
    {{- else }}
    emptyDir:
      sizeLimit: {{ .Values.dataDir.sizeLimit | default "1Gi" }}
    {{- end }}
  {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/* The pod-level settings shared by Deployments and CronJobs. */}}
{{- define "reviewlens-lib.podSpecCommon" -}}
serviceAccountName: {{ include "reviewlens-lib.serviceAccountName" . }}
automountServiceAccountToken: {{ dig "automountToken" false (.Values.serviceAccount | default dict) }}
securityContext:
  {{- $default := dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "fsGroup" 1000 "seccompProfile" (dict "type" "RuntimeDefault") }}
  {{- toYaml (mergeOverwrite $default (.Values.podSecurityContext | default dict)) | nindent 2 }}
terminationGracePeriodSeconds: {{ include "reviewlens-lib.terminationGracePeriodSeconds" . }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.runtimeClassName }}
runtimeClassName: {{ . }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- tpl (toYaml .) $ | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
A plain variable's value as a string: templated, and a whole number printed whole (Helm reads YAML
numbers as floats, and toString prints 1800000 as 1.8e+06, which no integer setting accepts).
Context: (list $root $value).
*/}}
{{- define "reviewlens-lib.envValue" -}}
{{- $value := index . 1 -}}
{{- if and (kindIs "float64" $value) (eq $value (floor $value)) -}}
{{- printf "%.0f" $value -}}
{{- else -}}
{{- tpl (toString $value) (index . 0) -}}
{{- end -}}
{{- end -}}
