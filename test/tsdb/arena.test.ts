import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteArena, XORAppender, XORIterator } from '../../src/tsdb/chunkenc/index.js';

test('arena: slots of live chunks never overlap, freed slots and emptied pages are reused zeroed', () => {
  const arena = new ByteArena();
  const owner = new Map<Uint8Array, Int32Array>();
  const mark = (s: { page: Uint8Array; off: number }, size: number, id: number): void => {
    let o = owner.get(s.page);
    if (!o) owner.set(s.page, (o = new Int32Array(s.page.length / 32).fill(-1)));
    for (let k = s.off / 32; k < (s.off + size) / 32; k++) {
      assert.equal(o[k], -1, `slot ${id} overlaps slot ${o[k]}`);
      o[k] = id;
    }
    for (let i = s.off; i < s.off + size; i++) assert.equal(s.page[i], 0);
    s.page.fill(0xaa, s.off, s.off + size);
  };
  const unmark = (s: { page: Uint8Array; off: number }, size: number): void => {
    owner.get(s.page)!.fill(-1, s.off / 32, (s.off + size) / 32);
  };
  // Many "chunks" growing in step through the sizes, as a head's open chunks do.
  const n = 20_000;
  let live = Array.from({ length: n }, (_, i) => {
    const s = arena.alloc(20);
    mark(s, 32, i);
    return { s, size: 32 };
  });
  const pagesAfterFirst = owner.size;
  for (const size of [64, 128, 256, 512]) {
    live = live.map((x, i) => {
      const s = arena.alloc(size - 1);
      mark(s, size, i);
      unmark(x.s, x.size);
      arena.release(x.s.handle);
      return { s, size };
    });
  }
  // The small sizes' pages emptied as chunks moved up and were carved again for larger slots.
  const used = n * 512;
  const total = [...owner.keys()].reduce((a, p) => a + p.length, 0);
  assert.ok(total < used * 1.5, `arena holds ${total} bytes for ${used} live`);
  assert.ok(owner.size > pagesAfterFirst);
});

test('arena: an XOR chunk grown inside the arena reads back like one with its own buffer', () => {
  const arena = new ByteArena();
  const a = new XORAppender(32, arena);
  const b = new XORAppender(32);
  const others: XORAppender[] = [];
  for (let i = 0; i < 240; i++) {
    const t = 1_700_000_000_000 + i * 15_000 + (i % 7);
    const v = i * 1.37 + Math.sin(i);
    a.append(t, v);
    b.append(t, v);
    // Neighbours that grow and give slots back between this chunk's appends.
    const o = new XORAppender(32, arena);
    o.append(t, -v);
    others.push(o);
    if (others.length > 3) others.shift()!.release();
  }
  assert.deepEqual(a.bytes(), b.bytes());
  const it = new XORIterator(a.bytes());
  let k = 0;
  while (it.next() !== 0) k++;
  assert.equal(k, 240);
  assert.equal(it.err(), null);
});
