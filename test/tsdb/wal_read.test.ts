import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAL, readSegment } from '../../src/tsdb/wal/index.js';

test('wal: a segment of several read blocks, records spanning pages and blocks, reads back whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wal-read-'));
  try {
    for (const compress of [false, true]) {
      const d = join(dir, String(compress));
      const wal = new WAL(d, 128 * 1024 * 1024, compress);
      await wal.replay(() => {});
      const want: Uint8Array[] = [];
      let seed = 7;
      const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
      // ~5 MiB: small records and 100-300 KiB ones, which cross 32 KiB pages and 1 MiB reads.
      for (let total = 0; total < 5 << 20;) {
        const n =
          rnd() < 0.1 ? 100_000 + Math.floor(rnd() * 200_000) : 1 + Math.floor(rnd() * 3000);
        const r = new Uint8Array(n);
        for (let i = 0; i < n; i++) r[i] = (i * 31 + n) & 0xff;
        r[0] = 2;
        want.push(r);
        wal.log([r]);
        total += n;
      }
      wal.close();
      const got: Uint8Array[] = [];
      const res = readSegment(join(d, '00000000'), (r) => got.push(new Uint8Array(r)));
      assert.equal(res.corruption, null);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `record ${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
