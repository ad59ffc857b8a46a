// A damaged block, side by side with the real Prometheus over copies of the same blocks (made by
// the real promtool) damaged byte for byte alike: a bad series entry or chunk fails the query as
// a 422 execution error worded as Prometheus's — never a success over part of the data — and a
// block that cannot be opened stops the storage from opening.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PEERS,
  peer,
  startProcess,
  startRealPrometheus,
  tempDir,
  freePort,
} from '../support/peers.ts';
import { runCommand, runPromtoolTs, startOurServer, SERVER_ENTRY } from '../support/server.ts';

const T0 = 1700000000;
let work: { dir: string; cleanup: () => void } | null = null;
let blockDir = '';
let ulid = '';

before(async () => {
  if (peer('promtool') === null) return;
  work = tempDir('corrupt-block-');
  const lines = ['# TYPE cm gauge'];
  for (let s = 0; s < 12; s++)
    for (let i = 0; i < 400; i++) lines.push(`cm{idx="${s}"} ${s * 1000 + i} ${T0 + i * 15}`);
  lines.push('# EOF');
  writeFileSync(join(work.dir, 'd.om'), lines.join('\n') + '\n');
  const made = await runCommand(PEERS.promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(work.dir, 'd.om'),
    join(work.dir, 'blocks'),
  ]);
  assert.equal(made.code, 0, made.stderr);
  ulid = readdirSync(join(work.dir, 'blocks'))[0]!;
  blockDir = join(work.dir, 'blocks', ulid);
});
after(() => work?.cleanup());

/** A data dir holding the block with one byte flipped by `damage`. */
function damaged(name: string, damage: (block: string) => void): string {
  const data = join(work!.dir, name);
  cpSync(blockDir, join(data, ulid), { recursive: true });
  damage(join(data, ulid));
  return data;
}

function flip(file: string, at: (b: Buffer) => number): void {
  const b = readFileSync(file);
  b[at(b)]! ^= 0xff;
  writeFileSync(file, b);
}

/** Inside the first series entry (series are 16-byte aligned from the TOC's series offset). */
const firstSeries = (b: Buffer) =>
  Math.ceil(Number(b.readBigUInt64BE(b.length - 52 + 8)) / 16) * 16 + 3;

const CFG = 'global:\n  scrape_interval: 1h\n';
const FLAGS = ['--storage.tsdb.retention.time=100y'];
const Q = `/api/v1/query?query=${encodeURIComponent('count_over_time(cm[100d])')}&time=${T0 + 9000}`;

/** The query and series answers of a server. */
async function ask(base: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, path] of Object.entries({ query: Q, series: '/api/v1/series?match[]=cm' })) {
    const r = await fetch(base + path);
    out[k] = { status: r.status, body: await r.json() };
  }
  return out;
}

async function answers(dataDir: string, copy: string): Promise<Record<string, unknown>> {
  const ours = await startOurServer(CFG, [...FLAGS], { dir: damagedCopy(dataDir, copy) });
  try {
    return await ask(ours.url);
  } finally {
    await ours.stop();
  }
}

/** startOurServer keeps its data in <dir>/data: the damaged blocks go there. */
function damagedCopy(dataDir: string, name: string): string {
  const dir = join(work!.dir, `ours-${name}`);
  cpSync(dataDir, join(dir, 'data'), { recursive: true });
  return dir;
}

async function realAnswers(dataDir: string): Promise<Record<string, unknown>> {
  const real = await startRealPrometheus(CFG, FLAGS, { dataDir });
  try {
    return await ask(real.url);
  } finally {
    await real.stop();
  }
}

for (const [name, damage] of Object.entries({
  'a damaged series entry': (b: string) => flip(join(b, 'index'), firstSeries),
  'a damaged chunk': (b: string) => flip(join(b, 'chunks', '000001'), () => 8 + 5),
})) {
  test(`${name}: the query fails as a 422 execution error worded as Prometheus's`, async (t) => {
    if (peer('prometheus', t) === null || work === null) return;
    const data = damaged(name.replace(/ /g, '-'), damage);
    const ours = await answers(data, name.replace(/ /g, '-'));
    const q = ours['query'] as {
      status: number;
      body: { status: string; errorType: string; error: string };
    };
    assert.equal(q.status, 422, JSON.stringify(q));
    assert.equal(q.body.errorType, 'execution');
    const realData = join(work.dir, `real-${name.replace(/ /g, '-')}`);
    cpSync(data, realData, { recursive: true });
    // 2.42 names the block of a damaged chunk with a zero ULID; 2.48 (which we follow) with its own.
    const real = JSON.parse(
      JSON.stringify(await realAnswers(realData)).replace(
        'from block 00000000000000000000000000',
        `from block ${ulid}`,
      ),
    );
    assert.deepEqual(ours, real);
  });
}

test('a block whose index TOC is damaged stops the storage from opening, as in Prometheus', async (t) => {
  if (peer('prometheus', t) === null || work === null) return;
  const data = damaged('toc', (b) => flip(join(b, 'index'), (x) => x.length - 30));
  const port = await freePort();
  writeFileSync(join(work.dir, 'p.yml'), CFG);
  const ours = startProcess(process.execPath, [
    '--import',
    import.meta.resolve('tsx'),
    SERVER_ENTRY,
    `--config.file=${join(work.dir, 'p.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const code = await new Promise<number | null>((r) => ours.proc.on('exit', (c) => r(c)));
  assert.equal(code, 1, ours.output());
  const want = `reloadBlocks: corrupted block ${ulid}: read TOC: read TOC: invalid checksum`;
  assert.ok(ours.output().includes(want), ours.output());
  const real = startProcess(PEERS.prometheus, [
    `--config.file=${join(work.dir, 'p.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  const realCode = await new Promise<number | null>((r) => real.proc.on('exit', (c) => r(c)));
  assert.equal(realCode, 1);
  assert.ok(real.output().includes(want), real.output());
});

test("promtool-ts tsdb list and analyze report damaged blocks in the real promtool's words", async (t) => {
  if (peer('promtool', t) === null || work === null) return;
  const toc = damaged('promtool-toc', (b) => flip(join(b, 'index'), (x) => x.length - 30));
  const series = damaged('promtool-series', (b) => flip(join(b, 'index'), firstSeries));
  for (const args of [
    ['tsdb', 'list', toc],
    ['tsdb', 'analyze', series],
  ]) {
    const ours = await runPromtoolTs(args);
    const real = await runCommand(PEERS.promtool, args);
    const last = (s: string) => s.trim().split('\n').pop();
    assert.equal(ours.code, real.code, `${args.join(' ')}: ${ours.stderr}`);
    assert.equal(last(ours.stderr), last(real.stderr), args.join(' '));
  }
});
