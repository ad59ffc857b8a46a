// Remote write against the real Prometheus as the receiving end (--web.enable-remote-write-receiver):
// what our queue sends is what it stores. And the prompb codec round-trips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { uncompress } from 'snappyjs';
import { Labels, Matcher, MatchType } from '../../../src/model/labels/index.ts';
import { AnchoredRegexp } from '../../../src/model/labels/regexp.ts';
import { FanoutAppendable } from '../../../src/storage/fanout.ts';
import type { Appendable, Appender } from '../../../src/storage/index.ts';
import { RemoteStorage, decodeWriteRequest, encodeWriteRequest, encodeReadRequest, decodeReadRequest, encodeReadResponse, decodeReadResponse } from '../../../src/storage/remote/index.ts';
import type { Config, RemoteWriteConfig, RelabelConfig } from '../../../src/config/types.ts';
import { newRegistry } from '../../../src/util/metrics.ts';
import { STALE_NAN, isStaleNaN } from '../../../src/model/value/index.ts';
import { peer, startRealPrometheus, freePort } from '../../util/peers.ts';

/** A primary storage that accepts everything (the TSDB's role here is not under test). */
class NullAppendable implements Appendable {
  appended = 0;
  appender(): Appender {
    return {
      append: () => {
        this.appended++;
        return 1;
      },
      commit: async () => {},
      rollback: async () => {},
    };
  }
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
    queue_config: { capacity: 10000, max_shards: 50, min_shards: 1, max_samples_per_send: 2000, batch_send_deadline: 50, min_backoff: 30, max_backoff: 5000, retry_on_http_429: false },
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
  for (const c of cfgs) if (c.action === 'keep' && !c.regex.matches(ls.get(c.source_labels[0]!))) return null;
  return ls;
};

test('prompb codec round-trips write and read messages', () => {
  const series = [
    { labels: Labels.fromStrings('__name__', 'up', 'job', 'a'), samples: [{ value: 1, timestamp: 1700000000000 }, { value: -2.5, timestamp: -5 }] },
    { labels: Labels.fromStrings('__name__', 'x', 'ü', 'ß'), samples: [{ value: STALE_NAN, timestamp: 0 }] },
  ];
  const back = decodeWriteRequest(encodeWriteRequest(series)).timeseries;
  assert.equal(back.length, 2);
  assert.ok(back[0]!.labels.equals(series[0]!.labels));
  assert.deepEqual(back[0]!.samples, series[0]!.samples);
  assert.ok(isStaleNaN(back[1]!.samples[0]!.value), 'stale marker bits survive');
  const q = decodeReadRequest(encodeReadRequest([{ startTimestampMs: 1, endTimestampMs: 2, matchers: [new Matcher(MatchType.Regexp, 'job', 'a|b')] }]));
  assert.equal(q.queries[0]!.matchers[0]!.type, MatchType.Regexp);
  assert.equal(q.queries[0]!.endTimestampMs, 2);
  const rr = decodeReadResponse(encodeReadResponse([series]));
  assert.equal(rr[0]!.length, 2);
});

test('the real Prometheus receives our remote write, with external labels and write relabeling', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1h\n', ['--web.enable-remote-write-receiver']);
  t.after(() => real.stop());
  const fanout = new FanoutAppendable(new NullAppendable());
  const remote = new RemoteStorage({ fanout, relabel: keepRelabel, registry: newRegistry() });
  const keep: RelabelConfig = { source_labels: ['__name__'], separator: ';', regex: new AnchoredRegexp('rw_.*'), modulus: 0, target_label: '', replacement: '$1', action: 'keep' };
  await remote.applyConfig(cfgWith([rwConfig(`${real.url}/api/v1/write`, { write_relabel_configs: [keep] })], Labels.fromStrings('cluster', 'mordomo-prod')));
  const now = Date.now() - 60_000;
  const app = fanout.appender();
  for (let i = 0; i < 10; i++) {
    app.append(0, Labels.fromStrings('__name__', 'rw_test', 'i', String(i % 3)), now + i * 1000, i);
    app.append(0, Labels.fromStrings('__name__', 'dropped_metric'), now + i * 1000, i);
  }
  await app.commit();
  await remote.close();
  const r = await fetch(`${real.url}/api/v1/query_range?query=rw_test&start=${(now - 1000) / 1000}&end=${(now + 10_000) / 1000}&step=1`);
  const body = (await r.json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  assert.equal(body.data.result.length, 3);
  for (const s of body.data.result) assert.equal(s.metric.cluster, 'mordomo-prod');
  const dropped = await (await fetch(`${real.url}/api/v1/query?query=dropped_metric&time=${(now + 10_000) / 1000}`)).json() as { data: { result: unknown[] } };
  assert.equal(dropped.data.result.length, 0, 'write_relabel_configs keep dropped the other metric');
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
  const fanout = new FanoutAppendable(new NullAppendable());
  const registry = newRegistry();
  const remote = new RemoteStorage({ fanout, relabel: keepRelabel, registry });
  await remote.applyConfig(cfgWith([rwConfig(`http://127.0.0.1:${port}/receive`, { name: 'test' })]));
  const app = fanout.appender();
  app.append(0, Labels.fromStrings('__name__', 'm'), 1000, 1);
  await app.commit();
  await remote.close();
  assert.equal(calls, 2, 'one 503, then success');
  const got = decodeWriteRequest(uncompress(new Uint8Array(bodies[1]!))).timeseries;
  assert.equal(got[0]!.samples[0]!.value, 1);
  const text = await registry.metrics();
  assert.match(text, /prometheus_remote_storage_samples_retried_total\{remote_name="test",url="[^"]+"\} 1/);
  assert.match(text, /prometheus_remote_storage_samples_total\{remote_name="test",url="[^"]+"\} 1/);
});
