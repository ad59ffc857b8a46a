// The templates every Alertmanager 0.25 has before the config's own (its default.tmpl and the
// subject of email.tmpl): the names users call (`__subject`, `slack.default.title`, …) with
// definitions written for this project that expand, for the same data, to exactly the text
// Alertmanager's do. The shared list layouts live in `__ts_*` helpers.
export const DEFAULT_TEMPLATES = String.raw`
{{- define "__alertmanager" }}Alertmanager{{ end }}
{{- define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ urlquery .Receiver }}{{ end }}
{{- define "__subject" -}}
[{{ toUpper .Status }}{{ if eq .Status "firing" }}:{{ len .Alerts.Firing }}{{ end }}] {{ join " " .GroupLabels.Values }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ join " " .Values }}{{ end }}){{ end }}
{{- end }}
{{- define "__description" }}{{ end }}

{{- define "__ts_pairs" }}{{ range .SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}{{ end }}
{{- define "__text_alert_list" }}{{ range . -}}
Labels:
{{ template "__ts_pairs" .Labels }}Annotations:
{{ template "__ts_pairs" .Annotations }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{- /* Firing then resolved alerts; "tight" puts the heading right at the start, "spaced" wraps each part in blank lines. */ -}}
{{- define "__ts_lists_tight" -}}
{{ with .Alerts.Firing }}Alerts Firing:
{{ template "__text_alert_list" . }}{{ end }}
{{ with .Alerts.Resolved }}Alerts Resolved:
{{ template "__text_alert_list" . }}{{ end }}
{{- end }}
{{- define "__ts_lists_spaced" -}}
{{ with .Alerts.Firing }}
Alerts Firing:
{{ template "__text_alert_list" . }}
{{ end }}
{{ with .Alerts.Resolved }}
Alerts Resolved:
{{ template "__text_alert_list" . }}
{{ end }}
{{- end }}
{{- define "__ts_common_annotations" }}{{ join " " .CommonAnnotations.Values }}{{ end }}
{{- define "__ts_described_tight" }}{{ template "__ts_common_annotations" . }}
{{ template "__ts_lists_tight" . }}{{ end }}
{{- define "__ts_described_spaced" }}{{ template "__ts_common_annotations" . }}
{{ template "__ts_lists_spaced" . }}
{{ end }}
{{- define "__ts_lists_only" }}
{{ template "__ts_lists_spaced" . }}
{{ end }}

{{- define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{- define "slack.default.callbackid" }}{{ end }}
{{- define "slack.default.pretext" }}{{ end }}
{{- define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "slack.default.iconemoji" }}{{ end }}
{{- define "slack.default.iconurl" }}{{ end }}
{{- define "slack.default.text" }}{{ end }}
{{- define "slack.default.footer" }}{{ end }}

{{- define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{- define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{- define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{- define "opsgenie.default.message" }}{{ template "__subject" . }}{{ end }}
{{- define "opsgenie.default.description" }}{{ template "__ts_described_tight" . }}{{ end }}
{{- define "opsgenie.default.source" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{- define "wechat.default.message" }}{{ template "__subject" . }}
{{ template "__ts_described_tight" . }}
AlertmanagerUrl:
{{ template "__alertmanagerURL" . }}{{ end }}
{{- define "wechat.default.to_user" }}{{ end }}
{{- define "wechat.default.to_party" }}{{ end }}
{{- define "wechat.default.to_tag" }}{{ end }}
{{- define "wechat.default.agent_id" }}{{ end }}

{{- define "victorops.default.state_message" }}{{ template "__ts_described_tight" . }}{{ end }}
{{- define "victorops.default.entity_display_name" }}{{ template "__subject" . }}{{ end }}
{{- define "victorops.default.monitoring_tool" }}{{ template "__alertmanager" . }}{{ end }}

{{- define "pushover.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "pushover.default.message" }}{{ template "__ts_described_spaced" . }}{{ end }}
{{- define "pushover.default.url" }}{{ template "__alertmanagerURL" . }}{{ end }}

{{- define "sns.default.subject" }}{{ template "__subject" . }}{{ end }}
{{- define "sns.default.message" }}{{ template "__ts_described_spaced" . }}{{ end }}

{{- define "telegram.default.message" }}{{ template "__ts_lists_only" . }}{{ end }}

{{- define "discord.default.title" }}{{ template "__subject" . }}{{ end }}
{{- define "discord.default.message" }}{{ template "__ts_lists_only" . }}{{ end }}

{{- define "webex.default.message" }}{{ template "__ts_described_spaced" . }}{{ end }}

{{- define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
`;
