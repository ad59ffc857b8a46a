// Fuzzing the chunks target (test/fuzz/targets/): properties over structured inputs and the
// corpus replay; the XOR encoding's round trip: any samples (any float bits, staleness markers
// included) read back exactly as appended; and a chunk file that fails to open leaves no
// descriptor behind (found by the fuzz loop: it ran out of descriptors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XORIterator } from '../../src/tsdb/chunkenc/index.js';
import { ChunkFileError, ChunkReader } from '../../src/tsdb/chunks/index.js';
import { fuzzTests, SEED } from './harness.js';
import { openFds, xorChunk } from './targets/tsdb.js';

fuzzTests('chunks');

test('chunks: an XOR chunk reads back every sample bit for bit', () => {
  const bits = new Float64Array(1);
  const u32 = new Uint32Array(bits.buffer);
  const value = fc.oneof(
    fc.double(),
    fc
      .tuple(fc.nat(0xffffffff), fc.nat(0xffffffff))
      .map(([hi, lo]) => ((u32[1] = hi), (u32[0] = lo), bits[0]!)),
  );
  const delta = fc.oneof(
    fc.integer({ min: 0, max: 60_000 }),
    fc.constantFrom(0, 1, 2 ** 13, 2 ** 16, 2 ** 19, 2 ** 31, 2 ** 40),
  );
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 50), max: 2 ** 50 }),
      fc.array(fc.tuple(delta, value), { minLength: 1, maxLength: 240 }),
      (t0, ds) => {
        let t = t0;
        const samples = ds.map(([d, v]) => [(t += d), v] as const);
        const it = new XORIterator(xorChunk(samples));
        const back = new Float64Array(1);
        const backU32 = new Uint32Array(back.buffer);
        for (const [st, sv] of samples) {
          assert.notEqual(it.next(), 0, 'chunk ended early');
          assert.equal(it.atT(), st);
          bits[0] = sv;
          backU32[1] = it.atHi();
          backU32[0] = it.atLo();
          assert.deepEqual([backU32[1], backU32[0]], [u32[1], u32[0]]);
        }
        assert.equal(it.next(), 0);
        assert.equal(it.err(), null);
      },
    ),
    { numRuns: 300, seed: SEED },
  );
});

test('chunks: a chunk file that fails to open (bad magic, too short) leaves no descriptor open', (t) => {
  if (openFds() === 0) return t.skip('no /proc/self/fd here');
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-chunkfds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, '000001'), Uint8Array.from([1, 2, 3, 4, 1, 0, 0, 0]));
  writeFileSync(join(dir, '000002'), Uint8Array.from([0x85, 0xbd]));
  const before = openFds();
  for (let i = 0; i < 50; i++) {
    for (const f of ['000001', '000002'])
      assert.throws(() => new ChunkReader(dir, [f]), ChunkFileError);
  }
  assert.equal(openFds(), before);
});
