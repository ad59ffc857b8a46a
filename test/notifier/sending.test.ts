// The notifier against a recording HTTP server and the real Alertmanager: the v2 path under
// path_prefix, basic auth, batches of 64, external labels, alert_relabel_configs, Alertmanager
// relabeling on __address__, a bounded queue whose overflow is counted, errors counted, and the
// real Alertmanager listing what we send and dropping it once resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Labels } from '../../src/model/labels/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { NotifierManager, type Alert } from '../../src/notifier/index.ts';
import { newRegistry } from '../../src/util/metrics.ts';
import { freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.ts';

interface Received {
  url: string;
  auth: string | undefined;
  contentType: string | undefined;
  alerts: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt?: string;
    generatorURL: string;
  }[];
}

async function until<T>(
  f: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function fakeAM(
  t: { after: (f: () => unknown) => void },
  behave: (req: IncomingMessage) => Promise<number> | number = () => 200,
): Promise<{ addr: string; got: Received[] }> {
  const got: Received[] = [];
  const srv = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', async () => {
      got.push({
        url: req.url ?? '',
        auth: req.headers.authorization,
        contentType: req.headers['content-type'],
        alerts: JSON.parse(b) as Received['alerts'],
      });
      res.statusCode = await behave(req);
      res.end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return { addr: `127.0.0.1:${(srv.address() as { port: number }).port}`, got };
}

function alert(i: number, extra: Record<string, string> = {}, endsAt: Date | null = null): Alert {
  return {
    labels: Labels.fromObject({ alertname: 'A', i: String(i), ...extra }),
    annotations: Labels.fromObject({ summary: `alert ${i}` }),
    startsAt: new Date(1_700_000_000_000),
    endsAt,
    generatorURL: 'http://prom:9090/graph?g0.expr=up&g0.tab=1',
  };
}

function sync(n: NotifierManager, addrs: string[]): void {
  n.sync(
    new Map([
      ['config-0', [{ targets: addrs.map((a) => ({ __address__: a })), labels: {}, source: '0' }]],
    ]),
  );
}

async function metric(reg: ReturnType<typeof newRegistry>, name: string): Promise<number> {
  const text = await reg.metrics();
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name + ' ') || line.startsWith(name + '{'))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

test('alerts are posted to <path_prefix>api/v2/alerts in batches of 64 with auth, external labels and alert relabeling', async (t) => {
  const am = await fakeAM(t);
  const registry = newRegistry();
  const n = new NotifierManager({ registry });
  t.after(() => n.stop());
  const cfg = loadConfig(
    `global:
  external_labels: { site: casa, i: ignored }
alerting:
  alert_relabel_configs:
  - source_labels: [severity]
    regex: info
    action: drop
  alertmanagers:
  - path_prefix: /am/
    basic_auth: { username: u, password: p }
    static_configs:
    - targets: ['${am.addr}']
`,
    'prometheus.yml',
  );
  n.applyConfig(cfg);
  assert.deepEqual([...n.sdConfigs(cfg).keys()], ['config-0']);
  sync(n, [am.addr]);
  assert.deepEqual(n.activeAlertmanagers(), [`http://${am.addr}/am/api/v2/alerts`]);
  const alerts = Array.from({ length: 100 }, (_, i) =>
    alert(i, i === 7 ? { site: 'own' } : {}, i === 9 ? new Date(1_700_000_060_000) : null),
  );
  alerts.push(alert(100, { severity: 'info' }));
  n.send(alerts);
  await until(() => am.got.reduce((s, r) => s + r.alerts.length, 0) >= 100);
  await until(async () => (await metric(registry, 'prometheus_notifications_sent_total')) === 100);
  assert.deepEqual(
    am.got.map((r) => r.alerts.length),
    [64, 36],
  );
  for (const r of am.got) {
    assert.equal(r.url, '/am/api/v2/alerts');
    assert.equal(r.auth, 'Basic ' + Buffer.from('u:p').toString('base64'));
    assert.equal(r.contentType, 'application/json');
  }
  const all = am.got.flatMap((r) => r.alerts);
  assert.ok(!all.some((a) => a.labels['severity'] === 'info'), 'alert_relabel_configs drop');
  assert.deepEqual(all[0], {
    labels: { alertname: 'A', i: '0', site: 'casa' },
    annotations: { summary: 'alert 0' },
    startsAt: '2023-11-14T22:13:20.000Z',
    generatorURL: 'http://prom:9090/graph?g0.expr=up&g0.tab=1',
  });
  assert.equal(all[7]!.labels['site'], 'own', 'an alert label wins over the external label');
  assert.equal(all[9]!.endsAt, '2023-11-14T22:14:20.000Z');
  assert.equal(await metric(registry, 'prometheus_notifications_alertmanagers_discovered'), 1);
  assert.equal(await metric(registry, 'prometheus_notifications_queue_capacity'), 10000);
});

test('Alertmanager relabel_configs select targets; dropped ones are reported', async (t) => {
  const a = await fakeAM(t);
  const b = await fakeAM(t);
  const n = new NotifierManager({ registry: newRegistry() });
  t.after(() => n.stop());
  n.applyConfig(
    loadConfig(
      `alerting:
  alertmanagers:
  - scheme: http
    relabel_configs:
    - source_labels: [__address__]
      regex: '${a.addr.replace(/\./g, '\\.')}'
      action: keep
    static_configs:
    - targets: []
`,
      'p.yml',
    ),
  );
  sync(n, [a.addr, b.addr]);
  assert.deepEqual(n.activeAlertmanagers(), [`http://${a.addr}/api/v2/alerts`]);
  assert.deepEqual(n.droppedAlertmanagers(), [`http://${b.addr}/api/v2/alerts`]);
  n.send([alert(1)]);
  await until(() => a.got.length === 1);
  assert.equal(b.got.length, 0);
});

test('a full queue drops the oldest alerts and counts them; failed posts count errors and drops', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const am = await fakeAM(t, async () => {
    await gate;
    return 500;
  });
  const registry = newRegistry();
  const n = new NotifierManager({ registry, queueCapacity: 5 });
  t.after(() => {
    release();
    return n.stop();
  });
  n.applyConfig(
    loadConfig(
      `alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['${am.addr}']\n`,
      'p.yml',
    ),
  );
  sync(n, [am.addr]);
  n.send(Array.from({ length: 20 }, (_, i) => alert(i)));
  assert.equal(await metric(registry, 'prometheus_notifications_dropped_total'), 15);
  await until(() => am.got.length === 1);
  // The newest five were kept.
  assert.deepEqual(
    am.got[0]!.alerts.map((x) => x.labels['i']),
    ['15', '16', '17', '18', '19'],
  );
  n.send([alert(20)]);
  assert.equal(await metric(registry, 'prometheus_notifications_queue_length'), 1);
  release();
  await until(async () => (await metric(registry, 'prometheus_notifications_errors_total')) === 6);
  await until(
    async () => (await metric(registry, 'prometheus_notifications_dropped_total')) === 21,
  );
  assert.equal(await metric(registry, 'prometheus_notifications_sent_total'), 0);
});

test('the real Alertmanager lists what we send and drops it once resolved', async (t) => {
  const bin = peer('alertmanager', t);
  if (!bin) return;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(
    join(dir, 'am.yml'),
    'route:\n  receiver: blackhole\nreceivers:\n- name: blackhole\n',
  );
  const port = await freePort();
  const proc = startProcess(bin, [
    `--config.file=${join(dir, 'am.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  t.after(() => proc.stop());
  await waitReady(`http://127.0.0.1:${port}/-/ready`, 20_000, proc);
  const n = new NotifierManager({ registry: newRegistry() });
  t.after(() => n.stop());
  n.applyConfig(
    loadConfig(
      `global:\n  external_labels: { site: casa }\nalerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:${port}']\n`,
      'p.yml',
    ),
  );
  sync(n, [`127.0.0.1:${port}`]);
  const startsAt = new Date(Date.now() - 60_000);
  const firing: Alert = {
    labels: Labels.fromObject({ alertname: 'ContainerDown', severity: 'critical', job: 'x' }),
    annotations: Labels.fromObject({ summary: 'x is down', description: 'gone for 1m' }),
    startsAt,
    endsAt: new Date(Date.now() + 240_000),
    generatorURL: 'http://prom:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
  };
  n.send([firing]);
  type AmAlert = {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    generatorURL: string;
    status: { state: string };
  };
  const list = await until(async () => {
    const l = (await (await fetch(`http://127.0.0.1:${port}/api/v2/alerts`)).json()) as AmAlert[];
    return l.length > 0 && l;
  });
  assert.equal(list.length, 1);
  assert.deepEqual(list[0]!.labels, {
    alertname: 'ContainerDown',
    severity: 'critical',
    job: 'x',
    site: 'casa',
  });
  assert.deepEqual(list[0]!.annotations, { summary: 'x is down', description: 'gone for 1m' });
  assert.equal(list[0]!.generatorURL, firing.generatorURL);
  assert.equal(new Date(list[0]!.startsAt).getTime(), startsAt.getTime());
  assert.equal(list[0]!.status.state, 'active');
  n.send([{ ...firing, endsAt: new Date() }]);
  await until(
    async () =>
      ((await (await fetch(`http://127.0.0.1:${port}/api/v2/alerts`)).json()) as AmAlert[])
        .length === 0,
  );
});

test('a config change (path_prefix) re-derives the Alertmanager URLs without a new discovery update', async (t) => {
  const am = await fakeAM(t);
  const n = new NotifierManager({ registry: newRegistry() });
  t.after(() => n.stop());
  const cfg = (prefix: string) =>
    loadConfig(
      `alerting:\n  alertmanagers:\n  - path_prefix: ${prefix}\n    static_configs:\n    - targets: ['${am.addr}']\n`,
      'p.yml',
    );
  n.applyConfig(cfg('/one'));
  sync(n, [am.addr]);
  assert.deepEqual(n.activeAlertmanagers(), [`http://${am.addr}/one/api/v2/alerts`]);
  n.applyConfig(cfg('/two/'));
  assert.deepEqual(n.activeAlertmanagers(), [`http://${am.addr}/two/api/v2/alerts`]);
  n.send([alert(1)]);
  await until(() => am.got.length === 1);
  assert.equal(am.got[0]!.url, '/two/api/v2/alerts');
});
