// The read path shared by head and blocks: a series as labels plus its chunks (and deletion
// intervals), an iterator over them clipped to the querier's range, and a querier that merges
// several sources (blocks + head), deduplicating overlapping samples.
import { compareLabels, compareStrings, type Labels, type Matcher } from '../model/labels/index.js';
import {
  ValueType,
  type Querier,
  type SelectHints,
  type Series,
  type SeriesIterator,
  type SeriesSet,
} from '../storage/index.js';
import type { FloatHistogram, Histogram } from '../model/histogram/index.js';
import {
  ENC_FLOAT_HISTOGRAM,
  ENC_HISTOGRAM,
  ENC_XOR,
  FloatHistogramIterator,
  HistogramIterator,
  XORIterator,
  chunkNumSamples,
  noteUndecodedChunk,
} from './chunkenc/index.js';

export interface ChunkData {
  mint: number;
  maxt: number;
  /** The encoding byte the chunk was read with (chunkenc: ENC_XOR, ENC_HISTOGRAM…), kept wherever the chunk goes. */
  enc: number;
  data: Uint8Array;
  /** Sample count when the bytes belong to a chunk still being appended to. */
  num?: number;
}

export type { Interval } from './tombstones/index.js';
import type { Interval } from './tombstones/index.js';

export interface ChunkSeries {
  labels: Labels;
  /** Chunks in mint order; loaded lazily (block chunks are read from disk on demand). */
  chunks(): ChunkData[];
  intervals: readonly Interval[];
}

/** One source of series over a time range: the head or one block. */
export interface ChunkQuerier {
  /** Series matching the matchers that have chunks overlapping [mint, maxt], in label order. */
  selectChunks(matchers: readonly Matcher[]): ChunkSeries[];
  labelValues(name: string, matchers: readonly Matcher[]): string[];
  labelNames(matchers: readonly Matcher[]): string[];
}

function deleted(ivs: readonly Interval[], t: number): boolean {
  for (let i = 0; i < ivs.length; i++) if (t >= ivs[i]!.mint && t <= ivs[i]!.maxt) return true;
  return false;
}

/**
 * Iterates non-overlapping chunks in order, clipped to [mint, maxt] minus deleted intervals.
 * Histogram chunks are read only for a caller that reads histogram samples (`histograms`);
 * for the others they are skipped, as chunks of an encoding this server cannot decode always are.
 */
export class ChunksIterator implements SeriesIterator {
  private ci = -1;
  private it = new XORIterator();
  /** The kind of the current chunk's samples, and its iterator when not XOR. */
  private vt: ValueType = ValueType.Float;
  private h: HistogramIterator | null = null;
  private fh: FloatHistogramIterator | null = null;
  private cur = false;
  private e: Error | null = null;
  constructor(
    private readonly chunks: ChunkData[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly ivs: readonly Interval[],
    private readonly histograms = false,
  ) {}

  private innerNext(): ValueType {
    if (this.vt === ValueType.Float) return this.it.next();
    return this.vt === ValueType.Histogram ? this.h!.next() : this.fh!.next();
  }
  private innerT(): number {
    if (this.vt === ValueType.Float) return this.it.atT();
    return this.vt === ValueType.Histogram ? this.h!.atT() : this.fh!.atT();
  }
  private innerErr(): Error | null {
    if (this.vt === ValueType.Float) return this.it.err();
    return this.vt === ValueType.Histogram ? this.h!.err() : this.fh!.err();
  }

  private nextChunk(minT: number): boolean {
    for (;;) {
      this.ci++;
      if (this.ci >= this.chunks.length) return false;
      const c = this.chunks[this.ci]!;
      if (c.maxt < minT || c.maxt < this.mint) continue;
      if (c.mint > this.maxt) return false;
      if (c.enc === ENC_XOR) {
        this.vt = ValueType.Float;
        this.it.reset(c.data, c.num);
        return true;
      }
      if (c.enc === ENC_HISTOGRAM || c.enc === ENC_FLOAT_HISTOGRAM) {
        if (!this.histograms) continue;
        if (c.enc === ENC_HISTOGRAM) {
          this.vt = ValueType.Histogram;
          this.h = new HistogramIterator(c.data, c.num);
        } else {
          this.vt = ValueType.FloatHistogram;
          this.fh = new FloatHistogramIterator(c.data, c.num);
        }
        return true;
      }
      noteUndecodedChunk(c.enc);
    }
  }

  next(): ValueType {
    if (this.ci >= this.chunks.length) return ValueType.None;
    for (;;) {
      if (this.ci < 0 || this.innerNext() === ValueType.None) {
        if (this.ci >= 0 && this.innerErr()) {
          this.e = this.innerErr();
          this.ci = this.chunks.length;
          return ValueType.None;
        }
        if (!this.nextChunk(this.mint)) {
          this.ci = this.chunks.length;
          this.cur = false;
          return ValueType.None;
        }
        continue;
      }
      const t = this.innerT();
      if (t < this.mint) continue;
      if (t > this.maxt) {
        this.ci = this.chunks.length;
        this.cur = false;
        return ValueType.None;
      }
      if (this.ivs.length > 0 && deleted(this.ivs, t)) continue;
      this.cur = true;
      return this.vt;
    }
  }

  seek(t: number): ValueType {
    if (this.cur && this.innerT() >= t) return this.vt;
    if (this.ci >= this.chunks.length) return ValueType.None;
    // Skip whole chunks that end before t.
    if (this.ci < 0 || this.chunks[this.ci]!.maxt < t) {
      let j = this.ci < 0 ? 0 : this.ci;
      while (j < this.chunks.length && this.chunks[j]!.maxt < t) j++;
      if (j !== this.ci) {
        this.ci = j - 1;
        if (!this.nextChunk(t)) {
          this.ci = this.chunks.length;
          this.cur = false;
          return ValueType.None;
        }
      }
    }
    for (;;) {
      const vt = this.next();
      if (vt === ValueType.None) return vt;
      if (this.innerT() >= t) return vt;
    }
  }

  atT(): number {
    return this.innerT();
  }
  atF(): number {
    return this.it.atF();
  }
  atHistogram(): Histogram {
    if (this.vt === ValueType.Histogram) return this.h!.atHistogram();
    throw new Error(`no integer histogram at this position (value type ${this.vt})`);
  }
  atFloatHistogram(): FloatHistogram {
    if (this.vt === ValueType.FloatHistogram) return this.fh!.atFloatHistogram();
    if (this.vt === ValueType.Histogram) return this.h!.atHistogram().toFloat();
    throw new Error(`no histogram at this position (value type ${this.vt})`);
  }
  err(): Error | null {
    return this.e;
  }
}

/** Iterates decoded samples held in arrays (the result of merging overlapping chunks). */
export class ArrayIterator implements SeriesIterator {
  private i = -1;
  constructor(
    private readonly ts: Float64Array,
    private readonly vs: Float64Array,
    private readonly e: Error | null = null,
  ) {}
  next(): ValueType {
    if (this.i < this.ts.length) this.i++;
    return this.i < this.ts.length ? ValueType.Float : ValueType.None;
  }
  seek(t: number): ValueType {
    if (this.i < 0) this.i = 0;
    // Binary search forward from the current position.
    let lo = this.i;
    let hi = this.ts.length;
    if (lo < hi && this.ts[lo]! >= t) return ValueType.Float;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.ts[m]! < t) lo = m + 1;
      else hi = m;
    }
    this.i = lo;
    return this.i < this.ts.length ? ValueType.Float : ValueType.None;
  }
  atT(): number {
    return this.ts[this.i]!;
  }
  atF(): number {
    return this.vs[this.i]!;
  }
  atHistogram(): Histogram {
    throw new Error('merged samples are floats only');
  }
  atFloatHistogram(): FloatHistogram {
    throw new Error('merged samples are floats only');
  }
  err(): Error | null {
    return this.e;
  }
}

function overlapping(chunks: ChunkData[]): boolean {
  for (let i = 1; i < chunks.length; i++) if (chunks[i]!.mint <= chunks[i - 1]!.maxt) return true;
  return false;
}

/** Decodes and merges chunks that overlap in time; a timestamp seen twice keeps the first value. */
export function mergeChunkSamples(
  chunks: ChunkData[],
  mint: number,
  maxt: number,
  ivs: readonly Interval[],
): ArrayIterator {
  return mergeParts(
    chunks.map((c) => ({ c, ivs })),
    mint,
    maxt,
  );
}

/**
 * Decodes each chunk (with its own deletions), sorts by time and keeps the first value of a
 * repeated timestamp. Float64Arrays throughout: V8 canonicalizes NaNs kept in number[] arrays,
 * which would turn staleness markers into ordinary NaNs.
 */
function mergeParts(
  all: { c: ChunkData; ivs: readonly Interval[] }[],
  mint: number,
  maxt: number,
): ArrayIterator {
  let cap = 0;
  for (const x of all) cap += x.c.num ?? chunkNumSamples(x.c.data);
  const ts = new Float64Array(cap);
  const vs = new Float64Array(cap);
  let k = 0;
  let error: Error | null = null;
  for (const x of all) {
    const it = new ChunksIterator([x.c], mint, maxt, x.ivs);
    while (it.next() !== ValueType.None) {
      ts[k] = it.atT();
      vs[k++] = it.atF();
    }
    error ??= it.err();
  }
  const [ot, ov] = sortedUnique(ts, vs, k);
  return new ArrayIterator(ot, ov, error);
}

/**
 * The first k samples in time order, one per timestamp: of samples with the same timestamp the
 * first gathered wins (chunks are gathered oldest source first).
 */
export function sortedUnique(
  ts: Float64Array,
  vs: Float64Array,
  k: number,
): [ts: Float64Array, vs: Float64Array] {
  const idx = Array.from({ length: k }, (_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const ot = new Float64Array(k);
  const ov = new Float64Array(k);
  let n = 0;
  for (const i of idx) {
    if (n > 0 && ot[n - 1] === ts[i]) continue;
    ot[n] = ts[i]!;
    ov[n] = vs[i]!;
    n++;
  }
  return [ot.subarray(0, n), ov.subarray(0, n)];
}

class StoredSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: ChunkSeries[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly histograms: boolean,
  ) {}
  /** Overlapping chunks are decoded and merged (with their histograms for a caller that reads them). */
  iterator(): SeriesIterator {
    if (this.parts.length === 1) {
      const p = this.parts[0]!;
      const cs = p.chunks();
      if (!overlapping(cs))
        return new ChunksIterator(cs, this.mint, this.maxt, p.intervals, this.histograms);
      if (this.histograms && hasHistograms(cs))
        return mergeMixed(
          cs.map((c) => ({ c, ivs: p.intervals })),
          this.mint,
          this.maxt,
        );
      return mergeChunkSamples(cs, this.mint, this.maxt, p.intervals);
    }
    // Several sources (overlapping blocks, or a block and the head): deletions are per source.
    const all: { c: ChunkData; ivs: readonly Interval[] }[] = [];
    for (const p of this.parts) for (const c of p.chunks()) all.push({ c, ivs: p.intervals });
    all.sort((a, b) => a.c.mint - b.c.mint);
    const cs = all.map((x) => x.c);
    if (!overlapping(cs) && this.parts.every((p) => p.intervals.length === 0))
      return new ChunksIterator(cs, this.mint, this.maxt, [], this.histograms);
    if (this.histograms && hasHistograms(cs)) return mergeMixed(all, this.mint, this.maxt);
    return mergeParts(all, this.mint, this.maxt);
  }
}

class ListSeriesSet implements SeriesSet {
  private i = -1;
  constructor(
    private readonly list: Series[],
    private readonly e: Error | null = null,
  ) {}
  next(): boolean {
    this.i++;
    return this.i < this.list.length;
  }
  at(): Series {
    return this.list[this.i]!;
  }
  err(): Error | null {
    return this.e;
  }
  warnings(): string[] {
    return [];
  }
}

/** A Querier over several sources (blocks and head) for [mint, maxt]. */
export class MergeQuerier implements Querier {
  constructor(
    private readonly sources: ChunkQuerier[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly onClose: () => void = () => {},
  ) {}

  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet {
    void sortSeries; // always sorted: merging needs label order anyway
    let mint = this.mint;
    let maxt = this.maxt;
    const histograms = hints?.histograms === true;
    if (hints) {
      mint = Math.max(mint, hints.start);
      maxt = Math.min(maxt, hints.end);
    }
    try {
      if (this.sources.length === 1) {
        const list = this.sources[0]!.selectChunks(matchers);
        return new ListSeriesSet(
          list.map((cs) => new StoredSeries(cs.labels, [cs], mint, maxt, histograms)),
        );
      }
      const byKey = new Map<string, ChunkSeries[]>();
      for (const s of this.sources) {
        for (const cs of s.selectChunks(matchers)) {
          const k = cs.labels.key();
          const l = byKey.get(k);
          if (l) l.push(cs);
          else byKey.set(k, [cs]);
        }
      }
      const out: Series[] = [];
      for (const parts of byKey.values())
        out.push(new StoredSeries(parts[0]!.labels, parts, mint, maxt, histograms));
      out.sort((a, b) => compareLabels(a.labels, b.labels));
      return new ListSeriesSet(out);
    } catch (e) {
      return new ListSeriesSet([], e as Error);
    }
  }

  labelValues(name: string, ...matchers: Matcher[]): string[] {
    const set = new Set<string>();
    for (const s of this.sources) for (const v of s.labelValues(name, matchers)) set.add(v);
    return [...set].sort(cmpStr);
  }

  labelNames(...matchers: Matcher[]): string[] {
    const set = new Set<string>();
    for (const s of this.sources) for (const v of s.labelNames(matchers)) set.add(v);
    return [...set].sort(cmpStr);
  }

  close(): void {
    this.onClose();
  }
}

export const cmpStr = compareStrings;

/** A decoded sample of any kind: a float f, or an integer (h) or float (fh) histogram. */
export interface MixedSample {
  t: number;
  f: number;
  h: Histogram | null;
  fh: FloatHistogram | null;
}

/**
 * Every sample of the chunks (each with its own deletions) in [mint, maxt], of every kind, in time
 * order; of two at one time the one from the earlier chunk wins. Throws a chunk's decoding error.
 */
export function decodeMixed(
  all: { c: ChunkData; ivs: readonly Interval[] }[],
  mint: number,
  maxt: number,
): MixedSample[] {
  const samples: MixedSample[] = [];
  for (const x of all) {
    const it = new ChunksIterator([x.c], mint, maxt, x.ivs, true);
    for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
      if (vt === ValueType.Float) samples.push({ t: it.atT(), f: it.atF(), h: null, fh: null });
      else if (vt === ValueType.Histogram)
        samples.push({ t: it.atT(), f: 0, h: it.atHistogram(), fh: null });
      else samples.push({ t: it.atT(), f: 0, h: null, fh: it.atFloatHistogram() });
    }
    const e = it.err();
    if (e) throw e;
  }
  samples.sort((a, b) => a.t - b.t);
  return samples.filter((s, i) => i === 0 || samples[i - 1]!.t !== s.t);
}

/** Iterates merged samples of every kind (overlapping chunks with histograms, for a caller that reads them). */
class MixedIterator implements SeriesIterator {
  private i = -1;
  constructor(
    private readonly s: MixedSample[],
    private readonly e: Error | null,
  ) {}
  private vt(): ValueType {
    const x = this.s[this.i];
    if (x === undefined) return ValueType.None;
    return x.h !== null
      ? ValueType.Histogram
      : x.fh !== null
        ? ValueType.FloatHistogram
        : ValueType.Float;
  }
  next(): ValueType {
    if (this.i < this.s.length) this.i++;
    return this.vt();
  }
  seek(t: number): ValueType {
    if (this.i < 0) this.i = 0;
    while (this.i < this.s.length && this.s[this.i]!.t < t) this.i++;
    return this.vt();
  }
  atT(): number {
    return this.s[this.i]!.t;
  }
  atF(): number {
    return this.s[this.i]!.f;
  }
  atHistogram(): Histogram {
    const h = this.s[this.i]!.h;
    if (h === null) throw new Error('no integer histogram at this position');
    return h;
  }
  atFloatHistogram(): FloatHistogram {
    const x = this.s[this.i]!;
    if (x.fh !== null) return x.fh;
    if (x.h !== null) return x.h.toFloat();
    throw new Error('no histogram at this position');
  }
  err(): Error | null {
    return this.e;
  }
}

function mergeMixed(
  all: { c: ChunkData; ivs: readonly Interval[] }[],
  mint: number,
  maxt: number,
): SeriesIterator {
  try {
    return new MixedIterator(decodeMixed(all, mint, maxt), null);
  } catch (e) {
    return new MixedIterator([], e as Error);
  }
}

function hasHistograms(cs: readonly ChunkData[]): boolean {
  for (const c of cs) if (c.enc === ENC_HISTOGRAM || c.enc === ENC_FLOAT_HISTOGRAM) return true;
  return false;
}
