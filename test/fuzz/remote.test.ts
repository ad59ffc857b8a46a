// Fuzzing the remote target (test/fuzz/targets/): properties over structured inputs and the
// corpus replay; and the snappy decoder (util/snappy) against snappyjs's compressor: any bytes
// compressed there decode here to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compress } from 'snappyjs';
import { snappyDecode } from '../../src/util/snappy.js';
import { fuzzTests, SEED } from './harness.js';

fuzzTests('remote');

test('remote: snappy blocks from snappyjs decode to the bytes compressed', () => {
  const repetitive = fc
    .array(fc.constantFrom('up', '{job="node"}', ' ', '\u0000', 'é', 'http_requests_total'), {
      maxLength: 3000,
    })
    .map((a) => new TextEncoder().encode(a.join('')));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 5000 }),
        repetitive,
        fc.uint8Array({ minLength: 70_000, maxLength: 80_000 }),
      ),
      (b) => {
        assert.ok(Buffer.from(snappyDecode(compress(b))).equals(b));
      },
    ),
    { numRuns: 200, seed: SEED },
  );
});
