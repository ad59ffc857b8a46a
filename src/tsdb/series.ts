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
import { XORIterator, xorNumSamples } from './chunkenc/index.js';

export interface ChunkData {
  mint: number;
  maxt: number;
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

/** Iterates non-overlapping chunks in order, clipped to [mint, maxt] minus deleted intervals. */
export class ChunksIterator implements SeriesIterator {
  private ci = -1;
  private it = new XORIterator();
  private cur = false;
  private e: Error | null = null;
  constructor(
    private readonly chunks: ChunkData[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly ivs: readonly Interval[],
  ) {}

  private nextChunk(minT: number): boolean {
    for (;;) {
      this.ci++;
      if (this.ci >= this.chunks.length) return false;
      const c = this.chunks[this.ci]!;
      if (c.maxt < minT || c.maxt < this.mint) continue;
      if (c.mint > this.maxt) return false;
      this.it.reset(c.data, c.num);
      return true;
    }
  }

  next(): ValueType {
    if (this.ci >= this.chunks.length) return ValueType.None;
    for (;;) {
      if (this.ci < 0 || this.it.next() === ValueType.None) {
        if (this.ci >= 0 && this.it.err()) {
          this.e = this.it.err();
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
      const t = this.it.atT();
      if (t < this.mint) continue;
      if (t > this.maxt) {
        this.ci = this.chunks.length;
        this.cur = false;
        return ValueType.None;
      }
      if (this.ivs.length > 0 && deleted(this.ivs, t)) continue;
      this.cur = true;
      return ValueType.Float;
    }
  }

  seek(t: number): ValueType {
    if (this.cur && this.it.atT() >= t) return ValueType.Float;
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
      if (this.it.atT() >= t) return vt;
    }
  }

  atT(): number {
    return this.it.atT();
  }
  atF(): number {
    return this.it.atF();
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
  err(): Error | null {
    return this.e;
  }
}

function overlapping(chunks: ChunkData[]): boolean {
  for (let i = 1; i < chunks.length; i++) if (chunks[i]!.mint <= chunks[i - 1]!.maxt) return true;
  return false;
}

/** Decodes and merges chunks that overlap in time; a timestamp seen twice keeps the first value. */
export function mergeChunkSamples(chunks: ChunkData[], mint: number, maxt: number, ivs: readonly Interval[]): ArrayIterator {
  return mergeParts(chunks.map((c) => ({ c, ivs })), mint, maxt);
}

/**
 * Decodes each chunk (with its own deletions), sorts by time and keeps the first value of a
 * repeated timestamp. Float64Arrays throughout: V8 canonicalizes NaNs kept in number[] arrays,
 * which would turn staleness markers into ordinary NaNs.
 */
function mergeParts(all: { c: ChunkData; ivs: readonly Interval[] }[], mint: number, maxt: number): ArrayIterator {
  let cap = 0;
  for (const x of all) cap += x.c.num ?? xorNumSamples(x.c.data);
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
export function sortedUnique(ts: Float64Array, vs: Float64Array, k: number): [ts: Float64Array, vs: Float64Array] {
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
  ) {}
  iterator(): SeriesIterator {
    if (this.parts.length === 1) {
      const p = this.parts[0]!;
      const cs = p.chunks();
      if (!overlapping(cs)) return new ChunksIterator(cs, this.mint, this.maxt, p.intervals);
      return mergeChunkSamples(cs, this.mint, this.maxt, p.intervals);
    }
    // Several sources (overlapping blocks, or a block and the head): deletions are per source.
    const all: { c: ChunkData; ivs: readonly Interval[] }[] = [];
    for (const p of this.parts) for (const c of p.chunks()) all.push({ c, ivs: p.intervals });
    all.sort((a, b) => a.c.mint - b.c.mint);
    const cs = all.map((x) => x.c);
    if (!overlapping(cs) && this.parts.every((p) => p.intervals.length === 0)) return new ChunksIterator(cs, this.mint, this.maxt, []);
    return mergeParts(all, this.mint, this.maxt);
  }
}

class ListSeriesSet implements SeriesSet {
  private i = -1;
  constructor(private readonly list: Series[], private readonly e: Error | null = null) {}
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
    if (hints) {
      mint = Math.max(mint, hints.start);
      maxt = Math.min(maxt, hints.end);
    }
    try {
      if (this.sources.length === 1) {
        const list = this.sources[0]!.selectChunks(matchers);
        return new ListSeriesSet(list.map((cs) => new StoredSeries(cs.labels, [cs], mint, maxt)));
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
      for (const parts of byKey.values()) out.push(new StoredSeries(parts[0]!.labels, parts, mint, maxt));
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
