// promtool-ts push metrics (Prometheus 2.48's command; Debian's promtool 2.42 has none): the text
// goes to the real Prometheus's remote-write receiver and is read back through its API; a capture
// server checks the request itself (families sorted, buckets/quantiles then _sum and _count).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { uncompress } from 'snappyjs';
import { peer, startRealPrometheus, tempDir } from '../../support/peers.ts';
import { runPromtoolTs, startOurServer } from '../../support/server.ts';
import { decodeWriteRequest } from '../../../src/storage/remote/index.ts';

const T = 1_700_000_000_000;
const TEXT = `# HELP req_total Requests.
# TYPE req_total counter
req_total{code="200",job="app"} 10 ${T}
req_total{code="500"} 2 ${T}
# TYPE lat histogram
lat_bucket{le="0.5"} 1 ${T}
lat_bucket{le="1.0"} 3 ${T}
lat_bucket{le="+Inf"} 4 ${T}
lat_sum 2.5 ${T}
lat_count 4 ${T}
# TYPE q summary
q{quantile="0.50"} 7 ${T}
q_sum 20 ${T}
q_count 3 ${T}
temp 21.5 ${T}
`;

// As Prometheus's fmtutil sends it: the text's job label is exported_job, le and quantile are
// re-formatted from their float value.
const WANT = [
  'lat_bucket{env="x",job="t",le="0.5"} 1',
  'lat_bucket{env="x",job="t",le="1"} 3',
  'lat_bucket{env="x",job="t",le="+Inf"} 4',
  'lat_sum{env="x",job="t"} 2.5',
  'lat_count{env="x",job="t"} 4',
  'q{env="x",job="t",quantile="0.5"} 7',
  'q_sum{env="x",job="t"} 20',
  'q_count{env="x",job="t"} 3',
  'req_total{code="200",env="x",exported_job="app",job="t"} 10',
  'req_total{code="500",env="x",job="t"} 2',
  'temp{env="x",job="t"} 21.5',
];

function metricText(m: Record<string, string>, v: string): string {
  const { __name__: name, ...rest } = m;
  return `${name}{${Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`)
    .join(',')}} ${v}`;
}

function metricsFile(t: { after: (fn: () => void) => void }): string {
  const { dir, cleanup } = tempDir('promtool-push-');
  t.after(cleanup);
  const f = join(dir, 'metrics.prom');
  writeFileSync(f, TEXT);
  return f;
}

test('push metrics: the real Prometheus, and this server, receive every series with the extra labels', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1h\n', [
    '--web.enable-remote-write-receiver',
  ]);
  t.after(real.stop);
  // The request carries metadata after the series: this server's receiver must skip it whole.
  const ours = await startOurServer('global:\n  scrape_interval: 1h\n', [
    '--web.enable-remote-write-receiver',
  ]);
  t.after(() => ours.stop());
  const f = metricsFile(t);
  for (const url of [real.url, ours.url]) {
    const r = await runPromtoolTs([
      'push',
      'metrics',
      `${url}/api/v1/write`,
      f,
      '--label=job=t',
      '--label',
      'env=x',
    ]);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      `Parsing metrics file ${f}\n  SUCCESS: metrics file ${f} pushed to remote write.\n`,
    );
    assert.equal(r.code, 0);
    const res = (await (
      await fetch(`${url}/api/v1/query?query=${encodeURIComponent('{env="x"}')}&time=${T / 1000}`)
    ).json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    const got = res.data.result.map((s) => metricText(s.metric, s.value[1])).sort();
    assert.deepEqual(got, [...WANT].sort(), url);
  }
});

test('push metrics: one request, families in name order, job=promtool by default, stdin', async (t) => {
  const bodies: Buffer[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      headers.push(req.headers);
      res
        .writeHead(req.url === '/fail' ? 400 : 204)
        .end(req.url === '/fail' ? 'out of bounds\nmore' : '');
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => srv.close());
  const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  const r = await runPromtoolTs(
    ['push', 'metrics', `${url}/write`, '--header=X-Scope-OrgID=team'],
    { input: TEXT },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Parsing standard input\n  SUCCESS: metrics pushed to remote write.\n');
  assert.equal(bodies.length, 1);
  assert.equal(headers[0]!['content-encoding'], 'snappy');
  assert.equal(headers[0]!['x-prometheus-remote-write-version'], '0.1.0');
  assert.equal(headers[0]!['x-scope-orgid'], 'team');
  const { timeseries } = decodeWriteRequest(uncompress(new Uint8Array(bodies[0]!)));
  const sent = timeseries.map((s) => metricText(s.labels.toObject(), String(s.samples[0]!.value)));
  assert.deepEqual(
    sent,
    WANT.map((w) =>
      w
        .replace(/env="x",/, '')
        .replace(/job="t"/, 'job="promtool"')
        .replace(',}', '}'),
    ),
  );
  assert.ok(timeseries.every((s) => s.samples[0]!.timestamp === T));

  const fail = await runPromtoolTs(['push', 'metrics', `${url}/fail`], { input: TEXT });
  assert.equal(fail.code, 1);
  assert.equal(
    fail.stderr,
    '  FAILED: server returned HTTP status 400 Bad Request: out of bounds\n',
  );
});

test('push metrics: a missing URL or file is a usage error, as kingpin gives it', async () => {
  const noUrl = await runPromtoolTs(['push', 'metrics']);
  assert.equal(noUrl.code, 1);
  assert.equal(
    noUrl.stderr,
    "promtool: error: required argument 'remote-write-url' not provided, try --help\n",
  );
  const noFile = await runPromtoolTs([
    'push',
    'metrics',
    'http://127.0.0.1:1/',
    '/nonexistent.prom',
  ]);
  assert.equal(noFile.code, 1);
  assert.equal(
    noFile.stderr,
    "promtool: error: path '/nonexistent.prom' does not exist, try --help\n",
  );
});
