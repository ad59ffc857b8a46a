// The histogram chunk encodings (2 and 3) round-trip what they are given: counts, sums, stale
// markers, negative and positive buckets, layouts that widen, timestamps far from zero, every
// varbit size. (Bit-exactness against the real Prometheus is in native_histogram_migration.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FloatHistogram, Histogram, bucketBound } from '../../src/model/histogram/index.js';
import { STALE_NAN, isStaleNaN } from '../../src/model/value/index.js';
import { ValueType } from '../../src/storage/index.js';
import {
  BitReader,
  BitWriter,
  FloatHistogramAppender,
  FloatHistogramIterator,
  HistogramAppender,
  HistogramIterator,
  putVarbitInt,
  putVarbitUint,
  readVarbitInt,
  readVarbitUint,
} from '../../src/tsdb/chunkenc/index.js';

test('varbit integers of every size round-trip, at and around each bucket edge', () => {
  const vals = [
    0,
    1,
    -1,
    4,
    -3,
    5,
    -4,
    32,
    -31,
    33,
    256,
    -255,
    257,
    2048,
    -2047,
    2049,
    131072,
    -131071,
    131073,
    16777216,
    -16777215,
    16777217,
    2 ** 40,
    -(2 ** 40),
    2 ** 53 - 1,
    -(2 ** 53 - 1),
    1796414264066,
    -1796414264066,
  ];
  const w = new BitWriter(0);
  for (const v of vals) putVarbitInt(w, v);
  for (const v of vals) if (v >= 0) putVarbitUint(w, v);
  const r = new BitReader(w.bytes(), 0);
  for (const v of vals) assert.equal(readVarbitInt(r), v);
  for (const v of vals) if (v >= 0) assert.equal(readVarbitUint(r), v);
});

/** A deterministic walk of histograms: counts grow, buckets appear on both sides, now and then a stale marker. */
function walk(n: number): { t: number; h: Histogram }[] {
  const out: { t: number; h: Histogram }[] = [];
  let t = 1796414264066;
  for (let i = 0; i < n; i++) {
    t += 15_000 + ((i * 7919) % 13) - 6;
    const np = 1 + Math.min(i >> 2, 5);
    const nn = i > 5 ? 2 : 0;
    // Absolute counts that only grow, as deltas between neighbouring buckets.
    const deltas = (abs: number[]): number[] => abs.map((c, k) => c - (k === 0 ? 0 : abs[k - 1]!));
    const pos = deltas(Array.from({ length: np }, (_, k) => (i + 1) * (((k * 3) % 4) + 1)));
    const neg = deltas(Array.from({ length: nn }, (_, k) => i * (k + 1)));
    out.push({
      t,
      h: Histogram.of({
        schema: -1,
        zeroThreshold: 0.001,
        zeroCount: i * 2,
        count: 1e6 + i * 1000,
        sum: i === 9 ? STALE_NAN : i * 123.456 - 50,
        positiveSpans: [{ offset: -2, length: np }],
        negativeSpans:
          nn > 0
            ? [
                { offset: 3, length: 1 },
                { offset: 2, length: 1 },
              ]
            : [],
        positiveBuckets: pos,
        negativeBuckets: neg,
      }),
    });
  }
  return out;
}

function str(h: Histogram | FloatHistogram): string {
  return isStaleNaN(h.sum) ? 'stale' : h.toString();
}

test('integer histogram chunks round-trip, re-coding as the layout widens', () => {
  const samples = walk(9); // up to (not including) the stale marker
  let a = new HistogramAppender();
  for (const s of samples) {
    const k = a.appendable(s.h);
    if (k === 'widen') a = a.widenedFor(s.h);
    else assert.equal(k, 'ok', `sample at ${s.t}`);
    a.append(s.t, s.h);
  }
  const it = new HistogramIterator(a.bytes());
  const got: string[] = [];
  while (it.next() === ValueType.Histogram) got.push(`${it.atT()} ${str(it.atHistogram())}`);
  assert.equal(it.err(), null);
  // Earlier samples read back in the widened layout: the same buckets, with empty ones added.
  assert.deepEqual(
    got,
    samples.map((s) => `${s.t} ${str(s.h)}`),
  );
});

test('a stale marker ends what a chunk takes; float histogram chunks round-trip too', () => {
  const samples = walk(12).slice(6);
  let n = 0;
  let a = new FloatHistogramAppender();
  for (const s of samples) {
    const fh = s.h.toFloat();
    const k = a.appendable(fh);
    if (k === 'widen') a = a.widenedFor(fh);
    else if (k !== 'ok') break;
    a.append(s.t, fh);
    n++;
  }
  assert.equal(n, 4, 'up to and including the stale marker');
  assert.equal(
    a.appendable(samples[n]!.h.toFloat()),
    'new',
    'after a stale marker only stale markers fit',
  );
  const it = new FloatHistogramIterator(a.bytes());
  const got: string[] = [];
  while (it.next() === ValueType.FloatHistogram)
    got.push(`${it.atT()} ${str(it.atFloatHistogram())}`);
  assert.equal(it.err(), null);
  assert.deepEqual(
    got,
    samples.slice(0, n).map((s) => `${s.t} ${str(s.h.toFloat())}`),
  );
});

test("bucket bounds are the schema's powers of two, the last finite one ends at the largest float", () => {
  assert.equal(bucketBound(0, 0), 1);
  assert.equal(bucketBound(3, 0), 8);
  assert.equal(bucketBound(-1, 0), 0.5);
  assert.equal(bucketBound(2, 1), 2);
  assert.equal(bucketBound(1, 1), Math.SQRT2);
  assert.equal(bucketBound(1, -1), 4);
  assert.equal(bucketBound(1024, 0), Number.MAX_VALUE);
  assert.equal(bucketBound(1025, 0), Infinity);
  assert.equal(
    Histogram.of({
      count: 3,
      sum: -1.5,
      zeroThreshold: 0.5,
      zeroCount: 1,
      negativeSpans: [{ offset: 0, length: 2 }],
      negativeBuckets: [1, -1],
      positiveSpans: [{ offset: 1, length: 1 }],
      positiveBuckets: [1],
    }).toString(),
    '{count:3, sum:-1.5, [-1,-0.5):1, [-0.5,0.5]:1, (1,2]:1}',
  );
});
