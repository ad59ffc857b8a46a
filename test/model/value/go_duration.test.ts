// Go's time.Duration.String(), the one formatter for log fields, promtool and backtest output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration } from '../../../src/model/value/index.ts';

test("durations print as Go's Duration.String()", () => {
  assert.deepEqual(
    [0, 0.0005, 0.312, 1.5, 999, 1000, 2300, 60_000, 61_500, 7_185_001, -1500].map(
      formatGoDuration,
    ),
    [
      '0s',
      '500ns',
      '312µs',
      '1.5ms',
      '999ms',
      '1s',
      '2.3s',
      '1m0s',
      '1m1.5s',
      '1h59m45.001s',
      '-1.5s',
    ],
  );
});
