// Real peers against alertmanager-ts: amtool 0.25 (alert query, silence add/query/expire,
// config routes) and Prometheus 2.42 sending its alerts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peer, startRealPrometheus } from '../support/peers.js';
import { runCommand } from '../support/server.js';
import { postJSON, startAlertmanagerTs, startWebhookSink, until } from './am_peers.js';

const CONFIG = (sink: string) => `route:
  receiver: default
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 1s
  routes:
    - matchers: ['severity="critical"']
      receiver: critical
      continue: true
    - match: { severity: warning }
      receiver: warning
receivers:
  - name: default
    webhook_configs: [{ url: '${sink}/default' }]
  - name: critical
    webhook_configs: [{ url: '${sink}/critical' }]
  - name: warning
    webhook_configs: [{ url: '${sink}/warning' }]
`;

test(
  'amtool 0.25 against alertmanager-ts: alert query, silence add/query/expire, config routes',
  { timeout: 60_000 },
  async (t) => {
    const amtool = peer('amtool', t);
    if (amtool === null) return;
    const sink = await startWebhookSink(t);
    const am = await startAlertmanagerTs(CONFIG(sink.url));
    t.after(() => am.stop());
    const run = async (...args: string[]) => {
      const r = await runCommand(amtool, [`--alertmanager.url=${am.url}`, ...args]);
      assert.equal(r.code, 0, `amtool ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const now = Date.now();
    await postJSON(`${am.url}/api/v2/alerts`, [
      {
        labels: { alertname: 'ContainerDown', severity: 'critical', instance: 'a' },
        annotations: { summary: 'down' },
        startsAt: new Date(now - 1000).toISOString(),
      },
      {
        labels: { alertname: 'HighCPU', severity: 'warning', instance: 'b' },
        startsAt: new Date(now - 1000).toISOString(),
      },
    ]);
    const q = await run('alert', 'query');
    assert.match(q, /^Alertname\s+Starts At\s+Summary\s+State/);
    assert.match(q, /ContainerDown\s+\S+ \S+ UTC\s+down\s+active/);
    assert.match(q, /HighCPU/);
    assert.match(await run('alert', 'query', 'severity=critical'), /ContainerDown/);
    assert.doesNotMatch(await run('alert', 'query', 'severity=critical'), /HighCPU/);
    const id = (
      await run(
        'silence',
        'add',
        'alertname=HighCPU',
        '--comment=maintenance',
        '--author=ops',
        '--duration=1h',
      )
    ).trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    const sq = await run('silence', 'query');
    assert.match(
      sq,
      new RegExp(`${id}\\s+alertname="HighCPU"\\s+\\S+ \\S+ UTC\\s+ops\\s+maintenance`),
    );
    assert.equal((await run('silence', 'query', '-q')).trim(), id);
    assert.doesNotMatch(
      await run('alert', 'query'),
      /HighCPU/,
      'silenced alerts are hidden by default',
    );
    assert.match(await run('alert', 'query', '--silenced'), /HighCPU/);
    await run('silence', 'expire', id);
    assert.equal((await run('silence', 'query', '-q')).trim(), '');
    assert.match(await run('silence', 'query', '--expired'), new RegExp(id));
    const routes = await run('config', 'routes');
    assert.match(routes, /default-route\s+receiver: default/);
    assert.match(routes, /\{severity="critical"\}\s+continue: true\s+receiver: critical/);
    assert.match(routes, /\{severity="warning"\}\s+receiver: warning/);
    assert.equal((await run('config', 'routes', 'test', 'severity=critical')).trim(), 'critical');
    assert.equal((await run('config', 'routes', 'test', 'severity=info')).trim(), 'default');
    assert.match(await run('config', 'show'), /receiver: default/);
  },
);

test(
  'Prometheus 2.42 sends its alerts to alertmanager-ts, which routes them',
  { timeout: 90_000 },
  async (t) => {
    if (peer('prometheus', t) === null) return;
    const sink = await startWebhookSink(t);
    const am = await startAlertmanagerTs(CONFIG(sink.url));
    t.after(() => am.stop());
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const rulesDir = mkdtempSync(join(tmpdir(), 'am-rules-'));
    writeFileSync(
      join(rulesDir, 'rules.yml'),
      'groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: ContainerDown\n        expr: vector(1)\n        labels: { severity: critical }\n        annotations: { summary: "always" }\n',
    );
    const prom = await startRealPrometheus(
      `global:\n  evaluation_interval: 1s\nrule_files: ['${join(rulesDir, 'rules.yml')}']\nalerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:${am.port}']\n`,
      ['--rules.alert.resend-delay=1s'],
    );
    t.after(() => prom.stop());
    // The first alerts may be sent before Prometheus has discovered the Alertmanager (dropped);
    // it re-sends every resend-delay.
    assert.ok(
      await until(() => sink.received.some((n) => n.path === '/critical'), 30_000),
      `the critical webhook was notified\n${am.proc.output()}`,
    );
    const n = sink.received.find((x) => x.path === '/critical')!;
    const alerts = n.body.alerts as {
      labels: Record<string, string>;
      generatorURL: string;
      status: string;
    }[];
    assert.equal(alerts[0]!.labels.alertname, 'ContainerDown');
    assert.equal(alerts[0]!.status, 'firing');
    assert.match(alerts[0]!.generatorURL, /\/graph\?g0\.expr=vector/);
    assert.equal(n.body.groupKey, '{}/{severity="critical"}:{alertname="ContainerDown"}');
  },
);
