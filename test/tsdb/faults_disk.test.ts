// A full disk, on a real tmpfs that runs out of space: WAL writes, head chunk writes, compaction
// and snapshots fail with the error reported and counted, reads keep answering, nothing committed
// is lost, nothing half-written is left, and writes resume by themselves once space is back.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { StorageError } from '../../src/storage/index.js';
import { newLogger } from '../../src/util/log.js';
import { newRegistry, type Registry } from '../../src/util/metrics.js';
import { openDB, type DB } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';
import { fillDisk, fillInodes, mountTmpfs, unfill, unmount } from '../support/tmpfs.js';

const H = 3600_000;

/** Timestamps per series of every sample named `name` in [0, 100h]. */
function samples(db: DB, name: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const ss = db.querier(0, 100 * H).select(true, undefined, Matcher.equal('__name__', name));
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const ts: number[] = [];
    while (it.next() !== 0) ts.push(it.atT());
    out.set(s.labels.get('s'), ts);
  }
  return out;
}

async function metric(reg: Registry, name: string): Promise<number> {
  const text = await reg.getSingleMetricAsString(name);
  const m = / ([0-9.e+-]+)\s*$/.exec(text);
  return m ? Number(m[1]) : NaN;
}

function logSink(): { logger: ReturnType<typeof newLogger>; text: () => string } {
  const lines: string[] = [];
  return {
    logger: newLogger({ level: 'info', write: (l: string) => void lines.push(l) }),
    text: () => lines.join(''),
  };
}

/** Leftovers of an interrupted write anywhere under dir. */
function halfWritten(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (/\.tmp($|-for-creation$)/.test(f)) out.push(p);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function mountOrSkip(t: TestContext, mb: number, at?: string, options?: string): string | null {
  return mountTmpfs(t, mb, at, options);
}

/**
 * Commits one sample for each series name{s="0".."n-1"} per call, `step` ms after the last;
 * `acked` holds the timestamps of the commits that returned.
 */
function committer(
  db: DB,
  name: string,
  n: number,
  step = 15_000,
): { acked: number[]; commit: () => Promise<void>; upTo: (maxT: number) => Promise<void> } {
  const acked: number[] = [];
  let ts = 0;
  const commit = async (): Promise<void> => {
    ts += step;
    const app = db.appender();
    for (let s = 0; s < n; s++)
      app.append(0, Labels.fromStrings('__name__', name, 's', String(s)), ts, Math.random());
    await app.commit();
    acked.push(ts);
  };
  return {
    acked,
    commit,
    upTo: async (maxT) => {
      while (ts + step <= maxT) await commit();
    },
  };
}

/** Runs commit `times` times on a full disk; returns how many failed, each with an error matching re. */
async function failingCommits(
  commit: () => Promise<void>,
  times: number,
  re: RegExp,
): Promise<number> {
  let failed = 0;
  for (let i = 0; i < times; i++) {
    try {
      await commit();
    } catch (e) {
      assert.ok(e instanceof StorageError && e.kind === 'disk', String(e));
      assert.match((e as Error).message, re);
      failed++;
    }
  }
  return failed;
}

/** db holds exactly `want` for each of the n series of `name`. */
function assertHolds(db: DB, name: string, n: number, want: number[], what = ''): void {
  const got = samples(db, name);
  assert.equal(got.size, n, what);
  for (const [s, ts] of got) assert.deepEqual(ts, want, `${what} s=${s}`);
}

/** Closes db, opens its directory again, and checks it still holds exactly `want`. */
async function assertHoldsAfterReopen(
  db: DB,
  dir: string,
  name: string,
  n: number,
  want: number[],
  what = '',
): Promise<void> {
  await db.close();
  const db2 = await openDB(dir, {}, { noBackground: true });
  try {
    assertHolds(db2, name, n, want, `${what} after reopening`);
  } finally {
    await db2.close();
  }
}

test('disk full: WAL writes fail with ENOSPC (counted), reads answer, commits resume when space returns, nothing acknowledged is lost', async (t) => {
  const mnt = mountOrSkip(t, 8);
  if (mnt === null) return;
  const data = join(mnt, 'data');
  const reg = newRegistry();
  const db = await openDB(data, {}, { noBackground: true, inlineCompaction: true, registry: reg });
  const w = committer(db, 'w', 50);
  for (let i = 0; i < 10; i++) await w.commit();
  const filler = fillDisk(mnt);
  // Worded as Prometheus's: the record that failed, the segment, the system's message.
  const failed = await failingCommits(
    w.commit,
    40,
    /^write to WAL: log (series|samples): write .*\/wal\/\d{8}: no space left on device$/,
  );
  assert.ok(failed > 0, 'some commits failed on the full disk');
  assert.equal(await metric(reg, 'prometheus_tsdb_wal_writes_failed_total'), failed);
  assertHolds(db, 'w', 50, w.acked, 'reads answer, with exactly what was acknowledged');
  unfill(filler);
  for (let i = 0; i < 10; i++) await w.commit();
  await assertHoldsAfterReopen(db, data, 'w', 50, w.acked);
});

test('no file can be created when the WAL needs a new segment: the commit fails (counted), the WAL keeps its segment, and writes resume', async (t) => {
  const mnt = mountOrSkip(t, 8, undefined, 'nr_inodes=64');
  if (mnt === null) return;
  const data = join(mnt, 'data');
  const reg = newRegistry();
  const db = await openDB(
    data,
    { walSegmentSize: 64 * 1024 },
    { noBackground: true, registry: reg },
  );
  const w = committer(db, 'i', 100);
  await w.commit();
  const made = fillInodes(mnt);
  // About 1 KiB a commit: the 64 KiB segment fills and the next one cannot be created.
  const failed = await failingCommits(
    w.commit,
    200,
    /^write to WAL: log samples: open .*\/wal\/\d{8}: no space left on device$/,
  );
  assert.ok(failed > 0);
  assert.equal(await metric(reg, 'prometheus_tsdb_wal_writes_failed_total'), failed);
  for (const p of made) unfill(p);
  for (let i = 0; i < 10; i++) await w.commit();
  await assertHoldsAfterReopen(db, data, 'i', 100, w.acked);
});

test('disk full under chunks_head: commits still succeed, full chunks stay in memory (logged once), files are written again once space returns', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-fault-');
  t.after(cleanup);
  const log = logSink();
  const db = await openDB(
    dir,
    {},
    { noBackground: true, inlineCompaction: true, logger: log.logger },
  );
  let closed = false;
  t.after(async () => {
    if (!closed) await db.close();
  });
  const chunksHead = join(dir, 'chunks_head');
  // A 1 MiB tmpfs over chunks_head (empty: the first chunk file is made when the first chunk is full).
  if (mountOrSkip(t, 1, chunksHead) === null) return;
  const filler = fillDisk(chunksHead);
  const c = committer(db, 'c', 3);
  // Several chunks of 120 samples per series; no commit may throw: the WAL has the samples.
  for (let i = 0; i < 500; i++) await c.commit();
  assert.equal(log.text().match(/Writing head chunks failed/g)?.length, 1, log.text());
  assert.match(log.text(), /level=error.*ENOSPC/);
  assertHolds(db, 'c', 3, c.acked);
  unfill(filler);
  for (let i = 0; i < 500; i++) await c.commit();
  assert.match(log.text(), /Writing head chunks works again/);
  const files = readdirSync(chunksHead).filter((f) => /^\d{6}$/.test(f));
  assert.ok(
    files.some((f) => statSync(join(chunksHead, f)).size > 8),
    `chunk files written: ${files.join(',')}`,
  );
  assertHolds(db, 'c', 3, c.acked);
  // The head spans > 3h: compaction writes a block from the in-memory and the on-disk chunks alike.
  await db.compact();
  assert.ok(db.blockMetas().length >= 1);
  assertHolds(db, 'c', 3, c.acked);
  await db.close();
  closed = true;
  unmount(chunksHead);
  const db2 = await openDB(dir, {}, { noBackground: true });
  t.after(() => db2.close());
  assertHolds(db2, 'c', 3, c.acked);
});

test('disk full during compaction: the failed block write leaves nothing behind, is counted, and the retry succeeds once space returns', async (t) => {
  const mnt = mountOrSkip(t, 8);
  if (mnt === null) return;
  const data = join(mnt, 'data');
  const reg = newRegistry();
  const db = await openDB(data, {}, { noBackground: true, inlineCompaction: true, registry: reg });
  // 4h at 15s for 100 series with random values: blocks of a few hundred KiB.
  const k = committer(db, 'k', 100);
  await k.upTo(4 * H);
  const filler = fillDisk(data);
  await assert.rejects(db.compact(), /ENOSPC/);
  assert.equal(await metric(reg, 'prometheus_tsdb_compactions_failed_total'), 1);
  assert.deepEqual(halfWritten(data), [], 'no half-written block or checkpoint left');
  assert.equal(db.blockMetas().length, 0);
  assertHolds(db, 'k', 100, k.acked, 'while the disk is full');
  unfill(filler);
  await db.compact();
  assert.equal(db.blockMetas().length, 1);
  assert.deepEqual(halfWritten(data), []);
  await assertHoldsAfterReopen(db, data, 'k', 100, k.acked);
});

/**
 * A head compaction (block, chunks_head cut, WAL segment, checkpoint) on a tmpfs where exhaust()
 * takes what is left but `what`; exhaust returns what gives it back. Nothing half-written may be
 * left, and after giving back the next compaction succeeds and nothing is lost.
 */
async function compactionRunsOut(
  t: TestContext,
  options: string | undefined,
  exhaust: (mnt: string) => () => void,
  what: string,
): Promise<boolean> {
  const mnt = mountOrSkip(t, 8, undefined, options);
  if (mnt === null) return false;
  const data = join(mnt, 'data');
  const db = await openDB(data, {}, { noBackground: true, inlineCompaction: true });
  const q = committer(db, 'q', 20, 60_000);
  await q.upTo(4 * H);
  const giveBack = exhaust(mnt);
  await db.compact().catch(() => {});
  assert.deepEqual(halfWritten(data), [], what);
  giveBack();
  await db.compact();
  assert.deepEqual(halfWritten(data), [], what);
  assertHolds(db, 'q', 20, q.acked, what);
  await assertHoldsAfterReopen(db, data, 'q', 20, q.acked, what);
  return true;
}

test('files running out at every step of a head compaction (block, chunk files, WAL segment, checkpoint): nothing half-written is left, nothing is lost', async (t) => {
  for (let room = 0; room <= 12; room++) {
    const exhaust = (mnt: string): (() => void) => {
      // Leave exactly `room` files to create: the compaction runs out after its room-th file.
      const made = fillInodes(mnt);
      for (const p of made.splice(0, room)) unfill(p);
      return () => made.forEach(unfill);
    };
    if (!(await compactionRunsOut(t, 'nr_inodes=200', exhaust, `room for ${room} files`))) return;
  }
});

test('space running out at every point of a head compaction: nothing half-written is left, nothing is lost', async (t) => {
  // Fails in the chunk file, the index, meta.json, or after the block in the checkpoint.
  for (const leaveKiB of [0, 4, 8, 12, 16, 24, 32, 48, 64]) {
    const exhaust = (mnt: string): (() => void) => {
      const filler = fillDisk(mnt, leaveKiB * 1024);
      return () => unfill(filler);
    };
    if (!(await compactionRunsOut(t, undefined, exhaust, `${leaveKiB} KiB left`))) return;
  }
});

test('disk full during a snapshot: it fails and no partial snapshot is left; the next one succeeds', async (t) => {
  const mnt = mountOrSkip(t, 8);
  if (mnt === null) return;
  const data = join(mnt, 'data');
  const db = await openDB(data, {}, { noBackground: true, inlineCompaction: true });
  t.after(() => db.close());
  await committer(db, 'n', 100).upTo(4 * H);
  await db.compact();
  assert.equal(db.blockMetas().length, 1);
  const snap = join(data, 'snapshots', 'one');
  const filler = fillDisk(data);
  await assert.rejects(db.snapshot(snap, true), /ENOSPC/);
  assert.ok(!existsSync(snap), 'no partial snapshot');
  unfill(filler);
  await db.snapshot(snap, true);
  assert.equal(readdirSync(snap).length, 2); // the block (hard links) and the head written as a block
});

test('disk full during a delete: the call fails (a failed WAL write counted), every block still opens with its data, the delete works once space returns', async (t) => {
  const mnt = mountOrSkip(t, 8);
  if (mnt === null) return;
  const data = join(mnt, 'data');
  const reg = newRegistry();
  const db = await openDB(data, {}, { noBackground: true, inlineCompaction: true, registry: reg });
  const d = committer(db, 'd', 100);
  await d.upTo(4 * H);
  await db.compact();
  assert.equal(db.blockMetas().length, 1);
  const filler = fillDisk(data);
  // Only in the head (the block ends at 2h): its WAL record fails, counted as every WAL write.
  await assert.rejects(
    db.delete(3 * H, 10 * H, [Matcher.equal('s', '1')]),
    /Error: write .*\/wal\/\d{8}: no space left on device$/,
  );
  assert.equal(await metric(reg, 'prometheus_tsdb_wal_writes_failed_total'), 1);
  // In the block too: its tombstones file cannot be written.
  await assert.rejects(db.delete(0, 10 * H, [Matcher.equal('s', '1')]), /no space left on device/);
  assert.deepEqual(halfWritten(data), []);
  // The block's tombstones file is the old one, not a truncated one: the block opens whole.
  await db.close();
  const db2 = await openDB(data, {}, { noBackground: true, inlineCompaction: true });
  assert.equal(db2.blockMetas().length, 1);
  assertHolds(db2, 'd', 100, d.acked);
  unfill(filler);
  await db2.delete(0, 10 * H, [Matcher.equal('s', '1')]);
  const left = samples(db2, 'd');
  assert.deepEqual(left.get('1') ?? [], []);
  assert.deepEqual(left.get('2'), d.acked);
  await db2.close();
});

test('a block directory deleted under a running DB: queries keep answering; the reload leaves it out', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-fault-');
  t.after(cleanup);
  const log = logSink();
  const reg = newRegistry();
  const db = await openDB(
    dir,
    {},
    { noBackground: true, inlineCompaction: true, logger: log.logger, registry: reg },
  );
  t.after(() => db.close());
  for (let ts = 0; ts <= 9 * H; ts += 60_000) {
    const app = db.appender();
    for (let s = 0; s < 3; s++)
      app.append(0, Labels.fromStrings('__name__', 'b', 's', String(s)), ts, ts);
    await app.commit();
  }
  await db.compact();
  const metas = db.blockMetas();
  assert.ok(metas.length >= 3);
  const victim = metas[1]!;
  const { rmSync } = await import('node:fs');
  rmSync(join(dir, victim.ulid), { recursive: true, force: true });
  // Before the reload the block's open files still answer, and compaction with size retention
  // (which sizes every block) does not fail on the missing directory.
  db.opts.maxBytes = 1 << 30;
  await db.compact();
  const total = 3 * (9 * 60 + 1);
  let n = 0;
  for (const ts of samples(db, 'b').values()) n += ts.length;
  assert.equal(n, total);
  db.reload();
  assert.equal(db.blockMetas().length, metas.length - 1);
  assert.match(log.text(), new RegExp(`Block directory is gone.*block=${victim.ulid}`));
  assert.equal(await metric(reg, 'prometheus_tsdb_blocks_loaded'), metas.length - 1);
  n = 0;
  for (const ts of samples(db, 'b').values()) n += ts.length;
  assert.equal(n, total - 3 * 120);
});

test('a read-only data directory: opening fails with a clear error naming the directory', async (t) => {
  const mnt = mountOrSkip(t, 1);
  if (mnt === null) return;
  const { execFileSync } = await import('node:child_process');
  execFileSync('mount', ['-o', 'remount,ro', mnt]);
  await assert.rejects(openDB(mnt, {}, { noBackground: true }), (e: Error) => {
    assert.equal(e.message, `open ${mnt}: read-only file system`);
    return true;
  });
});
