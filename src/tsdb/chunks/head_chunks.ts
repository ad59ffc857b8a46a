// Head chunks on disk (chunks_head/000001, …): full head chunks leave the JS heap and are read back
// on demand, in Prometheus's head-chunk file format — an 8-byte header (magic 0x0130BC91,
// version 1, padding), then per chunk: series ref <8b>, mint <8b>, maxt <8b>, encoding <1b>,
// uvarint length, data, CRC32C of all of it. Writes are buffered and flushed at each commit.
// The WAL stays the source of truth: at open the directory is cleared and replay refills it.
// A failing disk never fails an append here: write() does no I/O that can throw, a failed flush
// keeps the chunks queued (still readable) and marks the mapper unwritable, and the head keeps
// full chunks in memory until a flush succeeds again (Prometheus panics instead).
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../encoding/index.js';

export const MAGIC_HEAD_CHUNKS = 0x0130bc91;
const FILE_HEADER = 8;
const MAX_FILE = 128 * 1024 * 1024;
const TWO32 = 4294967296;

interface HeadFile {
  seq: number;
  fd: number;
  size: number;
  maxt: number;
}

export class HeadChunkError extends Error {}

/** The uvarint at b[p] (a chunk's data length, after its 25-byte header). */
function lengthAt(b: Uint8Array, p: number): number {
  let len = 0;
  let mul = 1;
  for (let i = 0; i < 10 && p < b.length; i++) {
    const c = b[p++]!;
    len += (c & 0x7f) * mul;
    if (c < 0x80) return len;
    mul *= 128;
  }
  throw new HeadChunkError('corrupt head chunk: bad data length');
}

function uvarintBytes(x: number): number {
  let n = 1;
  while (x >= 0x80) {
    x = Math.floor(x / 128);
    n++;
  }
  return n;
}

/** Reads head chunks by ref from a chunks_head directory (another thread's view; no writing). */
export class HeadChunkReader {
  private readonly fds = new Map<number, number>();
  private readonly scratch = new Uint8Array(512);
  constructor(readonly dir: string) {}

  read(ref: number): Uint8Array {
    const seq = Math.floor(ref / TWO32);
    const off = ref % TWO32;
    let fd = this.fds.get(seq);
    if (fd === undefined) {
      fd = openSync(join(this.dir, String(seq).padStart(6, '0')), 'r');
      this.fds.set(seq, fd);
    }
    let b = this.scratch;
    const n = readSync(fd, b, 0, b.length, off);
    let p = 25;
    let len = 0;
    let mul = 1;
    for (;;) {
      if (p >= n) throw new HeadChunkError(`${this.dir}: truncated head chunk at ${seq}:${off}`);
      const c = b[p++]!;
      len += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    const end = p + len + 4;
    if (end > n) {
      b = new Uint8Array(end);
      if (readSync(fd, b, 0, end, off) < end)
        throw new HeadChunkError(`${this.dir}: truncated head chunk at ${seq}:${off}`);
    }
    const crc =
      ((b[p + len]! << 24) | (b[p + len + 1]! << 16) | (b[p + len + 2]! << 8) | b[p + len + 3]!) >>>
      0;
    if (crc32c(b, 0, p + len) !== crc)
      throw new HeadChunkError(`${this.dir}: checksum mismatch for head chunk at ${seq}:${off}`);
    return b.slice(p, p + len);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}

export class ChunkDiskMapper {
  private files = new Map<number, HeadFile>();
  private cur: HeadFile | null = null;
  private buf = new Uint8Array(1 << 20);
  private blen = 0;
  /** File offset where the unflushed buffer starts. */
  private bstart = 0;
  private retired: number[] = [];
  private readonly scratch = new Uint8Array(512);

  /** cacheMaxBytes: the chunk read cache's size (see read). */
  constructor(
    readonly dir: string,
    private readonly cacheMaxBytes = 32 * 1024 * 1024,
  ) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  private name(seq: number): string {
    return join(this.dir, String(seq).padStart(6, '0'));
  }

  /** False after a failed write, until a flush succeeds: chunks cut meanwhile stay in the head's memory. */
  writable = true;
  /** Called with the error of each failed write (a full disk) and with null once writes succeed again. */
  onWriteError: (err: Error | null) => void = () => {};

  /** A new file is due (the last attempt to start one failed): the next tryFlush starts it. */
  private needCut = false;

  private failed(e: unknown): void {
    const was = this.writable;
    this.writable = false;
    if (was) this.onWriteError(e as Error);
  }

  private cut(): void {
    this.flush();
    const seq = this.cur === null ? 1 : this.cur.seq + 1;
    const fd = openSync(this.name(seq), 'w+');
    const h = new Uint8Array(FILE_HEADER);
    new DataView(h.buffer).setUint32(0, MAGIC_HEAD_CHUNKS);
    h[4] = 1;
    try {
      writeSync(fd, h);
    } catch (e) {
      closeSync(fd);
      rmSync(this.name(seq), { force: true });
      throw e;
    }
    const f: HeadFile = { seq, fd, size: FILE_HEADER, maxt: Number.MIN_SAFE_INTEGER };
    this.files.set(seq, f);
    this.cur = f;
    this.bstart = FILE_HEADER;
  }

  private grow(n: number): void {
    if (this.blen + n <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.blen + n) c *= 2;
    const nb = new Uint8Array(c);
    nb.set(this.buf.subarray(0, this.blen));
    this.buf = nb;
  }

  /**
   * Queues a chunk for writing; returns its ref (file seq << 32 | offset), or -1 when the mapper is
   * not writable or a new file cannot be started: the caller keeps that chunk in memory.
   */
  write(seriesRef: number, mint: number, maxt: number, encoding: number, data: Uint8Array): number {
    if (!this.writable) return -1;
    const size = 25 + 5 + data.length + 4;
    if (this.cur === null || this.cur.size + size > MAX_FILE) {
      try {
        this.cut();
      } catch (e) {
        this.needCut = true;
        this.failed(e);
        return -1;
      }
    }
    const f = this.cur!;
    this.grow(size);
    const b = this.buf;
    const o = this.blen;
    const dv = new DataView(b.buffer, b.byteOffset);
    dv.setUint32(o, Math.floor(seriesRef / TWO32));
    dv.setUint32(o + 4, seriesRef >>> 0);
    dv.setInt32(o + 8, Math.floor(mint / TWO32));
    dv.setUint32(o + 12, mint >>> 0);
    dv.setInt32(o + 16, Math.floor(maxt / TWO32));
    dv.setUint32(o + 20, maxt >>> 0);
    b[o + 24] = encoding;
    let p = o + 25;
    let x = data.length;
    while (x >= 0x80) {
      b[p++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    b[p++] = x;
    b.set(data, p);
    p += data.length;
    dv.setUint32(p, crc32c(b, o, p));
    p += 4;
    const ref = f.seq * TWO32 + f.size;
    f.size += p - o;
    if (maxt > f.maxt) f.maxt = maxt;
    this.blen = p;
    if (this.blen > 4 << 20) this.tryFlush();
    return ref;
  }

  /** Writes the queued chunks (throws on I/O errors; the WAL still has the samples). */
  flush(): void {
    if (this.blen === 0 || this.cur === null) return;
    let done = 0;
    while (done < this.blen)
      done += writeSync(this.cur.fd, this.buf, done, this.blen - done, this.bstart + done);
    this.bstart += this.blen;
    this.blen = 0;
  }

  /**
   * flush() that reports instead of throwing: a failure leaves the chunks queued (readable from
   * the buffer) and the mapper unwritable; a success makes it writable again.
   */
  tryFlush(): void {
    try {
      if (this.needCut) {
        this.cut();
        this.needCut = false;
      } else this.flush();
    } catch (e) {
      this.failed(e);
      return;
    }
    if (!this.writable) {
      this.writable = true;
      this.onWriteError(null);
    }
  }

  /**
   * Recently read chunks, so dashboards re-reading the last hours don't pay a syscall and a
   * checksum per chunk each refresh (Prometheus gets this from mmap and the page cache).
   * Chunks on disk never change once written, so a cached copy cannot go stale.
   */
  private readonly cache = new Map<number, Uint8Array>();
  private cacheBytes = 0;
  /**
   * The cached refs, oldest first (a ring): eviction takes the oldest from here. Asking the Map
   * for its first key instead walks every entry deleted from its front since its last rehash, so
   * a query reading more chunks than the cache holds spent most of its time skipping holes.
   */
  private ring = new Float64Array(1024);
  private ringHead = 0;
  private ringLen = 0;
  /** Chunks dropped from the cache, for tests and metrics. */
  cacheEvictions = 0;

  /** The data bytes of a chunk (callers must not modify them). */
  read(ref: number): Uint8Array {
    const hit = this.cache.get(ref);
    if (hit !== undefined) return hit;
    const data = this.readFromFile(ref);
    this.cache.set(ref, data);
    this.cacheBytes += data.length;
    this.ringPush(ref);
    while (this.cacheBytes > this.cacheMaxBytes && this.ringLen > 0) {
      const oldest = this.ring[this.ringHead]!;
      this.ringHead = (this.ringHead + 1) % this.ring.length;
      this.ringLen--;
      this.cacheBytes -= this.cache.get(oldest)!.length;
      this.cache.delete(oldest);
      this.cacheEvictions++;
    }
    return data;
  }

  private ringPush(ref: number): void {
    let r = this.ring;
    if (this.ringLen === r.length) {
      const grown = new Float64Array(r.length * 2);
      for (let i = 0; i < this.ringLen; i++) grown[i] = r[(this.ringHead + i) % r.length]!;
      this.ring = r = grown;
      this.ringHead = 0;
    }
    r[(this.ringHead + this.ringLen) % r.length] = ref;
    this.ringLen++;
  }

  /**
   * Flushed file bytes in 64 KiB windows, a few MiB in all. Chunks cut at about the same time sit
   * next to each other in the file, and a query reads them at about the same time: one read of
   * a window serves ~200 chunk misses that would each have cost a syscall.
   */
  private readonly windows = new Map<number, { buf: Uint8Array; len: number }>();
  private readonly windowRing: number[] = [];
  private windowNext = 0;
  private static readonly WINDOW = 64 * 1024;
  private static readonly MAX_WINDOWS = 64;
  /** Window reads, for tests. */
  windowReads = 0;

  /** The window holding [off, off + need) of f, or null when that range crosses the window's end. */
  private window(f: HeadFile, off: number, need: number): { b: Uint8Array; base: number } | null {
    const W = ChunkDiskMapper.WINDOW;
    const start = off - (off % W);
    const key = (f.seq * TWO32 + start) / W;
    let w = this.windows.get(key);
    if (w === undefined || off + need > start + w.len) {
      // Only flushed bytes: what is still in the write buffer is read from there.
      const limit = Math.min(start + W, f === this.cur ? this.bstart : f.size);
      if (off + need > limit) return null;
      if (w === undefined) {
        let buf: Uint8Array;
        if (this.windowRing.length < ChunkDiskMapper.MAX_WINDOWS) {
          buf = new Uint8Array(W);
          this.windowRing.push(key);
        } else {
          const old = this.windowRing[this.windowNext]!;
          buf = this.windows.get(old)!.buf;
          this.windows.delete(old);
          this.windowRing[this.windowNext] = key;
          this.windowNext = (this.windowNext + 1) % ChunkDiskMapper.MAX_WINDOWS;
        }
        w = { buf, len: 0 };
        this.windows.set(key, w);
      }
      let n = 0;
      while (n < limit - start) {
        const r = readSync(f.fd, w.buf, n, limit - start - n, start + n);
        if (r === 0) break;
        n += r;
      }
      w.len = n;
      this.windowReads++;
      if (off + need > start + n) return null;
    }
    return { b: w.buf, base: off - start };
  }

  private readFromFile(ref: number): Uint8Array {
    const seq = Math.floor(ref / TWO32);
    const off = ref % TWO32;
    const f = this.files.get(seq);
    if (!f) throw new HeadChunkError(`head chunk file ${this.name(seq)} not found for ref ${ref}`);
    let b: Uint8Array;
    let base: number;
    if (f === this.cur && off >= this.bstart) {
      b = this.buf;
      base = off - this.bstart;
    } else {
      // Header (25 bytes) and the longest length varint.
      const w = this.window(f, off, Math.min(25 + 10, f.size - off));
      if (w === null) return this.readDirect(f, off);
      b = w.b;
      base = w.base;
    }
    const len = lengthAt(b, base + 25);
    const p = base + 25 + uvarintBytes(len);
    if (b !== this.buf && p + len + 4 > b.length) return this.readDirect(f, off);
    if (b !== this.buf) {
      const w = this.window(f, off, p + len + 4 - base);
      if (w === null) return this.readDirect(f, off);
      b = w.b;
    }
    return this.verified(b, base, p, len, seq, off);
  }

  /** A chunk read on its own (it crosses a window's end). */
  private readDirect(f: HeadFile, off: number): Uint8Array {
    const want = Math.min(this.scratch.length, f.size - off);
    readSync(f.fd, this.scratch, 0, want, off);
    let b = this.scratch;
    const len = lengthAt(b, 25);
    const p = 25 + uvarintBytes(len);
    const end = p + len + 4;
    if (end > b.length) {
      b = new Uint8Array(end);
      readSync(f.fd, b, 0, end, off);
    }
    return this.verified(b, 0, p, len, f.seq, off);
  }

  private verified(
    b: Uint8Array,
    base: number,
    p: number,
    len: number,
    seq: number,
    off: number,
  ): Uint8Array {
    const crc =
      ((b[p + len]! << 24) | (b[p + len + 1]! << 16) | (b[p + len + 2]! << 8) | b[p + len + 3]!) >>>
      0;
    if (crc32c(b, base, p + len) !== crc)
      throw new HeadChunkError(`${this.name(seq)}: checksum mismatch for chunk at ${off}`);
    return b.slice(p, p + len);
  }

  /** Deletes files whose chunks all end before mint (never the one being written). */
  truncate(mint: number): void {
    for (const seq of this.retired) {
      const f = this.files.get(seq);
      if (f) {
        closeSync(f.fd);
        this.files.delete(seq);
      }
    }
    this.retired = [];
    // Start a new file so the current one can go at a later truncation.
    if (this.cur !== null && this.cur.size > FILE_HEADER && this.writable) {
      try {
        this.cut();
      } catch (e) {
        this.needCut = true;
        this.failed(e);
      }
    }
    for (const f of this.files.values()) {
      if (f === this.cur || f.maxt >= mint) continue;
      // Open queriers may still read it: unlink now, close the descriptor at the next truncation.
      rmSync(this.name(f.seq), { force: true });
      this.retired.push(f.seq);
    }
  }

  size(): number {
    let n = 0;
    if (existsSync(this.dir))
      for (const f of readdirSync(this.dir)) n += statSync(join(this.dir, f)).size;
    return n + this.blen;
  }

  close(): void {
    try {
      this.flush();
    } catch {
      // The WAL holds every sample of these chunks; the next start rebuilds them from it.
    } finally {
      for (const f of this.files.values()) closeSync(f.fd);
      this.files.clear();
      this.cur = null;
    }
  }
}
