// The real Prometheus 2.42 scrapes a native histogram (protobuf) and remote-writes it
// (send_native_histograms) to this server started with --enable-feature=native-histograms: what
// this server stores is exactly what the real one stores — every sample, count, sum and bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nonEmptyBuckets } from '../../../src/model/histogram/index.ts';
import { Matcher } from '../../../src/model/labels/index.ts';
import { isStaleNaN } from '../../../src/model/value/index.ts';
import { ValueType } from '../../../src/storage/index.ts';
import { openDB } from '../../../src/tsdb/index.ts';
import { startHistogramTarget } from '../../support/histogram_target.ts';
import { freePort, peer, startProcess, tempDir, waitReady } from '../../support/peers.ts';
import { startOurServer } from '../../support/server.ts';

const NAME = 'rw_native_histogram';

interface ApiHistogram {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}

test('native histograms remote-written by the real Prometheus are stored exactly as it stores them', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const { dir, cleanup } = tempDir('rw-nh-');
  t.after(cleanup);
  const ours = await startOurServer(
    'global: {}\n',
    ['--enable-feature=native-histograms', '--web.enable-remote-write-receiver'],
    { dir },
  );
  t.after(() => ours.stop());
  const target = await startHistogramTarget(NAME);
  t.after(() => target.close());
  writeFileSync(
    join(dir, 'real.yml'),
    `global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: h\n    static_configs:\n      - targets: ['${target.address}']\n` +
      `remote_write:\n  - url: ${ours.url}/api/v1/write\n    send_native_histograms: true\n    queue_config:\n      batch_send_deadline: 100ms\n`,
  );
  const port = await freePort();
  const real = startProcess(bin, [
    `--config.file=${join(dir, 'real.yml')}`,
    `--storage.tsdb.path=${join(dir, 'real-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--enable-feature=native-histograms',
  ]);
  t.after(() => real.stop());
  await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000, real);
  const until = Date.now() + 15_000;
  while (Date.now() < until && target.scrapes() < 25) await new Promise((r) => setTimeout(r, 100));
  await target.close();
  await new Promise((r) => setTimeout(r, 400));
  const q = encodeURIComponent(`${NAME}[1h]`);
  const res = (await (
    await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${q}&time=${Date.now() / 1000 + 60}`)
  ).json()) as { data: { result: { histograms?: [number, ApiHistogram][] }[] } };
  const want = (res.data.result[0]?.histograms ?? []).map(([ts, h]) =>
    normal(
      Math.round(ts * 1000),
      Number(h.count),
      Number(h.sum),
      (h.buckets ?? []).map((b) => [b[0], Number(b[1]), Number(b[2]), Number(b[3])]),
    ),
  );
  assert.ok(
    want.length >= 20,
    `the real Prometheus stored ${want.length} histogram samples:\n${real.output()}`,
  );
  // Its queue sends within 100 ms; give it a moment, then stop both and read our data directory.
  await new Promise((r) => setTimeout(r, 1500));
  await real.stop();
  await ours.proc.stop();
  const db = await openDB(join(dir, 'data'), {}, { noBackground: true });
  const got: string[] = [];
  try {
    const ss = db
      .querier(0, Number.MAX_SAFE_INTEGER)
      .select(
        true,
        { start: 0, end: Number.MAX_SAFE_INTEGER, histograms: true },
        Matcher.equal('__name__', NAME),
      );
    assert.ok(ss.next(), `our server stored the series:\n${ours.proc.output()}`);
    const it = ss.at().iterator();
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt !== ValueType.Histogram) continue;
      const h = it.atHistogram().toFloat();
      // The scrape that failed once the target went wrote a stale marker; the API leaves those out.
      if (isStaleNaN(h.sum)) continue;
      got.push(
        normal(
          it.atT(),
          h.count,
          h.sum,
          nonEmptyBuckets(h).map((b) => [
            b.lowerInclusive ? (b.upperInclusive ? 3 : 1) : b.upperInclusive ? 0 : 2,
            b.lower,
            b.upper,
            b.count,
          ]),
        ),
      );
    }
  } finally {
    await db.close();
  }
  assert.deepEqual(got, want);
});

function normal(t: number, count: number, sum: number, buckets: (number | string)[][]): string {
  return `${t} count=${count} sum=${sum} ${buckets.map((b) => b.join(':')).join(' ')}`;
}
