// Rules and alerting end to end with real peers: the seed's rule file in our server (its `for`
// and the group interval shortened for the test) against a target that goes down and comes back; the real Alertmanager
// loading the seed's alertmanager.yml (webhooks pointed at a local receiver) gets the alert,
// routes it to the critical webhook, and gets it resolved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { startOurServer } from '../support/server.ts';
import { freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.ts';
import { SEED } from '../support/paths.ts';

async function until<T>(f: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Hook {
  path: string;
  body: {
    status: string;
    alerts: {
      status: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
  };
}

test("the seed's ContainerDown alert: pending, firing, sent to the real Alertmanager, routed by the seed's alertmanager.yml, resolved", async (t) => {
  const amBin = peer('alertmanager', t);
  if (!amBin) return;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // The webhook receiver the seed's Alertmanager routes to.
  const hooks: Hook[] = [];
  const hookServer: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', body: JSON.parse(b) as Hook['body'] });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', () => r()));
  t.after(() => hookServer.close());
  const hookPort = (hookServer.address() as { port: number }).port;
  const amYaml = readFileSync(join(SEED, 'alertmanager.yml'), 'utf8')
    .replaceAll('http://mordomo-core-api:8000', `http://127.0.0.1:${hookPort}`)
    .replace(/group_wait: \d+s/, 'group_wait: 1s')
    .replace(/group_interval: \d+s/, 'group_interval: 1s');
  writeFileSync(join(dir, 'alertmanager.yml'), amYaml);
  const amPort = await freePort();
  const am = startProcess(amBin, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  t.after(() => am.stop());
  await waitReady(`http://127.0.0.1:${amPort}/-/ready`, 20_000, am);

  // A target we control: down at first (nothing listens), up later.
  const targetPort = await freePort();
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'mordomo_alerts.yml'),
    readFileSync(join(SEED, 'rules', 'mordomo_alerts.yml'), 'utf8')
      .replace(/for: 1m/, 'for: 2s')
      .replace(/interval: 30s/, 'interval: 1s'),
  );
  const port = await freePort();
  const config = `global:
  scrape_interval: 500ms
  scrape_timeout: 400ms
  evaluation_interval: 500ms
  external_labels:
    cluster: 'mordomo-prod'
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${amPort}']
rule_files:
  - '${join(dir, 'rules')}/*.yml'
scrape_configs:
  - job_name: 'mordomo-api'
    static_configs:
      - targets: ['127.0.0.1:${targetPort}']
`;
  mkdirSync(join(dir, 'ours'));
  const s = await startOurServer(config, ['--rules.alert.resend-delay=1s'], {
    port,
    dir: join(dir, 'ours'),
  });
  t.after(() => s.stop());
  const api = async (path: string) =>
    ((await (await fetch(`${s.url}${path}`)).json()) as { data: Record<string, unknown> }).data;
  type ApiAlert = {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    state: string;
    activeAt: string;
    value: string;
  };
  const containerDown = async () =>
    ((await api('/api/v1/alerts'))['alerts'] as ApiAlert[]).find(
      (a) => a.labels['alertname'] === 'ContainerDown',
    );

  const pending = await until(async () => {
    const a = await containerDown();
    return a?.state === 'pending' ? a : null;
  });
  assert.deepEqual(pending.labels, {
    alertname: 'ContainerDown',
    instance: `127.0.0.1:${targetPort}`,
    job: 'mordomo-api',
    severity: 'critical',
  });
  assert.deepEqual(pending.annotations, {
    summary: 'Container mordomo-api is down',
    description: `127.0.0.1:${targetPort} has been down for > 1 minute`,
  });
  assert.equal(pending.value, '0e+00');
  const firing = await until(async () => {
    const a = await containerDown();
    return a?.state === 'firing' ? a : null;
  });
  assert.equal(firing.activeAt, pending.activeAt);
  // The rule API shows the group, its interval and the rule's state.
  const groups = (await api('/api/v1/rules'))['groups'] as {
    name: string;
    interval: number;
    rules: { name: string; state?: string; health: string; duration?: number }[];
  }[];
  const mordomo = groups.find((g) => g.name === 'mordomo')!;
  assert.equal(mordomo.interval, 1);
  assert.equal(mordomo.rules.length, 7);
  const rule = mordomo.rules.find((r) => r.name === 'ContainerDown')!;
  assert.equal(rule.duration, 2);
  assert.equal(rule.health, 'ok');
  // ALERTS series as Prometheus writes them.
  const alertsSeries = (
    await api(`/api/v1/query?query=${encodeURIComponent('ALERTS{alertname="ContainerDown"}')}`)
  )['result'] as { metric: Record<string, string> }[];
  assert.equal(alertsSeries[0]!.metric['alertstate'], 'firing');

  // The real Alertmanager has it, with the external labels attached.
  type AmAlert = {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    status: { state: string };
    generatorURL: string;
  };
  const amAlert = await until(async () => {
    const list = (await (
      await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`)
    ).json()) as AmAlert[];
    return list.find((a) => a.labels['alertname'] === 'ContainerDown');
  });
  assert.equal(amAlert.labels['cluster'], 'mordomo-prod');
  assert.equal(amAlert.annotations['summary'], 'Container mordomo-api is down');
  assert.match(amAlert.generatorURL, /\/graph\?g0\.expr=up\+%3D%3D\+0&g0\.tab=1$/);
  // The seed's routing: severity=critical goes to the critical webhook.
  const hook = await until(async () =>
    hooks.find((h) => h.path === '/webhooks/alerts/critical' && h.body.status === 'firing'),
  );
  assert.equal(hook.body.alerts[0]!.labels['alertname'], 'ContainerDown');

  // The target comes up: the alert resolves, and Alertmanager is told.
  const target = createServer((_req, res) => res.end('some_metric 1\n'));
  await new Promise<void>((r) => target.listen(targetPort, '127.0.0.1', () => r()));
  t.after(() => target.close());
  await until(async () => (await containerDown()) === undefined);
  await until(async () =>
    hooks.find((h) => h.path === '/webhooks/alerts/critical' && h.body.status === 'resolved'),
  );
  const amStatus = await until(async () => {
    const list = (await (
      await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts?active=true`)
    ).json()) as AmAlert[];
    return list.every((a) => a.labels['alertname'] !== 'ContainerDown') ? 'gone' : null;
  });
  assert.equal(amStatus, 'gone');
  const ams = (await api('/api/v1/alertmanagers'))['activeAlertmanagers'] as { url: string }[];
  assert.deepEqual(ams, [{ url: `http://127.0.0.1:${amPort}/api/v2/alerts` }]);
});
