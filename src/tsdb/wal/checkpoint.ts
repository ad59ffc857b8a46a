// Checkpoints: when the head is truncated, the segments up to a point are condensed into
// wal/checkpoint.NNNNNNNN/ holding only what the head still needs — series records of live series,
// samples at or after the truncation time, tombstones still in range — and then deleted.
// Pure file work, so it runs in the compaction worker, off the event loop.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DecBuf, EncBuf } from '../encoding/index.js';
import { HEADER, SEGMENT_MAGIC, REC_SAMPLES, REC_SERIES, REC_TOMBSTONES, frameRecord, lastCheckpoint, listSegments, readSegment, type WALRecord } from './wal.js';

function segName(n: number): string {
  return String(n).padStart(8, '0');
}

/** Writes checkpoint.upTo from the previous checkpoint and segments ≤ upTo; removes what it replaces. */
export function writeCheckpoint(walDir: string, upTo: number, mint: number, live: ArrayLike<number>): { series: number; samples: number } {
  const keep = new Set<number>();
  for (let i = 0; i < live.length; i++) keep.add(live[i]!);
  const out = new EncBuf(1 << 20);
  const tmpDir = join(walDir, `checkpoint.${segName(upTo)}.tmp`);
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir);
  const fd = openSync(join(tmpDir, segName(0)), 'w');
  writeSync(fd, SEGMENT_MAGIC);
  const flush = (): void => {
    let done = 0;
    const b = out.bytes();
    while (done < b.length) done += writeSync(fd, b, done, b.length - done);
    out.reset();
  };
  const frame = (type: number, payload: Uint8Array): void => {
    const b = new Uint8Array(HEADER + payload.length);
    frameRecord(b, 0, type, payload);
    out.putBytes(b);
    if (out.len > 8 << 20) flush();
  };
  let nSeries = 0;
  let nSamples = 0;
  const onRecord = (r: WALRecord): void => {
    if (r.type === REC_SERIES) {
      const d = new DecBuf(r.data);
      const e = new EncBuf(r.data.length);
      while (d.remaining() > 0) {
        const start = d.off;
        const ref = d.uvarint();
        const nl = d.uvarint();
        for (let i = 0; i < nl * 2; i++) d.bytes(d.uvarint());
        if (keep.has(ref)) {
          e.putBytes(r.data.subarray(start, d.off));
          nSeries++;
        }
      }
      if (e.len > 0) frame(REC_SERIES, e.bytes());
    } else if (r.type === REC_SAMPLES) {
      const n = Math.floor(r.data.length / 20);
      const dv = new DataView(r.data.buffer, r.data.byteOffset, r.data.length);
      const e = new EncBuf(r.data.length);
      for (let i = 0; i < n; i++) {
        if (dv.getFloat64(i * 20 + 4, true) < mint || !keep.has(dv.getUint32(i * 20, true))) continue;
        e.putBytes(r.data.subarray(i * 20, i * 20 + 20));
        nSamples++;
      }
      if (e.len > 0) frame(REC_SAMPLES, e.bytes());
    } else if (r.type === REC_TOMBSTONES) {
      const d = new DecBuf(r.data);
      const e = new EncBuf(r.data.length);
      while (d.remaining() > 0) {
        const ref = d.uvarint();
        const a = d.varint();
        const b = d.varint();
        if (b < mint || !keep.has(ref)) continue;
        e.putUvarint(ref);
        e.putVarint(a);
        e.putVarint(b);
      }
      if (e.len > 0) frame(REC_TOMBSTONES, e.bytes());
    }
  };
  const prev = lastCheckpoint(walDir);
  if (prev) {
    const d = join(walDir, prev.name);
    for (const s of listSegments(d)) readSegment(join(d, segName(s)), onRecord);
  }
  for (const s of listSegments(walDir)) {
    if (s > upTo) break;
    if (prev && s <= prev.index) continue;
    readSegment(join(walDir, segName(s)), onRecord);
  }
  flush();
  fsyncSync(fd);
  closeSync(fd);
  const final = join(walDir, `checkpoint.${segName(upTo)}`);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmpDir, final);
  for (const s of listSegments(walDir)) if (s <= upTo) rmSync(join(walDir, segName(s)), { force: true });
  for (const f of readdirSync(walDir)) {
    if (f.startsWith('checkpoint.') && f !== `checkpoint.${segName(upTo)}`) rmSync(join(walDir, f), { recursive: true, force: true });
  }
  return { series: nSeries, samples: nSamples };
}

export function removeCheckpointLeftovers(walDir: string): void {
  if (!existsSync(walDir)) return;
  for (const f of readdirSync(walDir)) if (/^checkpoint\.\d{8}\.tmp$/.test(f)) rmSync(join(walDir, f), { recursive: true, force: true });
}
