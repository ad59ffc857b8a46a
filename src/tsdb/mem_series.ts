// A head series: its labels, its full chunks (on disk in chunks_head, or in memory) and the open
// XOR chunk being appended to, cut as Prometheus's head cuts them. Also what the append path keeps
// per series (last and pending sample) to judge the next sample without decoding.
import { Labels } from '../model/labels/index.js';
import { ByteArena, ENC_XOR, SAMPLES_PER_CHUNK, XORAppender } from './chunkenc/index.js';
import type { ChunkDiskMapper } from './chunks/index.js';
import type { ChunkData } from './series.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** No timestamp (a series with no sample yet, or no pending sample). */
export const NO_T = Number.MIN_SAFE_INTEGER;
/** Prometheus cuts a float chunk once it passes 1024 - 19 bytes. */
const MAX_BYTES_PER_XOR_CHUNK = 1024 - 19;

function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/** The end time that spreads the rest of the range evenly over chunks like the current one. */
function computeChunkEndTime(start: number, cur: number, max: number): number {
  const n = (max - start) / ((cur - start + 1) * 4);
  if (n <= 1) return max;
  return Math.trunc(start + (max - start) / Math.floor(n));
}

/** Encodes sorted samples into chunks cut exactly as the head cuts them. */
export function encodeChunksLikeHead(ts: ArrayLike<number>, vs: ArrayLike<number>, n: number, chunkRange: number): ChunkData[] {
  const s = new MemSeries(0, Labels.EMPTY);
  for (let i = 0; i < n; i++) s.appendSample(ts[i]!, vs[i]!, chunkRange, null, null);
  return s.allChunks(null).map((c) => ({ mint: c.mint, maxt: c.maxt, enc: c.enc, data: c.data }));
}

export interface HeadChunkMeta {
  mint: number;
  maxt: number;
  ref: number;
  data: Uint8Array | null;
}

export class MemSeries {
  readonly ref: number;
  readonly labels: Labels;
  /** Full chunks: on disk (ref into chunks_head) or, without a disk mapper, in memory. */
  chunks: HeadChunkMeta[] = [];
  app: XORAppender | null = null;
  appMint = 0;
  lastT = NO_T;
  lastHi = 0;
  lastLo = 0;
  /** Highest timestamp accepted by an uncommitted batch, and its value bits. */
  pendT = NO_T;
  pendHi = 0;
  pendLo = 0;
  nextCut = 0;
  logged = false;
  batch = 0;

  constructor(ref: number, labels: Labels) {
    this.ref = ref;
    this.labels = labels;
  }

  /**
   * Appends a committed sample; returns true when a new chunk was cut. Chunks are cut as
   * Prometheus's head cuts them: at the chunk-range boundary, at an end time predicted once a
   * quarter full (so samples spread evenly over the range), at 2×120 samples or ~1 KiB.
   */
  appendSample(t: number, v: number, chunkRange: number, mapper: ChunkDiskMapper | null, arena: ByteArena | null): boolean {
    let cut = false;
    let app = this.app;
    if (app === null || app.sizeBytes() > MAX_BYTES_PER_XOR_CHUNK) {
      app = this.cut(t, chunkRange, app === null ? 32 : 192, mapper, arena);
      cut = true;
    }
    const n = app.num;
    if (n === 0) {
      this.appMint = t;
      this.nextCut = rangeForTimestamp(t, chunkRange);
    }
    if (n === SAMPLES_PER_CHUNK / 4) this.nextCut = computeChunkEndTime(this.appMint, this.lastT, this.nextCut);
    if (!cut && (t >= this.nextCut || n >= SAMPLES_PER_CHUNK * 2)) {
      app = this.cut(t, chunkRange, 192, mapper, arena);
      cut = true;
    }
    app.append(t, v);
    this.lastT = t;
    F64[0] = v;
    this.lastLo = U32[0]!;
    this.lastHi = U32[1]!;
    return cut;
  }

  private cut(t: number, chunkRange: number, cap: number, mapper: ChunkDiskMapper | null, arena: ByteArena | null): XORAppender {
    const old = this.app;
    if (old !== null && old.num > 0) {
      // The mapper copies the bytes it is given, so the slot can go back right after.
      if (mapper === null) this.chunks.push({ mint: this.appMint, maxt: this.lastT, ref: 0, data: old.bytes() });
      else this.chunks.push({ mint: this.appMint, maxt: this.lastT, ref: mapper.write(this.ref, this.appMint, this.lastT, ENC_XOR, old.view()), data: null });
    }
    old?.release();
    const app = new XORAppender(cap, arena);
    this.app = app;
    this.appMint = t;
    this.nextCut = rangeForTimestamp(t, chunkRange);
    return app;
  }

  /** Closed chunks (read back from disk) plus a snapshot of the open one. */
  allChunks(mapper: ChunkDiskMapper | null): ChunkData[] {
    return this.chunksIn(mapper, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)();
  }

  /**
   * Chunks overlapping [mint, maxt]: the open chunk is copied now (its arena slot is reused once
   * it grows), full chunks are read when the returned function is called (queries read lazily).
   */
  chunksIn(mapper: ChunkDiskMapper | null, mint: number, maxt: number): () => ChunkData[] {
    const sel = this.chunks.filter((c) => c.maxt >= mint && c.mint <= maxt);
    const open: ChunkData | null =
      this.app !== null && this.app.num > 0 && this.lastT >= mint && this.appMint <= maxt
        ? { mint: this.appMint, maxt: this.lastT, enc: ENC_XOR, data: this.app.bytes(), num: this.app.num }
        : null;
    let loaded: ChunkData[] | null = null;
    return () => {
      if (loaded === null) {
        loaded = sel.map((c) => ({ mint: c.mint, maxt: c.maxt, enc: ENC_XOR, data: c.data ?? mapper!.read(c.ref) }));
        if (open) loaded.push(open);
      }
      return loaded;
    };
  }

  numChunks(): number {
    return this.chunks.length + (this.app === null ? 0 : 1);
  }

  minTime(): number {
    if (this.chunks.length > 0) return this.chunks[0]!.mint;
    return this.app === null ? NO_T : this.appMint;
  }
}
