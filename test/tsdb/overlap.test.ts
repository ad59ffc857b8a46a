// Overlapping blocks (e.g. backfilled into a live data dir) are queried merged and deduplicated,
// then compacted together into one block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { encodeChunks, openDB, writeBlock } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';

const H = 3600_000;

function samples(
  from: number,
  to: number,
  step: number,
  f: (t: number) => number,
): { ts: Float64Array; vs: Float64Array } {
  const ts: number[] = [];
  for (let t = from; t <= to; t += step) ts.push(t);
  return { ts: Float64Array.from(ts), vs: Float64Array.from(ts.map(f)) };
}

test('overlapping blocks are merged at query time and by compaction', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-overlap-');
  t.after(cleanup);
  const a = Labels.fromStrings('__name__', 'o', 'k', 'a');
  const b = Labels.fromStrings('__name__', 'o', 'k', 'b');
  const s1 = samples(0, 2 * H - 1, 60_000, (x) => x / 1000);
  const s2 = samples(H, 3 * H - 1, 30_000, (x) => x / 1000); // overlaps [1h, 2h), denser
  const s3 = samples(0, 3 * H - 1, 600_000, () => 7);
  writeBlock(
    dir,
    [
      { labels: a, chunks: encodeChunks(s1.ts, s1.vs) },
      { labels: b, chunks: encodeChunks(s3.ts, s3.vs) },
    ],
    0,
    2 * H,
    null,
  );
  writeBlock(dir, [{ labels: a, chunks: encodeChunks(s2.ts, s2.vs) }], H, 3 * H, null);
  const db = await openDB(dir, {}, { noBackground: true, inlineCompaction: true });
  t.after(() => db.close());
  assert.equal(db.blockMetas().length, 2);
  const read = (): Map<string, number[]> => {
    const out = new Map<string, number[]>();
    const ss = db.querier(0, 3 * H).select(true, undefined, Matcher.equal('__name__', 'o'));
    while (ss.next()) {
      const it = ss.at().iterator();
      const ts: number[] = [];
      while (it.next() !== 0) {
        assert.equal(it.atF(), ss.at().labels.get('k') === 'b' ? 7 : it.atT() / 1000);
        ts.push(it.atT());
      }
      out.set(ss.at().labels.get('k'), ts);
    }
    return out;
  };
  const before = read();
  const ta = before.get('a')!;
  // 0..1h every 60 s, then 1h..3h every 30 s: the union, each timestamp once, in order.
  assert.equal(ta.length, 60 + 240);
  assert.ok(ta.every((x, i) => i === 0 || x > ta[i - 1]!));
  assert.equal(before.get('b')!.length, 18);
  await db.compact();
  const metas = db.blockMetas();
  assert.equal(metas.length, 1);
  assert.deepEqual(
    [metas[0]!.minTime, metas[0]!.maxTime, metas[0]!.compaction.level],
    [0, 3 * H, 2],
  );
  assert.equal(metas[0]!.compaction.sources.length, 2);
  assert.deepEqual(read(), before);
});
