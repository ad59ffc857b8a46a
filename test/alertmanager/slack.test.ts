// Slack and the notification templates against the real Alertmanager 0.25: the same receivers
// (defaults, every default template in some field, a template file with the functions) pointed
// at recording sinks, the same alerts; the request bodies must be byte-equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { slack } from '../../src/alertmanager/notify/slack.js';
import { NotifyError } from '../../src/alertmanager/notify/integration.js';
import {
  amGlobal,
  drive,
  notifyAlerts,
  notifyContext,
  postAlerts,
  startRealAlertmanager,
  startSink,
  type TestAlert,
} from './am_helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();
// Built just before posting, starting within group_wait: an alert older than that makes the real
// Alertmanager flush its group at once, racing the rest of the batch.
const alertsAt = (now: number): TestAlert[] => [
  {
    labels: { alertname: 'DiskFull', instance: 'a:9100', job: 'node', severity: 'critical' },
    annotations: { summary: 'disk <full> & "hot"', description: 'a is full' },
    startsAt: iso(now - 120),
    generatorURL: 'http://prom:9090/graph?g0.expr=up&x=1',
  },
  {
    labels: { alertname: 'DiskFull', instance: 'b:9100', job: 'node', severity: 'critical' },
    annotations: { summary: 'disk <full> & "hot"', description: 'b is full' },
    startsAt: iso(now - 60),
    generatorURL: 'http://prom:9090/graph',
  },
  {
    labels: { alertname: 'DiskFull', instance: 'c:9100', job: 'node', severity: 'warning' },
    annotations: { summary: 'disk <full> & "hot"' },
    startsAt: iso(now - 120_000),
    endsAt: iso(now - 10_000),
  },
];

const EVERY_DEFAULT = {
  text: '{{ template "opsgenie.default.description" . }}',
  pretext: '{{ template "wechat.default.message" . }}',
  footer: '{{ template "victorops.default.state_message" . }}',
  fallback: '{{ template "pushover.default.message" . }}',
  callback_id: '{{ template "sns.default.message" . }}',
  title: '{{ template "telegram.default.message" . }}',
  channel: '{{ template "discord.default.message" . }}',
  username: '{{ template "webex.default.message" . }}',
  icon_emoji: '{{ template "pagerduty.default.instances" .Alerts }}',
  icon_url:
    '{{ template "email.default.subject" . }}|{{ template "opsgenie.default.source" . }}|{{ template "victorops.default.entity_display_name" . }}',
  image_url:
    '{{ template "pushover.default.title" . }}|{{ template "sns.default.subject" . }}|{{ template "discord.default.title" . }}|{{ template "pagerduty.default.client" . }}|{{ template "pagerduty.default.clientURL" . }}|{{ template "victorops.default.monitoring_tool" . }}',
  thumb_url:
    '[{{ template "wechat.default.to_user" . }}{{ template "wechat.default.to_party" . }}{{ template "wechat.default.agent_id" . }}{{ template "__description" . }}]',
};

const CUSTOM_TMPL = `{{ define "my.title" }}{{ .CommonLabels.alertname | toUpper }} {{ title "hello wORLD it's foo-bar the QUICK brown_fox o'neil 3rd x.y über ÉCOLE" }} {{ toLower "ABC" }}{{ end }}
{{ define "my.text" }}{{ range .Alerts.Firing }}{{ reReplaceAll ":(\\\\d+)" " port $1" .Labels.instance }};{{ if match "^a" .Labels.instance }}A{{ end }}{{ end }} {{ join "," (stringSlice "x" "y") }} {{ safeHtml "<b>" }} {{ .GroupLabels.SortedPairs }} {{ .CommonLabels.Names }} {{ (.CommonLabels.Remove (stringSlice "job")).Values }} {{ len .Alerts }} {{ .Receiver }} {{ .Status }}{{ range .Alerts.Firing }} {{ .EndsAt }}{{ end }}{{ end }}
`;

const FIELDS = [
  { title: '{{ .Status }}', value: '{{ len .Alerts.Firing }}' },
  { title: 'x', value: 'y', short: false },
];

function receivers(sink: string): Record<string, Record<string, unknown>> {
  return {
    defaults: { api_url: `${sink}/defaults`, send_resolved: true },
    every: { api_url: `${sink}/every`, send_resolved: true, ...EVERY_DEFAULT },
    custom: {
      api_url: `${sink}/custom`,
      send_resolved: true,
      title: '{{ template "my.title" . }}',
      text: '{{ template "my.text" . }}',
      fields: FIELDS,
      short_fields: true,
      link_names: true,
      mrkdwn_in: ['text'],
      actions: [
        { type: 'button', text: 'Go {{ .Status }}', url: 'http://x/{{ .Receiver }}' },
        { type: 'button', text: 'Ack', name: 'ack', value: 'v', confirm: { text: 'sure?' } },
      ],
    },
  };
}

test('slack: the same requests as the real Alertmanager 0.25, for defaults, every default template and the template functions', async (t) => {
  const sink = await startSink(t);
  const recv = receivers(sink.url);
  const yaml = `
global:
  resolve_timeout: 5m
templates: ['*.tmpl']
route:
  receiver: 'slack.rcv'
  group_by: ['alertname']
  group_wait: 1s
receivers:
  - name: 'slack.rcv'
    slack_configs:
${Object.values(recv)
  .map((c) => '      - ' + JSON.stringify(c))
  .join('\n')}
`;
  const am = await startRealAlertmanager(t, yaml, { 'custom.tmpl': CUSTOM_TMPL });
  if (!am) return;
  await postAlerts(am.url, alertsAt(Date.now()));
  const real = await sink.waitFor(3);
  const byPath = new Map(real.map((r) => [r.url, r]));
  assert.equal(byPath.get('/defaults')!.headers['user-agent'], 'Alertmanager/0.25.0');
  assert.equal(byPath.get('/defaults')!.headers['content-type'], 'application/json');

  const ours = await startSink(t);
  const mine = receivers(ours.url);
  writeFileSync(join(am.dir, 'custom.tmpl'), CUSTOM_TMPL);
  for (const [name, raw] of Object.entries(mine)) {
    await drive(
      slack,
      raw,
      notifyContext('slack.rcv', { alertname: 'DiskFull' }),
      notifyAlerts(alertsAt(Date.now())),
      { templateGlobs: ['*.tmpl'], baseDir: am.dir },
    );
    const got = ours.requests.at(-1)!;
    assert.equal(got.url, `/${name}`);
    if (process.env.DUMP) console.log(got.body);
    assert.equal(got.body, byPath.get(`/${name}`)!.body, `receiver ${name}`);
    assert.equal(got.headers['user-agent'], 'Alertmanager/0.25.0');
  }
});

test('slack: 5xx is retried, 4xx is not, and the error names the channel', async (t) => {
  let status = 503;
  const sink = await startSink(t, () => status, 'no_service');
  const cfg = { api_url: `${sink.url}/x`, channel: '#ops' };
  const run = () =>
    drive(slack, cfg, notifyContext('r', {}), notifyAlerts(alertsAt(Date.now()).slice(0, 1)));
  await assert.rejects(
    run(),
    (e: unknown) =>
      e instanceof NotifyError &&
      e.retry &&
      e.message === 'channel "#ops": unexpected status code 503: no_service',
  );
  status = 404;
  await assert.rejects(run(), (e: unknown) => e instanceof NotifyError && !e.retry);
});

test('slack: config validation and the global api_url fallback', () => {
  assert.throws(
    () => slack.parse({}, amGlobal()),
    /no global Slack API URL set either inline or in a file/,
  );
  assert.throws(
    () => slack.parse({ api_url: 'http://x', api_url_file: '/f' }, amGlobal()),
    /at most one of api_url & api_url_file/,
  );
  assert.throws(
    () => slack.parse({ api_url: 'http://x', chanel: '#a' }, amGlobal()),
    /field chanel not found/,
  );
  assert.throws(
    () => slack.parse({ api_url: 'http://x', fields: [{ title: 'a' }] }, amGlobal()),
    /missing value in Slack field configuration/,
  );
  assert.throws(
    () =>
      slack.parse({ api_url: 'http://x', actions: [{ type: 'button', text: 'a' }] }, amGlobal()),
    /missing name or url in Slack action configuration/,
  );
  assert.equal(slack.parse({}, amGlobal({ slackApiUrl: 'http://g/' })).apiURL, 'http://g/');
});
