{{/* One CronJob per entry of .Values.jobs (name, schedule, args), sharing the component's container. */}}
{{- define "reviewlens-lib.cronJobs" -}}
{{- range $job := .Values.jobs }}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ printf "%s-%s" (include "reviewlens-lib.fullname" $) $job.name | trunc 52 | trimSuffix "-" }}
  labels:
    {{- include "reviewlens-lib.labels" $ | nindent 4 }}
    reviewlens.io/job: {{ $job.name | quote }}
spec:
  schedule: {{ $job.schedule | quote }}
  {{- with ($job.timeZone | default $.Values.cronJob.timeZone) }}
  timeZone: {{ . | quote }}
  {{- end }}
  suspend: {{ $job.suspend | default false }}
  concurrencyPolicy: {{ $.Values.cronJob.concurrencyPolicy }}
  startingDeadlineSeconds: {{ $.Values.cronJob.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: {{ $.Values.cronJob.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ $.Values.cronJob.failedJobsHistoryLimit }}
  jobTemplate:
    spec:
      backoffLimit: {{ $.Values.cronJob.backoffLimit }}
      activeDeadlineSeconds: {{ $job.activeDeadlineSeconds | default $.Values.cronJob.activeDeadlineSeconds }}
      template:
        metadata:
          labels:
            {{- include "reviewlens-lib.selectorLabels" $ | nindent 12 }}
            reviewlens.io/job: {{ $job.name | quote }}
        spec:
          restartPolicy: Never
          {{- include "reviewlens-lib.podSpecCommon" $ | nindent 10 }}
          containers:
            {{- include "reviewlens-lib.container" (dict "root" $ "extraArgs" $job.args) | nindent 12 }}
          {{- include "reviewlens-lib.volumes" $ | nindent 10 }}
{{- end }}
{{- end -}}
