// What the HTTP API and /metrics read from the TSDB: head and cardinality stats, block metas,
// prometheus_tsdb_* metrics; and size-based retention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../src/model/labels/index.js';
import { newRegistry } from '../../src/util/metrics.js';
import { openDB } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';

const H = 3600_000;

test('head and cardinality stats, metrics', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-stats-');
  t.after(cleanup);
  const reg = newRegistry();
  const db = await openDB(dir, {}, { noBackground: true, registry: reg });
  t.after(() => db.close());
  const app = db.appender();
  for (let i = 0; i < 30; i++)
    app.append(
      0,
      Labels.fromStrings(
        '__name__',
        i < 20 ? 'a_total' : 'b',
        'pod',
        `p${i}`,
        'ns',
        i % 3 === 0 ? 'x' : 'y',
      ),
      5000 + i,
      i,
    );
  await app.commit();
  assert.throws(
    () =>
      db
        .appender()
        .append(0, Labels.fromStrings('__name__', 'b', 'pod', 'p20', 'ns', 'y'), 1000, 1),
    /out of order/,
  );
  // Older than half a block range behind the head's newest sample.
  assert.throws(
    () =>
      db
        .appender()
        .append(0, Labels.fromStrings('__name__', 'b', 'pod', 'p20', 'ns', 'y'), 5028 - H, 1),
    /out of bounds/,
  );
  const hs = db.headStats();
  assert.deepEqual(hs, {
    numSeries: 30,
    chunkCount: 30,
    minTime: 5000,
    maxTime: 5029,
    numLabelPairs: 2 + 30 + 2,
  });
  const cs = db.cardinalityStats(2);
  assert.deepEqual(cs.seriesCountByMetricName, [
    { name: 'a_total', value: 20 },
    { name: 'b', value: 10 },
  ]);
  assert.deepEqual(cs.labelValueCountByLabelName, [
    { name: 'pod', value: 30 },
    { name: '__name__', value: 2 },
  ]);
  assert.deepEqual(cs.seriesCountByLabelValuePair, [
    { name: '__name__=a_total', value: 20 },
    { name: 'ns=y', value: 20 },
  ]);
  assert.equal(cs.memoryInBytesByLabelName[0]!.name, '__name__');
  assert.equal(cs.memoryInBytesByLabelName[0]!.value, 20 * 7 + 10 * 1);
  assert.deepEqual(db.walReplayStatus(), { min: 0, max: 0, current: 0 });
  const text = await reg.metrics();
  for (const [name, v] of [
    ['prometheus_tsdb_head_series', '30'],
    ['prometheus_tsdb_head_chunks', '30'],
    ['prometheus_tsdb_head_samples_appended_total{type="float"}', '30'],
    ['prometheus_tsdb_out_of_order_samples_total{type="float"}', '1'],
    // Prometheus's name ("bound", not "bounds").
    ['prometheus_tsdb_out_of_bound_samples_total{type="float"}', '1'],
    ['prometheus_tsdb_head_min_time', '5000'],
    ['prometheus_tsdb_head_max_time', '5029'],
    ['prometheus_tsdb_blocks_loaded', '0'],
    ['prometheus_tsdb_compactions_total', '0'],
    ['prometheus_tsdb_reloads_total', '1'],
    ['prometheus_tsdb_wal_corruptions_total', '0'],
    ['prometheus_tsdb_retention_limit_bytes', '0'],
  ] as const)
    assert.match(text, new RegExp(`^${name.replace(/[{}]/g, '\\$&')} ${v}$`, 'm'), name);
  assert.match(text, /^prometheus_tsdb_wal_storage_size_bytes \d+$/m);
  assert.match(text, /^prometheus_tsdb_storage_blocks_bytes 0$/m);
  assert.match(text, /^prometheus_tsdb_head_active_appenders 0$/m);
  assert.match(text, /^prometheus_tsdb_wal_segment_current 0$/m);
  assert.match(text, /^prometheus_tsdb_compaction_duration_seconds_count 0$/m);
});

test('retention by size removes the oldest blocks first and counts it', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-stats-');
  t.after(cleanup);
  const reg = newRegistry();
  const db = await openDB(
    dir,
    { maxBlockDuration: 2 * H },
    { noBackground: true, inlineCompaction: true, registry: reg },
  );
  t.after(() => db.close());
  const app = db.appender();
  for (let s = 0; s < 50; s++) {
    let ref = 0;
    for (let ts = 0; ts <= 12 * H; ts += 30_000)
      ref = app.append(
        ref,
        Labels.fromStrings('__name__', 'r', 's', String(s)),
        ts,
        Math.sin(ts + s),
      );
  }
  await app.commit();
  await db.compact();
  const all = db.blockMetas();
  assert.ok(all.length >= 5, `${all.length} blocks`);
  // Re-open with a size limit that fits about half of them (WAL counts too).
  await db.close();
  const { statSync, readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  // Reopen once so chunks_head/ is what replay rebuilds (it is cleared at open).
  await (await openDB(dir, { maxBlockDuration: 2 * H }, { noBackground: true })).close();
  const du = (d: string): number =>
    readdirSync(d, { withFileTypes: true }).reduce(
      (n, f) => n + (f.isDirectory() ? du(join(d, f.name)) : statSync(join(d, f.name)).size),
      0,
    );
  // Room for the WAL, the head chunks and exactly the newest three blocks.
  const limit =
    du(join(dir, 'wal')) +
    du(join(dir, 'chunks_head')) +
    all.slice(-3).reduce((n, m) => n + du(join(dir, m.ulid)), 0) +
    100;
  const reg2 = newRegistry();
  const db2 = await openDB(
    dir,
    { maxBytes: Math.floor(limit), maxBlockDuration: 2 * H },
    { noBackground: true, inlineCompaction: true, registry: reg2 },
  );
  t.after(() => db2.close());
  await db2.compact();
  const left = db2.blockMetas();
  assert.equal(left.length, 3, `${left.length} of ${all.length} left`);
  assert.equal(left[left.length - 1]!.ulid, all[all.length - 1]!.ulid, 'newest kept');
  assert.ok(left[0]!.minTime > all[0]!.minTime, 'oldest gone');
  assert.match(await reg2.metrics(), /^prometheus_tsdb_size_retentions_total 1$/m);
});
