// The notification templates against Go's: the real amtool 0.25's `template render` (Alertmanager's
// own template package) and amtool-ts's expand the same texts with the same data and template
// file, in text and in HTML mode, and must print the same bytes (or both fail). Debian's amtool
// renders without the built-in defaults, so it is given Alertmanager's default.tmpl and
// email.tmpl from the package; amtool-ts uses its own definitions of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS, peer, tempDir } from '../support/peers.js';
import { main } from '../../src/cmd/amtool.js';

const DATA = {
  receiver: 'team-\\.x',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'Disk Full', instance: 'h1:9100', severity: 'critical', zone: 'eu' },
      annotations: { summary: 'disk <95%> & "rising"', description: 'line1\nline2' },
      startsAt: '2024-03-05T06:07:08.123Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prom/graph?g0.expr=a+b&x=1',
      fingerprint: 'a1b2c3d4e5f60718',
    },
    {
      status: 'resolved',
      labels: { alertname: 'Disk Full', instance: 'h2:9100', severity: 'warning', zone: 'eu' },
      annotations: { summary: 'ok' },
      startsAt: '2024-03-05T05:00:00Z',
      endsAt: '2024-03-05T06:00:00Z',
      generatorURL: '',
      fingerprint: '0000000000000001',
    },
  ],
  groupLabels: { alertname: 'Disk Full' },
  commonLabels: { alertname: 'Disk Full', zone: 'eu' },
  commonAnnotations: {},
  // A space, so the email's link (a template called inside href) shows Go's derived escaping.
  externalURL: 'http://am.example:9093/sub path',
};

const FILE = `{{ define "mine" }}{{ range $i, $a := .Alerts }}{{ $i }}:{{ $a.Labels.instance }}{{ if $a.Annotations.summary }} {{ $a.Annotations.summary }}{{ end }};{{ end }}{{ end }}
{{ define "__subject" }}[{{ .Status | toUpper }}] {{ .GroupLabels.SortedPairs.Values | join "," }}{{ end }}
`;

const TEXTS = [
  '{{ template "mine" . }}',
  '{{ template "__subject" . }}|{{ template "slack.default.title" . }}|{{ template "pagerduty.default.description" . }}',
  '{{ template "__text_alert_list" .Alerts }}',
  '{{ template "opsgenie.default.description" . }}',
  '{{ template "wechat.default.message" . }}',
  '{{ template "pushover.default.message" . }}{{ template "telegram.default.message" . }}',
  '{{ template "__alertmanagerURL" . }}',
  '{{ .Receiver }} {{ .Status }} {{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }} {{ .ExternalURL }}',
  '{{ range .Alerts }}{{ .StartsAt }}|{{ .EndsAt }}|{{ .StartsAt.Unix }}|{{ .StartsAt.Format "2006-01-02T15:04:05Z07:00" }}|{{ .Fingerprint }}|{{ .Status }}\n{{ end }}',
  '{{ .CommonLabels }} {{ .CommonLabels.SortedPairs }} {{ .GroupLabels.Names }} {{ (.CommonLabels.Remove .GroupLabels.Names).Values }} {{ .CommonAnnotations }}',
  '{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }},{{ end }} {{ range $k, $v := (index .Alerts 0).Labels }}{{ $k }}{{ end }}',
  '{{ title "hello wORLD foo_bar o\'neil 2nd-place x.y.z" }} {{ toUpper "straße" }} {{ toLower "ÀÉÎ" }}',
  '{{ reReplaceAll "(h)(\\\\d):(\\\\d+)" "$2-$1 ${3}" (index .Alerts 0).Labels.instance }} {{ match "^h[0-9]" (index .Alerts 1).Labels.instance }} {{ match "x" "y" }}',
  '{{ reReplaceAll "(a)(?P<n>b)" "[$1x][${2}y][$$][$n][${n}][$3][$1][$]" "ab" }} {{ reReplaceAll "x*" "-" "abc" }} {{ reReplaceAll "b*" "X" "abbc" }} {{ reReplaceAll "é|" "_" "aéb" }} {{ reReplaceAll "(?m)^" ">" "a\nb" }}',
  '{{ join "+" (stringSlice "a" "b") }} {{ stringSlice }} {{ printf "%q %d %5.2f %v" "s" 42 3.14159 .GroupLabels }} {{ len "héllo" }}',
  '{{ with .CommonAnnotations.missing }}x{{ else }}none{{ end }} {{ index .CommonLabels "nope" }}| {{ .CommonLabels.nope }}|',
  '{{ if and (eq .Status "firing") (gt (len .Alerts) 1) }}many{{ else if eq .Status "resolved" }}r{{ else }}one{{ end }}',
  '{{ (index .Alerts 0).Annotations.description }} {{ html "<a>" }} {{ js "it\'s" }} {{ urlquery "a b&c" }}',
  '{{ safeHtml "<b>" }} {{ (index .Alerts 0).Annotations.summary }}',
  '{{ define "local" }}L{{ end }}{{ template "local" }}{{ block "blk" . }}B{{ .Status }}{{ end }}',
  '{{- /* comment */ -}}  {{ "trim" -}}   x',
  '{{ date "2006" }}',
  '{{ .Nope.Deeper }}',
  '{{ template "undefined" . }}',
];

const HTMLS = [
  '<p title="{{ (index .Alerts 0).Annotations.summary }}">{{ (index .Alerts 0).Annotations.summary }}</p>',
  '<a href="{{ (index .Alerts 0).GeneratorURL }}">s</a><a href="{{ .ExternalURL }}/a path/é?r={{ .Receiver }}&s={{ (index .Alerts 0).Annotations.summary }}">r</a>',
  '<a href="{{ .Receiver | urlquery }}">q</a><img src="{{ "javascript:x()" }}"><img src=\'{{ "mailto:a@b" }}\'>',
  '{{ template "email.default.html" . }}',
  '<!-- dropped -->{{ template "__subject" . }}<br>{{ safeHtml "<i>ok</i>" }}',
  '<a href="{{ template "mine" . }}">m</a><a href="x?{{ template "__subject" . }}">s</a><a href="{{- template "__alertmanagerURL" . -}}">u</a>',
];

const DEBIAN_DEFAULTS = '/usr/share/prometheus/alertmanager';

function real(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) =>
    execFile(PEERS.amtool, args, { timeout: 20_000 }, (e, out, err) =>
      resolve({ code: e ? 1 : 0, out, err }),
    ),
  );
}

async function ours(
  args: string[],
  home: string,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(
    args,
    { out: (s) => (out += s), err: (s) => (err += s), stdin: () => '' },
    home,
  );
  return { code, out, err };
}

test("template render: the real amtool (Go's templates) and amtool-ts print the same for the same texts, data and files", async (t) => {
  if (!peer('amtool', t)) return;
  const dir = tempDir('am-render-');
  t.after(dir.cleanup);
  writeFileSync(join(dir.dir, 'data.json'), JSON.stringify(DATA));
  writeFileSync(join(dir.dir, 'mine.tmpl'), FILE);
  const base = [
    `--template.glob=${join(dir.dir, '*.tmpl')}`,
    `--template.data=${join(dir.dir, 'data.json')}`,
  ];
  const defaults = `--template.glob=${DEBIAN_DEFAULTS}/*.tmpl`;
  if (!existsSync(join(DEBIAN_DEFAULTS, 'default.tmpl')))
    return void t.skip(`no ${DEBIAN_DEFAULTS}/default.tmpl`);
  const cases = [
    ...TEXTS.map((x) => [x, 'text'] as const),
    ...HTMLS.map((x) => [x, 'html'] as const),
  ];
  const results = await Promise.all(
    cases.map(([text, type]) =>
      real([
        'template',
        'render',
        defaults,
        ...base,
        `--template.text=${text}`,
        `--template.type=${type}`,
      ]),
    ),
  );
  for (let i = 0; i < cases.length; i++) {
    const [text, type] = cases[i]!;
    const r = results[i]!;
    const o = await ours(
      ['template', 'render', ...base, `--template.text=${text}`, `--template.type=${type}`],
      dir.dir,
    );
    assert.equal(
      o.code,
      r.code,
      `exit code for ${type} ${text}: real said ${r.err}, ours ${o.err}`,
    );
    if (r.code === 0) assert.equal(o.out, r.out, `${type} ${text}`);
  }
});
