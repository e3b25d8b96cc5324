{{/* vim: set filetype=mustache: */}}

{{/* Chart name. */}}
{{- define "tandem.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; object names are <fullname>-<service>, so keep room for the suffix. */}}
{{- define "tandem.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 48 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects: call with (dict "root" $ "name" "gateway"). */}}
{{- define "tandem.componentName" -}}
{{- printf "%s-%s" (include "tandem.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tandem.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "tandem.labels" -}}
helm.sh/chart: {{ include "tandem.chart" . }}
{{ include "tandem.selectorLabels" . }}
app.kubernetes.io/version: {{ (default .Chart.AppVersion .Values.image.tag) | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tandem
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "tandem.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tandem.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of one service's objects: (dict "root" $ "name" "gateway"). */}}
{{- define "tandem.componentLabels" -}}
{{ include "tandem.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "tandem.componentSelectorLabels" -}}
{{ include "tandem.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "tandem.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tandem.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "tandem.image" -}}
{{- $img := .Values.image -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $img.repository $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{- define "tandem.secretName" -}}
{{- default (printf "%s-credentials" (include "tandem.fullname" .)) .Values.secret.existingSecret -}}
{{- end -}}

{{/*
One service's settings: .Values.defaults overlaid with .Values.services.<name>, as YAML
(use with fromYaml). Call with (dict "root" $ "name" "gateway").
*/}}
{{- define "tandem.serviceConfig" -}}
{{- $svc := index .root.Values.services .name | default dict -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $svc) -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* Does the service use a dependency: (dict "cfg" $cfg "dep" "mongo") -> "true" or "". */}}
{{- define "tandem.uses" -}}
{{- if has .dep (.cfg.uses | default list) -}}true{{- end -}}
{{- end -}}

{{/* MONGO_URL for a service; with auth, it refers to $(MONGO_USERNAME) and $(MONGO_PASSWORD). */}}
{{- define "tandem.mongoUrl" -}}
{{- $m := .root.Values.mongo -}}
{{- $cred := ternary "$(MONGO_USERNAME):$(MONGO_PASSWORD)@" "" $m.auth.enabled -}}
{{- $db := printf "%s%s" $m.databasePrefix .name -}}
{{- printf "%s://%s%s/%s" $m.scheme $cred $m.hosts $db -}}
{{- with $m.options }}?{{ . }}{{ end -}}
{{- end -}}

{{/* REDIS_URL; with auth, it refers to $(REDIS_PASSWORD). */}}
{{- define "tandem.redisUrl" -}}
{{- $r := .Values.redis -}}
{{- $cred := "" -}}
{{- if $r.auth.enabled -}}
{{- $cred = printf "%s:$(REDIS_PASSWORD)@" ($r.auth.username | default "") -}}
{{- end -}}
{{- printf "%s://%s%s:%v/%v" (ternary "rediss" "redis" $r.tls) $cred $r.host $r.port $r.db -}}
{{- end -}}

{{/* DOCS_URL: the docs service inside the cluster. */}}
{{- define "tandem.docsUrl" -}}
{{- $cfg := include "tandem.serviceConfig" (dict "root" . "name" "docs") | fromYaml -}}
{{- printf "http://%s:%v" (include "tandem.componentName" (dict "root" . "name" "docs")) $cfg.service.port -}}
{{- end -}}

{{/* CHAT_URL: the chat service inside the cluster. */}}
{{- define "tandem.chatUrl" -}}
{{- $cfg := include "tandem.serviceConfig" (dict "root" . "name" "chat") | fromYaml -}}
{{- printf "http://%s:%v" (include "tandem.componentName" (dict "root" . "name" "chat")) $cfg.service.port -}}
{{- end -}}

{{/* FILES_URL: the files service inside the cluster. */}}
{{- define "tandem.filesUrl" -}}
{{- $cfg := include "tandem.serviceConfig" (dict "root" . "name" "files") | fromYaml -}}
{{- printf "http://%s:%v" (include "tandem.componentName" (dict "root" . "name" "files")) $cfg.service.port -}}
{{- end -}}

{{/* NOTIFICATIONS_URL: the notifications service inside the cluster. */}}
{{- define "tandem.notificationsUrl" -}}
{{- $cfg := include "tandem.serviceConfig" (dict "root" . "name" "notifications") | fromYaml -}}
{{- printf "http://%s:%v" (include "tandem.componentName" (dict "root" . "name" "notifications")) $cfg.service.port -}}
{{- end -}}

{{/* Does the gateway need the HS256 secret (no JWKS URL)? "true" or "". */}}
{{- define "tandem.needsJwtSecret" -}}
{{- if not .Values.auth.jwksUrl -}}
{{- range $name, $svc := .Values.services -}}
{{- if and $svc.enabled (has "auth" ($svc.uses | default list)) -}}true{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tandem.anyUses" -}}
{{- $dep := .dep -}}
{{- range $name, $svc := .root.Values.services -}}
{{- if and $svc.enabled (has $dep ($svc.uses | default list)) -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Checks across values that the JSON schema cannot express. Fails the render with a message that
names the value to fix.
*/}}
{{- define "tandem.validate" -}}
{{- $v := .Values -}}
{{- $enabled := list -}}
{{- range $name, $svc := $v.services -}}
{{- if $svc.enabled -}}{{- $enabled = append $enabled $name -}}{{- end -}}
{{- end -}}
{{- if not $enabled -}}
{{- fail "services: every service is disabled; enable at least one" -}}
{{- end -}}
{{- if and (include "tandem.anyUses" (dict "root" . "dep" "docs")) (not (and $v.services.docs $v.services.docs.enabled)) -}}
{{- fail "services.docs.enabled=false, but a service uses docs (the gateway reads documents from the docs service over HTTP): enable services.docs" -}}
{{- end -}}
{{- if and (include "tandem.anyUses" (dict "root" . "dep" "chat")) (not (and $v.services.chat $v.services.chat.enabled)) -}}
{{- fail "services.chat.enabled=false, but a service uses chat (the gateway checks memberships and reads chat from the chat service over HTTP): enable services.chat" -}}
{{- end -}}
{{- /* A consumer beyond the partition count gets no partition: scaling there only wastes pods. */ -}}
{{- range $name, $svc := $v.services -}}
{{- $cfg := include "tandem.serviceConfig" (dict "root" $ "name" $name) | fromYaml -}}
{{- if and $svc.enabled $cfg.autoscaling.enabled (ne $name "gateway") (include "tandem.uses" (dict "cfg" $cfg "dep" "kafka")) (gt (int $cfg.autoscaling.maxReplicas) (int $v.kafka.partitions)) -}}
{{- fail (printf "services.%s.autoscaling.maxReplicas=%v exceeds kafka.partitions=%v: consumers beyond the partition count sit idle; raise kafka.partitions (new topics) or lower maxReplicas" $name $cfg.autoscaling.maxReplicas $v.kafka.partitions) -}}
{{- end -}}
{{- end -}}
{{- if $v.ingress.enabled -}}
{{- if not (and $v.services.gateway $v.services.gateway.enabled) -}}
{{- fail "ingress.enabled=true routes to the gateway, but services.gateway.enabled=false" -}}
{{- end -}}
{{- end -}}
{{- if not $v.secret.existingSecret -}}
{{- if and $v.mongo.auth.enabled (include "tandem.anyUses" (dict "root" . "dep" "mongo")) (not (and $v.secret.mongoUsername $v.secret.mongoPassword)) -}}
{{- fail "mongo.auth.enabled=true: set secret.mongoUsername and secret.mongoPassword, or secret.existingSecret" -}}
{{- end -}}
{{- if and $v.redis.auth.enabled (include "tandem.anyUses" (dict "root" . "dep" "redis")) (not $v.secret.redisPassword) -}}
{{- fail "redis.auth.enabled=true: set secret.redisPassword, or secret.existingSecret" -}}
{{- end -}}
{{- if and $v.devDependencies.enabled (not (and $v.secret.s3AccessKey $v.secret.s3SecretKey)) -}}
{{- fail "devDependencies.enabled=true: set secret.s3AccessKey and secret.s3SecretKey (the bundled MinIO's root credentials, >= 8 characters), or secret.existingSecret" -}}
{{- end -}}
{{- if and (or $v.secret.s3AccessKey $v.secret.s3SecretKey) (not (and $v.secret.s3AccessKey $v.secret.s3SecretKey)) -}}
{{- fail "secret.s3AccessKey and secret.s3SecretKey go together: set both (or neither, with secret.existingSecret)" -}}
{{- end -}}
{{- end -}}
{{- range $name, $svc := $v.services -}}
{{- if $svc.enabled -}}
{{- $cfg := include "tandem.serviceConfig" (dict "root" $ "name" $name) | fromYaml -}}
{{- if not $cfg.main -}}
{{- fail (printf "services.%s.main is required (e.g. services/%s/src/main.ts)" $name $name) -}}
{{- end -}}
{{- if and $cfg.autoscaling.enabled (gt (int $cfg.autoscaling.minReplicas) (int $cfg.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s.autoscaling: minReplicas (%v) is greater than maxReplicas (%v)" $name $cfg.autoscaling.minReplicas $cfg.autoscaling.maxReplicas) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The non-secret environment of one service (ConfigMap data): (dict "root" $ "name" "gateway").
Secret-backed variables (JWT_SECRET, S3 keys, URLs with credentials) are set in the Deployment.
*/}}
{{- define "tandem.configData" -}}
{{- $v := .root.Values -}}
{{- $cfg := include "tandem.serviceConfig" . | fromYaml -}}
{{- $env := dict
      "PORT" (toString $v.containerPort)
      "LOG_LEVEL" $v.logLevel
      "OTEL_SERVICE_NAME" (printf "%s%s" $v.otel.serviceNamePrefix .name)
      "KAFKA_CLIENT_ID" (printf "tandem-%s" .name) -}}
{{- with $v.otel.endpoint }}{{ $_ := set $env "OTEL_EXPORTER_OTLP_ENDPOINT" . }}{{ end -}}
{{- if include "tandem.uses" (dict "cfg" $cfg "dep" "kafka") -}}
{{- $_ := set $env "KAFKA_BROKERS" $v.kafka.brokers -}}
{{- $_ := set $env "KAFKA_PARTITIONS" (toString $v.kafka.partitions) -}}
{{- end -}}
{{- if and (include "tandem.uses" (dict "cfg" $cfg "dep" "mongo")) (not $v.mongo.auth.enabled) -}}
{{- $_ := set $env "MONGO_URL" (include "tandem.mongoUrl" .) -}}
{{- end -}}
{{- if and (include "tandem.uses" (dict "cfg" $cfg "dep" "redis")) (not $v.redis.auth.enabled) -}}
{{- $_ := set $env "REDIS_URL" (include "tandem.redisUrl" .root) -}}
{{- end -}}
{{- if include "tandem.uses" (dict "cfg" $cfg "dep" "s3") -}}
{{- $_ := set $env "S3_ENDPOINT" $v.s3.endpoint -}}
{{- $_ := set $env "S3_BUCKET" $v.s3.bucket -}}
{{- $_ := set $env "S3_REGION" $v.s3.region -}}
{{- end -}}
{{- if include "tandem.uses" (dict "cfg" $cfg "dep" "auth") -}}
{{- with $v.auth.jwksUrl }}{{ $_ := set $env "JWKS_URL" . }}{{ end -}}
{{- with $v.auth.issuer }}{{ $_ := set $env "JWT_ISSUER" . }}{{ end -}}
{{- with $v.auth.audience }}{{ $_ := set $env "JWT_AUDIENCE" . }}{{ end -}}
{{- end -}}
{{- if include "tandem.uses" (dict "cfg" $cfg "dep" "docs") -}}
{{- $_ := set $env "DOCS_URL" (include "tandem.docsUrl" .root) -}}
{{- end -}}
{{- if include "tandem.uses" (dict "cfg" $cfg "dep" "files") -}}
{{- $_ := set $env "FILES_URL" (include "tandem.filesUrl" .root) -}}
{{- end -}}
{{- if include "tandem.uses" (dict "cfg" $cfg "dep" "chat") -}}
{{- $_ := set $env "CHAT_URL" (include "tandem.chatUrl" .root) -}}
{{- end -}}
{{- /* Without the service, the gateway answers notification requests with UNAVAILABLE. */ -}}
{{- if and (include "tandem.uses" (dict "cfg" $cfg "dep" "notifications")) $v.services.notifications $v.services.notifications.enabled -}}
{{- $_ := set $env "NOTIFICATIONS_URL" (include "tandem.notificationsUrl" .root) -}}
{{- end -}}
{{- range $k, $val := $v.extraEnv }}{{ $_ := set $env $k (toString $val) }}{{ end -}}
{{- range $k, $val := $cfg.env }}{{ $_ := set $env $k (toString $val) }}{{ end -}}
{{- range $k := keys $env | sortAlpha }}
{{ $k }}: {{ index $env $k | toString | quote }}
{{- end -}}
{{- end -}}
