// Twenty days of operation in a few seconds: the seed's retention (15d, default block ranges)
// while samples arrive at a steady pace, with compaction run as the background timer runs it.
// Blocks compact 2h → 6h → 18h (10% of retention caps them), nothing overlaps, old blocks leave
// by retention, every retained sample reads back exactly, a restart changes nothing, and the real
// promtool reads the data directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.ts';
import { openDB, type DB } from '../../src/tsdb/index.ts';
import { PEERS, peer } from '../support/peers.ts';
import { runCommand } from '../support/server.ts';

const H = 3600_000;
const DAY = 24 * H;
const STEP = 60_000;
const SERIES = 50;
const DAYS = 20;

/** The value series i has at t: a counter that grows by a fraction, with a reset every 3 days. */
const valueAt = (i: number, t: number) => ((t % (3 * DAY)) / STEP) * (i + 0.25);

function readAll(db: DB, name: string): Map<number, [number, number][]> {
  const q = db.querier(0, Number.MAX_SAFE_INTEGER);
  const out = new Map<number, [number, number][]>();
  try {
    const ss = q.select(true, undefined, Matcher.equal('__name__', name));
    while (ss.next()) {
      const s = ss.at();
      const it = s.iterator();
      const pts: [number, number][] = [];
      while (it.next() !== 0) pts.push([it.atT(), it.atF()]);
      out.set(Number(s.labels.get('i')), pts);
    }
    assert.equal(ss.err(), null);
  } finally {
    q.close();
  }
  return out;
}

test('twenty days at the seed retention: compaction levels, retention, exact reads, restart, real promtool', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'soak-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { retentionDuration: 15 * DAY, maxBlockDuration: 36 * H };
  let db = await openDB(dir, opts, { noBackground: true });
  const labels = Array.from({ length: SERIES }, (_, i) =>
    Labels.fromStrings('__name__', 'soak', 'i', String(i), 'job', 'mordomo'),
  );
  const refs = new Array<number>(SERIES).fill(0);
  const t0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY);
  const end = t0 + DAYS * DAY;
  for (let ts = t0; ts < end; ts += STEP) {
    const app = db.appender();
    for (let i = 0; i < SERIES; i++) refs[i] = app.append(refs[i]!, labels[i]!, ts, valueAt(i, ts));
    await app.commit();
    // The background loop compacts every minute; here every simulated half hour.
    if ((ts - t0) % (30 * 60_000) === 0) await db.compact();
  }
  await db.compact();

  const metas = db.blockMetas().sort((a, b) => a.minTime - b.minTime);
  console.log(
    `# ${metas.length} blocks: ${metas.map((m) => (m.maxTime - m.minTime) / H).join(' ')}; oldest starts ${(end - metas[0]!.minTime) / DAY} days before the end`,
  );
  const ranges = new Set(metas.map((m) => (m.maxTime - m.minTime) / H));
  assert.ok(
    [...ranges].every((r) => [2, 6, 18].includes(r)),
    `block ranges ${[...ranges]}`,
  );
  assert.ok(ranges.has(18), 'blocks reached the largest range under max-block-duration');
  for (let k = 1; k < metas.length; k++)
    assert.ok(metas[k]!.minTime >= metas[k - 1]!.maxTime, 'no blocks overlap');
  for (const m of metas)
    assert.equal(m.minTime % (m.maxTime - m.minTime), 0, 'blocks are aligned to their range');
  const newest = metas[metas.length - 1]!.maxTime;
  assert.ok(newest - metas[0]!.maxTime <= 15 * DAY, 'nothing past retention is kept');
  assert.ok(metas[0]!.minTime <= end - 15 * DAY, 'retention kept 15 days');
  assert.ok(metas.length < 40, `${metas.length} blocks: compaction keeps their number down`);

  const check = (got: Map<number, [number, number][]>) => {
    assert.equal(got.size, SERIES);
    const start = db.startTime();
    for (const [i, pts] of got) {
      assert.equal(pts[0]![0], start, `series ${i} starts where the oldest block starts`);
      assert.equal(pts[pts.length - 1]![0], end - STEP);
      assert.equal(
        pts.length,
        (end - start) / STEP,
        `series ${i}: every sample from the oldest kept block on`,
      );
      for (let k = 0; k < pts.length; k += 997) assert.equal(pts[k]![1], valueAt(i, pts[k]![0]));
    }
  };
  check(readAll(db, 'soak'));
  await db.close();

  db = await openDB(dir, opts, { noBackground: true });
  t.after(() => db.close());
  check(readAll(db, 'soak'));
  assert.equal(db.blockMetas().length, metas.length, 'a restart finds the same blocks');

  if (!peer('promtool', t)) return;
  const list = await runCommand(PEERS.promtool, ['tsdb', 'list', dir]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(
    list.stdout.trim().split('\n').length,
    metas.length + 1,
    'the real promtool lists every block',
  );
});
