// XXH64 against the reference implementation's values (libxxhash's XXH64(…, 0)), across the
// short, 4-byte, 8-byte and 32-byte-stripe paths; and Prometheus's labels hash built on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promLabelsHash, xxhash64 } from '../../src/util/xxhash.ts';

test('xxhash64 gives the reference values', () => {
  const cases: [Buffer, bigint][] = [
    [Buffer.from(''), 0xef46db3751d8e999n],
    [Buffer.from('a'), 0xd24ec4f1a98c6e5bn],
    [Buffer.from('abc'), 0x44bc2cf5ad770999n],
    [Buffer.from(Array.from({ length: 300 }, (_, i) => i % 100)), 0x75b2b7bde369159cn],
  ];
  for (const [b, want] of cases) assert.equal(xxhash64(b), want, b.toString('hex').slice(0, 16));
});

test('promLabelsHash is labels.Labels.Hash(): name 0xff value 0xff, in label order', () => {
  assert.equal(
    promLabelsHash([
      ['file', 'rules.yml'],
      ['name', 'g'],
    ]),
    0xed8246c8aab220fdn,
  );
});
