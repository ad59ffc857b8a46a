// Service discovery against real protocol peers: a Consul catalog (the test server in
// consul_server.ts, since Consul is not packaged here), files on disk and an HTTP SD endpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { DiscoveryManager } from '../../src/discovery/index.ts';
import { ScrapeManager } from '../../src/scrape/index.ts';
import { loadConfig, loadConfigFile, type TargetGroup } from '../../src/config/index.ts';
import { newRegistry } from '../../src/util/metrics.ts';
import type { Appendable } from '../../src/storage/index.ts';
import { FakeConsul } from './consul_server.ts';
import { tempDir } from '../support/peers.ts';
import { SEED } from '../support/paths.ts';

const nullStorage: Appendable = {
  appender: () => ({
    append: () => 1,
    appendHistogram: () => 1,
    commit: async () => {},
    rollback: async () => {},
  }),
};

async function until<T>(
  f: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("the seed's mordomo-services job: Consul services appear and disappear as targets, relabeled as the seed says", async (t) => {
  const consul = new FakeConsul();
  await consul.start();
  t.after(() => consul.stop());
  consul.set([
    {
      id: 'stt-1',
      name: 'stt',
      address: '10.0.0.5',
      port: 8080,
      tags: ['voice', 'gpu'],
      meta: { metrics_port: '9100' },
    },
  ]);
  // The seed's job, pointed at the test catalog, with a short refresh for the test.
  const seed = loadConfigFile(join(SEED, 'prometheus.yml'));
  const job = seed.scrape_configs.find((s) => s.job_name === 'mordomo-services')!;
  job.consul_sd_configs[0]!.server = `127.0.0.1:${consul.port}`;
  job.consul_sd_configs[0]!.refresh_interval = 200;
  const cfg = { ...seed, scrape_configs: [job] };
  const sm = new ScrapeManager({ appendable: nullStorage });
  const dm = new DiscoveryManager({
    name: 'scrape',
    updateThrottleMs: 100,
    registry: newRegistry(),
  });
  dm.onUpdate((ts) => sm.sync(ts));
  sm.applyConfig(cfg);
  dm.applyConfig(new Map([[job.job_name, job]]));
  t.after(async () => {
    await dm.stop();
    await sm.stop();
  });
  const first = await until(() => sm.targetsActive().get('mordomo-services')?.[0]);
  // As Prometheus: the seed's `${1}:${2}` with a one-group regex expands the missing group to ''.
  assert.deepEqual(first.labels.toObject(), {
    instance: '9100:',
    job: 'mordomo-services',
    node: 'node-1',
    service: 'stt',
    tags: ',voice,gpu,',
  });
  const d = first.discoveredLabels.toObject();
  assert.equal(d['__address__'], '10.0.0.5:8080');
  assert.equal(d['__meta_consul_service'], 'stt');
  assert.equal(d['__meta_consul_dc'], 'dc1');
  assert.equal(d['__meta_consul_health'], 'passing');
  assert.equal(d['__meta_consul_service_metadata_metrics_port'], '9100');
  assert.equal(d['__meta_consul_metadata_rack'], 'r1');
  assert.equal(d['__meta_consul_tagged_address_lan'], '10.0.0.1');
  assert.equal(d['__meta_consul_service_id'], 'stt-1');
  // A new service shows up, an old one goes: both within a few seconds.
  consul.set([
    {
      id: 'tts-1',
      name: 'tts',
      address: '10.0.0.6',
      port: 8081,
      meta: { metrics_port: '9200' },
      status: 'critical',
    },
  ]);
  const next = await until(() => {
    const ts = sm.targetsActive().get('mordomo-services') ?? [];
    return ts.length === 1 && ts[0]!.labels.get('service') === 'tts' ? ts[0] : null;
  });
  assert.equal(next.discoveredLabels.get('__meta_consul_health'), 'critical');
  // The catalog and service watches are blocking queries carrying the last X-Consul-Index.
  assert.ok(
    consul.requests.some(
      (r) =>
        r.path === '/v1/catalog/services' &&
        Number(r.query['index']) > 0 &&
        r.query['wait'] === '120000ms',
    ),
  );
  assert.ok(
    consul.requests.some((r) => r.path === '/v1/health/service/stt' && r.query['dc'] === 'dc1'),
  );
});

test('consul_sd: token header, tag filter and a fixed service list', async (t) => {
  const consul = new FakeConsul();
  await consul.start();
  t.after(() => consul.stop());
  consul.set([
    { id: 'a', name: 'api', address: '10.0.0.7', port: 80, tags: ['prod'] },
    { id: 'b', name: 'api', address: '10.0.0.8', port: 80, tags: ['dev'] },
    { id: 'c', name: 'db', address: '', port: 5432, nodeAddress: '10.0.0.9' },
  ]);
  const cfg = loadConfig(
    `scrape_configs:
  - job_name: c
    consul_sd_configs:
      - server: 127.0.0.1:${consul.port}
        token: s3cret
        services: [api, db]
        tags: [prod]
        refresh_interval: 200ms
`,
    'c.yml',
  );
  const dm = new DiscoveryManager({
    name: 'scrape',
    updateThrottleMs: 50,
    registry: newRegistry(),
  });
  let latest: TargetGroup[] = [];
  dm.onUpdate((ts) => (latest = ts.get('c') ?? latest));
  dm.applyConfig(new Map([['c', cfg.scrape_configs[0]!]]));
  t.after(() => dm.stop());
  await until(() => latest.some((g) => g.targets.length > 0));
  const addrs = latest.flatMap((g) => g.targets.map((x) => x['__address__']));
  assert.deepEqual(addrs, ['10.0.0.7:80']);
  assert.ok(consul.requests.every((r) => r.token === 's3cret'));
});

test('file_sd: JSON and YAML files, changes picked up, a broken file keeps its last good targets', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const json = join(dir, 'a.json');
  const yml = join(dir, 'b.yml');
  writeFileSync(json, JSON.stringify([{ targets: ['h1:9100'], labels: { env: 'prod' } }]));
  writeFileSync(yml, '- targets: [h2:9100]\n');
  const cfg = loadConfig(
    `scrape_configs:\n  - job_name: f\n    file_sd_configs:\n      - files: ['${dir}/*.json', '${dir}/*.yml']\n        refresh_interval: 1s\n`,
    'f.yml',
  );
  const dm = new DiscoveryManager({
    name: 'scrape',
    updateThrottleMs: 50,
    registry: newRegistry(),
  });
  let latest: TargetGroup[] = [];
  dm.onUpdate((ts) => (latest = ts.get('f') ?? latest));
  dm.applyConfig(new Map([['f', cfg.scrape_configs[0]!]]));
  t.after(() => dm.stop());
  const addrs = () => latest.flatMap((g) => g.targets.map((x) => x['__address__'])).sort();
  await until(() => addrs().length === 2);
  assert.deepEqual(addrs(), ['h1:9100', 'h2:9100']);
  assert.equal(
    latest.find((g) => g.targets[0]?.['__address__'] === 'h1:9100')!.labels['__meta_filepath'],
    json,
  );
  writeFileSync(json + '.tmp', JSON.stringify([{ targets: ['h1:9100', 'h3:9100'] }]));
  renameSync(json + '.tmp', json);
  await until(() => addrs().length === 3);
  writeFileSync(yml, '- targets: [h2:9100\n');
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(addrs(), ['h1:9100', 'h2:9100', 'h3:9100']);
});

test('http_sd: groups from a JSON endpoint with __meta_url; refreshes timed and failures counted by mechanism', async (t) => {
  let fail = false;
  const server = createServer((_req, res) =>
    fail
      ? res.writeHead(500).end('no')
      : res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify([{ targets: ['h9:80'], labels: { zone: 'z1' } }])),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sd`;
  const cfg = loadConfig(
    `scrape_configs:\n  - job_name: h\n    http_sd_configs:\n      - url: ${url}\n        refresh_interval: 100ms\n`,
    'h.yml',
  );
  const registry = newRegistry();
  const dm = new DiscoveryManager({ name: 'scrape', updateThrottleMs: 50, registry });
  let latest: TargetGroup[] = [];
  dm.onUpdate((ts) => (latest = ts.get('h') ?? latest));
  dm.applyConfig(new Map([['h', cfg.scrape_configs[0]!]]));
  t.after(() => dm.stop());
  await until(() => latest.length > 0);
  assert.deepEqual(latest[0]!.targets, [{ __address__: 'h9:80' }]);
  assert.deepEqual(latest[0]!.labels, { zone: 'z1', __meta_url: url });
  fail = true;
  await until(async () =>
    /prometheus_sd_refresh_failures_total\{mechanism="http"\} [1-9]/.test(await registry.metrics()),
  );
  const text = await registry.metrics();
  assert.match(text, /prometheus_sd_refresh_duration_seconds_count\{mechanism="http"\} [1-9]/);
  assert.deepEqual(
    latest[0]!.targets,
    [{ __address__: 'h9:80' }],
    'a failed refresh keeps the last good targets',
  );
});
