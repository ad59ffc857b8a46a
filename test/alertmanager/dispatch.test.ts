// The notification pipeline in-process: repeat_interval, send_resolved: false, retries with
// backoff on 5xx, mute and active time intervals, inhibition lifted when the source resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Alertmanager } from '../../src/alertmanager/index.js';
import { newLogger } from '../../src/util/log.js';
import { newRegistry } from '../../src/util/metrics.js';
import { tempDir } from '../support/peers.js';
import { sleep, startWebhookSink, until, type WebhookSink } from './am_peers.js';

async function start(t: import('node:test').TestContext, yaml: string): Promise<Alertmanager> {
  const tmp = tempDir('am-dispatch-');
  t.after(tmp.cleanup);
  writeFileSync(join(tmp.dir, 'am.yml'), yaml);
  const registry = newRegistry();
  const am = await Alertmanager.start({
    configFile: join(tmp.dir, 'am.yml'),
    storagePath: join(tmp.dir, 'data'),
    retention: 3600_000,
    alertsGCInterval: 60_000,
    externalURL: new URL('http://am.example:9093'),
    logger: newLogger({ level: 'error', write: () => {} }),
    registry,
  });
  t.after(() => am.close());
  return am;
}

const post = (am: Alertmanager, alerts: { labels: Record<string, string>; endsIn?: number }[]) =>
  am.receive(
    JSON.stringify(
      alerts.map((a) => ({
        labels: a.labels,
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + (a.endsIn ?? 600_000)).toISOString(),
      })),
    ),
  );

const hook = (sink: WebhookSink, extra = '') => `receivers:
  - name: r
    webhook_configs:
      - url: ${sink.url}/r
${extra}`;

test(
  'dispatch: repeat_interval re-sends an unchanged group; send_resolved: false sends no resolution',
  { timeout: 30_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    const am = await start(
      t,
      `route:\n  receiver: r\n  group_wait: 100ms\n  group_interval: 500ms\n  repeat_interval: 1500ms\n${hook(sink).replace(`url: ${sink.url}/r`, `url: ${sink.url}/r\n        send_resolved: false`)}`,
    );
    post(am, [{ labels: { alertname: 'A' } }]);
    assert.ok(await until(() => sink.received.length === 1, 5_000));
    await sleep(800);
    assert.equal(sink.received.length, 1, 'nothing new before repeat_interval');
    assert.ok(
      await until(() => sink.received.length === 2, 5_000),
      're-sent after repeat_interval',
    );
    post(am, [{ labels: { alertname: 'A' }, endsIn: -1 }]);
    await sleep(1500);
    assert.equal(sink.received.length, 2, 'the resolution is not sent');
    assert.equal(
      sink.received.every((n) => n.body.status === 'firing'),
      true,
    );
  },
);

test(
  'dispatch: a 5xx is retried with backoff until it succeeds; the metrics count each attempt',
  { timeout: 30_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    sink.status = 503;
    const am = await start(
      t,
      `route:\n  receiver: r\n  group_wait: 50ms\n  group_interval: 20s\n${hook(sink)}`,
    );
    post(am, [{ labels: { alertname: 'A' } }]);
    assert.ok(await until(() => sink.received.length >= 2, 5_000), 'retried');
    sink.status = 200;
    const n = sink.received.length;
    assert.ok(
      await until(() => sink.received.length === n + 1, 10_000),
      'delivered once the receiver answers 200',
    );
    await sleep(1500);
    assert.equal(sink.received.length, n + 1, 'no attempt after the success');
    const m = await am.metrics.registry.metrics();
    assert.match(
      m,
      new RegExp(
        `^alertmanager_notification_requests_total\\{integration="webhook"\\} ${n + 1}$`,
        'm',
      ),
    );
    assert.match(
      m,
      new RegExp(
        `^alertmanager_notification_requests_failed_total\\{integration="webhook"\\} ${n}$`,
        'm',
      ),
    );
    assert.match(m, /^alertmanager_notifications_total\{integration="webhook"\} 1$/m);
    assert.match(m, /^alertmanager_notifications_failed_total\{integration="webhook"\} 0$/m);
  },
);

test('dispatch: mute_time_intervals and active_time_intervals', { timeout: 30_000 }, async (t) => {
  const sink = await startWebhookSink(t);
  const always = `time_intervals:\n  - name: always\n    time_intervals:\n      - times: [{start_time: '00:00', end_time: '24:00'}]\n  - name: never\n    time_intervals:\n      - years: ['1999']\n`;
  const am = await start(
    t,
    `route:\n  receiver: r\n  group_by: [alertname]\n  group_wait: 50ms\n  group_interval: 300ms\n  routes:\n    - matchers: [alertname=Muted]\n      mute_time_intervals: [always]\n    - matchers: [alertname=Inactive]\n      active_time_intervals: [never]\n    - matchers: [alertname=Active]\n      active_time_intervals: [always]\n${hook(sink)}${always}`,
  );
  post(am, [
    { labels: { alertname: 'Muted' } },
    { labels: { alertname: 'Inactive' } },
    { labels: { alertname: 'Active' } },
  ]);
  assert.ok(await until(() => sink.received.length >= 1, 5_000));
  await sleep(1000);
  assert.deepEqual(
    [
      ...new Set(
        sink.received.map((n) => (n.body.groupLabels as Record<string, string>).alertname),
      ),
    ],
    ['Active'],
  );
});

test(
  'dispatch: an inhibited alert is notified once its source resolves',
  { timeout: 30_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    const am = await start(
      t,
      `route:\n  receiver: r\n  group_by: [alertname]\n  group_wait: 50ms\n  group_interval: 300ms\n${hook(sink)}inhibit_rules:\n  - source_matchers: [severity=critical]\n    target_matchers: [severity=warning]\n    equal: [cluster]\n`,
    );
    post(am, [
      { labels: { alertname: 'Src', severity: 'critical', cluster: 'c1' } },
      { labels: { alertname: 'Tgt', severity: 'warning', cluster: 'c1' } },
      { labels: { alertname: 'Other', severity: 'warning', cluster: 'c2' } },
    ]);
    assert.ok(await until(() => sink.received.length >= 2, 5_000));
    await sleep(700);
    const names = () =>
      new Set(sink.received.map((n) => (n.body.groupLabels as Record<string, string>).alertname));
    assert.deepEqual([...names()].sort(), ['Other', 'Src']);
    post(am, [{ labels: { alertname: 'Src', severity: 'critical', cluster: 'c1' }, endsIn: -1 }]);
    assert.ok(
      await until(() => names().has('Tgt'), 5_000),
      'the target is notified after its source resolved',
    );
  },
);
