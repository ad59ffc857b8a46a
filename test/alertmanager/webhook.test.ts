import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAlertmanagerConfig } from '../../src/alertmanager/config/index.js';
import {
  NotifyError,
  webhookType,
  type NotifyAlert,
  type NotifyContext,
  type WebhookConfig,
} from '../../src/alertmanager/notify/index.js';
import { startWebhookSink } from './am_peers.js';
import { createServer } from 'node:http';

const global = loadAlertmanagerConfig(
  'route: {receiver: r}\nreceivers: [{name: r}]\n',
  'am.yml',
).global;
const ctx = (signal = new AbortController().signal): NotifyContext => ({
  receiver: 'team',
  groupKey: '{}:{alertname="A"}',
  groupLabels: { alertname: 'A' },
  externalURL: 'http://am.example:9093',
  now: new Date('2026-01-01T00:00:10Z'),
  repeatInterval: 3600_000,
  signal,
});
const alert = (i: number, resolved = false): NotifyAlert => ({
  labels: { alertname: 'A', instance: `i${i}` },
  annotations: { summary: 's' },
  startsAt: new Date('2026-01-01T00:00:00Z'),
  endsAt: resolved ? new Date('2026-01-01T00:00:05Z') : new Date(0),
  generatorURL: 'http://prom/graph',
  fingerprint: `000000000000000${i}`,
});

test('webhook: payload version 4, max_alerts with truncatedAlerts, basic auth', async (t) => {
  const sink = await startWebhookSink(t);
  const c = webhookType.parse(
    {
      url: `${sink.url}/x`,
      max_alerts: 2,
      http_config: { basic_auth: { username: 'u', password: 'p' } },
    },
    global,
  );
  const i = webhookType.create(c, 0, {
    templates: { expandText: () => '', expandHTML: () => '' },
    log: () => {},
  });
  assert.equal(i.sendResolved, true);
  await i.notify(ctx(), [alert(1), alert(2, true), alert(3)]);
  assert.equal(sink.received[0]!.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
  const body = sink.received[0]!.body;
  assert.deepEqual(body, {
    receiver: 'team',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'A', instance: 'i1' },
        annotations: { summary: 's' },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prom/graph',
        fingerprint: '0000000000000001',
      },
      {
        status: 'resolved',
        labels: { alertname: 'A', instance: 'i2' },
        annotations: { summary: 's' },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '2026-01-01T00:00:05Z',
        generatorURL: 'http://prom/graph',
        fingerprint: '0000000000000002',
      },
    ],
    groupLabels: { alertname: 'A' },
    commonLabels: { alertname: 'A' },
    commonAnnotations: { summary: 's' },
    externalURL: 'http://am.example:9093',
    version: '4',
    groupKey: '{}:{alertname="A"}',
    truncatedAlerts: 1,
  });
});

test('webhook: authorization header and User-Agent as Alertmanager sends them; 5xx retried, 4xx not', async (t) => {
  const seen: { auth: string | undefined; ua: string | undefined; ct: string | undefined }[] = [];
  let status = 200;
  const srv = createServer((req, res) => {
    seen.push({
      auth: req.headers.authorization,
      ua: req.headers['user-agent'],
      ct: req.headers['content-type'],
    });
    req.resume();
    req.on('end', () => {
      res.statusCode = status;
      res.end('nope');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => srv.close());
  const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}/hook`;
  const c = webhookType.parse(
    { url, send_resolved: false, http_config: { authorization: { credentials: 'sekret' } } },
    global,
  ) as WebhookConfig;
  assert.equal(c.sendResolved, false);
  const i = webhookType.create(c, 1, {
    templates: { expandText: () => '', expandHTML: () => '' },
    log: () => {},
  });
  await i.notify(ctx(), [alert(1)]);
  assert.deepEqual(seen[0], {
    auth: 'Bearer sekret',
    ua: 'Alertmanager/0.25.0',
    ct: 'application/json',
  });
  status = 503;
  await assert.rejects(
    i.notify(ctx(), [alert(1)]),
    (e: unknown) =>
      e instanceof NotifyError &&
      e.retry &&
      e.message === `unexpected status code 503: ${url}: nope`,
  );
  status = 400;
  await assert.rejects(
    i.notify(ctx(), [alert(1)]),
    (e: unknown) => e instanceof NotifyError && !e.retry,
  );
  // The global http_config applies when the webhook has none.
  const g2 = loadAlertmanagerConfig(
    'global:\n  http_config: {bearer_token: tok}\nroute: {receiver: r}\nreceivers: [{name: r}]\n',
    'am.yml',
  ).global;
  status = 200;
  await webhookType
    .create(webhookType.parse({ url }, g2), 0, {
      templates: { expandText: () => '', expandHTML: () => '' },
      log: () => {},
    })
    .notify(ctx(), [alert(1)]);
  assert.equal(seen.at(-1)!.auth, 'Bearer tok');
});

test('webhook: config errors as Alertmanager words them', () => {
  assert.throws(() => webhookType.parse({}, global), /missing URL in webhook config/);
  assert.throws(
    () => webhookType.parse({ url: 'ftp://x' }, global),
    /scheme required for webhook url/,
  );
  assert.throws(() => webhookType.parse({ url: 'http://x', max_alerts: -1 }, global), /max_alerts/);
  assert.throws(
    () =>
      webhookType.parse(
        { url: 'http://x', http_config: { tls_config: { min_version: 'TLS9' } } },
        global,
      ),
    /unknown TLS version: TLS9/,
  );
  assert.throws(
    () =>
      webhookType.parse(
        { url: 'http://x', http_config: { oauth2: { client_id: 'a', token_url: 'http://t' } } },
        global,
      ),
    /oauth2 is not supported by prometheus-ts/,
  );
  assert.throws(
    () =>
      loadAlertmanagerConfig(
        'global:\n  http_config:\n    oauth2: {client_id: a, token_url: "http://t"}\nroute: {receiver: r}\nreceivers: [{name: r}]\n',
        'am.yml',
      ),
    /am\.yml:3: http_config: oauth2 is not supported/,
  );
});
