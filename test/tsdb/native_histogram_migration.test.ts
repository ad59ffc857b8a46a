// A user migrating a real Prometheus data directory that holds native histograms: the real
// Prometheus 2.42 (native histograms on) scrapes a protobuf target of the test's own, cutting small
// blocks; this TSDB then opens the directory, replays the WAL, compacts, checkpoints and applies
// retention. The histogram chunks must come out byte for byte as the real one wrote them, and its
// histogram WAL records must survive the checkpoint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../src/model/labels/index.js';
import { Block, type BlockMeta } from '../../src/tsdb/block.js';
import { compactBlockDirs } from '../../src/tsdb/compact.js';
import { ENC_XOR } from '../../src/tsdb/chunkenc/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { isULID } from '../../src/tsdb/ulid.js';
import { REC_HISTOGRAM_SAMPLES, lastCheckpoint, listSegments, readSegment } from '../../src/tsdb/wal/index.js';
import { newRegistry } from '../../src/util/metrics.js';
import { startHistogramTarget } from '../util/histogram_target.js';
import { freePort, peer, startProcess, tempDir } from '../util/peers.js';
import { runPromtoolTs } from '../util/server.js';

const NAME = 'test_native_histogram';

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
        if (s.labels.get('__name__') !== NAME) continue;
        for (const c of s.chunks) if (c.enc !== ENC_XOR) out.add(`${c.mint} ${c.maxt} ${c.enc} ${Buffer.from(c.data).toString('hex')}`);
      }
    } finally {
      void b.close();
    }
  }
  return out;
}

/** The histogram-sample WAL records (bytes, hex) in the WAL's checkpoint and segments. */
function histogramRecords(wal: string): string[] {
  const out: string[] = [];
  const onRecord = (r: Uint8Array): void => {
    if (r[0] === REC_HISTOGRAM_SAMPLES) out.push(Buffer.from(r).toString('hex'));
  };
  const cp = lastCheckpoint(wal);
  if (cp) for (const s of listSegments(join(wal, cp.name))) readSegment(join(wal, cp.name, String(s).padStart(8, '0')), onRecord);
  for (const s of listSegments(wal)) if (!cp || s > cp.index) readSegment(join(wal, String(s).padStart(8, '0')), onRecord);
  return out;
}

test('native histograms from a real Prometheus survive our WAL replay, checkpoint, compaction and retention byte for byte', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const { dir, cleanup } = tempDir('nh-migrate-');
  t.after(cleanup);
  const target = await startHistogramTarget(NAME);
  t.after(() => target.close());
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'p.yml'), `global:\n  scrape_interval: 100ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: h\n    static_configs:\n      - targets: ['${target.address}']\n`);
  const data = join(dir, 'data');
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
  t.after(() => proc.stop());
  const until = Date.now() + 25_000;
  while (Date.now() < until && (!existsSync(data) || blockDirs(data).length < 3)) await new Promise((r) => setTimeout(r, 200));
  await proc.stop();
  assert.ok(blockDirs(data).length >= 3, `the real Prometheus wrote ${existsSync(data) ? blockDirs(data).length : 0} blocks:\n${proc.output()}`);

  const before = histogramChunks(data);
  assert.ok(before.size >= 3, `histogram chunks in the real blocks: ${before.size}`);
  for (const c of before) assert.equal(c.split(' ')[2], '2', 'the real Prometheus writes integer histograms with encoding 2');
  const walBefore = histogramRecords(join(data, 'wal'));
  assert.ok(walBefore.length > 0, 'histogram records in the real WAL');

  // promtool-ts tsdb dump reads the histogram chunks for what they are, never as floats.
  const dump = await runPromtoolTs(['tsdb', 'dump', `--match={__name__="${NAME}"}`, data]);
  assert.equal(dump.code, 0, dump.stderr);
  assert.doesNotMatch(dump.stdout, new RegExp(`^\\{__name__="${NAME}".*\\} [-+0-9.e]+ \\d+$`, 'm'), 'no histogram sample printed as a float');

  // Replay, head compaction (which checkpoints the WAL) and block compaction.
  const registry = newRegistry();
  const db = await openDB(data, { minBlockDuration: 2000, maxBlockDuration: 18_000 }, { noBackground: true, inlineCompaction: true, registry });
  try {
    const metrics = await registry.metrics();
    assert.match(metrics, /prometheus_tsdb_wal_unsupported_records_total\{type="histogram_samples"\} [1-9]/);
    // This server goes on ingesting, so its head spans enough to be compacted and the WAL checkpointed.
    const app = db.appender();
    app.append(0, Labels.fromStrings('__name__', 'ours'), db.head.maxTime + 6000, 1);
    await app.commit();
    await db.compact();
  } finally {
    await db.close();
  }
  // The real blocks are too young for the planner to merge: merge the oldest two as it would.
  const real = blockDirs(data)
    .map((d) => ({ d, m: JSON.parse(readFileSync(join(d, 'meta.json'), 'utf8')) as BlockMeta }))
    .filter((x) => x.m.stats.numSeries > 1)
    .sort((a, b) => a.m.minTime - b.m.minTime);
  compactBlockDirs(data, [real[0]!.d, real[1]!.d]);
  for (const x of real.slice(0, 2)) rmSync(x.d, { recursive: true });
  assert.ok(lastCheckpoint(join(data, 'wal')), 'the WAL was checkpointed');
  assert.deepEqual(histogramChunks(data), before, 'compaction keeps the histogram chunks byte for byte');
  assert.deepEqual(histogramRecords(join(data, 'wal')), walBefore, 'the checkpoint keeps every histogram record byte for byte');

  // Retention drops whole blocks; what remains is untouched. The limit keeps the newest block with
  // histogram chunks and drops the oldest (the merged one).
  const metas = blockDirs(data).map((d) => JSON.parse(readFileSync(join(d, 'meta.json'), 'utf8')) as BlockMeta);
  const withHist = metas.filter((m) => [...before].some((c) => Number(c.split(' ')[0]) >= m.minTime && Number(c.split(' ')[0]) < m.maxTime));
  const newest = Math.max(...metas.map((m) => m.maxTime));
  const keepFrom = Math.max(...withHist.map((m) => m.maxTime));
  assert.ok(withHist.length >= 2, 'histogram chunks in two blocks at least');
  const db2 = await openDB(data, { minBlockDuration: 2000, maxBlockDuration: 18_000, retentionDuration: newest - keepFrom }, { noBackground: true, inlineCompaction: true });
  try {
    await db2.compact();
  } finally {
    await db2.close();
  }
  const after = histogramChunks(data);
  assert.ok(after.size > 0 && after.size < before.size, `retention removed some, kept some: ${after.size} of ${before.size}`);
  for (const c of after) assert.ok(before.has(c), 'a chunk kept by retention is unchanged');
});
