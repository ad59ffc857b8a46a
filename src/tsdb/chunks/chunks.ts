// Block chunk segment files (chunks/000001, …): an 8-byte header (magic 0x85BD40DD, version 1,
// 3 bytes padding), then per chunk: uvarint data length, encoding byte, data, CRC32C of encoding
// byte + data. A chunk ref is (segment index << 32) | byte offset, as in Prometheus.
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../encoding/index.js';

export const MAGIC_CHUNKS = 0x85bd40dd;
export const CHUNKS_HEADER = 8;
export const DEFAULT_CHUNK_SEGMENT_SIZE = 512 * 1024 * 1024;
const TWO32 = 4294967296;
/** Read past a run's last chunk start: a full XOR chunk of 120 samples rarely takes more. */
const MARGIN = 512;

export function segmentFileName(i: number): string {
  return String(i + 1).padStart(6, '0');
}

export class ChunkWriter {
  private fd = -1;
  private seq = -1;
  private off = 0;
  private buf = new Uint8Array(1 << 20);
  private blen = 0;
  constructor(
    private readonly dir: string,
    private readonly segSize = DEFAULT_CHUNK_SEGMENT_SIZE,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  private flush(): void {
    let done = 0;
    while (done < this.blen) done += writeSync(this.fd, this.buf, done, this.blen - done);
    this.blen = 0;
  }

  private put(b: Uint8Array): void {
    if (this.blen + b.length > this.buf.length) {
      this.flush();
      if (b.length > this.buf.length) this.buf = new Uint8Array(b.length * 2);
    }
    this.buf.set(b, this.blen);
    this.blen += b.length;
  }

  private cut(): void {
    if (this.fd >= 0) {
      this.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
    }
    this.seq++;
    this.fd = openSync(join(this.dir, segmentFileName(this.seq)), 'w');
    const h = new Uint8Array(CHUNKS_HEADER);
    new DataView(h.buffer).setUint32(0, MAGIC_CHUNKS);
    h[4] = 1;
    this.put(h);
    this.off = CHUNKS_HEADER;
  }

  /** Writes one chunk; returns its ref. */
  write(encoding: number, data: Uint8Array): number {
    const lenBytes: number[] = [];
    let x = data.length;
    while (x >= 0x80) {
      lenBytes.push((x & 0x7f) | 0x80);
      x >>>= 7;
    }
    lenBytes.push(x);
    const size = lenBytes.length + 1 + data.length + 4;
    if (this.fd < 0 || this.off + size > this.segSize) this.cut();
    const ref = this.seq * TWO32 + this.off;
    const rec = new Uint8Array(size);
    rec.set(lenBytes, 0);
    const eo = lenBytes.length;
    rec[eo] = encoding;
    rec.set(data, eo + 1);
    const c = crc32c(rec, eo, eo + 1 + data.length);
    new DataView(rec.buffer).setUint32(eo + 1 + data.length, c);
    this.put(rec);
    this.off += size;
    return ref;
  }

  close(): void {
    if (this.fd >= 0) {
      this.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** Gives up a write that failed: closes the file without writing what is still queued. */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.blen = 0;
  }
}

export class ChunkFileError extends Error {
  /** Prometheus's words for what is wrong, without the file, where they differ. */
  readonly reason: string;
  constructor(message: string, reason?: string) {
    super(message);
    this.reason = reason ?? message;
  }
}

/**
 * Bytes of one segment file held for the next chunk reads (see ChunkReader.chunks). Each read
 * past the window reads twice as far ahead, up to READ_AHEAD: a query of a few series reads
 * little, a scan of many soon reads in large pieces.
 */
export class ChunkWindow {
  seg = -1;
  start = 0;
  buf = new Uint8Array(0);
  ahead = 4 * 1024;
}

/** The most a querier or a compaction walking a block's series reads ahead at once. */
export const READ_AHEAD = 256 * 1024;

/** Reads chunks by ref with positioned reads (no whole-file loads). */
export class ChunkReader {
  private readonly fds: number[] = [];
  private readonly sizes: number[] = [];

  constructor(
    private readonly dir: string,
    files: string[],
  ) {
    try {
      for (const f of files) {
        const fd = openSync(join(dir, f), 'r');
        this.fds.push(fd);
        const size = fstatSync(fd).size;
        this.sizes.push(size);
        const h = new Uint8Array(CHUNKS_HEADER);
        if (size < CHUNKS_HEADER || readSync(fd, h, 0, CHUNKS_HEADER, 0) !== CHUNKS_HEADER)
          throw new ChunkFileError(`${join(dir, f)}: invalid size ${size}`);
        const magic = new DataView(h.buffer).getUint32(0);
        if (magic !== MAGIC_CHUNKS)
          throw new ChunkFileError(`${join(dir, f)}: invalid magic number ${magic.toString(16)}`);
        if (h[4] !== 1)
          throw new ChunkFileError(`${join(dir, f)}: invalid chunk format version ${h[4]}`);
      }
    } catch (e) {
      // No reader to close comes out of a failed constructor: a damaged block reloaded again and
      // again would otherwise leak a descriptor per attempt.
      this.close();
      throw e;
    }
  }

  size(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  /** Checks that a ref points inside a segment (used to detect truncated chunk files at open). */
  checkRef(ref: number): boolean {
    const seg = Math.floor(ref / TWO32);
    const off = ref % TWO32;
    return seg < this.fds.length && off + 2 <= this.sizes[seg]!;
  }

  /** The data bytes of a chunk and its encoding byte; verifies its checksum. */
  chunk(ref: number): { enc: number; data: Uint8Array } {
    const encs: number[] = [];
    const data = this.chunks([ref], undefined, 0, encs)[0]!;
    return { enc: encs[0]!, data };
  }

  /**
   * The data bytes of several chunks, verified, as views into the bytes read. A series' chunks
   * lie one after another in a segment, and a querier asks for series in the order their chunks
   * were written, so refs are served from a window read ahead (`win`, up to `maxAhead` bytes):
   * a few positioned reads per block and query rather than one per chunk. A window lives as long
   * as a view into it: callers that walk many series drop each one's chunks when done with it.
   * Each chunk's encoding byte is pushed to `encs`: a chunk is never taken for XOR unseen.
   */
  chunks(
    refs: readonly number[],
    win: ChunkWindow = new ChunkWindow(),
    maxAhead = 0,
    encs: number[] | null = null,
  ): Uint8Array[] {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < refs.length) {
      const seg = Math.floor(refs[i]! / TWO32);
      const fd = this.fds[seg];
      if (fd === undefined) throw new ChunkFileError(`segment index ${seg} out of range`);
      const size = this.sizes[seg]!;
      const first = refs[i]! % TWO32;
      let j = i + 1;
      while (
        j < refs.length &&
        Math.floor(refs[j]! / TWO32) === seg &&
        refs[j]! % TWO32 > refs[j - 1]! % TWO32
      )
        j++;
      const last = refs[j - 1]! % TWO32;
      if (last >= size)
        throw new ChunkFileError(
          `${join(this.dir, segmentFileName(seg))}: chunk ref ${last} beyond file size ${size}`,
        );
      // The run's last chunk usually ends within MARGIN past its start; if not, it is read again whole.
      const need = Math.min(last + MARGIN, size);
      if (win.seg !== seg || first < win.start || need > win.start + win.buf.length) {
        win.seg = seg;
        win.start = first;
        const buf = Buffer.allocUnsafe(
          Math.min(Math.max(need - first, Math.min(win.ahead, maxAhead)), size - first),
        );
        win.buf = buf.subarray(0, readSync(fd, buf, 0, buf.length, first));
        win.ahead *= 2;
      }
      for (let k = i; k < j; k++) {
        const off = refs[k]! % TWO32;
        let buf = win.buf;
        let at = off - win.start;
        let total = this.chunkLength(buf, at, seg, off, size);
        if (at + total > buf.length) {
          buf = new Uint8Array(total);
          readSync(fd, buf, 0, total, off);
          at = 0;
          total = this.chunkLength(buf, 0, seg, off, size);
        }
        out.push(this.verified(buf, at, total, seg, off, encs));
      }
      i = j;
    }
    return out;
  }

  /** Bytes taken by the chunk at buf[at] (length varint, encoding, data, CRC), checked against the segment's size. */
  private chunkLength(buf: Uint8Array, at: number, seg: number, off: number, size: number): number {
    let len = 0;
    let mul = 1;
    let i = at;
    for (; ; i++) {
      if (i >= buf.length)
        throw new ChunkFileError(
          `${join(this.dir, segmentFileName(seg))}: truncated chunk at ${off}`,
        );
      const c = buf[i]!;
      len += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    const total = i + 1 - at + 1 + len + 4;
    if (off + total > size)
      throw new ChunkFileError(
        `${join(this.dir, segmentFileName(seg))}: segment doesn't include enough bytes to read the chunk at ${off}`,
      );
    return total;
  }

  /** The data of the chunk at buf[at, at+total) after checking its CRC32C; its encoding byte goes to encs. */
  private verified(
    buf: Uint8Array,
    at: number,
    total: number,
    seg: number,
    off: number,
    encs: number[] | null,
  ): Uint8Array {
    const crcAt = at + total - 4;
    let i = at;
    while (buf[i]! >= 0x80) i++;
    const enc = i + 1;
    const crc =
      ((buf[crcAt]! << 24) | (buf[crcAt + 1]! << 16) | (buf[crcAt + 2]! << 8) | buf[crcAt + 3]!) >>>
      0;
    const got = crc32c(buf, enc, crcAt);
    if (got !== crc)
      throw new ChunkFileError(
        `${join(this.dir, segmentFileName(seg))}: checksum mismatch for chunk at ${off}`,
        `checksum mismatch expected:${crc.toString(16)}, actual:${got.toString(16)}`,
      );
    encs?.push(buf[enc]!);
    return buf.subarray(enc + 1, crcAt);
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
    this.fds.length = 0;
  }
}
