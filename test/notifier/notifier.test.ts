// The notifier's own rules: batches of at most 64 alerts per POST, external labels added where
// an alert lacks them, alert_relabel_configs applied (a drop drops), the bounded queue dropping the
// oldest and counting it, Alertmanager discovery through relabeling, the v2 JSON shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { NotifierManager, type Alert } from '../../src/notifier/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { Labels } from '../../src/model/labels/index.ts';
import { newRegistry } from '../../src/util/metrics.ts';

function alert(i: number, extra: Record<string, string> = {}): Alert {
  return {
    labels: Labels.fromObject({ alertname: 'A', n: String(i), ...extra }),
    annotations: Labels.fromObject({ summary: `s${i}` }),
    startsAt: new Date(1_700_000_000_000),
    endsAt: new Date(1_700_000_600_000),
    generatorURL: 'http://prom/graph?g0.expr=up',
  };
}

test('batches, external labels, alert relabeling, JSON shape, discovery relabeling, queue drops', async (t) => {
  const posts: {
    path: string;
    body: {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      startsAt: string;
      endsAt: string;
      generatorURL: string;
    }[];
  }[] = [];
  const am = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body: JSON.parse(b) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => am.listen(0, '127.0.0.1', () => r()));
  t.after(() => am.close());
  const port = (am.address() as { port: number }).port;
  const cfg = loadConfig(
    `global:
  external_labels: {cluster: eu, n: not-used}
alerting:
  alert_relabel_configs:
    - source_labels: [drop]
      regex: 'yes'
      action: drop
  alertmanagers:
    - path_prefix: /am
      static_configs:
        - targets: ['127.0.0.1:${port}', 'skip-me:9093']
      relabel_configs:
        - source_labels: [__address__]
          regex: 'skip-me:.*'
          action: drop
`,
    'n.yml',
  );
  const registry = newRegistry();
  const n = new NotifierManager({ registry, queueCapacity: 100 });
  n.applyConfig(cfg);
  const sd = n.sdConfigs(cfg);
  assert.deepEqual([...sd.keys()], ['config-0']);
  n.sync(
    new Map([
      [
        'config-0',
        [
          {
            targets: cfg.alerting.alertmanagers[0]!.static_configs[0]!.targets.map((a) => ({
              __address__: a,
            })),
            labels: {},
            source: '0',
          },
        ],
      ],
    ]),
  );
  assert.deepEqual(n.activeAlertmanagers(), [`http://127.0.0.1:${port}/am/api/v2/alerts`]);
  assert.deepEqual(n.droppedAlertmanagers(), ['http://skip-me:9093/am/api/v2/alerts']);
  n.send([...Array.from({ length: 150 }, (_, i) => alert(i)), alert(999, { drop: 'yes' })]);
  for (let i = 0; i < 100 && posts.reduce((a, p) => a + p.body.length, 0) < 100; i++)
    await new Promise((r) => setTimeout(r, 50));
  await n.stop();
  const sent = posts.flatMap((p) => p.body);
  // The queue holds 100: the 50 oldest were dropped; the relabel-dropped alert never queued.
  assert.equal(sent.length, 100);
  assert.ok(posts.every((p) => p.body.length <= 64 && p.path === '/am/api/v2/alerts'));
  assert.deepEqual(sent[0], {
    labels: { alertname: 'A', cluster: 'eu', n: '50' },
    annotations: { summary: 's50' },
    startsAt: '2023-11-14T22:13:20.000Z',
    endsAt: '2023-11-14T22:23:20.000Z',
    generatorURL: 'http://prom/graph?g0.expr=up',
  });
  assert.ok(!sent.some((a) => a.labels['drop']));
  const metrics = await registry.metrics();
  assert.match(metrics, /prometheus_notifications_dropped_total 50/);
  assert.match(
    metrics,
    new RegExp(
      `prometheus_notifications_sent_total\\{alertmanager="http://127.0.0.1:${port}/am/api/v2/alerts"\\} 100`,
    ),
  );
  assert.match(metrics, /prometheus_notifications_queue_capacity 100/);
  assert.match(metrics, /prometheus_notifications_alertmanagers_discovered 1/);
});
