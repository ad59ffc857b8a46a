// Scraping the protobuf exposition format with --enable-feature=native-histograms, against the
// real Prometheus 2.42 scraping an identical target: the same Accept header's choice (protobuf) and
// the same native histogram samples. 2.42 has no scrape_classic_histograms (2.45 added it): with it
// on, our classic series are checked against our native ones (same count and sum, buckets up to +Inf).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MatchType, Matcher } from '../../src/model/labels/index.ts';
import { isStaleNaN } from '../../src/model/value/index.ts';
import { ValueType } from '../../src/storage/index.ts';
import { openDB } from '../../src/tsdb/index.ts';
import { startHistogramTarget } from '../support/histogram_target.ts';
import { freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';

const NAME = 'scraped_native_histogram';
const N = 12;

function config(target: string, classic: boolean): string {
  return `global:\n  scrape_interval: 200ms\n  scrape_timeout: 200ms\nscrape_configs:\n  - job_name: h\n${classic ? '    scrape_classic_histograms: true\n' : ''}    static_configs:\n      - targets: ['${target}']\n`;
}

/** The first N samples of each series of the family (values, in order; histograms as strings), by series. */
async function stored(dataDir: string): Promise<Record<string, string[]>> {
  const db = await openDB(dataDir, {}, { noBackground: true });
  const out: Record<string, string[]> = {};
  try {
    const ss = db
      .querier(0, Number.MAX_SAFE_INTEGER)
      .select(
        true,
        { start: 0, end: Number.MAX_SAFE_INTEGER, histograms: true },
        new Matcher(MatchType.Regexp, '__name__', `${NAME}.*`),
      );
    while (ss.next()) {
      const s = ss.at();
      const l = s.labels.drop(['instance']).toString();
      const vals: string[] = [];
      const it = s.iterator();
      for (let vt = it.next(); vt !== ValueType.None && vals.length < N; vt = it.next()) {
        if (vt === ValueType.Histogram) vals.push(it.atHistogram().toString());
        else if (vt === ValueType.FloatHistogram) vals.push(it.atFloatHistogram().toString());
        else if (!isStaleNaN(it.atF())) vals.push(String(it.atF()));
      }
      out[l] = vals;
    }
  } finally {
    await db.close();
  }
  return out;
}

for (const classic of [false, true]) {
  test(`protobuf scrapes store what the real Prometheus stores (scrape_classic_histograms: ${classic})`, async (t) => {
    const bin = peer('prometheus', t);
    if (!bin) return;
    const { dir, cleanup } = tempDir('pb-scrape-');
    t.after(cleanup);
    // One target each: a target's values advance with every scrape it answers.
    const tOurs = await startHistogramTarget(NAME);
    const tReal = await startHistogramTarget(NAME);
    t.after(() => tOurs.close());
    t.after(() => tReal.close());
    const ours = await startOurServer(
      config(tOurs.address, classic),
      ['--enable-feature=native-histograms'],
      { dir },
    );
    writeFileSync(join(dir, 'real.yml'), config(tReal.address, false));
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
    while (Date.now() < until && (tOurs.scrapes() < N + 2 || tReal.scrapes() < N + 2))
      await new Promise((r) => setTimeout(r, 100));
    await real.stop();
    await ours.proc.stop();
    const want = await stored(join(dir, 'real-data'));
    const got = await stored(join(dir, 'data'));
    const native = `{__name__="${NAME}", job="h", kind="test"}`;
    assert.deepEqual(Object.keys(want), [native], 'the real one stores the native histogram only');
    assert.equal(want[native]!.length, N);
    // A target's answers depend only on how many it gave; a scrape that timed out while a server
    // warmed up skips one: compare from the first answer both stored on.
    const g = got[native]!;
    const w = want[native]!;
    const from = Math.max(w.indexOf(g[0]!), 0);
    const skip = Math.max(g.indexOf(w[0]!), 0);
    assert.ok(from + skip <= 2, `at most two early answers missed (${from}, ${skip})`);
    assert.deepEqual(
      g.slice(skip, skip + N - 2 - from),
      w.slice(from, N - 2 - skip + from),
      'the same native histogram samples',
    );
    if (!classic) {
      assert.deepEqual(Object.keys(got), [native]);
      return;
    }
    // Classic series beside it: _count and _sum as the native count and sum, buckets with le as Prometheus formats it.
    const les = Object.keys(got)
      .map((k) => /le="([^"]+)"/.exec(k)?.[1])
      .filter((x) => x !== undefined);
    assert.deepEqual(les.sort(), ['+Inf', '0.5', '1.0', '16.0', '4.0']);
    const counts = got[`{__name__="${NAME}_count", job="h", kind="test"}`]!;
    const sums = got[`{__name__="${NAME}_sum", job="h", kind="test"}`]!;
    const inf = got[`{__name__="${NAME}_bucket", job="h", kind="test", le="+Inf"}`]!;
    got[native]!.forEach((h, i) => {
      const m = /^\{count:(\d+), sum:([^,]+),/.exec(h)!;
      assert.equal(counts[i], m[1]);
      assert.equal(inf[i], m[1]);
      assert.equal(Number(sums[i]), Number(m[2]));
    });
  });
}

test('native_histogram_bucket_limit lowers the schema until a histogram fits, as Prometheus does', async (t) => {
  const { dir, cleanup } = tempDir('pb-limit-');
  t.after(cleanup);
  const target = await startHistogramTarget(NAME);
  t.after(() => target.close());
  const cfg = config(target.address, false).replace(
    '    static_configs:',
    '    native_histogram_bucket_limit: 3\n    static_configs:',
  );
  const ours = await startOurServer(cfg, ['--enable-feature=native-histograms'], { dir });
  const until = Date.now() + 10_000;
  while (Date.now() < until && target.scrapes() < 6) await new Promise((r) => setTimeout(r, 100));
  await ours.proc.stop();
  const db = await openDB(join(dir, 'data'), {}, { noBackground: true });
  try {
    const ss = db
      .querier(0, Number.MAX_SAFE_INTEGER)
      .select(
        true,
        { start: 0, end: Number.MAX_SAFE_INTEGER, histograms: true },
        Matcher.equal('__name__', NAME),
      );
    assert.ok(ss.next());
    const it = ss.at().iterator();
    let n = 0;
    let reduced = 0;
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt !== ValueType.Histogram) continue;
      const h = it.atHistogram();
      if (isStaleNaN(h.sum)) continue;
      assert.ok(h.positiveBuckets.length + h.negativeBuckets.length <= 3, h.toString());
      if (h.schema < 0) reduced++;
      n++;
    }
    assert.ok(n >= 4 && reduced > 0, `${n} samples, ${reduced} at a lower schema`);
  } finally {
    await db.close();
  }
});
