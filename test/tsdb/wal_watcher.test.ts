// The WAL watcher remote write reads from: it hands over every samples record written after its
// start position, in order, across page boundaries, multi-page records and segment cuts; it
// stops while its consumer is full and goes on from there; segments removed before it read them
// are reported and skipped.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../src/model/labels/index.ts';
import { EncBuf } from '../../src/tsdb/encoding/index.ts';
import {
  WAL,
  WALWatcher,
  encodeSamplesRecord,
  encodeSeriesRecord,
  segName,
  type WatcherConsumer,
} from '../../src/tsdb/wal/index.ts';
import { STALE_NAN, isStaleNaN } from '../../src/model/value/index.ts';

function tmp(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'walwatch-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Writes one commit as the head does: a series record for new refs, then a samples record. */
function commit(
  wal: WAL,
  refs: number[],
  t0: number,
  v: (i: number) => number,
  newSeries = false,
): void {
  const recs: Uint8Array[] = [];
  if (newSeries) {
    const e = new EncBuf(256);
    encodeSeriesRecord(
      e,
      refs.map((ref) => ({ ref, labels: Labels.fromStrings('__name__', `m${ref}`) })),
    );
    recs.push(e.bytes().slice());
  }
  const e = new EncBuf(256);
  // Typed arrays: a NaN stored in a plain array may lose its payload (V8 quiets it), a stale marker with it.
  const ts = Float64Array.from(refs, (_, i) => t0 + i);
  const vs = new Float64Array(refs.length);
  for (let i = 0; i < refs.length; i++) vs[i] = v(i);
  encodeSamplesRecord(e, refs, ts, vs, refs.length);
  recs.push(e.bytes().slice());
  wal.log(recs);
}

class Collector implements WatcherConsumer {
  got: { ref: number; t: number; v: number; stale: boolean }[] = [];
  limit = Infinity;
  skips: [number, number][] = [];
  corruptions: string[] = [];
  samples(refs: Float64Array, ts: Float64Array, vs: Float64Array, n: number): void {
    for (let i = 0; i < n; i++)
      this.got.push({ ref: refs[i]!, t: ts[i]!, v: vs[i]!, stale: isStaleNaN(vs[i]!) });
  }
  full(): boolean {
    return this.got.length >= this.limit;
  }
  skipped(from: number, to: number): void {
    this.skips.push([from, to]);
  }
  corrupt(_segment: number, reason: string): void {
    this.corruptions.push(reason);
  }
  records = new Map<string, number>();
  recordRead(type: string): void {
    this.records.set(type, (this.records.get(type) ?? 0) + 1);
  }
}

/** A fresh WAL (after what before() writes) and a watcher from its end on. */
async function watched(
  t: TestContext,
  segmentSize: number,
  compress: boolean,
  before?: (wal: WAL) => void,
): Promise<{ dir: string; wal: WAL; c: Collector; w: WALWatcher }> {
  const dir = tmp(t);
  const wal = new WAL(dir, segmentSize, compress);
  await wal.replay(() => {});
  before?.(wal);
  const c = new Collector();
  const w = new WALWatcher(dir, wal.position(), c);
  t.after(() => {
    w.close();
    wal.close();
  });
  return { dir, wal, c, w };
}

test('WAL watcher: samples written after the start position, in order, across pages and segments', async (t) => {
  const { wal, c, w } = await watched(t, 256 * 1024, true, (wal) =>
    commit(wal, [1, 2, 3], 1000, (i) => i, true),
  );
  assert.equal(w.poll(), true);
  assert.equal(c.got.length, 0, 'what was written before the start is not sent');

  const refs = Array.from({ length: 5000 }, (_, i) => i + 10); // a record spanning several 32 KiB pages
  let expected = 0;
  for (let k = 0; k < 30; k++) {
    commit(wal, refs, 10_000 * (k + 1), (i) => (i === 7 ? STALE_NAN : k * 1e6 + i + 0.5), k === 0);
    expected += refs.length;
    if (k % 7 === 0) assert.equal(w.poll(), true);
  }
  assert.ok(wal.currentSegment() > 0, 'the test crossed into later segments');
  assert.equal(w.poll(), true);
  assert.equal(c.got.length, expected);
  assert.deepEqual(
    [...c.records],
    [
      ['series', 1],
      ['samples', 30],
    ],
  );
  for (let k = 0; k < 30; k++) {
    for (const i of [0, 7, 4999]) {
      const s = c.got[k * refs.length + i]!;
      assert.equal(s.ref, i + 10);
      assert.equal(s.t, 10_000 * (k + 1) + i);
      if (i === 7) assert.ok(s.stale, 'stale markers keep their bits');
      else assert.equal(s.v, k * 1e6 + i + 0.5);
    }
  }
});

test('WAL watcher: a full consumer stops it; the next poll goes on from the same record', async (t) => {
  const { wal, c, w } = await watched(t, 128 * 1024, false);
  for (let k = 0; k < 100; k++) commit(wal, [1, 2, 3, 4], k * 100, () => k, k === 0);
  c.limit = 10;
  assert.equal(w.poll(), false, 'stopped: the consumer is full');
  assert.equal(c.got.length, 12, 'whole records only: it stops after the record that filled it');
  let rounds = 0;
  while (!w.poll()) {
    c.limit += 10;
    rounds++;
  }
  assert.ok(rounds > 5);
  assert.equal(c.got.length, 400);
  assert.deepEqual(
    c.got.map((s) => s.t),
    Array.from({ length: 100 }, (_, k) => [k * 100, k * 100 + 1, k * 100 + 2, k * 100 + 3]).flat(),
  );
});

test('WAL watcher: segments removed before it reached them are reported and skipped', async (t) => {
  const { dir, wal, c, w } = await watched(t, 128 * 1024, false);
  commit(wal, [1], 1, () => 1, true);
  wal.cut();
  commit(wal, [1], 2, () => 2);
  wal.cut();
  commit(wal, [1], 3, () => 3);
  // A checkpoint removes the first two segments before the watcher has opened them.
  rmSync(join(dir, segName(0)));
  rmSync(join(dir, segName(1)));
  assert.equal(w.poll(), true);
  assert.deepEqual(c.skips, [[0, 1]]);
  assert.deepEqual(
    c.got.map((s) => s.v),
    [3],
  );
  // An opened segment stays readable to its end even when it is removed meanwhile.
  commit(wal, [1], 4, () => 4);
  wal.cut();
  commit(wal, [1], 5, () => 5);
  rmSync(join(dir, segName(2)));
  assert.equal(w.poll(), true);
  assert.deepEqual(
    c.got.map((s) => s.v),
    [3, 4, 5],
  );
  assert.deepEqual(c.corruptions, []);
});
