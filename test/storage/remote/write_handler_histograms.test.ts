// The remote-write receiver meets native histograms (prompb TimeSeries field 4), which this TSDB
// cannot store yet: as Prometheus without the feature, the request fails whole with 500 and
// nothing of it is stored — the histograms are never dropped silently while the floats go in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { compress } from 'snappyjs';
import { Matcher } from '../../../src/model/labels/index.ts';
import { ProtoWriter } from '../../../src/storage/remote/protobuf.ts';
import { writeHandler } from '../../../src/storage/remote/write_handler.ts';
import { openDB } from '../../../src/tsdb/index.ts';
import { nopLogger } from '../../../src/util/log.ts';
import { tempDir } from '../../support/peers.ts';

test('a remote write carrying native histograms is refused whole (500), nothing stored', async (t) => {
  const { dir, cleanup } = tempDir('rw-hist-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true });
  t.after(() => db.close());
  const server = createServer((req, res) => void writeHandler(db, nopLogger)(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const w = new ProtoWriter();
  w.message(1, (ts) => {
    ts.message(1, (l) => {
      l.string(1, '__name__');
      l.string(2, 'h');
    });
    ts.message(2, (s) => {
      s.double(1, 3);
      s.int64(2, 1000);
    });
    // A prompb.Histogram: count_int 5, sum 2.5, schema 0, timestamp 1000.
    ts.message(4, (h) => {
      h.int64(1, 5);
      h.double(3, 2.5);
      h.int64(15, 1000);
    });
  });
  const port = (server.address() as { port: number }).port;
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/write`, {
    method: 'POST',
    body: Buffer.from(compress(w.finish())),
  });
  assert.equal(res.status, 500);
  assert.equal(await res.text(), 'native histograms are disabled\n');
  const ss = db.querier(0, 10_000).select(true, undefined, Matcher.equal('__name__', 'h'));
  assert.equal(ss.next(), false, 'the float sample of the refused request is not stored either');
});
