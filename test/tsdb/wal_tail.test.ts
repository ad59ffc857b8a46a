// Zeros (or any bytes replay reads as page padding) at the end of the last WAL segment: the next
// run writes to a new segment, as Prometheus does at every start, so records committed after
// the zeros are replayed after a kill -9 instead of being cut off as a corrupt padded page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.ts';
import { openDB } from '../../src/tsdb/index.ts';
import { listSegments } from '../../src/tsdb/wal/index.ts';
import { tempDir } from '../support/peers.ts';

const ls = Labels.fromStrings('__name__', 'm');

async function appendAt(db: Awaited<ReturnType<typeof openDB>>, t: number): Promise<void> {
  const a = db.appender();
  a.append(0, ls, t, t);
  await a.commit();
}

test("records written after zeros at the last segment's tail survive the next replay", async (t) => {
  const { dir, cleanup } = tempDir('wal-tail-');
  t.after(cleanup);
  const wal = join(dir, 'wal');
  let db = await openDB(dir, {}, { noBackground: true });
  await appendAt(db, 1000);
  await db.close();
  const segs = listSegments(wal);
  appendFileSync(join(wal, String(segs.at(-1)).padStart(8, '0')), Buffer.alloc(100_000));

  db = await openDB(dir, {}, { noBackground: true });
  await appendAt(db, 2000);
  // A kill -9: the process ends without close(); the lock is released by opening with noLockfile.
  const db2 = await openDB(dir, { noLockfile: true }, { noBackground: true });
  t.after(() => db2.close());
  const ss = db2.querier(0, 10_000).select(true, undefined, Matcher.equal('__name__', 'm'));
  assert.ok(ss.next());
  const it = ss.at().iterator();
  const got: number[] = [];
  while (it.next()) got.push(it.atT());
  assert.deepEqual(got, [1000, 2000]);
  await db.close();
});
