// promtool-ts tsdb against the real promtool: same backfilled bytes, same list/dump output, same
// analyze figures (ties may come in any order in Go, so lines are compared as sets per section).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { peer, tempDir } from '../support/peers.js';
import { runCommand, runPromtoolTs } from '../support/server.js';

function real(bin: string, args: string[]): { stdout: string; stderr: string; code: number } {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

const OM = [
  '# HELP http_requests_total The total.',
  '# TYPE http_requests_total counter',
  ...Array.from(
    { length: 300 },
    (_, i) => `http_requests_total{code="200",method="get"} ${1027 + i * 3} ${1700000000 + i * 15}`,
  ),
  ...Array.from(
    { length: 50 },
    (_, i) => `http_requests_total{code="400",method="post"} ${i} ${1700000000.5 + i * 300}`,
  ),
  '# TYPE temp gauge',
  ...Array.from(
    { length: 200 },
    (_, i) =>
      `temp{room="a b",floor="${i % 2}"} ${(21.5 + Math.sin(i) * 3).toFixed(4)} ${1700000000 + i * 60}`,
  ),
  'temp{room="x\\"y"} -1e-3 1700003600',
  '# EOF',
  '',
].join('\n');

function sections(s: string): string[][] {
  return s.split('\n\n').map((sec) =>
    sec
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('Block ID'))
      .map((l) => l.replace(/^Series: /, 'Total Series: '))
      .sort(),
  );
}

test('promtool-ts tsdb create-blocks-from/list/dump/analyze match the real promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('promtool-tsdb-');
  t.after(cleanup);
  const om = join(dir, 'in.om');
  writeFileSync(om, OM);
  const theirs = join(dir, 'theirs');
  const ours = join(dir, 'ours');
  const r1 = real(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, theirs]);
  assert.equal(r1.code, 0, r1.stderr);
  const r2 = await runPromtoolTs(['tsdb', 'create-blocks-from', 'openmetrics', om, ours]);
  assert.equal(r2.code, 0, r2.stderr);
  const norm = (s: string): string => s.replace(/^01[0-9A-Z]{24}/gm, 'ULID');
  assert.equal(norm(r2.stdout), norm(r1.stdout));
  const tb = readdirSync(theirs).sort();
  const ob = readdirSync(ours).sort();
  assert.equal(ob.length, tb.length);
  for (let i = 0; i < tb.length; i++) {
    assert.ok(
      readFileSync(join(ours, ob[i]!, 'index')).equals(readFileSync(join(theirs, tb[i]!, 'index'))),
      'index bytes',
    );
    assert.ok(
      readFileSync(join(ours, ob[i]!, 'chunks', '000001')).equals(
        readFileSync(join(theirs, tb[i]!, 'chunks', '000001')),
      ),
      'chunk bytes',
    );
  }
  // promtool 2.42 needs a wal dir to open a data dir read-only.
  mkdirSync(join(theirs, 'wal'));
  mkdirSync(join(ours, 'wal'));
  for (const args of [['list'], ['list', '-r']]) {
    const a = real(promtool, ['tsdb', ...args, theirs]);
    const b = await runPromtoolTs(['tsdb', ...args, ours]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(norm(b.stdout), norm(a.stdout), args.join(' '));
  }
  for (const args of [
    [],
    ['--min-time=1700000100000', '--max-time=1700001000000'],
    ['--match={code="400"}'],
  ]) {
    const a = real(promtool, ['tsdb', 'dump', ...args, theirs]);
    const b = await runPromtoolTs(['tsdb', 'dump', ...args, ours]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, a.stdout, `dump ${args.join(' ')}`);
  }
  const a = real(promtool, ['tsdb', 'analyze', '--limit=5', theirs]);
  const b = await runPromtoolTs(['tsdb', 'analyze', '--limit=5', ours]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /^Block ID: 01[0-9A-Z]{24}\nDuration: 15m0.001s\nTotal Series: 1\n/);
  // Top-N lists with ties cut at the limit can differ in which tied entry is shown; compare counts.
  const sa = sections(a.stdout);
  const sb = sections(b.stdout);
  assert.equal(sb.length, sa.length);
  for (let i = 0; i < sa.length; i++)
    assert.deepEqual(
      sb[i]!.map((l) => l.split(' ')[0]),
      sa[i]!.map((l) => l.split(' ')[0]),
      `section ${i}`,
    );
  assert.deepEqual(sections(b.stdout)[0], sa[0]);
});

test('promtool-ts tsdb: errors as promtool words them', async () => {
  const { dir, cleanup } = tempDir('promtool-tsdb-');
  try {
    const om = join(dir, 'bad.om');
    writeFileSync(om, 'x 1\n# EOF\n');
    const r = await runPromtoolTs([
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      om,
      join(dir, 'out'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /expected timestamp for series got none/);
    const r3 = await runPromtoolTs(['tsdb', 'list', join(dir, 'missing')]);
    assert.equal(r3.code, 1);
    assert.equal(
      r3.stderr.trim(),
      `opening the db dir: stat ${join(dir, 'missing')}: no such file or directory`,
    );
    const r2 = await runPromtoolTs(['tsdb', 'frobnicate']);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /expected command but got "frobnicate"/);
  } finally {
    cleanup();
  }
});

test('create-blocks-from openmetrics streams a file larger than its read size: lines split across reads, series spelled two ways, exemplars, several windows', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('promtool-stream-');
  t.after(cleanup);
  // ~3 MiB: label values long enough that many lines straddle the 1 MiB read boundaries; the
  // second spelling puts the labels in another order (one series, two texts); 7 h spans 4 blocks.
  const pad = 'x'.repeat(700);
  const lines = ['# TYPE big counter'];
  for (let i = 0; i < 1700; i++) {
    const ts = 1700000000 + i * 15;
    lines.push(
      i % 2 === 0
        ? `big_total{a="${pad}",b="${i % 3}"} ${i} ${ts}`
        : `big_total{b="${i % 3}",a="${pad}"} ${i} ${ts} # {trace_id="t${i}"} 1 ${ts}`,
    );
  }
  lines.push('# EOF', '');
  const om = join(dir, 'in.om');
  writeFileSync(om, lines.join('\n'));
  const theirs = join(dir, 'theirs');
  const ours = join(dir, 'ours');
  const r1 = real(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', om, theirs]);
  const r2 = await runPromtoolTs(['tsdb', 'create-blocks-from', 'openmetrics', om, ours]);
  assert.equal(r2.code, r1.code, r2.stderr);
  if (r1.code !== 0) {
    assert.equal(r2.stderr.trim().split('\n').pop(), r1.stderr.trim().split('\n').pop());
    return;
  }
  mkdirSync(join(theirs, 'wal'));
  mkdirSync(join(ours, 'wal'));
  const dump = (d: string): string =>
    spawnSync(promtool, ['tsdb', 'dump', d], { encoding: 'utf8', maxBuffer: 1 << 26 })
      .stdout.split('\n')
      .sort()
      .join('\n');
  assert.ok(dump(ours).split('\n').length > 1700);
  assert.equal(dump(ours), dump(theirs));
});

test('create-blocks-from openmetrics holds one block window, not the file: a 36 MB input backfills in a 48 MB heap', async (t) => {
  const { dir, cleanup } = tempDir('promtool-heap-');
  t.after(cleanup);
  const om = join(dir, 'in.om');
  const fd = openSync(om, 'w');
  let buf = '# TYPE m counter\n';
  for (let s = 0; s < 500; s++) {
    for (let i = 0; i < 1000; i++) {
      buf += `m_total{instance="host-${s}:9100",job="node",mode="idle"} ${i * 3} ${1700000000 + i * 30}\n`;
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
  }
  writeSync(fd, buf + '# EOF\n');
  closeSync(fd);
  // Reading the whole text and splitting it (as this command once did) dies of heap exhaustion here.
  const r = await runCommand(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cmd/promtool.ts',
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '-q',
      om,
      join(dir, 'out'),
    ],
    {
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=48' },
    },
  );
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(
    readdirSync(join(dir, 'out')).length,
    5,
    'a block per 2h window over the 8h20m of data',
  );
});
