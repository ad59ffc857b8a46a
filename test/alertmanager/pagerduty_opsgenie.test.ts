// PagerDuty and Opsgenie against the real Alertmanager 0.25 (trigger then resolve; create with
// update_alerts then close), plus their retry rules and config validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricBytes, pagerduty } from '../../src/alertmanager/notify/pagerduty.js';
import { opsgenie } from '../../src/alertmanager/notify/opsgenie.js';
import { NotifyError, type IntegrationType } from '../../src/alertmanager/notify/integration.js';
import { loadNotificationTemplates } from '../../src/alertmanager/template/index.js';
import { amGlobal, notifyAlerts, notifyContext, startSink, type TestAlert } from './am_helpers.js';
import { diffWithReal } from './diff_helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();
// Built just before posting, starting within group_wait: an alert older than that makes the real
// Alertmanager flush its group at once, racing the rest of the batch.
const alertsAt = (now: number): TestAlert[] => [
  {
    labels: { alertname: 'Lag', instance: 'db1', job: 'pg', team: 'data' },
    annotations: { summary: 'replication <lag>', runbook: 'http://wiki/x?a=1&b=2' },
    startsAt: iso(now - 180),
    generatorURL: 'http://prom/graph',
  },
  {
    labels: { alertname: 'Lag', instance: 'db2', job: 'pg', team: 'data' },
    annotations: { summary: 'replication <lag>' },
    startsAt: iso(now - 60),
  },
];
const U = <C>(x: IntegrationType<C>): IntegrationType<unknown> =>
  x as unknown as IntegrationType<unknown>;

test('pagerduty v2 and opsgenie: the same requests as the real Alertmanager, firing then resolved', async (t) => {
  await diffWithReal(
    t,
    [
      {
        type: U(pagerduty),
        raw: (s) => ({
          routing_key: 'rk-{{ .CommonLabels.team }}',
          url: `${s}/pd`,
          severity: 'warning',
          class: 'db',
          group: '{{ .GroupLabels.alertname }}',
          details: { team: '{{ .CommonLabels.team }}', firing: 'overridden {{ len .Alerts }}' },
          links: [
            { href: 'http://l/{{ .Status }}', text: 'link' },
            { href: '', text: 'dropped' },
          ],
          images: [{ src: 'http://i.png', alt: 'alt', href: 'http://h' }],
        }),
      },
      { type: U(pagerduty), raw: (s) => ({ routing_key: 'defaults', url: `${s}/pd-defaults` }) },
      {
        type: U(opsgenie),
        raw: (s) => ({
          api_key: 'k1',
          api_url: `${s}/og`,
          update_alerts: true,
          tags: ' a,b,,{{ .CommonLabels.team }} ',
          actions: 'restart',
          priority: 'P2',
          note: 'n',
          entity: 'e',
          details: { extra: '{{ .Status }}' },
          responders: [
            { name: 'ops,dev', type: 'teams' },
            { username: 'bob', type: 'User' },
            { id: '{{ .CommonLabels.team }}', type: '{{ "schedule" }}' },
          ],
        }),
      },
      { type: U(opsgenie), raw: (s) => ({ api_key: 'k2', api_url: `${s}/og2?x=1` }) },
    ],
    alertsAt(Date.now()),
    { resolve: true, expect: 6, expectResolved: 4, headers: ['authorization'] },
  );
});

test("pagerduty: 429 and 5xx are retried, other statuses are not; a 400 names PagerDuty's errors", async (t) => {
  let status = 429;
  const sink = await startSink(
    t,
    () => status,
    JSON.stringify({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: ['Length of summary too long'],
    }),
  );
  const cfg = pagerduty.parse({ routing_key: 'k', url: `${sink.url}/x` }, amGlobal());
  const deps = { templates: await loadNotificationTemplates([], '.'), log: () => {} };
  const integ = pagerduty.create(cfg, 0, deps);
  const run = () => integ.notify(notifyContext('r', {}), notifyAlerts(alertsAt(Date.now())));
  await assert.rejects(run(), (e: unknown) => e instanceof NotifyError && e.retry);
  status = 400;
  await assert.rejects(
    run(),
    (e: unknown) =>
      e instanceof NotifyError &&
      !e.retry &&
      e.message ===
        'unexpected status code 400: Event object is invalid: Length of summary too long',
  );
  status = 403;
  await assert.rejects(run(), (e: unknown) => e instanceof NotifyError && !e.retry);
  // v1 (service key) retries 403 instead, and posts to the fixed v1 endpoint.
  const v1 = { ...pagerduty.parse({ service_key: 'sk' }, amGlobal()), v1URL: `${sink.url}/v1` };
  const integ1 = pagerduty.create(v1, 0, deps);
  await assert.rejects(
    integ1.notify(notifyContext('r', {}), notifyAlerts(alertsAt(Date.now()))),
    (e: unknown) => e instanceof NotifyError && e.retry,
  );
  const body = JSON.parse(sink.requests.at(-1)!.body) as Record<string, unknown>;
  assert.equal(sink.requests.at(-1)!.url, '/v1');
  assert.equal(body['service_key'], 'sk');
  assert.equal(body['event_type'], 'trigger');
  assert.equal(body['payload'], null);
  assert.equal(
    pagerduty.parse({ service_key: 'sk' }, amGlobal()).v1URL,
    'https://events.pagerduty.com/generic/2010-04-15/create_event.json',
  );
});

test('pagerduty and opsgenie: config validation', () => {
  assert.throws(
    () => pagerduty.parse({}, amGlobal()),
    /missing service or routing key in PagerDuty config/,
  );
  assert.throws(
    () => pagerduty.parse({ routing_key: 'a', routing_key_file: '/f' }, amGlobal()),
    /at most one of routing_key & routing_key_file/,
  );
  assert.equal(
    pagerduty.parse({ routing_key: 'a' }, amGlobal()).url,
    'https://events.pagerduty.com/v2/enqueue',
  );
  assert.throws(
    () => opsgenie.parse({}, amGlobal()),
    /no global OpsGenie API Key set either inline or in a file/,
  );
  assert.throws(
    () => opsgenie.parse({ api_key: 'k', responders: [{ type: 'team' }] }, amGlobal()),
    /has to have at least one of id, username or name/,
  );
  assert.throws(
    () => opsgenie.parse({ api_key: 'k', responders: [{ name: 'x', type: 'group' }] }, amGlobal()),
    /type does not match valid options/,
  );
  assert.equal(
    opsgenie.parse({ api_key: 'k', api_url: 'http://og/base' }, amGlobal()).apiURL,
    'http://og/base/',
  );
  assert.equal(opsgenie.parse({}, amGlobal({ opsgenieApiKey: 'g' })).apiKey, 'g');
});

test('pagerduty: an event over 512 KB loses its details, as Alertmanager words it', async (t) => {
  assert.equal(metricBytes(512_000), '512KB');
  assert.equal(metricBytes(600_123), '600KB123B');
  const sink = await startSink(t);
  const logs: { msg: string }[] = [];
  const cfg = pagerduty.parse(
    {
      routing_key: 'k',
      url: `${sink.url}/x`,
      details: { big: '{{ range .Alerts }}{{ .Annotations.blob }}{{ end }}' },
    },
    amGlobal(),
  );
  const integ = pagerduty.create(cfg, 0, {
    templates: await loadNotificationTemplates([], '.'),
    log: (_l, msg) => logs.push({ msg }),
  });
  const big = notifyAlerts([
    {
      labels: { alertname: 'Big' },
      annotations: { blob: 'x'.repeat(600_000) },
      startsAt: new Date().toISOString(),
    },
  ]);
  await integ.notify(notifyContext('r', {}), big);
  const body = JSON.parse(sink.requests[0]!.body) as {
    payload: { custom_details: Record<string, string> };
  };
  assert.deepEqual(body.payload.custom_details, {
    error:
      'Custom details have been removed because the original event exceeds the maximum size of 512KB',
  });
  assert.match(
    logs[0]!.msg,
    /^Truncated Details because message of size (\d+[KMG]?B)+ exceeds limit 512KB$/,
  );
});
