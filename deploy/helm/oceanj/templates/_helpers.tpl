{{/* Name prefix P: ocean-{type}-{identifier} (or metadataNamePrefixOverride), at most 63 characters. */}}
{{- define "oceanj.prefix" -}}
{{- $p := .Values.metadataNamePrefixOverride | default (printf "ocean-%s-%s" .Values.integration.type .Values.integration.identifier) -}}
{{- $p | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "oceanj.deploymentName" -}}{{ include "oceanj.prefix" . }}-deployment{{- end -}}
{{- define "oceanj.cronJobName" -}}{{ printf "%s-cron-job" (include "oceanj.prefix" . | trunc 43 | trimSuffix "-") }}{{- end -}}
{{- define "oceanj.liveEventsName" -}}{{ include "oceanj.prefix" . }}-le-deployment{{- end -}}

{{/* Labels of every object; app is the workload's name. */}}
{{- define "oceanj.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "oceanj.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* {imageRegistry}/{image}, or {imageRegistry}/oceanj-{type}:{version or appVersion}. */}}
{{- define "oceanj.image" -}}
{{- if .Values.image -}}
{{ printf "%s/%s" .Values.imageRegistry .Values.image }}
{{- else -}}
{{ printf "%s/oceanj-%s:%s" .Values.imageRegistry .Values.integration.type (.Values.integration.version | default .Chart.AppVersion) }}
{{- end -}}
{{- end -}}

{{/* A config value as an env value: maps and lists as JSON, scalars as quoted strings. */}}
{{- define "oceanj.envValue" -}}
{{- if or (kindIs "map" .) (kindIs "slice" .) -}}
{{ toJson . | quote }}
{{- else -}}
{{ toString . | quote }}
{{- end -}}
{{- end -}}

{{/* Values oceanj does not support yet: the render fails, naming the value. */}}
{{- define "oceanj.unsupported" -}}
{{- if .Values.postgresql.enabled -}}
{{- fail "postgresql.enabled: oceanj does not use a PostgreSQL database (Ocean core does not either); remove it" -}}
{{- end -}}
{{- if .Values.incrementalSync.enabled -}}
{{- fail "incrementalSync.enabled: oceanj has no incremental sync yet; a CronJob running it would do a full resync with deletions every interval" -}}
{{- end -}}
{{- if .Values.actionsProcessor.enabled -}}
{{- fail "actionsProcessor.enabled: oceanj does not process Port action runs yet" -}}
{{- end -}}
{{- if .Values.actionsProcessor.worker.enabled -}}
{{- fail "actionsProcessor.worker.enabled: oceanj does not process Port action runs yet" -}}
{{- end -}}
{{- if .Values.liveEvents.isRedisStreamConsumerEnabled -}}
{{- fail "liveEvents.isRedisStreamConsumerEnabled: oceanj has no Redis stream consumer; its live events use a durable on-disk intake" -}}
{{- end -}}
{{- if ne (toString .Values.integration.processExecution.mode) "single_process" -}}
{{- fail (printf "integration.processExecution.mode: %s is not supported, oceanj runs as one process (single_process)" (toString .Values.integration.processExecution.mode)) -}}
{{- end -}}
{{- if not (has .Values.workload.kind (list "Deployment" "CronJob")) -}}
{{- fail (printf "workload.kind: %s is neither Deployment nor CronJob" (toString .Values.workload.kind)) -}}
{{- end -}}
{{- end -}}

{{/* envFrom of the main workloads: the ConfigMap, then the Secret(s). */}}
{{- define "oceanj.envFrom" -}}
- configMapRef:
    name: {{ .configMap }}
{{- $root := .root -}}
{{- if kindIs "slice" $root.Values.secret.name }}
{{- range $root.Values.secret.name }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- else if $root.Values.secret.name }}
- secretRef:
    name: {{ $root.Values.secret.name }}
{{- else if $root.Values.secret.create }}
- secretRef:
    name: {{ include "oceanj.prefix" $root }}-secret
{{- end }}
{{- end -}}

{{/* The self-signed certificate's env (the runtime trusts /usr/local/share/ca-certificates and SSL_CERT_FILE). */}}
{{- define "oceanj.certEnv" -}}
{{- if .Values.selfSignedCertificate.enabled }}
- name: SSL_CERT_FILE
  value: /etc/ssl/certs/ca-certificates.crt
- name: REQUESTS_CA_BUNDLE
  value: /etc/ssl/certs/ca-certificates.crt
{{- end }}
{{- end -}}

{{- define "oceanj.volumeMounts" -}}
- name: ocean-tmp
  mountPath: /tmp/ocean
{{- if .Values.selfSignedCertificate.enabled }}
- name: certificates
  mountPath: /usr/local/share/ca-certificates/cert.crt
  subPath: cert.crt
  readOnly: true
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ tpl (toYaml .) $ }}
{{- end }}
{{- end -}}

{{- define "oceanj.volumes" -}}
- name: ocean-tmp
  emptyDir: {}
{{- if .Values.selfSignedCertificate.enabled }}
- name: certificates
  projected:
    sources:
      - secret:
          name: {{ if .Values.selfSignedCertificate.secret.useExistingSecret }}{{ .Values.selfSignedCertificate.secret.name }}{{ else }}{{ include "oceanj.prefix" . }}-cert{{ end }}
          items:
            - key: {{ if .Values.selfSignedCertificate.secret.useExistingSecret }}{{ .Values.selfSignedCertificate.secret.key }}{{ else }}crt{{ end }}
              path: cert.crt
{{- end }}
{{- with .Values.extraVolumes }}
{{ tpl (toYaml .) $ }}
{{- end }}
{{- end -}}

{{/* A probe from its values; port is the service port. */}}
{{- define "oceanj.probe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
initialDelaySeconds: {{ .values.initialDelaySeconds }}
periodSeconds: {{ .values.periodSeconds }}
timeoutSeconds: {{ .values.timeoutSeconds }}
successThreshold: {{ .values.successThreshold | default 1 }}
failureThreshold: {{ .values.failureThreshold }}
{{- end -}}

{{/*
The main container (Deployment and CronJob): dict root, probes (bool). As in port-ocean, securityContext, resources and
ports are rendered only when service.enabled.
*/}}
{{- define "oceanj.container" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
- name: {{ include "oceanj.prefix" $root }}-container
  image: {{ include "oceanj.image" $root }}
  imagePullPolicy: {{ $v.imagePullPolicy }}
  envFrom:
    {{- include "oceanj.envFrom" (dict "root" $root "configMap" (printf "%s-config" (include "oceanj.prefix" $root))) | nindent 4 }}
  {{- $certEnv := include "oceanj.certEnv" $root }}
  {{- $baseUrl := and $v.liveEvents.baseUrl (not $v.liveEvents.worker.enabled) }}
  {{- $cluster := and $v.cluster.enabled (eq $v.workload.kind "Deployment") }}
  {{- if or $certEnv $baseUrl $v.extraEnv $cluster }}
  env:
    {{- if $certEnv }}{{ $certEnv | indent 4 }}{{ end }}
    {{- if $baseUrl }}
    - name: OCEAN__BASE_URL
      value: {{ $v.liveEvents.baseUrl | quote }}
    {{- end }}
    {{- if $cluster }}
    {{- include "oceanj.clusterEnv" $root | nindent 4 }}
    {{- end }}
    {{- with $v.extraEnv }}
    {{- tpl (toYaml .) $root | nindent 4 }}
    {{- end }}
  {{- end }}
  {{- if $v.service.enabled }}
  {{- with $v.containerSecurityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  resources:
    {{- toYaml $v.resources | nindent 4 }}
  ports:
    - name: {{ $v.service.portName }}
      containerPort: {{ $v.service.port }}
      protocol: TCP
    {{- if and $v.cluster.enabled (eq $v.workload.kind "Deployment") }}
    - name: cluster
      containerPort: {{ $v.cluster.port }}
      protocol: TCP
    {{- end }}
  {{- end }}
  {{- if .probes }}
  {{- if $v.livenessProbe.enabled }}
  livenessProbe:
    {{- include "oceanj.probe" (dict "path" "/health/live" "port" $v.service.port "values" $v.livenessProbe) | nindent 4 }}
  {{- end }}
  {{- if $v.readinessProbe.enabled }}
  readinessProbe:
    {{- include "oceanj.probe" (dict "path" "/health/ready" "port" $v.service.port "values" $v.readinessProbe) | nindent 4 }}
  {{- end }}
  {{- end }}
  volumeMounts:
    {{- include "oceanj.volumeMounts" $root | nindent 4 }}
{{- end -}}

{{/* The headless Service through which the pods of cluster mode find each other. */}}
{{- define "oceanj.clusterServiceName" -}}{{ include "oceanj.prefix" . | trunc 55 | trimSuffix "-" }}-cluster{{- end -}}

{{/*
Cluster mode's environment: this pod's IP as its cluster address, its name as its node tag, and every address of the
headless Service as a seed node.
*/}}
{{- define "oceanj.clusterEnv" -}}
- name: OCEAN__CLUSTER__ENABLED
  value: "true"
- name: OCEAN__CLUSTER__HOST
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: OCEAN__CLUSTER__NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: OCEAN__CLUSTER__PORT
  value: {{ .Values.cluster.port | quote }}
- name: OCEAN__CLUSTER__SEED_DNS_NAME
  {{- /* The bare name resolves in the pod's own namespace (its DNS search path). */}}
  value: {{ include "oceanj.clusterServiceName" . | quote }}
- name: OCEAN__CLUSTER__MIN_NR_OF_MEMBERS
  value: {{ .Values.cluster.minNrOfMembers | quote }}
- name: OCEAN__CLUSTER__SPLIT_BRAIN_STRATEGY
  value: {{ .Values.cluster.splitBrainStrategy | quote }}
- name: OCEAN__CLUSTER__STABLE_AFTER
  value: {{ .Values.cluster.stableAfter | quote }}
{{- end -}}

{{/* Pod-level settings shared by the workloads. */}}
{{- define "oceanj.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if or .Values.podServiceAccount.create .Values.podServiceAccount.name }}
serviceAccountName: {{ tpl (.Values.podServiceAccount.name | default (printf "%s-sa" (include "oceanj.prefix" .))) . }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
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
{{- if or .Values.extraInitContainers .cronPod }}
initContainers:
{{- if .cronPod }}
  {{- include "oceanj.terminateOldJobs" . | nindent 2 }}
{{- end }}
{{- with .Values.extraInitContainers }}
  {{- tpl (toYaml .) $ | nindent 2 }}
{{- end }}
{{- end }}
volumes:
  {{- include "oceanj.volumes" . | nindent 2 }}
{{- if .cronPod }}
  - name: job-query-token
    secret:
      secretName: {{ include "oceanj.jobQuery" . }}-sa-token
{{- end }}
{{- end -}}

{{/* Q: the prefix of the CronJob's kubectl service account, its token Secret and its Role. */}}
{{- define "oceanj.jobQuery" -}}
{{- .Values.workload.cron.initContainer.serviceAccount.name | default (printf "%s-job-query" (include "oceanj.prefix" .)) -}}
{{- end -}}

{{/*
The CronJob pod's first init container, as Port's chart has it: the resync Jobs of this release still running are
given a zero deadline and labelled canceled=<this job>; their pods must be gone within 60 s (else this Job fails and
no two resyncs of one integration overlap); then the live-events and actions deployments, when they exist, are
restarted. kubectl authenticates with the token Secret of the job-query service account.
*/}}
{{- define "oceanj.terminateOldJobs" -}}
- name: terminate-old-resync-jobs
  image: {{ .Values.workload.cron.kubectlImage }}
  env:
    - name: NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: CURRENT_JOB
      valueFrom:
        fieldRef:
          fieldPath: metadata.labels['job-name']
    - name: CRON_KEY
      value: {{ .Release.Name | quote }}
    - name: RESTART_DEPLOYMENTS
      value: {{ printf "%s-le-deployment %s-ap-deployment" (include "oceanj.prefix" .) (include "oceanj.prefix" .) | quote }}
  volumeMounts:
    - name: job-query-token
      mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      readOnly: true
  command: ["/bin/sh", "-c"]
  args:
    - |
      set -eu
      wait_seconds=${WAIT_SECONDS:-60}
      jobs=$(kubectl get jobs -n "$NAMESPACE" -l "integrationUniqueCronKey=$CRON_KEY" \
        -o jsonpath='{range .items[?(@.status.active)]}{.metadata.name}{"\n"}{end}')
      for job in $jobs; do
        [ "$job" = "$CURRENT_JOB" ] && continue
        echo "canceling resync job $job"
        kubectl patch job "$job" -n "$NAMESPACE" --type=merge -p '{"spec":{"activeDeadlineSeconds":0}}'
        kubectl label job "$job" -n "$NAMESPACE" "canceled=$CURRENT_JOB" --overwrite
        waited=0
        while [ -n "$(kubectl get pods -n "$NAMESPACE" -l "job-name=$job" -o name)" ]; do
          if [ "$waited" -ge "$wait_seconds" ]; then
            echo "the pods of job $job are still running after ${wait_seconds}s; not starting a second resync" >&2
            exit 1
          fi
          sleep 1
          waited=$((waited + 1))
        done
      done
      for deployment in $RESTART_DEPLOYMENTS; do
        if kubectl get deployment "$deployment" -n "$NAMESPACE" >/dev/null 2>&1; then
          kubectl rollout restart deployment "$deployment" -n "$NAMESPACE"
        fi
      done
{{- end -}}
