// /federate: the real Prometheus federates this server (honor_labels, match[]) and receives the
// selected series with this server's external labels, which follow the series' own labels on
// the wire as Prometheus writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { openDB } from '../../src/tsdb/index.ts';
import { Labels } from '../../src/model/labels/index.ts';
import { STALE_NAN } from '../../src/model/value/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { federateHandler } from '../../src/web/federate.ts';
import { nopLogger } from '../../src/util/log.ts';
import { newRegistry } from '../../src/util/metrics.ts';
import type { Queryable } from '../../src/storage/index.ts';
import { startOurServer } from '../support/server.ts';
import { freePort, peer, startRealPrometheus, tempDir } from '../support/peers.ts';

test('the real Prometheus scraping /federate gets the matched series with external labels', async (t) => {
  if (!peer('prometheus', t)) return;
  const port = await freePort();
  const ours = await startOurServer(
    `global:\n  scrape_interval: 500ms\n  external_labels:\n    site: edge-1\n    cluster: c1\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`,
    [],
    { port },
  );
  t.after(() => ours.stop());
  // Our own text first: the format, sorting and labels.
  let text = '';
  for (let i = 0; i < 50 && !text.includes('up{'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    text = await (
      await fetch(
        `${ours.url}/federate?match[]=${encodeURIComponent('{job="self",__name__=~"up|scrape_samples_scraped"}')}`,
      )
    ).text();
  }
  assert.match(
    text,
    /^# TYPE scrape_samples_scraped untyped\nscrape_samples_scraped\{instance="127\.0\.0\.1:\d+",job="self",cluster="c1",site="edge-1"\} \d+ \d+\n# TYPE up untyped\nup\{instance="127\.0\.0\.1:\d+",job="self",cluster="c1",site="edge-1"\} 1 \d+\n$/,
  );
  // A large federation answer is gzipped for a client that accepts it.
  const all = await fetch(`${ours.url}/federate?match[]=${encodeURIComponent('{job="self"}')}`, {
    headers: { 'Accept-Encoding': 'gzip' },
  });
  assert.equal(all.headers.get('content-encoding'), 'gzip');
  assert.match(await all.text(), /^# TYPE /);
  assert.equal((await fetch(`${ours.url}/federate?match[]=foo{`)).status, 400);
  const real = await startRealPrometheus(
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: federate\n    honor_labels: true\n    metrics_path: /federate\n    params:\n      'match[]': ['{job="self"}']\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`,
  );
  t.after(() => real.stop());
  let result: { metric: Record<string, string>; value: [number, string] }[] = [];
  for (let i = 0; i < 100 && result.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const r = (await (
      await fetch(`${real.url}/api/v1/query?query=${encodeURIComponent('up{job="self"}')}`)
    ).json()) as { data: { result: typeof result } };
    result = r.data.result;
  }
  assert.equal(result.length, 1);
  assert.deepEqual(result[0]!.metric, {
    __name__: 'up',
    instance: `127.0.0.1:${port}`,
    job: 'self',
    cluster: 'c1',
    site: 'edge-1',
  });
  assert.equal(result[0]!.value[1], '1');
});

test('federation text as Prometheus writes it: latest sample with its timestamp, stale series left out, external labels and an empty instance after the series labels', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const db = await openDB(dir, {}, {});
  t.after(() => db.close());
  const now = Date.now();
  const app = db.appender();
  app.append(0, Labels.fromStrings('__name__', 'job:up:sum', 'job', 'a'), now - 20_000, 2);
  app.append(0, Labels.fromStrings('__name__', 'job:up:sum', 'job', 'a'), now - 10_000, 3);
  app.append(0, Labels.fromStrings('__name__', 'up', 'instance', 'i1', 'job', 'a'), now - 5_000, 1);
  app.append(0, Labels.fromStrings('__name__', 'up', 'instance', 'i2', 'job', 'a'), now - 9_000, 1);
  app.append(
    0,
    Labels.fromStrings('__name__', 'up', 'instance', 'i2', 'job', 'a'),
    now - 4_000,
    STALE_NAN,
  );
  app.append(0, Labels.fromStrings('__name__', 'old', 'job', 'a'), now - 400_000, 7);
  await app.commit();
  const config = loadConfig('global:\n  external_labels:\n    cluster: c1\n    zone: z\n', 'p.yml');
  const handler = federateHandler({
    queryable: db,
    config: () => config,
    lookbackDelta: 300_000,
    logger: nopLogger,
  });
  const srv = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  const text = await (
    await fetch(`http://127.0.0.1:${port}/federate?match[]=${encodeURIComponent('{job="a"}')}`)
  ).text();
  assert.equal(
    text,
    '# TYPE job:up:sum untyped\n' +
      `job:up:sum{job="a",cluster="c1",instance="",zone="z"} 3 ${now - 10_000}\n` +
      '# TYPE up untyped\n' +
      `up{instance="i1",job="a",cluster="c1",zone="z"} 1 ${now - 5_000}\n`,
  );
});

test('a storage error under /federate is a 500 with the error and counts in prometheus_web_federation_errors_total', async (t) => {
  const failing = {
    querier: () => ({
      select: () => ({
        next: () => false,
        at: () => assert.fail(),
        err: () => new Error('disk on fire'),
        warnings: () => [],
      }),
      close: () => {},
    }),
  } as unknown as Queryable;
  const registry = newRegistry();
  const config = loadConfig('global: {}\n', 'p.yml');
  const handler = federateHandler({
    queryable: failing,
    config: () => config,
    lookbackDelta: 300_000,
    logger: nopLogger,
    registry,
  });
  const srv = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => srv.close());
  const r = await fetch(
    `http://127.0.0.1:${(srv.address() as { port: number }).port}/federate?match[]=up`,
  );
  assert.equal(r.status, 500);
  assert.equal(await r.text(), 'disk on fire\n');
  const metrics = await registry.metrics();
  assert.match(metrics, /^prometheus_web_federation_errors_total 1$/m);
  assert.match(metrics, /^prometheus_web_federation_warnings_total 0$/m);
});
