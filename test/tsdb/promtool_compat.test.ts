// Differential tests against the real promtool: blocks written here are read by it, and blocks
// it writes are read here, with the same series and samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher, MatchType } from '../../src/model/labels/index.js';
import { formatFloatG, STALE_NAN } from '../../src/model/value/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { peer, tempDir } from '../support/peers.js';
import { runPromtoolTs } from '../support/server.js';

const H = 3600_000;

function run(bin: string, args: string[]): { out: string; err: string; code: number } {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { out: r.stdout, err: r.stderr, code: r.status ?? -1 };
}

function dumpLines(db: Awaited<ReturnType<typeof openDB>>, mint: number, maxt: number): string[] {
  const lines: string[] = [];
  const ss = db
    .querier(mint, maxt)
    .select(true, undefined, new Matcher(MatchType.Regexp, '__name__', '.*'));
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    while (it.next() !== 0)
      lines.push(`${s.labels.toString()} ${formatFloatG(it.atF())} ${it.atT()}`);
  }
  return lines;
}

test('real promtool lists, dumps and analyzes a block written by this TSDB', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('tsdb-compat-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true, inlineCompaction: true });
  const app = db.appender();
  const base = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
  let x = 7;
  for (let s = 0; s < 50; s++) {
    const ls = Labels.fromStrings(
      '__name__',
      s % 5 === 0 ? 'up' : 'node_cpu_seconds_total',
      'instance',
      `host-${s}:9100`,
      'mode',
      s % 3 === 0 ? 'idle' : 'user',
      'odd',
      'va"l\\ue\n',
    );
    let ref = 0;
    let v = s * 10;
    for (let k = 0; k < 500; k++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      v += (x % 1000) / 7;
      const val = k === 150 ? STALE_NAN : s === 3 ? -v * 1e-9 : s === 4 ? v * 1e12 : v;
      ref = app.append(ref, ls, base + k * 30_000 + (x % 3), val);
    }
  }
  await app.commit();
  await db.compact();
  assert.ok(db.blockMetas().length >= 1);
  const metas = db.blockMetas();
  const expected = dumpLines(db, metas[0]!.minTime, metas[metas.length - 1]!.maxTime - 1);
  await db.close();

  const list = run(promtool, ['tsdb', 'list', dir]);
  assert.equal(list.code, 0, list.err);
  for (const m of metas) {
    const row = list.out.split('\n').find((l) => l.startsWith(m.ulid));
    assert.ok(row, `${m.ulid} listed:\n${list.out}`);
    const cols = row.split(/\s+/);
    assert.equal(Number(cols[1]), m.minTime);
    assert.equal(Number(cols[2]), m.maxTime);
    assert.equal(Number(cols[4]), m.stats.numSamples);
    assert.equal(Number(cols[5]), m.stats.numChunks);
    assert.equal(Number(cols[6]), m.stats.numSeries);
  }

  // dump covers blocks and head; restrict to the blocks' range.
  const dump = run(promtool, [
    'tsdb',
    'dump',
    `--min-time=${metas[0]!.minTime}`,
    `--max-time=${metas[metas.length - 1]!.maxTime - 1}`,
    dir,
  ]);
  assert.equal(dump.code, 0, dump.err);
  const got = dump.out.split('\n').filter((l) => l !== '');
  assert.equal(got.length, expected.length);
  assert.deepEqual(got, expected);

  // Without a time range the dump includes the head, read from our WAL (Prometheus's format):
  // the real promtool and promtool-ts print the same lines.
  const full = run(promtool, ['tsdb', 'dump', dir]);
  assert.equal(full.code, 0, full.err);
  assert.ok(full.out.split('\n').length > got.length, 'head samples dumped too');
  const ours = await runPromtoolTs(['tsdb', 'dump', dir]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(ours.stdout, full.out);

  const an = run(promtool, ['tsdb', 'analyze', dir, metas[0]!.ulid]);
  assert.equal(an.code, 0, an.err);
  assert.match(an.out, new RegExp(`Block ID: ${metas[0]!.ulid}`));
  assert.match(an.out, /Series: 50\n/);
  assert.match(an.out, /Highest cardinality metric names:\n40 node_cpu_seconds_total\n10 up\n/);
});

test('a data dir backfilled by the real promtool is read back exactly', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('tsdb-compat-');
  t.after(cleanup);
  const lines: string[] = ['# HELP req Requests.', '# TYPE req counter'];
  const expected: string[] = [];
  const t0 = 1_700_000_000;
  for (let s = 0; s < 20; s++) {
    for (let k = 0; k < 400; k++) {
      const ts = t0 + k * 60 + s * 0.001;
      const v = s === 7 ? k * 0.1 : Math.round(k * k * 1.5 + s);
      lines.push(`req_total{code="${200 + (s % 4)}",path="/p${s}"} ${v} ${ts.toFixed(3)}`);
    }
  }
  lines.push('# EOF');
  const om = join(dir, 'in.om');
  writeFileSync(om, lines.join('\n') + '\n');
  const data = join(dir, 'data');
  mkdirSync(data);
  const r = run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, data]);
  assert.equal(r.code, 0, r.err + r.out);
  assert.ok(readdirSync(data).length >= 1);
  // The real promtool's own dump is the reference.
  mkdirSync(join(data, 'wal'), { recursive: true });
  const ref = run(promtool, ['tsdb', 'dump', data]);
  assert.equal(ref.code, 0, ref.err);
  for (const l of ref.out.split('\n')) if (l) expected.push(l);
  const db = await openDB(data, {}, { noBackground: true });
  t.after(() => db.close());
  const got = dumpLines(db, -Infinity, Infinity);
  assert.equal(got.length, 20 * 400);
  assert.deepEqual(got, expected);
  const q = db.querier(0, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(q.labelValues('code'), ['200', '201', '202', '203']);
  assert.equal(q.labelNames().join(','), '__name__,code,path');
});
