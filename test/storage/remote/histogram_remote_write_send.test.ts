// This server (native histograms on) scrapes a protobuf target and remote-writes with
// send_native_histograms to the real Prometheus 2.42's receiver: what the real one stores is what
// this server stored — every histogram sample, count, sum and bucket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Matcher } from '../../../src/model/labels/index.ts';
import { isStaleNaN } from '../../../src/model/value/index.ts';
import { ValueType } from '../../../src/storage/index.ts';
import { openDB } from '../../../src/tsdb/index.ts';
import { startHistogramTarget } from '../../support/histogram_target.ts';
import { peer, startRealPrometheus, tempDir } from '../../support/peers.ts';
import { metricValue, startOurServer } from '../../support/server.ts';

const NAME = 'sent_native_histogram';

async function histograms(dataDir: string): Promise<string[]> {
  const db = await openDB(dataDir, {}, { noBackground: true });
  try {
    const ss = db
      .querier(0, Number.MAX_SAFE_INTEGER)
      .select(
        true,
        { start: 0, end: Number.MAX_SAFE_INTEGER, histograms: true },
        Matcher.equal('__name__', NAME),
      );
    const out: string[] = [];
    while (ss.next()) {
      const it = ss.at().iterator();
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
        if (vt !== ValueType.Histogram) continue;
        const h = it.atHistogram();
        if (!isStaleNaN(h.sum)) out.push(`${it.atT()} ${h.toString()}`);
      }
    }
    return out;
  } finally {
    await db.close();
  }
}

test('native histograms remote-written by this server are stored by the real Prometheus as we stored them', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus('global: {}\n', [
    '--web.enable-remote-write-receiver',
    '--enable-feature=native-histograms',
  ]);
  t.after(() => real.stop());
  const target = await startHistogramTarget(NAME);
  t.after(() => target.close());
  const { dir, cleanup } = tempDir('rw-send-');
  t.after(cleanup);
  const cfg =
    `global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: h\n    static_configs:\n      - targets: ['${target.address}']\n` +
    `remote_write:\n  - url: ${real.url}/api/v1/write\n    send_native_histograms: true\n    queue_config:\n      batch_send_deadline: 100ms\n`;
  const ours = await startOurServer(cfg, ['--enable-feature=native-histograms'], { dir });
  const until = Date.now() + 15_000;
  while (Date.now() < until && target.scrapes() < 25) await new Promise((r) => setTimeout(r, 100));
  await target.close();
  // Until the queue has sent all it read from the WAL (bounded): a fixed wait lost the last
  // histograms on a loaded machine.
  const sentAll = Date.now() + 15_000;
  await new Promise((r) => setTimeout(r, 500));
  while (Date.now() < sentAll) {
    const wal = await metricValue(
      ours.url,
      'prometheus_remote_storage_highest_timestamp_in_seconds',
    );
    const out = await metricValue(
      ours.url,
      'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
    );
    if (wal > 0 && out >= wal) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300));
  await ours.proc.stop();
  await real.proc.stop();
  const sent = await histograms(join(dir, 'data'));
  const got = await histograms(join(real.dir, 'data'));
  assert.ok(sent.length >= 20, `we stored ${sent.length}:\n${ours.proc.output()}`);
  // The last histogram can travel in one request with the stale marker the failed scrape after it
  // wrote; the real receiver commits a request's floats before its histograms, so it drops that
  // histogram as out of order (as it would from another Prometheus). All the others arrive.
  assert.ok(got.length >= sent.length - 1, `the real one stored ${got.length} of ${sent.length}`);
  assert.deepEqual(got, sent.slice(0, got.length));
});
