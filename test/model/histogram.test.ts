// model/histogram: Prometheus's layout rules — compacting away empty buckets, lowering the
// resolution (what native_histogram_bucket_limit does), and the label formatting of le/quantile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FloatHistogram,
  Histogram,
  compactBuckets,
  reduceResolution,
} from '../../src/model/histogram/index.js';
import { formatOpenMetricsFloat } from '../../src/model/textparse/index.js';

test('compacting drops empty buckets and splits spans around them', () => {
  // Buckets 0..5 as deltas: absolute 1, 0, 0, 2, 2, 0.
  assert.deepEqual(compactBuckets([{ offset: 0, length: 6 }], [1, -1, 0, 2, 0, -2], true), {
    spans: [
      { offset: 0, length: 1 },
      { offset: 2, length: 2 },
    ],
    buckets: [1, 1, 0],
  });
  assert.deepEqual(
    compactBuckets(
      [
        { offset: -2, length: 2 },
        { offset: 0, length: 1 },
      ],
      [0, 3, 4],
      false,
    ),
    { spans: [{ offset: -1, length: 2 }], buckets: [3, 4] },
  );
});

test('reducing the resolution merges buckets pairwise (index i into ceil(i/2))', () => {
  const h = Histogram.of({
    schema: 0,
    count: 10,
    sum: 5,
    positiveSpans: [{ offset: 1, length: 4 }],
    positiveBuckets: [1, 1, 1, 1],
  });
  const r = reduceResolution(h, true);
  assert.ok(r instanceof Histogram);
  assert.equal(r.schema, -1);
  // Absolute 1,2,3,4 at 1..4 → 1+2 at 1, 3+4 at 2.
  assert.deepEqual(r.positiveSpans, [{ offset: 1, length: 2 }]);
  assert.deepEqual(r.positiveBuckets, [3, 4]);
  assert.equal(r.toString(), '{count:10, sum:5, (1,4]:3, (4,16]:7}');
  const f = reduceResolution(
    FloatHistogram.of({
      schema: 2,
      negativeSpans: [{ offset: -1, length: 3 }],
      negativeBuckets: [1, 2, 4],
    }),
    false,
  );
  assert.deepEqual([f.negativeSpans, f.negativeBuckets], [[{ offset: 0, length: 2 }], [3, 4]]);
});

test('le and quantile values read as floats', () => {
  assert.deepEqual([1, 0, 0.5, 16, 1e21, 2.5e-7, Infinity].map(formatOpenMetricsFloat), [
    '1.0',
    '0.0',
    '0.5',
    '16.0',
    '1e+21',
    '2.5e-07',
    '+Inf',
  ]);
});
