// Reads Prometheus's own WAL (tsdb/wlog): 32 KiB pages of record fragments, each with a 7-byte
// header (type with snappy/zstd flags, big-endian length, CRC32C), reassembled into records:
// series (ref BE64, labels), samples (base ref and time, then varint deltas and float bits),
// tombstones. This is how a Prometheus data directory's head data is migrated into this TSDB.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uncompress } from 'snappyjs';
import { Labels } from '../../model/labels/index.js';
import { DecBuf, crc32c } from '../encoding/index.js';
import { lastCheckpoint, listSegments } from './wal.js';

const PAGE = 32 * 1024;
const HDR = 7;
const SNAPPY = 1 << 3;
const ZSTD = 1 << 4;

export interface PromWALHandlers {
  series(ref: number, labels: Labels): void;
  sample(ref: number, t: number, v: number): void;
  tombstone(ref: number, mint: number, maxt: number): void;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function decodeRecord(rec: Uint8Array, h: PromWALHandlers): void {
  if (rec.length === 0) return;
  const d = new DecBuf(rec, 1);
  switch (rec[0]) {
    case 1: // series
      while (d.remaining() > 0) {
        const ref = d.be64();
        const n = d.uvarint();
        const pairs: [string, string][] = [];
        for (let i = 0; i < n; i++) pairs.push([d.uvarintStr(), d.uvarintStr()]);
        h.series(ref, Labels.fromPairs(pairs));
      }
      break;
    case 2: {
      // samples
      if (d.remaining() === 0) break;
      const baseRef = d.be64();
      const hi = d.be32() | 0;
      const baseT = hi * 4294967296 + d.be32();
      while (d.remaining() > 0) {
        const ref = baseRef + d.varint();
        const t = baseT + d.varint();
        U32[1] = d.be32();
        U32[0] = d.be32();
        h.sample(ref, t, F64[0]!);
      }
      break;
    }
    case 3: // tombstones
      while (d.remaining() > 0) {
        const ref = d.uvarint();
        const mint = d.varint();
        const maxt = d.varint();
        h.tombstone(ref, mint, maxt);
      }
      break;
    default:
    // exemplars, mmap markers, metadata, native histograms: not needed for float samples
  }
}

/** Reads one segment file; returns the number of records, or throws on a damaged page. */
function readPromSegment(path: string, h: PromWALHandlers): number {
  const b = readFileSync(path);
  let pending: Uint8Array[] = [];
  let flags = 0;
  let records = 0;
  for (let page = 0; page < b.length; page += PAGE) {
    const end = Math.min(page + PAGE, b.length);
    let off = page;
    while (off + HDR <= end) {
      const typByte = b[off]!;
      const typ = typByte & (SNAPPY - 1);
      if (typ === 0) break; // rest of page empty
      const len = b.readUInt16BE(off + 1);
      const crc = b.readUInt32BE(off + 3);
      const start = off + HDR;
      if (start + len > end) throw new Error(`${path}: record fragment at ${off} beyond its page`);
      const frag = b.subarray(start, start + len);
      if (crc32c(frag) !== crc) throw new Error(`${path}: checksum mismatch at ${off}`);
      off = start + len;
      if (typ === 1 || typ === 2) {
        pending = [frag];
        flags = typByte;
      } else pending.push(frag);
      if (typ === 1 || typ === 4) {
        let rec: Uint8Array = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        if (flags & ZSTD) throw new Error(`${path}: zstd-compressed WAL records are not supported`);
        if (flags & SNAPPY) rec = uncompress(rec);
        decodeRecord(rec, h);
        records++;
        pending = [];
      }
    }
  }
  return records;
}

/** Replays a Prometheus WAL directory (last checkpoint, then later segments). */
export function readPrometheusWAL(dir: string, h: PromWALHandlers): { segments: number; records: number } {
  let records = 0;
  let segments = 0;
  const cp = lastCheckpoint(dir);
  let from = 0;
  if (cp) {
    for (const s of listSegments(join(dir, cp.name))) {
      records += readPromSegment(join(dir, cp.name, String(s).padStart(8, '0')), h);
      segments++;
    }
    from = cp.index + 1;
  }
  for (const s of listSegments(dir)) {
    if (s < from) continue;
    records += readPromSegment(join(dir, String(s).padStart(8, '0')), h);
    segments++;
  }
  return { segments, records };
}
