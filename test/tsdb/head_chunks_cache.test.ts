// The head-chunk read cache evicts its oldest chunk in constant time. It used to ask its Map for
// the first key, which walks every entry deleted from the Map's front since the last rehash: a
// query reading more chunks than the cache holds (100k series after a few restarts) spent
// minutes skipping those holes. The work is counted here, not timed: eviction must not iterate
// the Map at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ChunkDiskMapper } from '../../src/tsdb/chunks/index.ts';
import { tempDir } from '../support/peers.ts';

function chunkBytes(i: number): Uint8Array {
  const b = new Uint8Array(1024);
  for (let k = 0; k < b.length; k++) b[k] = (i * 31 + k) & 0xff;
  return b;
}

test('reading many more chunks than the cache holds: oldest-first eviction without iterating the cache', (t) => {
  const { dir, cleanup } = tempDir('head-chunks-');
  t.after(cleanup);
  // 40 000 chunks of 1 KiB against the default 32 MiB cache (which holds 32 768 of them).
  const N = 40_000;
  const HELD = 32 * 1024;
  const m = new ChunkDiskMapper(join(dir, 'chunks_head'));
  t.after(() => m.close());
  const refs: number[] = [];
  for (let i = 0; i < N; i++) refs.push(m.write(i + 1, i * 1000, i * 1000 + 999, 1, chunkBytes(i)));
  m.flush();

  const proto = Map.prototype as unknown as Record<string | symbol, (...a: unknown[]) => unknown>;
  const names: (string | symbol)[] = ['keys', 'values', 'entries', 'forEach', Symbol.iterator];
  const saved = names.map((n) => proto[n]!);
  let iterations = 0;
  names.forEach((n, k) => {
    proto[n] = function (this: Map<unknown, unknown>, ...a: unknown[]) {
      iterations++;
      return saved[k]!.apply(this, a);
    };
  });
  try {
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < N; i++) assert.deepEqual(m.read(refs[i]!), chunkBytes(i));
    }
    // The last ones read are cached: read again, they cost no eviction.
    const before = m.cacheEvictions;
    for (let i = N - HELD; i < N; i++) m.read(refs[i]!);
    assert.equal(m.cacheEvictions, before);
  } finally {
    names.forEach((n, k) => (proto[n] = saved[k]!));
  }
  assert.equal(iterations, 0, 'the cache was iterated while reading');
  // Every read past the first HELD evicted exactly one chunk.
  assert.equal(m.cacheEvictions, 2 * N - HELD);
});

test('chunks flushed after a window of the file was read are read from the file, not the stale window', (t) => {
  const { dir, cleanup } = tempDir('head-chunks-');
  t.after(cleanup);
  const m = new ChunkDiskMapper(join(dir, 'chunks_head'));
  t.after(() => m.close());
  const refs: number[] = [];
  for (let round = 0; round < 50; round++) {
    // A few chunks, flushed, then each read once (the first through the window of that area).
    const fresh: number[] = [];
    for (let i = 0; i < 3; i++)
      fresh.push(
        m.write(
          round * 3 + i + 1,
          round,
          round,
          1,
          chunkBytes(round * 3 + i).subarray(0, 20 + ((round * 7 + i) % 50)),
        ),
      );
    m.flush();
    refs.push(...fresh);
    for (const [k, ref] of fresh.entries())
      assert.deepEqual(
        m.read(ref),
        chunkBytes(round * 3 + k).subarray(0, 20 + ((round * 7 + k) % 50)),
        `round ${round} chunk ${k}`,
      );
  }
  // Also a chunk still in the write buffer, and one that crosses a 64 KiB window boundary.
  const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
  const bigRef = m.write(999, 0, 0, 1, big);
  assert.deepEqual(m.read(bigRef), big);
  m.flush();
  const other = new ChunkDiskMapper(join(dir, 'chunks_head2'));
  t.after(() => other.close());
  const r2 = other.write(1, 0, 0, 1, big);
  other.flush();
  assert.deepEqual(other.read(r2), big);
  assert.ok(m.windowReads > 0);
});
