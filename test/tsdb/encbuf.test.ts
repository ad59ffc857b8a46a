// The encoders refuse what they cannot hold, loudly: an Infinity once sent putUvarint into an
// endless loop (a scraped 400-digit timestamp hung the server), a fraction was silently cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecBuf, EncBuf, EncodeRangeError } from '../../src/tsdb/encoding/index.ts';
import { Labels } from '../../src/model/labels/index.ts';
import { openDB } from '../../src/tsdb/index.ts';
import { tempDir } from '../support/peers.ts';

test('putVarint/putUvarint/putBE64 throw on non-integers and out-of-range numbers', () => {
  const e = new EncBuf();
  for (const x of [Infinity, -Infinity, NaN, 1.5, 2 ** 63])
    assert.throws(() => e.putVarint(x), EncodeRangeError, String(x));
  for (const x of [Infinity, NaN, -1, 0.5, 2 ** 64])
    assert.throws(() => e.putUvarint(x), EncodeRangeError, String(x));
  for (const x of [Infinity, -1, 2 ** 64])
    assert.throws(() => e.putBE64(x), EncodeRangeError, String(x));
  assert.equal(e.len, 0, 'nothing written by a refused call');
});

test('the int64 edges still encode as Go does', () => {
  const e = new EncBuf();
  e.putVarint(-(2 ** 63));
  assert.deepEqual([...e.bytes()], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.equal(new DecBuf(e.bytes()).varint(), -(2 ** 63));
  e.reset();
  e.putVarint(-5);
  e.putVarint(2 ** 53);
  e.putUvarint(2 ** 64 - 2 ** 11);
  const d = new DecBuf(e.bytes());
  assert.equal(d.varint(), -5);
  assert.equal(d.varint(), 2 ** 53);
  assert.equal(d.uvarint(), 2 ** 64 - 2 ** 11);
});

test('a commit the WAL cannot encode is refused and leaves the series appendable', async (t) => {
  const { dir, cleanup } = tempDir('encbuf-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true });
  t.after(() => db.close());
  const ls = Labels.fromStrings('__name__', 'm');
  const a = db.appender();
  a.append(0, ls, 1000, 1);
  a.append(0, ls, Infinity, 2);
  await assert.rejects(a.commit(), EncodeRangeError);
  const b = db.appender();
  b.append(0, ls, 2000, 3);
  await b.commit();
  assert.equal(db.head.getByLabels(ls)!.lastT, 2000);
});
