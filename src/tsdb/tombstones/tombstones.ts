// The `tombstones` file of a block: magic 0x0130BA30, version 1, then per (series, interval):
// uvarint series ref, uvarint 1, varint mint, varint maxt; a CRC32C of the entries at the end.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes a file whole or not at all: a failed write (a full disk) leaves the old file as it was,
 * never a truncated one that would make its block unreadable at the next start.
 */
export function writeReplacing(path: string, data: Uint8Array | string): void {
  const tmp = path + '.tmp';
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
import { DecBuf, EncBuf, crc32c } from '../encoding/index.js';

export const MAGIC_TOMBSTONES = 0x0130ba30;
export const TOMBSTONES_FILE = 'tombstones';

/** A deleted time range of a series, both ends inclusive. */
export interface Interval {
  mint: number;
  maxt: number;
}

export type TombstoneMap = Map<number, Interval[]>;

export class TombstoneError extends Error {}

export function writeTombstones(path: string, ts: TombstoneMap): number {
  const b = new EncBuf(64);
  b.putBE32(MAGIC_TOMBSTONES);
  b.putByte(1);
  const refs = [...ts.keys()].sort((a, b2) => a - b2);
  for (const r of refs) {
    for (const iv of ts.get(r)!) {
      b.putUvarint(r);
      b.putUvarint(1);
      b.putVarint(iv.mint);
      b.putVarint(iv.maxt);
    }
  }
  b.putBE32(crc32c(b.b, 5, b.len));
  writeReplacing(path, b.bytes());
  return b.len;
}

export function readTombstones(path: string): { map: TombstoneMap; size: number } {
  const map: TombstoneMap = new Map();
  if (!existsSync(path)) return { map, size: 0 };
  const b = readFileSync(path);
  if (b.length < 9) throw new TombstoneError(`${path}: tombstones header too short`);
  if (b.readUInt32BE(0) !== MAGIC_TOMBSTONES)
    throw new TombstoneError(`${path}: invalid magic number ${b.readUInt32BE(0).toString(16)}`);
  if (b[4] !== 1) throw new TombstoneError(`${path}: invalid tombstone format version ${b[4]}`);
  if (crc32c(b, 5, b.length - 4) !== b.readUInt32BE(b.length - 4))
    throw new TombstoneError(`${path}: checksum did not match`);
  const d = new DecBuf(b, 5, b.length - 4);
  while (d.remaining() > 0) {
    const ref = d.uvarint();
    const n = d.uvarint();
    for (let i = 0; i < n; i++) {
      const mint = d.varint();
      const maxt = d.varint();
      addInterval(map, ref, { mint, maxt });
    }
  }
  return { map, size: b.length };
}

/** Adds an interval, merging with overlapping or adjacent ones. */
export function addInterval(map: TombstoneMap, ref: number, iv: Interval): void {
  const l = map.get(ref) ?? [];
  l.push({ ...iv });
  l.sort((a, b) => a.mint - b.mint);
  const out: Interval[] = [];
  for (const x of l) {
    const last = out[out.length - 1];
    if (last && x.mint <= last.maxt + 1) last.maxt = Math.max(last.maxt, x.maxt);
    else out.push(x);
  }
  map.set(ref, out);
}
