// Fuzzing the wal target (test/fuzz/targets/): properties over structured inputs and the corpus
// replay; and the torn-tail guarantee: a segment cut anywhere (a crash mid-write) yields exactly
// the records that were whole before the cut, with no corruption reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scanRecords } from '../../src/tsdb/wal/index.js';
import { fuzzTests, SEED } from './harness.js';
import { frame, walRecord } from './targets/tsdb.js';

fuzzTests('wal');

test('wal: a segment torn at any byte reads back as the records whole before the tear', () => {
  const big = fc
    .uint8Array({ minLength: 30_000, maxLength: 40_000 })
    .map((b) => Uint8Array.from([2, ...b]));
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          { weight: 5, arbitrary: walRecord.filter((r) => r.length > 0) },
          { weight: 1, arbitrary: big },
        ),
        { minLength: 1, maxLength: 6 },
      ),
      fc.boolean(),
      fc.nat(),
      (recs, compress, cutAt) => {
        const seg = frame(recs, compress);
        // Where each record's last fragment ends, to know which are whole before the cut.
        const ends: number[] = [];
        let count = 0;
        scanRecords(seg, 0, 'ends', () => (count++, true));
        assert.equal(count, recs.length);
        for (let i = 1; i <= recs.length; i++) ends.push(frame(recs.slice(0, i), compress).length);
        const cut = cutAt % (seg.length + 1);
        const got: Uint8Array[] = [];
        const r = scanRecords(
          seg.subarray(0, cut),
          0,
          'torn',
          (rec) => (got.push(rec.slice()), true),
        );
        const whole = ends.filter((e) => e <= cut).length;
        assert.equal(r.corruption, null);
        assert.equal(got.length, whole);
        got.forEach((g, i) => assert.ok(Buffer.from(g).equals(recs[i]!), `record ${i} differs`));
        assert.equal(r.good, whole === 0 ? 0 : ends[whole - 1]);
      },
    ),
    { numRuns: 200, seed: SEED, interruptAfterTimeLimit: 30_000 },
  );
});
