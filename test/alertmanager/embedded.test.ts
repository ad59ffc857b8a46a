// prometheus-ts --alertmanager.config.file: the Alertmanager inside the server, under
// /alertmanager/, fed by the server's rules besides any alerting.alertmanagers, reloaded with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, tempDir } from '../support/peers.js';
import { startOurServer } from '../support/server.js';
import { startAlertmanagerTs, startRealAlertmanager, startWebhookSink, until } from './am_peers.js';

const amConfig = (sink: string, who: string) => `route:
  receiver: default
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 1s
  routes:
    - match: { severity: critical }
      receiver: critical
      continue: true
receivers:
  - name: default
    webhook_configs: [{ url: '${sink}/${who}/default' }]
  - name: critical
    webhook_configs: [{ url: '${sink}/${who}/critical' }]
`;

test(
  'embedded: prometheus-ts runs the Alertmanager, sends to it and to the configured ones, reloads both',
  { timeout: 90_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    const external = await startAlertmanagerTs(amConfig(sink.url, 'standalone'));
    t.after(() => external.stop());
    const real =
      peer('alertmanager') === null
        ? null
        : await startRealAlertmanager(t, amConfig(sink.url, 'real'));
    if (real !== null) t.after(() => real.stop());
    const tmp = tempDir('embedded-');
    t.after(tmp.cleanup);
    writeFileSync(
      join(tmp.dir, 'rules.yml'),
      'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: ContainerDown\n        expr: vector(1)\n        labels: { severity: critical }\n',
    );
    writeFileSync(join(tmp.dir, 'alertmanager.yml'), amConfig(sink.url, 'embedded'));
    const targets = [external.port, ...(real !== null ? [real.port] : [])]
      .map((p) => `'127.0.0.1:${p}'`)
      .join(', ');
    const prom = await startOurServer(
      `global:\n  evaluation_interval: 1s\nrule_files: ['${join(tmp.dir, 'rules.yml')}']\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [${targets}]\n`,
      [
        `--alertmanager.config.file=${join(tmp.dir, 'alertmanager.yml')}`,
        '--rules.alert.resend-delay=1s',
        '--web.enable-lifecycle',
      ],
      { dir: tmp.dir },
    );
    t.after(() => prom.stop());
    const reached = (who: string) => sink.received.some((n) => n.path === `/${who}/critical`);
    assert.ok(
      await until(
        () => reached('embedded') && reached('standalone') && (real === null || reached('real')),
        30_000,
      ),
      `notified: ${sink.received.map((n) => n.path).join(', ')}`,
    );
    const embedded = sink.received.find((n) => n.path === '/embedded/critical')!;
    assert.equal(embedded.body.groupKey, '{}/{severity="critical"}:{alertname="ContainerDown"}');
    assert.equal(
      embedded.body.externalURL,
      `${prom.url.replace('127.0.0.1', (embedded.body.externalURL as string).split('//')[1]!.split(':')[0]!)}/alertmanager`,
    );
    if (real !== null) {
      const r = sink.received.find((n) => n.path === '/real/critical')!;
      assert.deepEqual(
        (embedded.body.alerts as { labels: unknown }[]).map((a) => a.labels),
        (r.body.alerts as { labels: unknown }[]).map((a) => a.labels),
      );
    }
    // Its API under /alertmanager/ of the server's listener, and the server lists it.
    const alerts = (await (await fetch(`${prom.url}/alertmanager/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
    }[];
    assert.deepEqual(
      alerts.map((a) => a.labels.alertname),
      ['ContainerDown'],
    );
    const ams = (await (await fetch(`${prom.url}/api/v1/alertmanagers`)).json()) as {
      data: { activeAlertmanagers: { url: string }[] };
    };
    assert.ok(
      ams.data.activeAlertmanagers.some((a) => a.url.endsWith('/alertmanager/api/v2/alerts')),
    );
    assert.equal((await fetch(`${prom.url}/alertmanager/-/healthy`)).status, 200);
    assert.ok(
      await until(
        () => readdirSync(join(tmp.dir, 'data', 'alertmanager')).includes('nflog'),
        5_000,
      ),
      'the notification log is kept under <storage.tsdb.path>/alertmanager/',
    );
    // A bad alertmanager.yml fails the reload of both; the old one keeps running.
    writeFileSync(
      join(tmp.dir, 'alertmanager.yml'),
      amConfig(sink.url, 'embedded').replace(
        'receiver: critical\n      continue',
        'receiver: nobody\n      continue',
      ),
    );
    const bad = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    assert.equal(bad.status, 500);
    assert.match(await bad.text(), /alertmanager\.config\.file.*undefined receiver "nobody"/);
    // A good one is applied by the same reload.
    writeFileSync(
      join(tmp.dir, 'alertmanager.yml'),
      amConfig(sink.url, 'embedded').replace(
        'group_by: [alertname]',
        'group_by: [alertname, severity]',
      ),
    );
    assert.equal((await fetch(`${prom.url}/-/reload`, { method: 'POST' })).status, 200);
    const groups = (await (
      await fetch(`${prom.url}/alertmanager/api/v2/alerts/groups`)
    ).json()) as { labels: Record<string, string> }[];
    assert.deepEqual(
      groups.map((g) => g.labels),
      [{ alertname: 'ContainerDown', severity: 'critical' }],
    );
  },
);
