// Write-ahead log in Prometheus's format (tsdb/wlog): numbered segment files (00000000, …) in wal/,
// made of 32 KiB pages holding record fragments, each with a 7-byte header: type (full, first,
// middle, last; snappy flag when compressed), big-endian length, CRC32C. A commit is one
// writeSync of one buffer, so a commit that returned survives kill -9 (the bytes are in the page
// cache). On open a torn or corrupt tail is cut at the last good record and later segments are
// removed, and writing starts in a new segment. Checkpoints (checkpoint.NNNNNNNN/) condense
// finished segments at head truncation.
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
  fsyncSync,
} from 'node:fs';
import { join } from 'node:path';
import { compress as snappyCompress } from 'snappyjs';
import { snappyDecode, SnappyError } from '../../util/snappy.js';
import { ioError } from '../../util/ioerror.js';
import { DecodeError, EncBuf, crc32c } from '../encoding/index.js';
import type { WALPosition } from './watcher.js';

export { REC_SERIES, REC_SAMPLES, REC_TOMBSTONES } from './records.js';
export const PAGE_SIZE = 32 * 1024;
export const FRAG_HEADER = 7;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;
const FRAG_FULL = 1;
const FRAG_FIRST = 2;
const FRAG_MIDDLE = 3;
const FRAG_LAST = 4;
const SNAPPY = 1 << 3;
const ZSTD = 1 << 4;

/** A whole record: its first byte is the record type. */
export type WALRecord = Uint8Array;

/** A segment this server cannot read at all (e.g. zstd-compressed records). */
export class UnsupportedWALError extends Error {}

export interface Corruption {
  segment: string;
  offset: number;
  reason: string;
}

export function segName(n: number): string {
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

/**
 * Appends records to out as page-aligned fragments, given the segment offset at which out's
 * first byte will land.
 */
export function frameRecords(
  out: EncBuf,
  segOffset: number,
  recs: readonly Uint8Array[],
  compress = false,
): void {
  for (let rec of recs) {
    let flag = 0;
    if (compress) {
      // Snappy like Prometheus's default; kept only when it actually saves space.
      const c = snappyCompress(rec);
      if (c.length < rec.length) {
        rec = c;
        flag = SNAPPY;
      }
    }
    let done = 0;
    let first = true;
    for (;;) {
      let left = PAGE_SIZE - ((segOffset + out.len) % PAGE_SIZE);
      if (left <= FRAG_HEADER) {
        // Too little room for a fragment: zero-pad to the page end.
        for (let i = 0; i < left; i++) out.putByte(0);
        left = PAGE_SIZE;
      }
      const n = Math.min(rec.length - done, left - FRAG_HEADER);
      const last = done + n === rec.length;
      const typ = first ? (last ? FRAG_FULL : FRAG_FIRST) : last ? FRAG_LAST : FRAG_MIDDLE;
      out.putByte(typ | flag);
      out.putByte(n >>> 8);
      out.putByte(n & 0xff);
      out.putBE32(crc32c(rec, done, done + n));
      out.putBytes(rec.subarray(done, done + n));
      done += n;
      first = false;
      if (last) break;
    }
  }
}

/**
 * Segments are read this many bytes at a time into one reused buffer. Reading a whole segment at
 * once would hold up to 128 MiB that, once replay is over, stays resident until a major GC, which
 * an idle server may not run for a long time.
 */
const READ_BLOCK = 32 * PAGE_SIZE;

/**
 * Reads the records of one segment file. Stops at the first torn or corrupt record and reports
 * the offset just after the last good record, so the caller can truncate there. A record handed
 * to onRecord may share the read buffer: it is valid only during the call.
 */
export interface SegmentRead {
  goodBytes: number;
  corruption: string | null;
}

function* segmentReader(
  path: string,
  onRecord: (r: WALRecord) => void,
): Generator<void, SegmentRead> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let buf = Buffer.allocUnsafe(Math.max(1, Math.min(READ_BLOCK, size)));
    let pos = 0;
    let good = 0;
    const each = (rec: WALRecord): boolean => {
      onRecord(rec);
      return true;
    };
    while (pos < size) {
      const want = Math.min(buf.length, size - pos);
      let len = 0;
      while (len < want) {
        const n = readSync(fd, buf, len, want - len, pos + len);
        if (n === 0) break; // the file shrank under us: it ends where the read did
        len += n;
      }
      const r = scanRecords(buf.subarray(0, len), pos, path, each);
      good = r.good;
      if (r.corruption !== null) return { goodBytes: good, corruption: r.corruption };
      if (!r.partial) {
        if (len < want) break;
        pos += len;
        yield;
        continue;
      }
      if (pos + len >= size || len < want) return { goodBytes: good, corruption: 'torn record' };
      // The next read starts at the unfinished record; one longer than the buffer doubles it.
      if (r.good === pos) buf = Buffer.allocUnsafe(buf.length * 2);
      pos = r.good;
      yield;
    }
    return { goodBytes: good, corruption: null };
  } finally {
    closeSync(fd);
  }
}

export function readSegment(path: string, onRecord: (r: WALRecord) => void): SegmentRead {
  const it = segmentReader(path, onRecord);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** readSegment that lets the event loop run after every block read, so a long replay does not hold the server up. */
export async function readSegmentYielding(
  path: string,
  onRecord: (r: WALRecord) => void,
): Promise<SegmentRead> {
  const it = segmentReader(path, onRecord);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface ScanResult {
  /** Segment offset just after the last whole record handed over. */
  good: number;
  /** A record that is not valid; nothing after good was handed over. */
  corruption: string | null;
  /** The bytes end inside a record (a torn tail, or a read that stopped short of the record's end). */
  partial: boolean;
}

/**
 * Hands over the whole records in b, which holds a segment's bytes from offset base on (base is
 * where a record starts or inside page padding). onRecord returning false stops after that record.
 */
export function scanRecords(
  b: Uint8Array,
  base: number,
  path: string,
  onRecord: (r: WALRecord) => boolean,
): ScanResult {
  const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let parts: Uint8Array[] = [];
  let flags = 0;
  let good = base;
  let off = 0;
  const bad = (corruption: string): ScanResult => ({ good, corruption, partial: false });
  while (off < b.length) {
    const pageEnd = (Math.floor((base + off) / PAGE_SIZE) + 1) * PAGE_SIZE - base;
    const end = Math.min(b.length, pageEnd);
    if (pageEnd - off <= FRAG_HEADER || b[off] === 0) {
      // Page padding: must be zeros up to the page boundary.
      for (let i = off; i < end; i++)
        if (b[i] !== 0) return bad(`unexpected non-zero byte in padded page at ${base + i}`);
      off = end;
      continue;
    }
    if (off + FRAG_HEADER > b.length) break;
    const typByte = b[off]!;
    const typ = typByte & (SNAPPY - 1);
    if (typ < FRAG_FULL || typ > FRAG_LAST)
      return bad(`invalid record type ${typByte} at ${base + off}`);
    const n = (b[off + 1]! << 8) | b[off + 2]!;
    const crc = view.readUInt32BE(off + 3);
    const start = off + FRAG_HEADER;
    if (start + n > pageEnd) return bad(`record fragment at ${base + off} crosses its page`);
    if (start + n > b.length) break;
    if (crc32c(b, start, start + n) !== crc) return bad(`checksum mismatch at ${base + off}`);
    const frag = b.subarray(start, start + n);
    if (typ === FRAG_FULL || typ === FRAG_FIRST) {
      if (parts.length > 0) return bad(`record at ${base + off} starts inside another record`);
      parts = [frag];
      flags = typByte;
    } else {
      if (parts.length === 0) return bad(`record continuation at ${base + off} without a start`);
      parts.push(frag);
    }
    off = start + n;
    if (typ === FRAG_FULL || typ === FRAG_LAST) {
      let rec: Uint8Array = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      parts = [];
      if (flags & ZSTD)
        throw new UnsupportedWALError(
          `${path}: zstd-compressed WAL records are not supported; restart Prometheus with --storage.tsdb.wal-compression-type=snappy or without WAL compression first`,
        );
      // A record that passed its CRC but does not decompress or decode is corruption too, as in
      // Prometheus (the WAL is repaired there), not an error that stops the replay.
      try {
        if (flags & SNAPPY) rec = snappyDecode(rec);
        if (!onRecord(rec)) return { good: base + off, corruption: null, partial: false };
      } catch (e) {
        if (e instanceof SnappyError || e instanceof DecodeError)
          return bad(`${e.message} in record ending at ${base + off}`);
        throw e;
      }
      good = base + off;
    }
  }
  return {
    good,
    corruption: null,
    partial: good < base + b.length && (parts.length > 0 || off < b.length),
  };
}

export class WAL {
  readonly dir: string;
  private fd = -1;
  private seg = 0;
  private segBytes = 0;
  private readonly segSize: number;
  /** Set when a write failed and the segment could not be cut back: the next write opens a new segment. */
  private broken = false;

  private readonly compress: boolean;

  constructor(dir: string, segmentSize = DEFAULT_SEGMENT_SIZE, compress = true) {
    this.dir = dir;
    this.segSize = segmentSize;
    this.compress = compress;
  }

  /**
   * Replays checkpoint then segments, repairing a corrupt tail. Returns corruptions found.
   * Must be called once before writes.
   */
  async replay(
    onRecord: (r: WALRecord) => void,
    onProgress?: (seg: number, min: number, max: number) => void,
    /** Told when the checkpoint has been read (ms it took) and after each segment, as Prometheus logs them. */
    events?: { checkpointDone?(ms: number): void; segmentLoaded?(seg: number, max: number): void },
  ): Promise<Corruption[]> {
    const corruptions: Corruption[] = [];
    mkdirSync(this.dir, { recursive: true });
    // A checkpoint interrupted by a crash is incomplete: its source segments are still there.
    for (const f of readdirSync(this.dir))
      if (/^checkpoint\.\d{8}\.tmp$/.test(f))
        rmSync(join(this.dir, f), { recursive: true, force: true });
    const cp = lastCheckpoint(this.dir);
    let from = 0;
    const cpStart = performance.now();
    if (cp) {
      const cpDir = join(this.dir, cp.name);
      for (const s of listSegments(cpDir)) {
        const r = await readSegmentYielding(join(cpDir, segName(s)), onRecord);
        if (r.corruption)
          corruptions.push({
            segment: join(cp.name, segName(s)),
            offset: r.goodBytes,
            reason: r.corruption,
          });
      }
      from = cp.index + 1;
    }
    events?.checkpointDone?.(performance.now() - cpStart);
    // A WAL with no segment yet gets its first one now, as Prometheus creates it before replay.
    if (listSegments(this.dir).filter((s) => s >= from).length === 0)
      closeSync(openSync(join(this.dir, segName(from)), 'w'));
    const segs = listSegments(this.dir).filter((s) => s >= from);
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      onProgress?.(s, segs[0]!, segs[segs.length - 1]!);
      const p = join(this.dir, segName(s));
      const r = await readSegmentYielding(p, onRecord);
      if (r.corruption) {
        corruptions.push({ segment: segName(s), offset: r.goodBytes, reason: r.corruption });
        // Repair: keep what was good, drop the rest of this segment and every later one.
        const fd = openSync(p, 'r+');
        ftruncateSync(fd, r.goodBytes);
        fsyncSync(fd);
        closeSync(fd);
        for (const later of segs.slice(i + 1))
          rmSync(join(this.dir, segName(later)), { force: true });
        break;
      }
      events?.segmentLoaded?.(s, segs[segs.length - 1]!);
    }
    // Writes go to a new segment, as Prometheus starts one at every open: bytes after the last
    // record (zeros, a torn page) then never sit in front of records written from now on.
    // An empty last segment (the one just made for a new WAL) is written into as it is.
    const all = listSegments(this.dir);
    const last = all[all.length - 1]!;
    const empty = statSync(join(this.dir, segName(last))).size === 0;
    this.openSegment(empty ? last : last + 1, false);
    return corruptions;
  }

  /**
   * Switches writes to segment n. The new file is opened before the current one is closed, so a
   * failure (a full disk, a read-only directory) leaves the WAL writing where it was.
   */
  private openSegment(n: number, append: boolean): void {
    const path = join(this.dir, segName(n));
    let fd: number;
    try {
      fd = openSync(path, append ? 'a' : 'w');
    } catch (e) {
      throw ioError('open', path, e);
    }
    let size: number;
    try {
      size = fstatSync(fd).size;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (this.fd >= 0) {
      // A finished segment is made durable before writes move on, as Prometheus fsyncs it.
      const started = performance.now();
      try {
        fsyncSync(this.fd);
      } catch {
        // Its bytes are in the page cache; a failed fsync here must not stop the new segment.
      }
      this.onFsync?.((performance.now() - started) / 1000);
      closeSync(this.fd);
    }
    this.fd = fd;
    this.seg = n;
    this.segBytes = size;
    this.broken = false;
  }

  private readonly out = new EncBuf(1 << 16);
  private readonly writeListeners = new Set<() => void>();
  /** Seconds each fsync of a finished or closing segment took (prometheus_tsdb_wal_fsync_duration_seconds). */
  onFsync: ((secs: number) => void) | null = null;
  /** After each write: one flush of the pages it filled, and how many pages it completed. */
  onPages: ((completed: number) => void) | null = null;

  /** Writes whole records (type byte first) in one write. Throws on I/O errors (after cutting the file back). */
  log(recs: readonly Uint8Array[]): void {
    if (this.fd < 0) this.openSegment(0, true);
    let size = 0;
    for (const r of recs)
      size += r.length + FRAG_HEADER * (1 + Math.ceil(r.length / (PAGE_SIZE - FRAG_HEADER)));
    if (this.broken || (this.segBytes > 0 && this.segBytes + size > this.segSize))
      this.openSegment(this.seg + 1, false);
    const out = this.out;
    out.reset();
    frameRecords(out, this.segBytes, recs, this.compress);
    const buf = out.bytes();
    let done = 0;
    try {
      // At an explicit position: after a failed write is cut back, the file offset of a segment
      // opened for writing (not appending) would still stand past the cut, leaving a hole of zeros.
      while (done < buf.length)
        done += writeSync(this.fd, buf, done, buf.length - done, this.segBytes + done);
    } catch (e) {
      if (done > 0) {
        try {
          ftruncateSync(this.fd, this.segBytes);
        } catch {
          this.broken = true;
        }
      }
      throw ioError('write', join(this.dir, segName(this.seg)), e);
    }
    this.onPages?.(
      Math.floor((this.segBytes + buf.length) / PAGE_SIZE) - Math.floor(this.segBytes / PAGE_SIZE),
    );
    this.segBytes += buf.length;
    for (const l of this.writeListeners) l();
  }

  /** Where the next record will be written. */
  position(): WALPosition {
    return { segment: this.seg, offset: this.segBytes };
  }

  /** Calls cb after every write (synchronously: it should only schedule work); returns the unsubscribe. */
  onWrite(cb: () => void): () => void {
    this.writeListeners.add(cb);
    return () => this.writeListeners.delete(cb);
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
      const started = performance.now();
      try {
        fsyncSync(this.fd);
      } catch {
        /* closing anyway */
      }
      this.onFsync?.((performance.now() - started) / 1000);
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
