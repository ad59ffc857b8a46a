// Randomized: iterators over head chunks, block chunks and merged overlapping data agree with a
// plain sorted array for every next/seek sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { encodeChunks, openDB, writeBlock } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';

const H = 3600_000;

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

test('next/seek over blocks + head match a reference, for random data and random seeks', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-iter-');
  t.after(cleanup);
  const r = rng(42);
  const ref = new Map<number, number>(); // t -> v
  // An older block written directly (possibly overlapping what the head later holds).
  const bts: number[] = [];
  for (let ts = 0; ts < 2 * H; ts += 1 + Math.floor(r() * 90_000)) bts.push(ts);
  const bvs = bts.map(() => Math.round(r() * 1e6) / 100);
  bts.forEach((ts, i) => ref.set(ts, bvs[i]!));
  const ls = Labels.fromStrings('__name__', 'it');
  writeBlock(
    dir,
    [{ labels: ls, chunks: encodeChunks(Float64Array.from(bts), Float64Array.from(bvs)) }],
    0,
    2 * H,
    null,
  );
  const db = await openDB(dir, {}, { noBackground: true, inlineCompaction: true });
  t.after(() => db.close());
  const app = db.appender();
  let sref = 0;
  for (let ts = 2 * H; ts < 9 * H; ts += 1 + Math.floor(r() * 60_000)) {
    const v = r() < 0.1 ? 0 : r() * 100;
    sref = app.append(sref, ls, ts, v);
    ref.set(ts, v);
  }
  await app.commit();
  await db.compact(); // some of it into blocks, the rest stays in the head
  assert.ok(db.blockMetas().length >= 2);
  const times = [...ref.keys()].sort((a, b) => a - b);
  for (let round = 0; round < 200; round++) {
    const mint = Math.floor(r() * 9 * H) - H;
    const maxt = mint + Math.floor(r() * 5 * H);
    const want = times.filter((x) => x >= mint && x <= maxt);
    const ss = db.querier(mint, maxt).select(true, undefined, Matcher.equal('__name__', 'it'));
    if (want.length === 0) {
      if (ss.next()) {
        const it = ss.at().iterator();
        assert.equal(it.next(), 0, `round ${round}: nothing in [${mint}, ${maxt}]`);
      }
      continue;
    }
    assert.ok(ss.next(), `round ${round}`);
    const it = ss.at().iterator();
    let i = -1; // index into want of the iterator's position
    for (let step = 0; step < 30; step++) {
      if (r() < 0.5) {
        const vt = it.next();
        i++;
        if (i >= want.length) {
          assert.equal(vt, 0);
          break;
        }
        assert.equal(vt, 1, `round ${round} step ${step} next`);
      } else {
        const target = mint + Math.floor(r() * (maxt - mint + 1));
        const vt = it.seek(target);
        let j = want.findIndex((x) => x >= target);
        if (j >= 0 && i >= 0 && j < i) j = i; // seek never moves backwards
        if (j < 0) {
          assert.equal(vt, 0, `round ${round} step ${step} seek ${target}`);
          break;
        }
        assert.equal(vt, 1, `round ${round} step ${step} seek ${target}`);
        i = j;
      }
      assert.equal(it.atT(), want[i], `round ${round} step ${step}`);
      assert.equal(it.atF(), ref.get(want[i]!));
    }
    assert.equal(it.err(), null);
  }
});
