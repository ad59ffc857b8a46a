// Native histograms through this TSDB: appended (only with the feature on), durable in the WAL
// (replayed after a restart, kept by checkpoints), cut into chunks, compacted into blocks,
// deletions applied by re-encoding, and read back exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CounterResetHint, FloatHistogram, Histogram } from '../../src/model/histogram/index.js';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { ValueType } from '../../src/storage/index.js';
import {
  ENC_FLOAT_HISTOGRAM,
  ENC_HISTOGRAM,
  HistogramAppender,
} from '../../src/tsdb/chunkenc/index.js';
import { Block, writeBlock } from '../../src/tsdb/block.js';
import { openDB, type DB } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';

const L = Labels.fromStrings('__name__', 'h', 'job', 'x');
const LF = Labels.fromStrings('__name__', 'fh', 'job', 'x');

/** A counter histogram at step i: buckets appear as i grows (layout widens), counts only go up. */
function hist(i: number): Histogram {
  const n = 2 + Math.min(i, 6);
  const deltas = Array.from({ length: n }, (_, k) => (k === 0 ? i + 1 : k % 2 === 0 ? 1 : 0));
  let count = 0;
  let c = 0;
  for (const d of deltas) count += c += d;
  return Histogram.of({
    schema: 1,
    zeroThreshold: 2 ** -128,
    zeroCount: i,
    count: count + i,
    sum: i * 3.5,
    positiveSpans: [{ offset: -1, length: n }],
    positiveBuckets: deltas,
  });
}

function gauge(i: number): FloatHistogram {
  return FloatHistogram.of({
    counterResetHint: CounterResetHint.Gauge,
    schema: 0,
    count: 10 - (i % 4),
    sum: -i,
    positiveSpans: i % 3 === 0 ? [{ offset: 0, length: 2 }] : [{ offset: 1, length: 2 }],
    positiveBuckets: [5, 5 - (i % 4)],
  });
}

async function samples(db: DB, name: string, mint = 0, maxt = 1e12): Promise<string[]> {
  const ss = db
    .querier(mint, maxt)
    .select(true, { start: mint, end: maxt, histograms: true }, Matcher.equal('__name__', name));
  const out: string[] = [];
  while (ss.next()) {
    const it = ss.at().iterator();
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt === ValueType.Histogram) out.push(`${it.atT()} ${it.atHistogram().toString()}`);
      else if (vt === ValueType.FloatHistogram)
        out.push(`${it.atT()} ${it.atFloatHistogram().toString()}`);
      else out.push(`${it.atT()} ${it.atF()}`);
    }
    assert.equal(it.err(), null);
  }
  return out;
}

test('histograms are refused unless native histograms are enabled', async (t) => {
  const { dir, cleanup } = tempDir('hist-off-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true });
  t.after(() => db.close());
  assert.throws(
    () => db.appender().appendHistogram(0, L, 1000, hist(0), null),
    /native histograms are disabled/,
  );
});

test('histograms survive a restart (WAL), compaction into blocks, a checkpoint and a deletion', async (t) => {
  const { dir, cleanup } = tempDir('hist-db-');
  t.after(cleanup);
  const opts = { enableNativeHistograms: true, minBlockDuration: 10_000, maxBlockDuration: 30_000 };
  let db = await openDB(dir, opts, { noBackground: true, inlineCompaction: true });
  const want: string[] = [];
  const wantF: string[] = [];
  for (let i = 0; i < 200; i++) {
    const app = db.appender();
    app.appendHistogram(0, L, i * 100, hist(i), null);
    app.appendHistogram(0, LF, i * 100, null, gauge(i));
    await app.commit();
    want.push(`${i * 100} ${hist(i).toString()}`);
    wantF.push(`${i * 100} ${gauge(i).toString()}`);
  }
  assert.deepEqual(await samples(db, 'h'), want, 'read back from the head');
  assert.deepEqual(await samples(db, 'fh'), wantF);
  // Out of order and duplicates are refused as for floats.
  assert.throws(() => db.appender().appendHistogram(0, L, 19_850, hist(1), null), /out of order/);
  await db.close();

  db = await openDB(dir, opts, { noBackground: true, inlineCompaction: true });
  assert.deepEqual(await samples(db, 'h'), want, 'replayed from the WAL');
  assert.deepEqual(await samples(db, 'fh'), wantF);
  // More data pushes the head past 1.5 block ranges: its oldest range becomes a block, the WAL is checkpointed.
  const app = db.appender();
  app.append(0, Labels.fromStrings('__name__', 'f'), 40_000, 1);
  await app.commit();
  await db.compact();
  assert.ok(db.blockMetas().length >= 1);
  const encs = new Set<number>();
  for (const m of db.blockMetas()) {
    const b = new Block(join(dir, m.ulid));
    for (const s of b.allSeries()) for (const c of s.chunks) encs.add(c.enc);
    void b.close();
  }
  assert.ok(
    encs.has(ENC_HISTOGRAM) && encs.has(ENC_FLOAT_HISTOGRAM),
    'blocks hold histogram and float histogram chunks',
  );
  assert.deepEqual(await samples(db, 'h'), want, 'blocks + head');
  assert.deepEqual(await samples(db, 'fh'), wantF);
  await db.close();

  db = await openDB(dir, opts, { noBackground: true, inlineCompaction: true });
  assert.deepEqual(await samples(db, 'h'), want, 'after the checkpoint, replayed again');
  // A deletion inside a block's histogram chunk is applied when the block is rewritten.
  await db.delete(1000, 2950, [Matcher.equal('__name__', 'h')]);
  await db.cleanTombstones();
  const kept = want.filter((s) => {
    const ts = Number(s.split(' ')[0]);
    return ts < 1000 || ts > 2950;
  });
  assert.deepEqual(await samples(db, 'h'), kept, 'deleted samples gone, the rest intact');
  await db.close();
});

test('overlapping blocks holding histograms read merged, then compact into one', async (t) => {
  const { dir, cleanup } = tempDir('hist-overlap-');
  t.after(cleanup);
  // Two blocks over the same range, the same series: even and odd steps.
  for (const odd of [0, 1]) {
    let a = new HistogramAppender();
    for (let i = odd; i < 40; i += 2) {
      if (a.appendable(hist(i)) === 'widen') a = a.widenedFor(hist(i));
      a.append(i * 100, hist(i));
    }
    writeBlock(
      dir,
      [
        {
          labels: L,
          chunks: [
            { mint: odd * 100, maxt: (38 + odd) * 100, enc: ENC_HISTOGRAM, data: a.bytes() },
          ],
        },
      ],
      0,
      10_000,
      null,
    );
  }
  const want = Array.from({ length: 40 }, (_, i) => `${i * 100} ${hist(i).toString()}`);
  let db = await openDB(
    dir,
    { minBlockDuration: 10_000, maxBlockDuration: 30_000 },
    { noBackground: true, inlineCompaction: true },
  );
  assert.equal(db.blockMetas().length, 2);
  assert.deepEqual(await samples(db, 'h'), want, 'merged at read time');
  await db.compact();
  assert.equal(db.blockMetas().length, 1, 'vertical compaction merged them');
  await db.close();
  db = await openDB(
    dir,
    { minBlockDuration: 10_000, maxBlockDuration: 30_000 },
    { noBackground: true },
  );
  assert.deepEqual(await samples(db, 'h'), want, 'one block, re-encoded');
  await db.close();
});
