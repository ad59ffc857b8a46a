// A head series: its labels, its full chunks (on disk in chunks_head, or in memory) and the open
// XOR chunk being appended to, cut as Prometheus's head cuts them. Also what the append path keeps
// per series (last and pending sample) to judge the next sample without decoding.
import { Labels } from '../model/labels/index.js';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../model/histogram/index.js';
import {
  ByteArena,
  CounterResetHeader,
  ENC_FLOAT_HISTOGRAM,
  ENC_HISTOGRAM,
  ENC_XOR,
  FloatHistogramAppender,
  HistogramAppender,
  HistogramChunkAppender,
  SAMPLES_PER_CHUNK,
  type Appendability,
  XORAppender,
} from './chunkenc/index.js';
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

/** Prometheus's histogram chunk cutting: aim at 1 KiB, never below 10 samples inside a range. */
const TARGET_BYTES_PER_HISTOGRAM_CHUNK = 1024;
const MIN_SAMPLES_PER_HISTOGRAM_CHUNK = 10;

/** The end time that spreads the rest of the range evenly over chunks like the current one (ratioToFull: how many more of it fit). */
function computeChunkEndTime(start: number, cur: number, max: number, ratioToFull = 4): number {
  const n = (max - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return max;
  return Math.trunc(start + (max - start) / Math.floor(n));
}

/** Encodes sorted samples into chunks cut exactly as the head cuts them. */
export function encodeChunksLikeHead(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  n: number,
  chunkRange: number,
): ChunkData[] {
  const s = new MemSeries(0, Labels.EMPTY);
  for (let i = 0; i < n; i++) s.appendSample(ts[i]!, vs[i]!, chunkRange, null, null);
  return s.allChunks(null).map((c) => ({ mint: c.mint, maxt: c.maxt, enc: c.enc, data: c.data }));
}

export interface HeadChunkMeta {
  mint: number;
  maxt: number;
  enc: number;
  ref: number;
  data: Uint8Array | null;
}

export class MemSeries {
  readonly ref: number;
  readonly labels: Labels;
  /** Full chunks: on disk (ref into chunks_head) or, without a disk mapper, in memory. */
  chunks: HeadChunkMeta[] = [];
  /** The open chunk: XOR (app) or histogram (happ), never both; appMint is its first timestamp. */
  app: XORAppender | null = null;
  happ: HistogramChunkAppender<Histogram | FloatHistogram> | null = null;
  appMint = 0;
  /** Whether the open histogram chunk's end time was predicted yet (Prometheus's histogramChunkHasComputedEndTime). */
  private hEndComputed = false;
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
  appendSample(
    t: number,
    v: number,
    chunkRange: number,
    mapper: ChunkDiskMapper | null,
    arena: ByteArena | null,
  ): boolean {
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
    if (n === SAMPLES_PER_CHUNK / 4)
      this.nextCut = computeChunkEndTime(this.appMint, this.lastT, this.nextCut);
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

  /** Closes the open chunk (either kind) into the full chunks. */
  private closeOpen(mapper: ChunkDiskMapper | null): void {
    const old = this.app;
    if (old !== null && old.num > 0) {
      // The mapper copies the bytes it is given, so the slot can go back right after. A mapper
      // that cannot write (a full disk) answers -1: the chunk stays in memory.
      const ref =
        mapper === null
          ? -1
          : mapper.write(this.ref, this.appMint, this.lastT, ENC_XOR, old.view());
      if (ref < 0)
        this.chunks.push({
          mint: this.appMint,
          maxt: this.lastT,
          enc: ENC_XOR,
          ref: 0,
          data: old.bytes(),
        });
      else
        this.chunks.push({ mint: this.appMint, maxt: this.lastT, enc: ENC_XOR, ref, data: null });
    }
    old?.release();
    this.app = null;
    const h = this.happ;
    if (h !== null && h.num > 0) {
      const enc = h instanceof HistogramAppender ? ENC_HISTOGRAM : ENC_FLOAT_HISTOGRAM;
      const data = h.bytes();
      const ref =
        mapper === null ? -1 : mapper.write(this.ref, this.appMint, this.lastT, enc, data);
      this.chunks.push({
        mint: this.appMint,
        maxt: this.lastT,
        enc,
        ref: Math.max(ref, 0),
        data: ref < 0 ? data : null,
      });
    }
    this.happ = null;
  }

  private cut(
    t: number,
    chunkRange: number,
    cap: number,
    mapper: ChunkDiskMapper | null,
    arena: ByteArena | null,
  ): XORAppender {
    this.closeOpen(mapper);
    const app = new XORAppender(cap, arena);
    this.app = app;
    this.appMint = t;
    this.nextCut = rangeForTimestamp(t, chunkRange);
    return app;
  }

  /**
   * Appends a committed histogram sample (h, or fh for a float histogram); returns true when a
   * new chunk was cut. Cut as Prometheus 2.48 cuts histogram chunks: on a change of kind, at the
   * range boundary or a predicted end time once a quarter of 1 KiB is used, at 2 KiB (but not
   * under 10 samples inside the range), and when the sample cannot join the chunk (new schema,
   * counter reset: flagged in the new chunk's header).
   */
  appendHistogram(
    t: number,
    h: Histogram | null,
    fh: FloatHistogram | null,
    chunkRange: number,
    mapper: ChunkDiskMapper | null,
  ): boolean {
    const float = h === null;
    let x = (h ?? fh)!;
    let cut = false;
    let a = this.happ;
    const prev = a;
    if (a === null || a instanceof HistogramAppender === float) {
      this.closeOpen(mapper);
      a = this.happ = float ? new FloatHistogramAppender() : new HistogramAppender();
      this.appMint = t;
      this.nextCut = rangeForTimestamp(t, chunkRange);
      cut = true;
    }
    const num = a.num;
    const bytes = a.w.byteLength();
    const nextRangeStart = this.hEndComputed
      ? rangeForTimestamp(this.appMint, chunkRange)
      : this.nextCut;
    if (!this.hEndComputed && bytes >= TARGET_BYTES_PER_HISTOGRAM_CHUNK / 4) {
      this.nextCut = computeChunkEndTime(
        this.appMint,
        this.lastT,
        this.nextCut,
        TARGET_BYTES_PER_HISTOGRAM_CHUNK / bytes,
      );
      this.hEndComputed = true;
    }
    if (
      !cut &&
      (t >= this.nextCut || bytes >= TARGET_BYTES_PER_HISTOGRAM_CHUNK * 2) &&
      (num >= MIN_SAMPLES_PER_HISTOGRAM_CHUNK || t >= nextRangeStart)
    ) {
      this.closeOpen(mapper);
      a = this.happ = float ? new FloatHistogramAppender() : new HistogramAppender();
      this.appMint = t;
      this.nextCut = rangeForTimestamp(t, chunkRange);
      cut = true;
    }
    if (cut) this.hEndComputed = false;
    if (a.num === 0) {
      a.append(t, x);
      // The first sample's header: a gauge, an explicit reset, or (after a chunk of the same kind) whether it follows on.
      if (x.counterResetHint === CounterResetHint.Gauge) a.setHeader(CounterResetHeader.Gauge);
      else if (x.counterResetHint === CounterResetHint.CounterReset)
        a.setHeader(CounterResetHeader.CounterReset);
      else if (
        prev !== null &&
        prev !== a &&
        prev.num > 0 &&
        prev instanceof HistogramAppender !== float
      ) {
        a.setHeader(
          prev.appendable(x) === 'reset'
            ? CounterResetHeader.CounterReset
            : CounterResetHeader.NotCounterReset,
        );
      }
    } else {
      let k: Appendability;
      if (
        x.counterResetHint === CounterResetHint.Gauge &&
        a.header() === CounterResetHeader.Gauge
      ) {
        const y = a.gaugeAligned(x);
        k = a.appendable(y);
        if (k === 'ok' || k === 'widen') x = y;
      } else k = a.appendable(x);
      if (k === 'widen') {
        a = this.happ = a.widenedFor(x);
        a.append(t, x);
      } else if (k === 'ok') a.append(t, x);
      else {
        // Not appendable: a new chunk right away (the predicted end time is kept, as Prometheus keeps it).
        this.closeOpen(mapper);
        a = this.happ = float ? new FloatHistogramAppender() : new HistogramAppender();
        if (k === 'reset') a.setHeader(CounterResetHeader.CounterReset);
        a.append(t, x);
        if (x.counterResetHint === CounterResetHint.Gauge) a.setHeader(CounterResetHeader.Gauge);
        this.appMint = t;
        this.nextCut = rangeForTimestamp(t, chunkRange);
        cut = true;
      }
    }
    this.lastT = t;
    return cut;
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
    const open = this.lastT >= mint && this.appMint <= maxt ? this.openChunk() : null;
    let loaded: ChunkData[] | null = null;
    return () => {
      if (loaded === null) {
        loaded = sel.map((c) => ({
          mint: c.mint,
          maxt: c.maxt,
          enc: c.enc,
          data: c.data ?? mapper!.read(c.ref),
        }));
        if (open) loaded.push(open);
      }
      return loaded;
    };
  }

  /** A copy of the open chunk, or null when none (or empty). */
  openChunk(): ChunkData | null {
    if (this.app !== null && this.app.num > 0)
      return {
        mint: this.appMint,
        maxt: this.lastT,
        enc: ENC_XOR,
        data: this.app.bytes(),
        num: this.app.num,
      };
    const h = this.happ;
    if (h !== null && h.num > 0)
      return {
        mint: this.appMint,
        maxt: this.lastT,
        enc: h instanceof HistogramAppender ? ENC_HISTOGRAM : ENC_FLOAT_HISTOGRAM,
        data: h.bytes(),
        num: h.num,
      };
    return null;
  }

  hasOpenChunk(): boolean {
    return this.app !== null || this.happ !== null;
  }

  /** Drops the open chunk (it lies wholly before a truncation). */
  dropOpenChunk(): void {
    this.app?.release();
    this.app = null;
    this.happ = null;
  }

  numChunks(): number {
    return this.chunks.length + (this.hasOpenChunk() ? 1 : 0);
  }

  minTime(): number {
    if (this.chunks.length > 0) return this.chunks[0]!.mint;
    return this.hasOpenChunk() ? this.appMint : NO_T;
  }
}
