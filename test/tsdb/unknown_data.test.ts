// Data this server cannot interpret is reported and kept, never rewritten or dropped: WAL records
// of types it does not apply (exemplars, metadata, a future type) survive replay and checkpoints
// byte for byte; a chunk of an encoding it cannot decode is left out of queries (counted) and goes
// through compaction unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { ValueType } from '../../src/storage/index.js';
import { Block, writeBlock } from '../../src/tsdb/block.js';
import { compactBlockDirs, encodeChunks } from '../../src/tsdb/compact.js';
import { EncBuf } from '../../src/tsdb/encoding/index.js';
import { openDB } from '../../src/tsdb/index.js';
import {
  WAL,
  encodeSamplesRecord,
  encodeSeriesRecord,
  lastCheckpoint,
  listSegments,
  readSegment,
  writeCheckpoint,
} from '../../src/tsdb/wal/index.js';
import { newRegistry } from '../../src/util/metrics.js';
import { tempDir } from '../support/peers.js';

function records(walDir: string): string[] {
  const out: string[] = [];
  const cp = lastCheckpoint(walDir);
  if (cp)
    for (const s of listSegments(join(walDir, cp.name)))
      readSegment(join(walDir, cp.name, String(s).padStart(8, '0')), (r) =>
        out.push(Buffer.from(r).toString('hex')),
      );
  for (const s of listSegments(walDir))
    if (!cp || s > cp.index)
      readSegment(join(walDir, String(s).padStart(8, '0')), (r) =>
        out.push(Buffer.from(r).toString('hex')),
      );
  return out;
}

test('WAL records of types the head does not apply are counted at replay and kept by checkpoints byte for byte', async (t) => {
  const { dir, cleanup } = tempDir('unknown-wal-');
  t.after(cleanup);
  const walDir = join(dir, 'wal');
  const wal = new WAL(walDir);
  await wal.replay(() => {}); // the WAL's contract: replayed (its directory made) before writes
  const enc = new EncBuf();
  encodeSeriesRecord(enc, [{ ref: 1, labels: Labels.fromStrings('__name__', 'x') }]);
  const series = enc.bytes().slice();
  enc.reset();
  encodeSamplesRecord(enc, [1], [1000], [5], 1);
  const samples = enc.bytes().slice();
  // An exemplars record (type 4; its body is never read here) and one of a type no version has.
  const exemplars = Uint8Array.from([
    4,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0,
    0,
    1,
    0x62,
    0x5a,
    0x1f,
    0x0c,
    0x40,
    0,
    0,
    8,
    ...Buffer.from('trace_id'),
    3,
    ...Buffer.from('abc'),
  ]);
  const future = Uint8Array.from([200, 1, 2, 3, 4, 5]);
  wal.log([series, samples, exemplars, future]);
  wal.cut();
  wal.close();

  const registry = newRegistry();
  const db = await openDB(dir, {}, { noBackground: true, registry });
  const m = await registry.metrics();
  assert.match(m, /prometheus_tsdb_wal_unsupported_records_total\{type="exemplars"\} 1/);
  assert.match(m, /prometheus_tsdb_wal_unsupported_records_total\{type="unknown"\} 1/);
  await db.close();

  // A checkpoint past them keeps both, exactly; series and samples it re-encodes as it always does.
  writeCheckpoint(walDir, Math.max(...listSegments(walDir)) - 1, 0, [1]);
  assert.ok(lastCheckpoint(walDir));
  const after = records(walDir);
  for (const r of [exemplars, future])
    assert.ok(after.includes(Buffer.from(r).toString('hex')), `record of type ${r[0]} kept`);
});

test('a chunk of an encoding this server cannot decode is left out of queries (counted) and goes through compaction unchanged', async (t) => {
  const { dir, cleanup } = tempDir('unknown-chunk-');
  t.after(cleanup);
  const L = Labels.fromStrings('__name__', 'x');
  const floats = encodeChunks(Float64Array.from([1000, 2000]), Float64Array.from([1, 2]));
  const strange = {
    mint: 3000,
    maxt: 4000,
    enc: 9,
    data: Uint8Array.from([0, 2, 0xde, 0xad, 0xbe, 0xef]),
  };
  const a = writeBlock(dir, [{ labels: L, chunks: [...floats, strange] }], 0, 5000, null);
  const b = writeBlock(
    dir,
    [{ labels: L, chunks: encodeChunks(Float64Array.from([1500]), Float64Array.from([7])) }],
    0,
    5000,
    null,
  );
  const registry = newRegistry();
  const db = await openDB(dir, {}, { noBackground: true, registry });
  try {
    const ss = db.querier(0, 10_000).select(true, undefined, Matcher.equal('__name__', 'x'));
    assert.ok(ss.next());
    const it = ss.at().iterator();
    const got: string[] = [];
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next())
      got.push(`${it.atT()} ${it.atF()}`);
    assert.deepEqual(
      got,
      ['1000 1', '1500 7', '2000 2'],
      'the floats merged; the strange chunk left out',
    );
    assert.match(
      await registry.metrics(),
      /prometheus_tsdb_unsupported_chunks_read_total\{encoding="<unknown>"\} [1-9]/,
    );
  } finally {
    await db.close();
  }
  // Overlapping blocks: the floats are merged and re-encoded, the strange chunk copied byte for byte.
  const meta = compactBlockDirs(dir, [join(dir, a.ulid), join(dir, b.ulid)]);
  const nb = new Block(join(dir, meta.ulid));
  try {
    const [s] = [...nb.allSeries()];
    const kept = s!.chunks.find((c) => c.enc === 9);
    assert.ok(kept, 'the chunk is in the new block');
    assert.deepEqual(
      [kept.mint, kept.maxt, Buffer.from(kept.data).toString('hex')],
      [3000, 4000, 'deadbeef'.padStart(12, '0002')],
    );
  } finally {
    void nb.close();
  }
});
