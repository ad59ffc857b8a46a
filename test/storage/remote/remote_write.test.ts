// Remote write against the real Prometheus as the receiving end (--web.enable-remote-write-receiver):
// what our queue sends — read back from our TSDB's WAL — is what it stores. A receiver that is
// down for a while gets every sample once it is back, none dropped. And the prompb codec round-trips.
import { test, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { uncompress } from 'snappyjs';
import { Labels, Matcher, MatchType } from '../../../src/model/labels/index.ts';
import { AnchoredRegexp } from '../../../src/model/labels/regexp.ts';
import { openDB, type DB } from '../../../src/tsdb/index.ts';
import {
  RemoteStorage,
  type PbMetadata,
  decodeWriteRequest,
  encodeWriteRequest,
  encodeReadRequest,
  decodeReadRequest,
  encodeReadResponse,
  decodeReadResponse,
} from '../../../src/storage/remote/index.ts';
import type { Config, RemoteWriteConfig, RelabelConfig } from '../../../src/config/types.ts';
import { newRegistry } from '../../../src/util/metrics.ts';
import { STALE_NAN, isStaleNaN } from '../../../src/model/value/index.ts';
import { peer, startRealPrometheus, freePort } from '../../support/peers.ts';

/** A real TSDB in a temp dir: remote write tails its WAL. */
async function tempDB(t: TestContext): Promise<DB> {
  const dir = mkdtempSync(join(tmpdir(), 'rw-'));
  const db = await openDB(dir, {}, { noBackground: true });
  t.after(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

function rwConfig(url: string, extra: Partial<RemoteWriteConfig> = {}): RemoteWriteConfig {
  return {
    url,
    remote_timeout: 30_000,
    headers: {},
    write_relabel_configs: [],
    name: '',
    send_exemplars: false,
    send_native_histograms: false,
    queue_config: {
      capacity: 10000,
      max_shards: 50,
      min_shards: 1,
      max_samples_per_send: 2000,
      batch_send_deadline: 50,
      min_backoff: 30,
      max_backoff: 5000,
      retry_on_http_429: false,
    },
    metadata_config: { send: true, send_interval: 60_000, max_samples_per_send: 2000 },
    tls_config: { insecure_skip_verify: false },
    follow_redirects: true,
    enable_http2: true,
    ...extra,
  };
}

function cfgWith(rw: RemoteWriteConfig[], external: Labels = Labels.EMPTY): Config {
  return { global: { external_labels: external }, remote_write: rw } as unknown as Config;
}

/** A minimal relabel (keep by regex on __name__) so this test does not depend on src/model/relabel. */
const keepRelabel = (ls: Labels, cfgs: RelabelConfig[]): Labels | null => {
  for (const c of cfgs)
    if (c.action === 'keep' && !c.regex.matches(ls.get(c.source_labels[0]!))) return null;
  return ls;
};

test('prompb codec round-trips write and read messages', () => {
  const series = [
    {
      labels: Labels.fromStrings('__name__', 'up', 'job', 'a'),
      samples: [
        { value: 1, timestamp: 1700000000000 },
        { value: -2.5, timestamp: -5 },
      ],
    },
    {
      labels: Labels.fromStrings('__name__', 'x', 'ü', 'ß'),
      samples: [{ value: STALE_NAN, timestamp: 0 }],
    },
  ];
  const back = decodeWriteRequest(encodeWriteRequest(series)).timeseries;
  assert.equal(back.length, 2);
  assert.ok(back[0]!.labels.equals(series[0]!.labels));
  assert.deepEqual(back[0]!.samples, series[0]!.samples);
  assert.ok(isStaleNaN(back[1]!.samples[0]!.value), 'stale marker bits survive');
  const q = decodeReadRequest(
    encodeReadRequest([
      {
        startTimestampMs: 1,
        endTimestampMs: 2,
        matchers: [new Matcher(MatchType.Regexp, 'job', 'a|b')],
      },
    ]),
  );
  assert.equal(q.queries[0]!.matchers[0]!.type, MatchType.Regexp);
  assert.equal(q.queries[0]!.endTimestampMs, 2);
  const rr = decodeReadResponse(encodeReadResponse([series]));
  assert.equal(rr[0]!.length, 2);
});

test('the real Prometheus receives our remote write, with external labels and write relabeling', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1h\n', [
    '--web.enable-remote-write-receiver',
  ]);
  t.after(() => real.stop());
  const db = await tempDB(t);
  const remote = new RemoteStorage({ source: db, relabel: keepRelabel, registry: newRegistry() });
  const keep: RelabelConfig = {
    source_labels: ['__name__'],
    separator: ';',
    regex: new AnchoredRegexp('rw_.*'),
    modulus: 0,
    target_label: '',
    replacement: '$1',
    action: 'keep',
  };
  await remote.applyConfig(
    cfgWith(
      [rwConfig(`${real.url}/api/v1/write`, { write_relabel_configs: [keep] })],
      Labels.fromStrings('cluster', 'mordomo-prod'),
    ),
  );
  const now = Date.now() - 60_000;
  const app = db.appender();
  for (let i = 0; i < 10; i++) {
    app.append(0, Labels.fromStrings('__name__', 'rw_test', 'i', String(i % 3)), now + i * 1000, i);
    app.append(0, Labels.fromStrings('__name__', 'dropped_metric'), now + i * 1000, i);
  }
  await app.commit();
  await remote.close();
  const r = await fetch(
    `${real.url}/api/v1/query_range?query=rw_test&start=${(now - 1000) / 1000}&end=${(now + 10_000) / 1000}&step=1`,
  );
  const body = (await r.json()) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  assert.equal(body.data.result.length, 3);
  for (const s of body.data.result) assert.equal(s.metric.cluster, 'mordomo-prod');
  const dropped = (await (
    await fetch(`${real.url}/api/v1/query?query=dropped_metric&time=${(now + 10_000) / 1000}`)
  ).json()) as { data: { result: unknown[] } };
  assert.equal(
    dropped.data.result.length,
    0,
    'write_relabel_configs keep dropped the other metric',
  );
});

test('recoverable failures are retried, client errors are not', async (t) => {
  let calls = 0;
  const bodies: Buffer[] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      assert.equal(req.headers['content-encoding'], 'snappy');
      assert.equal(req.headers['x-prometheus-remote-write-version'], '0.1.0');
      bodies.push(Buffer.concat(chunks));
      res.statusCode = calls === 1 ? 503 : 204;
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  t.after(() => srv.close());
  const db = await tempDB(t);
  const registry = newRegistry();
  const remote = new RemoteStorage({ source: db, relabel: keepRelabel, registry });
  await remote.applyConfig(
    cfgWith([rwConfig(`http://127.0.0.1:${port}/receive`, { name: 'test' })]),
  );
  const app = db.appender();
  app.append(0, Labels.fromStrings('__name__', 'm'), 1000, 1);
  await app.commit();
  await remote.close();
  assert.equal(calls, 2, 'one 503, then success');
  const got = decodeWriteRequest(uncompress(new Uint8Array(bodies[1]!))).timeseries;
  assert.equal(got[0]!.samples[0]!.value, 1);
  const text = await registry.metrics();
  assert.match(
    text,
    /prometheus_remote_storage_samples_retried_total\{remote_name="test",url="[^"]+"\} 1/,
  );
  assert.match(text, /prometheus_remote_storage_samples_total\{remote_name="test",url="[^"]+"\} 1/);
});

/** A remote-write receiver of the test's own: decodes every request, answers with status(). */
async function receiver(
  t: TestContext,
  status: () => number,
  delayMs = 0,
): Promise<{
  url: string;
  got: { name: string; t: number; v: number; stale: boolean }[];
  metadata: PbMetadata[][];
}> {
  const got: { name: string; t: number; v: number; stale: boolean }[] = [];
  const metadata: PbMetadata[][] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const code = status();
      if (code < 300) {
        const wr = decodeWriteRequest(uncompress(new Uint8Array(Buffer.concat(chunks))));
        if (wr.metadata.length > 0) metadata.push(wr.metadata);
        for (const ts of wr.timeseries) {
          for (const s of ts.samples)
            got.push({
              name: ts.labels.get('__name__'),
              t: s.timestamp,
              v: s.value,
              stale: isStaleNaN(s.value),
            });
        }
      }
      res.statusCode = code;
      res.end();
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return { url: `http://127.0.0.1:${port}/receive`, got, metadata };
}

test('stale markers are sent with their bits, as Prometheus reads them', async (t) => {
  const db = await tempDB(t);
  const rx = await receiver(t, () => 204);
  const remote = new RemoteStorage({ source: db, relabel: keepRelabel, registry: newRegistry() });
  await remote.applyConfig(cfgWith([rwConfig(rx.url)]));
  const app = db.appender();
  app.append(0, Labels.fromStrings('__name__', 'm'), 1000, 1);
  app.append(0, Labels.fromStrings('__name__', 'm'), 2000, STALE_NAN);
  await app.commit();
  await remote.close();
  assert.deepEqual(
    rx.got.map((s) => [s.t, s.stale]),
    [
      [1000, false],
      [2000, true],
    ],
  );
});

test('a receiver that is down for a while gets every sample once it is back, in order, none dropped', async (t) => {
  const db = await tempDB(t);
  let down = true;
  const rx = await receiver(t, () => (down ? 503 : 204));
  const registry = newRegistry();
  const remote = new RemoteStorage({ source: db, relabel: keepRelabel, registry });
  const q = {
    capacity: 100,
    max_shards: 1,
    min_shards: 1,
    max_samples_per_send: 50,
    batch_send_deadline: 20,
    min_backoff: 20,
    max_backoff: 100,
    retry_on_http_429: false,
  };
  await remote.applyConfig(cfgWith([rwConfig(rx.url, { name: 'outage', queue_config: q })]));
  // 40 commits of 3 series × 20 samples: 2,400 samples, 24 times the queue's capacity.
  const names = ['a', 'b', 'c'];
  const refs = [0, 0, 0];
  for (let k = 0; k < 40; k++) {
    const app = db.appender();
    for (let i = 0; i < 20; i++)
      for (let j = 0; j < 3; j++)
        refs[j] = app.append(
          refs[j]!,
          Labels.fromStrings('__name__', names[j]!),
          (k * 20 + i) * 1000,
          k * 20 + i,
        );
    await app.commit();
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rx.got.length, 0, 'nothing accepted while the receiver is down');
  const pending =
    /prometheus_remote_storage_samples_pending\{remote_name="outage",url="[^"]+"\} (\d+)/.exec(
      await registry.metrics(),
    );
  assert.ok(
    Number(pending?.[1]) <= 100 + 60,
    `the queue holds about its capacity, the rest waits in the WAL (pending ${pending?.[1]})`,
  );
  down = false;
  const deadline = Date.now() + 20_000;
  while (rx.got.length < 2400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await remote.close();
  assert.equal(rx.got.length, 2400);
  for (const n of names) {
    const ts = rx.got.filter((s) => s.name === n).map((s) => s.t);
    assert.deepEqual(
      ts,
      Array.from({ length: 800 }, (_, i) => i * 1000),
      `series ${n}: every sample, in order`,
    );
  }
  const text = await registry.metrics();
  assert.match(
    text,
    /prometheus_remote_storage_samples_dropped_total\{remote_name="outage",url="[^"]+"\} 0/,
  );
  assert.match(
    text,
    /prometheus_remote_storage_samples_total\{remote_name="outage",url="[^"]+"\} 2400/,
  );
  // In beside out, as Prometheus's remote-write dashboards and alerts read them.
  assert.match(text, /^prometheus_remote_storage_samples_in_total 2400$/m);
  assert.match(text, /^prometheus_remote_storage_highest_timestamp_in_seconds 799$/m);
  assert.match(
    text,
    /prometheus_remote_storage_queue_highest_sent_timestamp_seconds\{remote_name="outage",url="[^"]+"\} 799/,
  );
  assert.match(
    text,
    /prometheus_wal_watcher_records_read_total\{consumer="outage",type="samples"\} 40/,
  );
  assert.match(
    text,
    /prometheus_wal_watcher_records_read_total\{consumer="outage",type="series"\} 1/,
  );
  for (const m of ['shards_min', 'shards_max', 'shards_desired', 'shard_capacity'])
    assert.match(text, new RegExp(`prometheus_remote_storage_${m}\\{remote_name="outage"`));
});

test('a slow receiver makes the queue add shards; every series stays in order through the reshard', async (t) => {
  const db = await tempDB(t);
  const rx = await receiver(t, () => 204, 40);
  const registry = newRegistry();
  // Each send takes 40 ms and carries 20 samples: one shard moves 500 samples/s, we write about 3,000/s.
  const remote = new RemoteStorage({
    source: db,
    relabel: keepRelabel,
    registry,
    shardUpdateMs: 250,
  });
  const q = {
    capacity: 200,
    max_shards: 20,
    min_shards: 1,
    max_samples_per_send: 20,
    batch_send_deadline: 20,
    min_backoff: 20,
    max_backoff: 100,
    retry_on_http_429: false,
  };
  await remote.applyConfig(cfgWith([rwConfig(rx.url, { name: 'slow', queue_config: q })]));
  const names = Array.from({ length: 30 }, (_, j) => `s${j}`);
  const refs = names.map(() => 0);
  const shardCount = async () =>
    Number(
      /prometheus_remote_storage_shards\{remote_name="slow",url="[^"]+"\} (\d+)/.exec(
        await registry.metrics(),
      )?.[1],
    );
  let most = 1;
  for (let k = 0; k < 60; k++) {
    const app = db.appender();
    for (let j = 0; j < names.length; j++)
      refs[j] = app.append(refs[j]!, Labels.fromStrings('__name__', names[j]!), (k + 1) * 1000, k);
    await app.commit();
    await new Promise((r) => setTimeout(r, 10));
    most = Math.max(most, await shardCount());
  }
  const deadline = Date.now() + 20_000;
  while (rx.got.length < 1800 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    most = Math.max(most, await shardCount());
  }
  await remote.close();
  assert.ok(most > 1, `the queue resharded up (at most ${most} shards)`);
  assert.equal(rx.got.length, 1800);
  for (const n of names) {
    assert.deepEqual(
      rx.got.filter((s) => s.name === n).map((s) => s.t),
      Array.from({ length: 60 }, (_, k) => (k + 1) * 1000),
      `series ${n}: in order`,
    );
  }
  assert.match(
    await registry.metrics(),
    /prometheus_remote_storage_shards_desired\{remote_name="slow",url="[^"]+"\} [1-9]/,
  );
});

test('metric metadata of the scraped targets is sent every send_interval, deduplicated, in batches', async (t) => {
  const db = await tempDB(t);
  const rx = await receiver(t, () => 204);
  const registry = newRegistry();
  const seen = [
    { metric: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' },
    { metric: 'temperature', type: 'gauge', help: 'Degrees.', unit: 'celsius' },
    { metric: 'http_requests_total', type: 'counter', help: 'Requests.', unit: '' }, // a second target with the same family
    { metric: 'latency_seconds', type: 'histogram', help: 'Latency.', unit: '' },
  ];
  const remote = new RemoteStorage({
    source: db,
    relabel: keepRelabel,
    registry,
    metadata: () => seen,
  });
  await remote.applyConfig(
    cfgWith([
      rwConfig(rx.url, {
        name: 'md',
        metadata_config: { send: true, send_interval: 50, max_samples_per_send: 2 },
      }),
    ]),
  );
  const deadline = Date.now() + 5000;
  while (rx.metadata.length < 2 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  await remote.close();
  assert.deepEqual(rx.metadata.slice(0, 2), [
    [
      { metricFamilyName: 'http_requests_total', type: 1, help: 'Requests.', unit: '' },
      { metricFamilyName: 'temperature', type: 2, help: 'Degrees.', unit: 'celsius' },
    ],
    [{ metricFamilyName: 'latency_seconds', type: 3, help: 'Latency.', unit: '' }],
  ]);
  assert.match(
    await registry.metrics(),
    /prometheus_remote_storage_metadata_total\{remote_name="md",url="[^"]+"\} [3-9]/,
  );
});

test('a write request with metadata after its series decodes whole (a skipped length-delimited field once cut it short)', () => {
  const series = [
    { labels: Labels.fromObject({ __name__: 'x', a: 'b' }), samples: [{ value: 1, timestamp: 5 }] },
  ];
  const buf = encodeWriteRequest(series, [
    { type: 1, metricFamilyName: 'x', help: 'h', unit: '' },
    { type: 2, metricFamilyName: 'y', help: '', unit: '' },
  ]);
  const { timeseries, metadata } = decodeWriteRequest(buf);
  assert.deepEqual(
    metadata.map((m) => m.metricFamilyName),
    ['x', 'y'],
  );
  assert.equal(timeseries.length, 1);
  assert.deepEqual(timeseries[0]!.labels.toObject(), { __name__: 'x', a: 'b' });
  assert.deepEqual(timeseries[0]!.samples, [{ value: 1, timestamp: 5 }]);
});
