// Faults: a damaged block fails the storage's open (as Prometheus's) or the query that reads it,
// and stays on disk; a failing disk makes
// commits fail with a counted error, and appends resume once writes succeed again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { StorageError, StorageReadError } from '../../src/storage/index.js';
import { newLogger } from '../../src/util/log.js';
import { newRegistry } from '../../src/util/metrics.js';
import { openDB, type DB } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';

const H = 3600_000;

async function makeBlocks(dir: string): Promise<string[]> {
  const db = await openDB(dir, {}, { noBackground: true, inlineCompaction: true });
  const app = db.appender();
  for (let s = 0; s < 3; s++) {
    let ref = 0;
    for (let t = 0; t <= 9 * H; t += 60_000)
      ref = app.append(ref, Labels.fromStrings('__name__', 'f', 's', String(s)), t, t);
  }
  await app.commit();
  await db.compact();
  const ulids = db.blockMetas().map((m) => m.ulid);
  await db.close();
  return ulids;
}

function count(db: DB): number {
  const ss = db.querier(0, 10 * H).select(true, undefined, Matcher.equal('__name__', 'f'));
  let n = 0;
  while (ss.next()) {
    const it = ss.at().iterator();
    while (it.next() !== 0) n++;
  }
  return n;
}

for (const damage of ['index checksum', 'bad meta']) {
  test(`a block with a ${damage} is a corrupted block: the storage does not open (as Prometheus), the block stays on disk`, async (t) => {
    const { dir, cleanup } = tempDir('tsdb-fault-');
    t.after(cleanup);
    const ulids = await makeBlocks(dir);
    assert.ok(ulids.length >= 3);
    const victim = ulids[1]!;
    const bdir = join(dir, victim);
    if (damage === 'index checksum') {
      const p = join(bdir, 'index');
      const b = readFileSync(p);
      b[14]! ^= 0xff; // inside the symbol table
      writeFileSync(p, b);
    } else writeFileSync(join(bdir, 'meta.json'), '{"ulid": ');
    const lines: string[] = [];
    const logger = newLogger({ level: 'info', write: (l: string) => void lines.push(l) });
    const reg = newRegistry();
    await assert.rejects(
      openDB(dir, {}, { noBackground: true, logger, registry: reg }),
      new RegExp(`^Error: reloadBlocks: corrupted block ${victim}: `),
    );
    assert.ok(existsSync(bdir), 'damaged block kept on disk');
    const log = lines.join('');
    assert.match(log, new RegExp(`block=${victim}`));
    assert.match(log, /level=error/);
    assert.match(
      await reg.getSingleMetricAsString('prometheus_tsdb_reloads_failures_total'),
      / 1\n?$/m,
    );
  });
}

test('a block with truncated chunks opens (Prometheus checks chunk files at read); a query reading them fails, never a partial answer', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-fault-');
  t.after(cleanup);
  const ulids = await makeBlocks(dir);
  const victim = ulids[1]!;
  const p = join(dir, victim, 'chunks', '000001');
  truncateSync(p, Math.floor(statSync(p).size / 2));
  const db = await openDB(dir, {}, { noBackground: true });
  t.after(() => db.close());
  assert.equal(db.blockMetas().length, ulids.length);
  assert.throws(
    () => count(db),
    (e: Error) =>
      e instanceof StorageReadError &&
      new RegExp(`^cannot populate chunk \\d+ from block ${victim}: `).test(e.message),
  );
});

test('a failing disk makes commits fail (counted) without losing what was committed; writes resume', async (t) => {
  if (!existsSync('/dev/full')) {
    t.skip('no /dev/full on this machine');
    return;
  }
  const { dir, cleanup } = tempDir('tsdb-fault-');
  t.after(cleanup);
  const reg = newRegistry();
  const db = await openDB(dir, {}, { noBackground: true, registry: reg });
  const ls = Labels.fromStrings('__name__', 'd');
  const a1 = db.appender();
  a1.append(0, ls, 1000, 1);
  await a1.commit();
  // Point the WAL's file descriptor at /dev/full (ENOSPC on every write) for a while.
  const wal = (db as unknown as { wal: { fd: number } }).wal;
  const realFd = wal.fd;
  const full = openSync('/dev/full', 'w');
  wal.fd = full;
  const a2 = db.appender();
  a2.append(0, ls, 2000, 2);
  await assert.rejects(
    a2.commit(),
    (e: unknown) =>
      e instanceof StorageError &&
      e.kind === 'disk' &&
      /^write to WAL: log samples: write .*\/wal\/\d{8}: no space left on device$/.test(e.message),
  );
  assert.match(
    await reg.getSingleMetricAsString('prometheus_tsdb_wal_writes_failed_total'),
    / 1$/m,
  );
  wal.fd = realFd;
  closeSync(full);
  // Space is back: the same sample goes in now.
  const a3 = db.appender();
  a3.append(0, ls, 2000, 2);
  a3.append(0, ls, 3000, 3);
  await a3.commit();
  await db.close();
  const db2 = await openDB(dir, {}, { noBackground: true });
  t.after(() => db2.close());
  const ss = db2.querier(0, 10_000).select(true, undefined, Matcher.equal('__name__', 'd'));
  assert.ok(ss.next());
  const it = ss.at().iterator();
  const got: number[] = [];
  while (it.next() !== 0) got.push(it.atT());
  assert.deepEqual(got, [1000, 2000, 3000]);
  assert.equal(readdirSync(join(dir, 'wal')).length >= 1, true);
});

test('a WAL this server cannot read (zstd records) stops the open with a clear error and is left untouched', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-fault-');
  t.after(cleanup);
  const { mkdirSync } = await import('node:fs');
  const { crc32c } = await import('../../src/tsdb/encoding/index.js');
  mkdirSync(join(dir, 'wal'));
  const payload = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3, 4]);
  const seg = Buffer.alloc(7 + payload.length);
  seg[0] = 1 | (1 << 4); // full record, zstd flag
  seg.writeUInt16BE(payload.length, 1);
  seg.writeUInt32BE(crc32c(payload), 3);
  payload.copy(seg, 7);
  writeFileSync(join(dir, 'wal', '00000000'), seg);
  await assert.rejects(
    openDB(dir, {}, { noBackground: true }),
    /zstd-compressed WAL records are not supported/,
  );
  assert.ok(readFileSync(join(dir, 'wal', '00000000')).equals(seg));
});
