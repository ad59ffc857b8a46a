// Notification templates: the data's methods, 0.25's functions (and only those), the template
// set (defaults, files by glob relative to the config's directory, later definitions winning),
// HTML escaping, and errors worded as Go's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KV,
  buildTemplateData,
  loadNotificationTemplates,
  quoteMeta,
} from '../../src/alertmanager/template/index.js';
import type { TemplateData } from '../../src/alertmanager/notify/integration.js';
import { notifyAlerts, notifyContext } from './am_helpers.js';
import { tempDir } from '../support/peers.js';

const data: TemplateData = buildTemplateData(
  notifyContext('team.(a)', { alertname: 'X', zone: 'z1' }),
  [
    ...notifyAlerts([
      {
        labels: { alertname: 'X', zone: 'z1', b: '2', a: '1' },
        annotations: { s: 'same', d: 'one' },
        startsAt: '2024-01-02T03:04:05.123Z',
      },
      {
        labels: { alertname: 'X', zone: 'z1', b: '3', a: '1' },
        annotations: { s: 'same' },
        startsAt: '2024-01-02T03:04:06Z',
        endsAt: '2024-01-02T03:05:00Z',
      },
    ]),
  ],
);

test('template data: status per alert and for the group, common labels and annotations, the receiver quoted', async () => {
  assert.equal(data.status, 'firing');
  assert.deepEqual(
    data.alerts.map((a) => a.status),
    ['firing', 'resolved'],
  );
  assert.deepEqual(data.commonLabels, { alertname: 'X', zone: 'z1', a: '1' });
  assert.deepEqual(data.commonAnnotations, { s: 'same' });
  assert.equal(data.receiver, 'team\\.\\(a\\)');
  assert.equal(quoteMeta('a+b*c?[x]{1}^$|\\'), 'a\\+b\\*c\\?\\[x\\]\\{1\\}\\^\\$\\|\\\\');
  const kv = KV.of({ b: '2', alertname: 'X', a: '1' });
  assert.deepEqual(kv.Names(), ['alertname', 'a', 'b']);
  assert.deepEqual(kv.Values(), ['X', '1', '2']);
  assert.deepEqual(kv.Remove(['a']).Names(), ['alertname', 'b']);
});

test('template expansion: methods, functions, pipelines and Go formatting of the data', async () => {
  const t = await loadNotificationTemplates([], '.');
  const x = (s: string) => t.expandText(s, data);
  assert.equal(
    await x('{{ .Alerts.Firing | len }}/{{ len .Alerts.Resolved }}/{{ len .Alerts }}'),
    '1/1/2',
  );
  assert.equal(
    await x('{{ .GroupLabels.SortedPairs.Names }} {{ .CommonLabels.Remove .GroupLabels.Names }}'),
    '[alertname zone] map[a:1]',
  );
  assert.equal(
    await x('{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}'),
    'alertname=X;a=1;zone=z1;',
  );
  assert.equal(await x('{{ range $k, $v := .CommonLabels }}{{ $k }}{{ end }}'), 'aalertnamezone');
  assert.equal(await x('{{ (index .Alerts 0).StartsAt }}'), '2024-01-02 03:04:05.123 +0000 UTC');
  assert.equal(await x('{{ (index .Alerts 0).StartsAt.Format "2006-01-02" }}'), '2024-01-02');
  assert.equal(await x('{{ .CommonLabels.missing }}|{{ index .CommonLabels "missing" }}|'), '||');
  assert.equal(
    await x('{{ toUpper "aé" }} {{ toLower "ÀB" }} {{ title "the QUICK brown_fox o\'neil" }}'),
    "AÉ àb The Quick Brown_fox O'neil",
  );
  assert.equal(
    await x(
      '{{ join ", " (stringSlice "a" "b" "c") }} {{ match "^z[0-9]$" .CommonLabels.zone }} {{ reReplaceAll "(\\\\w)(\\\\d)" "${2}-$1" "z1 y2" }}',
    ),
    'a, b, c true 1-z 2-y',
  );
  assert.equal(await x('{{ template "__subject" . }}'), '[FIRING:1] X z1 (1)');
  assert.equal(await t.expandText('', data), '');
});

test('template expansion: functions 0.25 does not have are parse errors, as Go words them', async () => {
  const t = await loadNotificationTemplates([], '.');
  for (const f of ['date', 'tz', 'since', 'humanizeDuration', 'humanize']) {
    await assert.rejects(
      Promise.resolve().then(() => t.expandText(`{{ ${f} . }}`, data)),
      new RegExp(`^Error: template: :1: function "${f}" not defined$`),
    );
  }
  await assert.rejects(
    Promise.resolve().then(() => t.expandText('{{ template "nope" . }}', data)),
    /template "nope" not defined/,
  );
  await assert.rejects(
    Promise.resolve().then(() => t.expandText('{{ reReplaceAll "(" "" "x" }}', data)),
    /error calling reReplaceAll: error parsing regexp/,
  );
});

test('template expansion: HTML escapes action output but not safeHtml or the template text', async () => {
  const t = await loadNotificationTemplates([], '.');
  assert.equal(
    await t.expandHTML('<b>{{ "<a href=\\"x\\">&\'+" }}</b>{{ safeHtml "<i>" }}', data),
    '<b>&lt;a href=&#34;x&#34;&gt;&amp;&#39;&#43;</b><i>',
  );
  assert.equal(await t.expandText('{{ "<&>" }}{{ safeHtml "<i>" }}', data), '<&><i>');
});

test('template files: by glob relative to the config directory, in name order, later definitions win over the defaults', async (t) => {
  const { dir, cleanup } = tempDir('am-tmpl-');
  t.after(cleanup);
  mkdirSync(join(dir, 'tmpl'));
  writeFileSync(
    join(dir, 'tmpl', 'a.tmpl'),
    '{{ define "__subject" }}custom {{ .Status }}{{ end }}{{ define "mine" }}A{{ end }}',
  );
  writeFileSync(
    join(dir, 'tmpl', 'b.tmpl'),
    'top-level text is not output{{ define "mine" }}B{{ end }}',
  );
  const set = await loadNotificationTemplates(['tmpl/*.tmpl', 'missing/*.tmpl'], dir);
  assert.equal(await set.expandText('{{ template "mine" . }}', data), 'B');
  // The defaults that call __subject now see the override.
  assert.equal(
    await set.expandText('{{ template "slack.default.title" . }}', data),
    'custom firing',
  );
  writeFileSync(join(dir, 'tmpl', 'c.tmpl'), '{{ define "bad" }}{{ .Foo }');
  await assert.rejects(
    loadNotificationTemplates(['tmpl/*.tmpl'], dir),
    /template: c\.tmpl:1: unclosed action/,
  );
  writeFileSync(join(dir, 'tmpl', 'c.tmpl'), '{{ define "bad" }}{{ date . }}{{ end }}');
  await assert.rejects(
    loadNotificationTemplates(['tmpl/*.tmpl'], dir),
    /template: c\.tmpl:1: function "date" not defined/,
  );
});

test('template expansion: URL attributes are escaped as URLs, around control actions and trim markers', async () => {
  const t = await loadNotificationTemplates([], '.');
  const h = (s: string) => t.expandHTML(s, data);
  assert.equal(
    await h('<a href="{{- .ExternalURL -}}?r={{ if true }}{{ "a b&c" }}{{ end }}">'),
    '<a href="http://am.example:9093?r=a%20b%26c">',
  );
  assert.equal(
    await h(`<a class="{{ "a b" }}" href='{{ "x y" }}'>{{ "<" }}</a>`),
    `<a class="a b" href='x%20y'>&lt;</a>`,
  );
  assert.equal(await h('<img src="{{ "data:image/png;base64,AA" }}">'), '<img src="#ZgotmplZ">');
  assert.equal(await h('<a href="{{ $u := "x" }}{{ $u }}">'), '<a href="x">');
});
