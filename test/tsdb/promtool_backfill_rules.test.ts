// promtool-ts tsdb create-blocks-from rules beside the real promtool's: the same rules backfilled
// from the same real Prometheus (serving blocks the real promtool made), the blocks compared as
// promtool tsdb list and dump show them (ULIDs aside), and their index and chunk bytes; then the
// same backfill from this project's server, read back the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.ts';
import { runCommand, runPromtoolTs, startOurServer } from '../support/server.ts';

const HOUR = 3600;
// Data from 12h ago (on a 2h boundary) for 6h, every 15s; the backfill spans three block windows.
const BASE = Math.floor((Date.now() / 1000 - 12 * HOUR) / (2 * HOUR)) * 2 * HOUR;
const START = BASE + 10 * 60 + 7;
const END = BASE + 5 * HOUR;

function openMetrics(): string {
  const lines = ['# TYPE http_requests_total counter'];
  for (let i = 0; i < 6 * 240; i++) {
    const t = BASE + i * 15;
    lines.push(`http_requests_total{job="api",instance="a",code="200"} ${i * 3} ${t}`);
    lines.push(`http_requests_total{job="api",instance="b",code="500"} ${Math.floor(i / 4)} ${t}`);
    lines.push(`http_requests_total{job="web",instance="c",code="200"} ${i * 7} ${t}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

const RULES = `groups:
  - name: rates
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - record: instance:errors
        expr: rate(http_requests_total{code="500"}[2m])
        labels:
          severity: page
          instance: ""
      # promtool backfills alerting rules too, as series named after the alert, whatever its help says.
      - alert: HighTraffic
        expr: http_requests_total{job="web"} > 0
        labels:
          severity: info
  - name: fast
    interval: 30s
    rules:
      - record: code:http_requests:count
        expr: count by (code) (http_requests_total)
`;

/** The blocks of a directory as promtool sees them: list rows without ULIDs, and the sorted dump. */
async function readBack(
  promtool: string,
  dir: string,
): Promise<{ list: string[]; dump: string[] }> {
  mkdirSync(join(dir, 'wal'), { recursive: true }); // promtool 2.42 opens a data dir only with one
  const list = await runCommand(promtool, ['tsdb', 'list', dir]);
  const dump = await runCommand(promtool, ['tsdb', 'dump', dir]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(dump.code, 0, dump.stderr);
  return {
    list: list.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^\S+\s+/, '').replace(/\s+\S+$/, ''))
      .sort(),
    dump: dump.stdout.trim().split('\n').sort(),
  };
}

test('create-blocks-from rules writes the blocks the real promtool writes, from the real Prometheus and from ours', async (t) => {
  const promtool = peer('promtool', t);
  const prometheus = peer('prometheus', t);
  if (!promtool || !prometheus) return;
  const { dir, cleanup } = tempDir('backfill-rules-');
  t.after(cleanup);
  writeFileSync(join(dir, 'in.om'), openMetrics());
  writeFileSync(join(dir, 'rules.yml'), RULES);
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  const source = join(dir, 'source');
  const made = await runCommand(promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(dir, 'in.om'),
    source,
  ]);
  assert.equal(made.code, 0, made.stderr);
  mkdirSync(join(dir, 'ours-server'));
  cpSync(source, join(dir, 'ours-server', 'data'), { recursive: true });

  const port = await freePort();
  const real = startProcess(prometheus, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${source}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=30d',
  ]);
  t.after(() => real.stop());
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, 30_000, real);

  // Relative rule-file name, as the group offset hashes the name as given.
  const args = (out: string, server: string) => [
    'tsdb',
    'create-blocks-from',
    'rules',
    `--start=${START}`,
    `--end=${END}`,
    `--url=${server}`,
    `--output-dir=${out}`,
    '--eval-interval=1m',
    'rules.yml',
  ];
  const theirs = await runCommand(promtool, args(join(dir, 'theirs'), url), { cwd: dir });
  assert.equal(theirs.code, 0, theirs.stderr);
  const ours = await runPromtoolTs(args(join(dir, 'ours'), url), { cwd: dir });
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(ours.stdout, theirs.stdout);

  const want = await readBack(promtool, join(dir, 'theirs'));
  assert.ok(want.dump.length > 500, String(want.dump.length));
  assert.ok(want.dump.some((l) => l.startsWith('{__name__="HighTraffic"')));
  const got = await readBack(promtool, join(dir, 'ours'));
  assert.deepEqual(got.list, want.list);
  assert.deepEqual(got.dump, want.dump);
  const blocks = (d: string) =>
    readdirSync(d)
      .filter((f) => f.startsWith('01'))
      .map((b) => readFileSync(join(d, b, 'index')).length)
      .sort();
  assert.deepEqual(blocks(join(dir, 'ours')), blocks(join(dir, 'theirs')));

  // This project's server, on a copy of the same data, answers the same range queries.
  const srv = await startOurServer('global: {}\n', ['--storage.tsdb.retention.time=30d'], {
    dir: join(dir, 'ours-server'),
  });
  t.after(() => srv.stop());
  const fromOurs = await runPromtoolTs(args(join(dir, 'ours-from-ours'), srv.url), { cwd: dir });
  assert.equal(fromOurs.code, 0, fromOurs.stderr);
  assert.deepEqual((await readBack(promtool, join(dir, 'ours-from-ours'))).dump, want.dump);
});

test('create-blocks-from rules: bad times and a failing server are reported as promtool reports them', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('backfill-rules-');
  t.after(cleanup);
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const down = `http://127.0.0.1:${await freePort()}`;
  for (const extra of [
    ['--start=yesterday'],
    [`--start=${END}`, `--end=${START}`],
    ['--start=2023-01-01T00:00:00Z', '--end=bad'],
    [`--start=${START}`, `--end=${END}`],
  ]) {
    const a = [
      'tsdb',
      'create-blocks-from',
      'rules',
      ...extra,
      `--url=${down}`,
      `--output-dir=${join(dir, 'out')}`,
      'rules.yml',
    ];
    const theirs = await runCommand(promtool, a, { cwd: dir });
    const ours = await runPromtoolTs(a, { cwd: dir });
    assert.equal(ours.code, theirs.code, extra.join(' '));
    // Go walks the groups in map order: the per-rule errors may come in any order.
    const lines = (s: string) =>
      s
        .split('\n')
        .filter((l) => !l.startsWith('level='))
        .sort();
    assert.deepEqual(lines(ours.stderr), lines(theirs.stderr), extra.join(' '));
  }
  const missing = await runPromtoolTs(['tsdb', 'create-blocks-from', 'rules', 'rules.yml'], {
    cwd: dir,
  });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /required flag --start not provided/);
});
