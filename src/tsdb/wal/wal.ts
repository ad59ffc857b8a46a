// Write-ahead log: numbered segment files (00000000, 00000001, …) in wal/, each a run of records
// framed as [type u8][length u32 LE][crc32c u32 LE][payload]. A commit is one writeSync of one
// buffer, so a commit that returned survives kill -9 (the bytes are in the page cache). On open a
// torn or corrupt tail is cut at the last good record and later segments are removed.
// Checkpoints (checkpoint.NNNNNNNN/) hold the head's state at a truncation so older segments can go.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  fsyncSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../encoding/index.js';

/** Every segment starts with this, so a WAL in another format (Prometheus's own) is recognised. */
export const SEGMENT_MAGIC = new Uint8Array([0x50, 0x54, 0x53, 0x57, 0x41, 0x4c, 0x00, 0x01]); // "PTSWAL\0\1"
export const REC_SERIES = 1;
export const REC_SAMPLES = 2;
export const REC_TOMBSTONES = 3;
export const HEADER = 9;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

export interface WALRecord {
  type: number;
  data: Uint8Array;
}

export interface Corruption {
  segment: string;
  offset: number;
  reason: string;
}

function segName(n: number): string {
  return String(n).padStart(8, '0');
}

export function listSegments(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{8}$/.test(f))
    .map(Number)
    .sort((a, b) => a - b);
}

export function lastCheckpoint(dir: string): { name: string; index: number } | null {
  if (!existsSync(dir)) return null;
  const cps = readdirSync(dir)
    .filter((f) => /^checkpoint\.\d{8}$/.test(f))
    .sort();
  const name = cps[cps.length - 1];
  return name ? { name, index: Number(name.slice(11)) } : null;
}

/** Frames a record into buf at off; returns the new offset. buf must have room. */
export function frameRecord(buf: Uint8Array, off: number, type: number, payload: Uint8Array): number {
  buf[off] = type;
  const n = payload.length;
  buf[off + 1] = n;
  buf[off + 2] = n >>> 8;
  buf[off + 3] = n >>> 16;
  buf[off + 4] = n >>> 24;
  const c = crc32c(payload);
  buf[off + 5] = c;
  buf[off + 6] = c >>> 8;
  buf[off + 7] = c >>> 16;
  buf[off + 8] = c >>> 24;
  buf.set(payload, off + HEADER);
  return off + HEADER + n;
}

/** Frames a record whose payload is already at buf[off+HEADER, off+HEADER+n); returns the new offset. */
export function frameInPlace(buf: Uint8Array, off: number, type: number, n: number): number {
  buf[off] = type;
  buf[off + 1] = n;
  buf[off + 2] = n >>> 8;
  buf[off + 3] = n >>> 16;
  buf[off + 4] = n >>> 24;
  const c = crc32c(buf, off + HEADER, off + HEADER + n);
  buf[off + 5] = c;
  buf[off + 6] = c >>> 8;
  buf[off + 7] = c >>> 16;
  buf[off + 8] = c >>> 24;
  return off + HEADER + n;
}

/**
 * Reads the records of one segment file. Stops at the first torn or corrupt record and reports
 * where, so the caller can truncate there.
 */
export function readSegment(path: string, onRecord: (r: WALRecord) => void): { goodBytes: number; corruption: string | null } {
  const b = readFileSync(path);
  if (b.length === 0) return { goodBytes: 0, corruption: null };
  if (b.length < SEGMENT_MAGIC.length) return { goodBytes: 0, corruption: 'torn segment header' };
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) if (b[i] !== SEGMENT_MAGIC[i]) throw new ForeignWALError(path);
  let off = SEGMENT_MAGIC.length;
  while (off < b.length) {
    if (off + HEADER > b.length) return { goodBytes: off, corruption: 'torn record header' };
    const type = b[off]!;
    const n = b.readUInt32LE(off + 1);
    const c = b.readUInt32LE(off + 5);
    if (type < REC_SERIES || type > REC_TOMBSTONES) return { goodBytes: off, corruption: `unknown record type ${type}` };
    if (off + HEADER + n > b.length) return { goodBytes: off, corruption: 'torn record' };
    const data = b.subarray(off + HEADER, off + HEADER + n);
    if (crc32c(data) !== c) return { goodBytes: off, corruption: 'checksum mismatch' };
    onRecord({ type, data });
    off += HEADER + n;
  }
  return { goodBytes: off, corruption: null };
}

/** A segment that is not in this project's WAL format (e.g. a Prometheus data directory's WAL). */
export class ForeignWALError extends Error {
  constructor(readonly path: string) {
    super(`${path}: not a prometheus-ts WAL segment`);
  }
}

/** The first non-empty segment (checkpoints included) lacking this project's magic, or null. */
export function foreignWALSegment(dir: string): string | null {
  if (!existsSync(dir)) return null;
  const files: string[] = [];
  for (const s of listSegments(dir)) files.push(join(dir, segName(s)));
  const cp = lastCheckpoint(dir);
  if (cp) for (const s of listSegments(join(dir, cp.name))) files.push(join(dir, cp.name, segName(s)));
  for (const f of files) {
    const fd = openSync(f, 'r');
    const h = new Uint8Array(SEGMENT_MAGIC.length);
    const n = readSync(fd, h, 0, h.length, 0);
    closeSync(fd);
    if (n === SEGMENT_MAGIC.length && !h.every((x, i) => x === SEGMENT_MAGIC[i])) return f;
  }
  return null;
}

export class WAL {
  readonly dir: string;
  private fd = -1;
  private seg = 0;
  private segBytes = 0;
  private readonly segSize: number;
  /** Set when a write failed and the segment could not be cut back: the next write opens a new segment. */
  private broken = false;

  constructor(dir: string, segmentSize = DEFAULT_SEGMENT_SIZE) {
    this.dir = dir;
    this.segSize = segmentSize;
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Replays checkpoint then segments, repairing a corrupt tail. Returns corruptions found.
   * Must be called once before writes.
   */
  replay(onRecord: (r: WALRecord) => void, onProgress?: (seg: number, min: number, max: number) => void): Corruption[] {
    const corruptions: Corruption[] = [];
    mkdirSync(this.dir, { recursive: true });
    // A checkpoint interrupted by a crash is incomplete: its source segments are still there.
    for (const f of readdirSync(this.dir)) if (/^checkpoint\.\d{8}\.tmp$/.test(f)) rmSync(join(this.dir, f), { recursive: true, force: true });
    const cp = lastCheckpoint(this.dir);
    let from = 0;
    if (cp) {
      const cpDir = join(this.dir, cp.name);
      for (const s of listSegments(cpDir)) {
        const r = readSegment(join(cpDir, segName(s)), onRecord);
        if (r.corruption) corruptions.push({ segment: join(cp.name, segName(s)), offset: r.goodBytes, reason: r.corruption });
      }
      from = cp.index + 1;
    }
    const segs = listSegments(this.dir).filter((s) => s >= from);
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      onProgress?.(s, segs[0]!, segs[segs.length - 1]!);
      const p = join(this.dir, segName(s));
      const r = readSegment(p, onRecord);
      if (r.corruption) {
        corruptions.push({ segment: segName(s), offset: r.goodBytes, reason: r.corruption });
        // Repair: keep what was good, drop the rest of this segment and every later one.
        const fd = openSync(p, 'r+');
        ftruncateSync(fd, r.goodBytes);
        fsyncSync(fd);
        closeSync(fd);
        for (const later of segs.slice(i + 1)) rmSync(join(this.dir, segName(later)), { force: true });
        break;
      }
    }
    const all = listSegments(this.dir);
    const last = all.length > 0 ? all[all.length - 1]! : Math.max(from, 0);
    this.openSegment(last, true);
    return corruptions;
  }

  private openSegment(n: number, append: boolean): void {
    if (this.fd >= 0) closeSync(this.fd);
    const p = join(this.dir, segName(n));
    this.fd = openSync(p, append ? 'a' : 'w');
    this.seg = n;
    this.segBytes = fstatSync(this.fd).size;
    this.broken = false;
    if (this.segBytes === 0) {
      writeSync(this.fd, SEGMENT_MAGIC);
      this.segBytes = SEGMENT_MAGIC.length;
    }
  }

  /** Writes framed records in one write. Throws on I/O errors (after cutting the file back). */
  write(buf: Uint8Array): void {
    if (this.fd < 0) this.openSegment(0, true);
    if (this.broken || (this.segBytes > SEGMENT_MAGIC.length && this.segBytes + buf.length > this.segSize)) this.openSegment(this.seg + 1, false);
    let done = 0;
    try {
      while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done);
    } catch (e) {
      if (done > 0) {
        try {
          ftruncateSync(this.fd, this.segBytes);
        } catch {
          this.broken = true;
        }
      }
      throw e;
    }
    this.segBytes += buf.length;
  }

  currentSegment(): number {
    return this.seg;
  }

  /** Starts a new segment; returns the number of the last complete one. */
  cut(): number {
    const prev = this.seg;
    this.openSegment(this.seg + 1, false);
    return prev;
  }

  sync(): void {
    if (this.fd >= 0) fsyncSync(this.fd);
  }

  sizeBytes(): number {
    let n = 0;
    const walk = (d: string): void => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, f.name);
        if (f.isDirectory()) walk(p);
        else n += statSync(p).size;
      }
    };
    if (existsSync(this.dir)) walk(this.dir);
    return n;
  }

  close(): void {
    if (this.fd >= 0) {
      try {
        fsyncSync(this.fd);
      } catch {
        /* closing anyway */
      }
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
