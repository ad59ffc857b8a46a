import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  rmSync,
  appendFileSync,
  statSync,
  truncateSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '../../src/model/labels/index.js';
import { STALE_NAN, isStaleNaN } from '../../src/model/value/index.js';
import { StorageError, type Querier } from '../../src/storage/index.js';
import { newRegistry } from '../../src/util/metrics.js';
import { openDB, type DB } from '../../src/tsdb/index.js';

const H = 3600_000;

function tmp(t: { after: (fn: () => void) => void }): string {
  const d = mkdtempSync(join(tmpdir(), 'tsdb-test-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function read(q: Querier, ...ms: Matcher[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  const ss = q.select(true, undefined, ...ms);
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const pts: [number, number][] = [];
    while (it.next() !== 0) pts.push([it.atT(), isStaleNaN(it.atF()) ? -999 : it.atF()]);
    assert.equal(it.err(), null);
    out[s.labels.toString()] = pts;
  }
  assert.equal(ss.err(), null);
  return out;
}

const L = (...kv: string[]): Labels => Labels.fromStrings(...kv);

async function fill(db: DB, series: number, from: number, to: number, step: number): Promise<void> {
  const app = db.appender();
  const refs = new Array<number>(series).fill(0);
  for (let t = from; t <= to; t += step) {
    for (let i = 0; i < series; i++)
      refs[i] = app.append(
        refs[i]!,
        L('__name__', 'm', 'i', String(i), 'job', i % 2 ? 'odd' : 'even'),
        t,
        t / 1000 + i,
      );
  }
  await app.commit();
}

test('head: append, commit, select with matchers, label names/values', async (t) => {
  const db = await openDB(tmp(t), {}, { noBackground: true });
  t.after(() => db.close());
  await fill(db, 4, 1000, 10_000, 1000);
  const q = db.querier(0, 20_000);
  const all = read(q, Matcher.equal('__name__', 'm'));
  assert.deepEqual(Object.keys(all), [
    '{__name__="m", i="0", job="even"}',
    '{__name__="m", i="1", job="odd"}',
    '{__name__="m", i="2", job="even"}',
    '{__name__="m", i="3", job="odd"}',
  ]);
  assert.equal(all['{__name__="m", i="1", job="odd"}']!.length, 10);
  assert.deepEqual(all['{__name__="m", i="1", job="odd"}']![0], [1000, 2]);
  assert.equal(Object.keys(read(q, new Matcher(MatchType.Regexp, 'i', '1|3'))).length, 2);
  assert.equal(Object.keys(read(q, new Matcher(MatchType.NotEqual, 'job', 'odd'))).length, 2);
  assert.equal(Object.keys(read(q, new Matcher(MatchType.Equal, 'missing', ''))).length, 4);
  assert.equal(Object.keys(read(q, new Matcher(MatchType.Regexp, 'missing', '.+'))).length, 0);
  assert.equal(
    Object.keys(
      read(
        q,
        new Matcher(MatchType.Regexp, 'i', '[0-2]'),
        new Matcher(MatchType.NotRegexp, 'job', 'ev.*'),
      ),
    ).length,
    1,
  );
  assert.deepEqual(q.labelNames(), ['__name__', 'i', 'job']);
  assert.deepEqual(q.labelValues('job'), ['even', 'odd']);
  assert.deepEqual(q.labelValues('i', new Matcher(MatchType.Equal, 'job', 'odd')), ['1', '3']);
  // Range clipping and seek.
  const ss = db.querier(3000, 5000).select(true, undefined, Matcher.equal('i', '0'));
  assert.ok(ss.next());
  const it = ss.at().iterator();
  assert.equal(it.seek(4500), 1);
  assert.equal(it.atT(), 5000);
  assert.equal(it.next(), 0);
  assert.equal(db.headStats().numSeries, 4);
});

test('appender: out of order, duplicate, out of bounds, rollback, stale markers', async (t) => {
  const db = await openDB(tmp(t), {}, { noBackground: true });
  t.after(() => db.close());
  const app = db.appender();
  const ls = L('__name__', 'x');
  const ref = app.append(0, ls, 10 * H, 1);
  app.append(ref, ls, 10 * H + 1000, STALE_NAN);
  await app.commit();
  const a2 = db.appender();
  assert.throws(
    () => a2.append(ref, ls, 10 * H + 500, 1),
    (e: unknown) => e instanceof StorageError && e.message === 'out of order sample',
  );
  assert.throws(() => a2.append(ref, ls, 10 * H, 2), /out of order sample/);
  assert.throws(() => a2.append(0, ls, 10 * H + 1000, 5), /duplicate sample for timestamp/);
  assert.equal(a2.append(0, ls, 10 * H + 1000, STALE_NAN), ref); // same value again: accepted silently
  assert.throws(() => a2.append(0, L('__name__', 'y'), 8 * H, 1), /out of bounds/);
  a2.append(ref, ls, 10 * H + 2000, 3);
  await a2.rollback();
  const r = read(db.querier(0, 11 * H), Matcher.equal('__name__', 'x'));
  const pts = r['{__name__="x"}']!;
  assert.equal(pts.length, 2);
  assert.equal(pts[1]![1], -999);
  // After rollback the same timestamp is free again.
  const a3 = db.appender();
  a3.append(ref, ls, 10 * H + 2000, 4);
  await a3.commit();
  assert.equal(
    read(db.querier(0, 11 * H), Matcher.equal('__name__', 'x'))['{__name__="x"}']!.length,
    3,
  );
});

test('WAL: reopen replays committed samples, not rolled back ones', async (t) => {
  const dir = tmp(t);
  const db = await openDB(dir, {}, { noBackground: true });
  await fill(db, 3, 0, 60_000, 15_000);
  const a = db.appender();
  a.append(0, L('__name__', 'gone'), 70_000, 1);
  await a.rollback();
  const before = read(db.querier(0, 100_000), new Matcher(MatchType.Regexp, '__name__', '.+'));
  await db.close();
  const db2 = await openDB(dir, {}, { noBackground: true });
  t.after(() => db2.close());
  assert.deepEqual(
    read(db2.querier(0, 100_000), new Matcher(MatchType.Regexp, '__name__', '.+')),
    before,
  );
  // Appends continue after replay.
  await fill(db2, 3, 75_000, 75_000, 1);
  assert.equal(
    read(db2.querier(0, 100_000), Matcher.equal('i', '2'))['{__name__="m", i="2", job="even"}']!
      .length,
    6,
  );
});

test('WAL: a torn or garbled tail is repaired, counted, and the rest replayed', async (t) => {
  for (const damage of ['truncate', 'garble']) {
    const dir = tmp(t);
    const db = await openDB(dir, {}, { noBackground: true });
    await fill(db, 2, 0, 30_000, 10_000);
    await fill(db, 2, 40_000, 40_000, 1);
    await db.close();
    const seg = join(dir, 'wal', '00000000');
    const size = statSync(seg).size;
    if (damage === 'truncate') truncateSync(seg, size - 7);
    else appendFileSync(seg, Buffer.from([1, 0, 20, 1, 2, 3, 4, 9, 9, 9]));
    const reg = newRegistry();
    const db2 = await openDB(dir, {}, { noBackground: true, registry: reg });
    t.after(() => db2.close());
    const got = read(db2.querier(0, 100_000), Matcher.equal('__name__', 'm'));
    const n = damage === 'truncate' ? 4 : 5;
    assert.equal(got['{__name__="m", i="0", job="even"}']!.length, n, damage);
    const m = await reg.getSingleMetricAsString('prometheus_tsdb_wal_corruptions_total');
    assert.match(m, /prometheus_tsdb_wal_corruptions_total 1/);
    // Repaired: appends after the repair survive another reopen.
    await fill(db2, 2, 50_000, 50_000, 1);
    await db2.close();
    const db3 = await openDB(dir, {}, { noBackground: true });
    t.after(() => db3.close());
    assert.equal(
      read(db3.querier(0, 100_000), Matcher.equal('i', '0'))['{__name__="m", i="0", job="even"}']!
        .length,
      n + 1,
    );
  }
});

test('compaction: head to block, querying across block and head, WAL checkpoint, reopen', async (t) => {
  const dir = tmp(t);
  const db = await openDB(
    dir,
    { minBlockDuration: 2 * H, maxBlockDuration: 6 * H },
    { noBackground: true, inlineCompaction: true },
  );
  await fill(db, 5, 0, 7 * H, 60_000);
  // Full head chunks live in chunks_head/, not in the JS heap.
  assert.ok(statSync(join(dir, 'chunks_head', '000001')).size > 8 + 5 * 3 * 100);
  const inHead = read(db.querier(0, 8 * H), Matcher.equal('__name__', 'm'));
  await db.compact();
  const metas = db.blockMetas();
  assert.ok(metas.length >= 2, `blocks: ${metas.length}`);
  assert.equal(metas[0]!.minTime, 0);
  assert.equal(metas[0]!.maxTime, 2 * H);
  assert.equal(metas[0]!.stats.numSeries, 5);
  assert.equal(metas[0]!.stats.numSamples, 5 * 120);
  assert.ok(readdirSync(join(dir, 'wal')).some((f) => f.startsWith('checkpoint.')));
  const all = read(db.querier(0, 8 * H), Matcher.equal('__name__', 'm'));
  assert.equal(all['{__name__="m", i="3", job="odd"}']!.length, 7 * 60 + 1);
  assert.deepEqual(all['{__name__="m", i="3", job="odd"}']![200], [200 * 60_000, 200 * 60 + 3]);
  assert.deepEqual(all, inHead);
  await db.close();
  const db2 = await openDB(
    dir,
    { minBlockDuration: 2 * H, maxBlockDuration: 6 * H },
    { noBackground: true, inlineCompaction: true },
  );
  t.after(() => db2.close());
  assert.deepEqual(read(db2.querier(0, 8 * H), Matcher.equal('__name__', 'm')), all);
});

test('compaction in a worker thread merges blocks into larger ranges', async (t) => {
  const dir = tmp(t);
  const db = await openDB(
    dir,
    { minBlockDuration: 2 * H, maxBlockDuration: 6 * H },
    { noBackground: true },
  );
  t.after(() => db.close());
  await fill(db, 3, 0, 14 * H, 5 * 60_000);
  await db.compact();
  const metas = db.blockMetas();
  assert.ok(
    metas.some((m) => m.maxTime - m.minTime === 6 * H && m.compaction.level === 2),
    JSON.stringify(metas.map((m) => [m.minTime / H, m.maxTime / H])),
  );
  const r = read(db.querier(0, 15 * H), Matcher.equal('i', '1'));
  assert.equal(r['{__name__="m", i="1", job="odd"}']!.length, 14 * 12 + 1);
});

test('delete, clean tombstones, snapshot', async (t) => {
  const dir = tmp(t);
  const db = await openDB(dir, {}, { noBackground: true, inlineCompaction: true });
  t.after(() => db.close());
  await fill(db, 2, 0, 5 * H, 60_000);
  await db.compact();
  assert.ok(db.blockMetas().length >= 1);
  await db.delete(30 * 60_000, 4 * H, [Matcher.equal('i', '0')]);
  const q = () => read(db.querier(0, 6 * H), Matcher.equal('__name__', 'm'));
  const after = q();
  const s0 = after['{__name__="m", i="0", job="even"}']!;
  assert.ok(s0.every(([ts]) => ts < 30 * 60_000 || ts > 4 * H));
  assert.equal(s0.length, 30 + 60);
  assert.equal(after['{__name__="m", i="1", job="odd"}']!.length, 5 * 60 + 1);
  const before = db.blockMetas().map((m) => m.ulid);
  await db.cleanTombstones();
  const nowU = db.blockMetas().map((m) => m.ulid);
  assert.notDeepEqual(nowU, before);
  assert.deepEqual(q(), after);
  const snap = join(tmp(t), 'snap');
  await db.snapshot(snap, true);
  const dirs = readdirSync(snap);
  assert.equal(dirs.length, db.blockMetas().length + 1);
  const sdb = await openDB(snap, {}, { noBackground: true, noLockfile: true } as never);
  t.after(() => sdb.close());
  assert.deepEqual(read(sdb.querier(0, 6 * H), Matcher.equal('__name__', 'm')), after);
});

test('retention by time and by size drops whole blocks, oldest first', async (t) => {
  const dir = tmp(t);
  const db = await openDB(
    dir,
    { retentionDuration: 4 * H, minBlockDuration: 2 * H, maxBlockDuration: 2 * H },
    { noBackground: true, inlineCompaction: true },
  );
  t.after(() => db.close());
  await fill(db, 2, 0, 12 * H, 60_000);
  await db.compact();
  const metas = db.blockMetas();
  const newest = Math.max(...metas.map((m) => m.maxTime));
  // As Prometheus's BeyondTimeRetention: a block goes when it ends more than the retention before the newest one ends.
  assert.deepEqual(
    metas.map((m) => [m.minTime / H, m.maxTime / H]),
    [
      [4, 6],
      [6, 8],
      [8, 10],
    ],
    'the block ending exactly 4h before the newest stays',
  );
  assert.ok(metas.every((m) => newest - m.maxTime <= 4 * H));
  assert.ok(db.startTime() >= newest - 6 * H);
});

test('lock file: a second open of the same dir fails clearly; noLockfile opens it anyway (see lock.test.ts)', async (t) => {
  const dir = tmp(t);
  const db = await openDB(dir, {}, { noBackground: true });
  assert.ok(existsSync(join(dir, 'lock')));
  await assert.rejects(
    openDB(dir, {}, { noBackground: true }),
    /lock DB directory: resource temporarily unavailable/,
  );
  const db2 = await openDB(dir, { noLockfile: true }, { noBackground: true });
  await db2.close();
  await db.close();
});
