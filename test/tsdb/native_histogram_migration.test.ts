// A user migrating a real Prometheus data directory that holds native histograms: the real
// Prometheus 2.42 (native histograms on) scrapes a protobuf target of the test's own, cutting small
// blocks. This TSDB then opens the directory, replays the WAL, compacts, checkpoints and applies
// retention: the real one's histogram chunks come out byte for byte, no histogram sample is lost
// (the real Prometheus, reopened on the migrated directory, serves the same ones), the chunks our
// head cuts from the replayed WAL are the bytes the real one cut, and our dump prints them.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CounterResetHint,
  type FloatHistogram,
  type Histogram,
} from '../../src/model/histogram/index.js';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { ValueType } from '../../src/storage/index.js';
import { Block, type BlockMeta } from '../../src/tsdb/block.js';
import {
  ENC_XOR,
  FloatHistogramAppender,
  FloatHistogramIterator,
  HistogramAppender,
  HistogramIterator,
  type HistogramChunkAppender,
} from '../../src/tsdb/chunkenc/index.js';
import { compactBlockDirs } from '../../src/tsdb/compact.js';
import { openDB } from '../../src/tsdb/index.js';
import { isULID } from '../../src/tsdb/ulid.js';
import { lastCheckpoint } from '../../src/tsdb/wal/index.js';
import { startHistogramTarget } from '../support/histogram_target.js';
import { freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.js';
import { runPromtoolTs } from '../support/server.js';

const NAME = 'test_native_histogram';
/** A recording rule of the real one over the histogram: its results are float histograms (chunk encoding 3). */
const RATE = 'test_native_histogram:rate1s';

function blockDirs(data: string): string[] {
  return readdirSync(data)
    .filter((f) => isULID(f) && existsSync(join(data, f, 'meta.json')))
    .map((f) => join(data, f));
}

/** Every non-float chunk of the histogram series in the blocks, as "mint maxt encoding hex". */
function histogramChunks(data: string): Set<string> {
  const out = new Set<string>();
  for (const d of blockDirs(data)) {
    const b = new Block(d);
    try {
      for (const s of b.allSeries()) {
        if (s.labels.get('__name__') !== NAME && s.labels.get('__name__') !== RATE) continue;
        for (const c of s.chunks)
          if (c.enc !== ENC_XOR)
            out.add(`${c.mint} ${c.maxt} ${c.enc} ${Buffer.from(c.data).toString('hex')}`);
      }
    } finally {
      void b.close();
    }
  }
  return out;
}

/** The histogram samples a data dir holds (blocks, then the WAL through a read of our own), as "t histogram". */
async function histogramSamples(data: string): Promise<string[]> {
  const db = await openDB(
    data,
    { minBlockDuration: 2000, maxBlockDuration: 2000 },
    { noBackground: true },
  );
  try {
    const ss = db
      .querier(0, Number.MAX_SAFE_INTEGER)
      .select(
        true,
        { start: 0, end: Number.MAX_SAFE_INTEGER, histograms: true },
        Matcher.equal('__name__', NAME),
      );
    const out: string[] = [];
    while (ss.next()) {
      const it = ss.at().iterator();
      for (let vt = it.next(); vt !== ValueType.None; vt = it.next())
        if (vt === ValueType.Histogram) out.push(`${it.atT()} ${it.atHistogram().toString()}`);
      assert.equal(it.err(), null);
    }
    return out;
  } finally {
    await db.close();
  }
}

interface RealRun {
  data: string;
  /** The real Prometheus's answer for the histogram series over everything it stored: [ts, {count, sum, buckets}]. */
  api: unknown;
}

let real: Promise<RealRun | null> | null = null;

/** One run of the real Prometheus (shared by the tests; each copies the data dir it changes). */
function realRun(t: TestContext, bin: string): Promise<RealRun | null> {
  real ??= (async () => {
    const { dir } = tempDir('nh-real-');
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const target = await startHistogramTarget(NAME);
    writeFileSync(
      join(dir, 'rules.yml'),
      `groups:\n  - name: h\n    interval: 100ms\n    rules:\n      - record: ${RATE}\n        expr: rate(${NAME}[1s])\n`,
    );
    writeFileSync(
      join(dir, 'p.yml'),
      `global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\nrule_files: ['${join(dir, 'rules.yml')}']\nscrape_configs:\n  - job_name: h\n    static_configs:\n      - targets: ['${target.address}']\n`,
    );
    const data = join(dir, 'data');
    const proc = await startReal(bin, dir, data);
    try {
      const until = Date.now() + 25_000;
      while (Date.now() < until && (!existsSync(data) || blockDirs(data).length < 3))
        await new Promise((r) => setTimeout(r, 200));
      assert.ok(
        blockDirs(data).length >= 3,
        `the real Prometheus wrote ${existsSync(data) ? blockDirs(data).length : 0} blocks:\n${proc.output()}`,
      );
      // No more histogram samples once the target is gone: what it answers now is all it stores.
      await target.close();
      await new Promise((r) => setTimeout(r, 400));
      return { data, api: await rangeOf(proc.url) };
    } finally {
      await proc.stop();
      await target.close();
    }
  })();
  void t;
  return real;
}

async function startReal(
  bin: string,
  dir: string,
  data: string,
): Promise<{ url: string; stop: () => Promise<void>; output: () => string }> {
  const port = await freePort();
  // 2 s blocks (and no merging of its own) so that a short run leaves several.
  const proc = startProcess(bin, [
    `--config.file=${join(dir, 'p.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--enable-feature=native-histograms',
    '--storage.tsdb.min-block-duration=2s',
    '--storage.tsdb.max-block-duration=2s',
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, 30_000, proc);
  return { url, stop: async () => void (await proc.stop()), output: () => proc.output() };
}

async function rangeOf(url: string): Promise<unknown> {
  const q = encodeURIComponent(`${NAME}[1h]`);
  const r = (await (
    await fetch(`${url}/api/v1/query?query=${q}&time=${Date.now() / 1000 + 60}`)
  ).json()) as { data: { result: { histograms?: unknown[] }[] } };
  return r.data.result.map((x) => x.histograms);
}

test('native histograms from a real Prometheus survive our WAL replay, checkpoint, compaction and retention', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const run = await realRun(t, bin);
  if (!run) return;
  const { dir, cleanup } = tempDir('nh-migrate-');
  t.after(cleanup);
  const data = join(dir, 'data');
  cpSync(run.data, data, { recursive: true });
  writeFileSync(join(dir, 'p.yml'), 'global: {}\n');

  const before = histogramChunks(data);
  assert.ok(before.size >= 3, `histogram chunks in the real blocks: ${before.size}`);
  const encodings = new Set([...before].map((c) => c.split(' ')[2]));
  assert.deepEqual(
    [...encodings].sort(),
    ['2', '3'],
    'the real Prometheus wrote integer (2) and float (3) histogram chunks',
  );
  const samplesBefore = await histogramSamples(data);
  assert.ok(samplesBefore.length >= 30, `histogram samples read: ${samplesBefore.length}`);

  // promtool-ts tsdb dump reads the histogram chunks for what they are, never as floats.
  const dump = await runPromtoolTs(['tsdb', 'dump', `--match={__name__="${NAME}"}`, data]);
  assert.equal(dump.code, 0, dump.stderr);
  assert.doesNotMatch(
    dump.stdout,
    new RegExp(`^\\{__name__="${NAME}".*\\} [-+0-9.e]+ \\d+$`, 'm'),
    'no histogram sample printed as a float',
  );
  assert.match(
    dump.stdout,
    new RegExp(`^\\{__name__="${NAME}".*\\} \\{count:\\d+, sum:[0-9.e+]+, .*\\} \\d+$`, 'm'),
  );

  // Replay, head compaction (which checkpoints the WAL) and block compaction.
  const db = await openDB(
    data,
    { minBlockDuration: 2000, maxBlockDuration: 18_000 },
    { noBackground: true, inlineCompaction: true },
  );
  try {
    // This server goes on ingesting, so its head spans enough to be compacted and the WAL checkpointed.
    const app = db.appender();
    app.append(0, Labels.fromStrings('__name__', 'ours'), db.head.maxTime + 6000, 1);
    await app.commit();
    await db.compact();
  } finally {
    await db.close();
  }
  // The real blocks are too young for the planner to merge: merge the oldest two as it would.
  const realBlocks = blockDirs(data)
    .map((d) => ({ d, m: JSON.parse(readFileSync(join(d, 'meta.json'), 'utf8')) as BlockMeta }))
    .filter((x) => x.m.compaction.sources.length === 1 && before.size > 0)
    .sort((a, b) => a.m.minTime - b.m.minTime);
  compactBlockDirs(data, [realBlocks[0]!.d, realBlocks[1]!.d]);
  for (const x of realBlocks.slice(0, 2)) rmSync(x.d, { recursive: true });
  assert.ok(lastCheckpoint(join(data, 'wal')), 'the WAL was checkpointed');
  const after = histogramChunks(data);
  for (const c of before)
    assert.ok(after.has(c), 'compaction keeps the real histogram chunks byte for byte');
  assert.deepEqual(
    await histogramSamples(data),
    samplesBefore,
    'no histogram sample lost by replay, head compaction, checkpoint and merge',
  );

  // Retention (on a copy) drops whole blocks; what remains is untouched. The limit keeps the newest
  // block with histogram chunks and drops the oldest (the merged one).
  const data2 = join(dir, 'data2');
  cpSync(data, data2, { recursive: true });
  const metas = blockDirs(data2).map(
    (d) => JSON.parse(readFileSync(join(d, 'meta.json'), 'utf8')) as BlockMeta,
  );
  const withHist = metas.filter((m) =>
    [...after].some(
      (c) => Number(c.split(' ')[0]) >= m.minTime && Number(c.split(' ')[0]) < m.maxTime,
    ),
  );
  const newest = Math.max(...metas.map((m) => m.maxTime));
  const keepFrom = Math.max(...withHist.map((m) => m.maxTime));
  assert.ok(withHist.length >= 2, 'histogram chunks in two blocks at least');
  const db2 = await openDB(
    data2,
    {
      minBlockDuration: 2000,
      maxBlockDuration: 18_000,
      retentionDuration: Math.max(1, newest - keepFrom),
    },
    { noBackground: true, inlineCompaction: true },
  );
  try {
    await db2.compact();
  } finally {
    await db2.close();
  }
  const kept = histogramChunks(data2);
  assert.ok(
    kept.size > 0 && kept.size < after.size,
    `retention removed some, kept some: ${kept.size} of ${after.size}`,
  );
  for (const c of kept) assert.ok(after.has(c), 'a chunk kept by retention is unchanged');

  // The real Prometheus reads the migrated directory back: the same histograms.
  const again = await startReal(bin, dir, data);
  try {
    const got = JSON.stringify(await rangeOf(again.url));
    const want = JSON.stringify(run.api);
    let at = 0;
    while (at < want.length && got[at] === want[at]) at++;
    assert.ok(
      got === want,
      `the real Prometheus serves the same histogram samples from the migrated directory; first difference at ${at}:\n got ${got.slice(at - 80, at + 200)}\nwant ${want.slice(at - 80, at + 200)}\n${again
        .output()
        .split('\n')
        .filter((l) => /level=(warn|error)/.test(l))
        .join('\n')}`,
    );
  } finally {
    await again.stop();
  }
});

test('the histogram chunks our head cuts from a real WAL are the bytes the real Prometheus cut', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const run = await realRun(t, bin);
  if (!run) return;
  const { dir, cleanup } = tempDir('nh-head-');
  t.after(cleanup);
  const data = join(dir, 'data');
  cpSync(run.data, data, { recursive: true });
  const real = histogramChunks(data);
  // Without its blocks, the WAL holds the data from its last truncation (a block boundary) on.
  for (const d of blockDirs(data)) rmSync(d, { recursive: true });
  const db = await openDB(
    data,
    { minBlockDuration: 2000, maxBlockDuration: 2000 },
    { noBackground: true, inlineCompaction: true },
  );
  const walFrom = db.head.minTime;
  // Prometheus 2.48 (whose cutting we follow) cuts a histogram chunk early once it passes 256
  // bytes within its range; 2.42, which wrote these, cuts by sample count only. Chunks that stay
  // under that size are cut alike by both.
  const want = [...real].filter(
    (c) => Number(c.split(' ')[0]) >= walFrom && c.split(' ')[3]!.length / 2 < 256,
  );
  try {
    await db.compact();
  } finally {
    await db.close();
  }
  const got = histogramChunks(data);
  assert.ok(want.length >= 2, `${want.length} real chunks in the range the WAL still holds`);
  // Our blocks cover the real ones' ranges (and the rest of the WAL): each real chunk is among ours.
  for (const c of want) assert.ok(got.has(c), `our head cut the real chunk ${c.slice(0, 60)}…`);
});

test('every histogram chunk of the real Prometheus is re-encoded bit for bit by our appenders', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const run = await realRun(t, bin);
  if (!run) return;
  let n = 0;
  for (const c of histogramChunks(run.data)) {
    const [, , enc, hex] = c.split(' ');
    const data = Buffer.from(hex!, 'hex');
    let bytes: Uint8Array;
    if (enc === '2') {
      const it = new HistogramIterator(data);
      bytes = reencode(
        data,
        () => (it.next() === ValueType.None ? null : it.atHistogram()),
        () => it.atT(),
        new HistogramAppender(),
      );
      assert.equal(it.err(), null);
    } else {
      const it = new FloatHistogramIterator(data);
      bytes = reencode(
        data,
        () => (it.next() === ValueType.None ? null : it.atFloatHistogram()),
        () => it.atT(),
        new FloatHistogramAppender(),
      );
      assert.equal(it.err(), null);
    }
    assert.equal(Buffer.from(bytes).toString('hex'), hex, `chunk of encoding ${enc}`);
    n++;
  }
  assert.ok(n >= 4);
});

/** The chunk's samples appended anew; the header (counter reset, gauge) is the chunk's, not its samples'. */
function reencode<H extends Histogram | FloatHistogram>(
  data: Uint8Array,
  next: () => H | null,
  t: () => number,
  a: HistogramChunkAppender<H>,
): Uint8Array {
  const header = data[2]! & 0xc0;
  for (let h = next(); h !== null; h = next()) {
    h.counterResetHint = header === 0xc0 ? CounterResetHint.Gauge : CounterResetHint.Unknown;
    if (header === 0xc0) h = a.gaugeAligned(h);
    if (a.appendable(h) === 'widen') a = a.widenedFor(h);
    a.append(t(), h);
  }
  a.setHeader(header);
  return a.bytes();
}
