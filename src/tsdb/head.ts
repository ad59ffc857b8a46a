// The head block: the most recent data, in memory — its lifecycle and truncation. Series are keyed
// by their label set and get a stable numeric ref; an inverted index (MemPostings) serves matcher
// lookups; samples go into chunks (mem_series.ts), cut also at block-range boundaries so that
// compaction takes whole chunks. The write path is in head_append.ts, the read path in
// head_read.ts, WAL replay in head_replay.ts.
import { Labels, type Matcher } from '../model/labels/index.js';
import type { Appender } from '../storage/index.js';
import { ByteArena } from './chunkenc/index.js';
import type { ChunkDiskMapper } from './chunks/index.js';
import { EncBuf } from './encoding/index.js';
import { HeadAppender, type BatchBuffers } from './head_append.js';
import { HeadChunkQuerier } from './head_read.js';
import { HeadReplayer } from './head_replay.js';
import {
  MemPostings,
  postingsForMatchers,
  type PostingsList,
  type PostingsSource,
} from './index/index.js';
import { MemSeries, NO_T } from './mem_series.js';
import type { ChunkQuerier, Interval } from './series.js';
import { encodeTombstonesRecord, type WAL, type WALRecord } from './wal/index.js';

export { MemSeries, encodeChunksLikeHead, type HeadChunkMeta } from './mem_series.js';

export interface HeadCounters {
  samplesAppended(n: number): void;
  histogramsAppended(n: number): void;
  outOfOrder(n: number): void;
  outOfBounds(n: number): void;
  seriesCreated(n: number): void;
  seriesRemoved(n: number): void;
  chunksCreated(n: number): void;
  chunksRemoved(n: number): void;
  walWriteFailed(): void;
  /** A WAL record of a type this head does not apply (left in the WAL; checkpoints keep it). */
  walUnsupportedRecord(type: number): void;
}

const nopCounters: HeadCounters = {
  samplesAppended() {},
  histogramsAppended() {},
  outOfOrder() {},
  outOfBounds() {},
  seriesCreated() {},
  seriesRemoved() {},
  chunksCreated() {},
  chunksRemoved() {},
  walWriteFailed() {},
  walUnsupportedRecord() {},
};

export class Head implements PostingsSource {
  readonly series = new Map<number, MemSeries>();
  /** The same series indexed by ref (refs are dense): the hot paths' lookup, no hashing. For this folder's append and replay paths. */
  readonly byRef: (MemSeries | undefined)[] = [];
  /** Series by a hash of their label set (collisions chained), so no per-series key string is kept. */
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  /** Interned label strings: a name or value shared by many series is stored once. */
  private symbols = new Map<string, string>();
  private readonly index = new MemPostings();
  private nextRef = 1;
  private batchSeq = 0;
  /** Appenders holding uncommitted samples. */
  activeAppenders = 0;
  readonly tombstones = new Map<number, Interval[]>();
  minTime = Number.MAX_SAFE_INTEGER;
  maxTime = NO_T;
  /** Nothing below this is accepted (the max time of the last compacted block). */
  minValidTime = NO_T;
  readonly chunkRange: number;
  wal: WAL | null;
  /** Whether appenders take native histograms (--enable-feature=native-histograms); replay always does. */
  nativeHistograms = false;
  /** Where full chunks go (null: kept in memory, for read-only heads). */
  mapper: ChunkDiskMapper | null = null;
  /** The open chunks' bytes. */
  readonly arena = new ByteArena();
  counters: HeadCounters;
  private readonly pool: BatchBuffers[] = [];
  private readonly replayer = new HeadReplayer(this);

  constructor(chunkRange: number, wal: WAL | null, counters: HeadCounters = nopCounters) {
    this.chunkRange = chunkRange;
    this.wal = wal;
    this.counters = counters;
  }

  numSeries(): number {
    return this.series.size;
  }

  appender(): Appender {
    return new HeadAppender(this);
  }

  /** Oldest time an append may carry: the compacted boundary, or half a chunk range behind the newest sample. */
  appendableMinValidTime(): number {
    if (this.maxTime === NO_T) return this.minValidTime;
    return Math.max(this.minValidTime, this.maxTime - this.chunkRange / 2);
  }

  private intern(x: string): string {
    const e = this.symbols.get(x);
    if (e !== undefined) return e;
    this.symbols.set(x, x);
    return x;
  }

  private lookup(flat: readonly string[], h: number): MemSeries | undefined {
    const e = this.byHash.get(h);
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return flatEquals(e.labels.flat, flat) ? e : undefined;
    for (const s of e) if (flatEquals(s.labels.flat, flat)) return s;
    return undefined;
  }

  private unhash(s: MemSeries): void {
    const h = hashFlat(s.labels.flat);
    const e = this.byHash.get(h);
    if (e === s) this.byHash.delete(h);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      if (rest.length === 0) this.byHash.delete(h);
      else this.byHash.set(h, rest.length === 1 ? rest[0]! : rest);
    }
  }

  getByRef(ref: number): MemSeries | undefined {
    return this.byRef[ref];
  }

  getByLabels(l: Labels): MemSeries | undefined {
    return this.lookup(l.flat, hashFlat(l.flat));
  }

  getOrCreate(l: Labels, ref = 0): { s: MemSeries; created: boolean } {
    const h = hashFlat(l.flat);
    const ex = this.lookup(l.flat, h);
    if (ex) return { s: ex, created: false };
    const r = ref > 0 ? ref : this.nextRef;
    if (r >= this.nextRef) this.nextRef = r + 1;
    const flat = l.flat.map((x) => this.intern(x));
    const s = new MemSeries(r, Labels.fromSortedFlat(flat));
    this.series.set(r, s);
    this.byRef[r] = s;
    const prev = this.byHash.get(h);
    if (prev === undefined) this.byHash.set(h, s);
    else if (Array.isArray(prev)) prev.push(s);
    else this.byHash.set(h, [prev, s]);
    this.index.add(r, flat);
    this.counters.seriesCreated(1);
    return { s, created: true };
  }

  // PostingsSource
  postings(name: string, value: string): PostingsList {
    return this.index.postings(name, value);
  }
  labelValuesFor(name: string): readonly string[] {
    return this.index.labelValues(name);
  }
  allPostings(): PostingsList {
    return this.index.allPostings();
  }
  labelNamesAll(): string[] {
    return this.index.labelNames();
  }
  postingsMap(): Map<string, Map<string, number[]>> {
    return this.index.map();
  }

  acquireBuffers(): BatchBuffers {
    return (
      this.pool.pop() ?? {
        refs: new Uint32Array(1024),
        ts: new Float64Array(1024),
        vs: new Float64Array(1024),
      }
    );
  }
  releaseBuffers(b: BatchBuffers): void {
    if (this.pool.length < 16) this.pool.push(b);
  }
  nextBatch(): number {
    return ++this.batchSeq;
  }

  /** Applies one WAL record (Prometheus's encoding) during replay (head_replay.ts). */
  replayRecord(r: WALRecord): void {
    this.replayer.replayRecord(r);
  }

  endReplay(): void {
    this.replayer.end();
    this.flushChunks();
  }

  /** Writes queued full chunks; a failure leaves them queued (still readable) for the next try. */
  flushChunks(): void {
    this.mapper?.tryFlush();
  }

  addTombstone(ref: number, iv: Interval): void {
    const l = this.tombstones.get(ref);
    if (l) l.push(iv);
    else this.tombstones.set(ref, [iv]);
  }

  /** Records deletions for series matching the matchers in [mint, maxt] (WAL first). */
  delete(mint: number, maxt: number, matchers: readonly Matcher[]): void {
    const refs = postingsForMatchers(this, matchers);
    const hit: number[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.series.get(refs[i]!)!;
      if (s.lastT === NO_T || s.minTime() > maxt || s.lastT < mint) continue;
      hit.push(s.ref);
    }
    if (hit.length === 0) return;
    if (this.wal) {
      const enc = new EncBuf();
      encodeTombstonesRecord(
        enc,
        hit.map((ref) => ({ ref, mint, maxt })),
      );
      try {
        this.wal.log([enc.bytes()]);
      } catch (e) {
        this.counters.walWriteFailed();
        throw e;
      }
    }
    for (const r of hit) this.addTombstone(r, { mint, maxt });
  }

  /**
   * Drops data below mint (it is in a block now): whole chunks, then series left empty.
   * Returns the number of series removed.
   */
  truncate(mint: number): number {
    if (mint <= this.minValidTime) return 0;
    this.minValidTime = mint;
    let removedChunks = 0;
    const gone: MemSeries[] = [];
    let newMin = Number.MAX_SAFE_INTEGER;
    for (const s of this.series.values()) {
      let k = 0;
      while (k < s.chunks.length && s.chunks[k]!.maxt < mint) k++;
      if (k > 0) {
        s.chunks = s.chunks.slice(k);
        removedChunks += k;
      }
      if (s.hasOpenChunk() && s.lastT < mint) {
        s.dropOpenChunk();
        removedChunks++;
      }
      if (s.chunks.length === 0 && !s.hasOpenChunk() && s.pendT === NO_T) gone.push(s);
      else newMin = Math.min(newMin, Math.max(s.minTime(), mint));
    }
    for (const s of gone) {
      this.series.delete(s.ref);
      this.byRef[s.ref] = undefined;
      this.unhash(s);
      this.tombstones.delete(s.ref);
    }
    if (gone.length > 0) this.rebuildPostings();
    for (const [ref, ivs] of this.tombstones) {
      const keep = ivs.filter((iv) => iv.maxt >= mint);
      if (keep.length === 0) this.tombstones.delete(ref);
      else this.tombstones.set(ref, keep);
    }
    this.minTime = this.series.size > 0 ? newMin : Number.MAX_SAFE_INTEGER;
    if (this.series.size === 0) this.maxTime = Math.max(this.maxTime, NO_T);
    this.mapper?.truncate(mint);
    this.counters.chunksRemoved(removedChunks);
    this.counters.seriesRemoved(gone.length);
    return gone.length;
  }

  private rebuildPostings(): void {
    // Strings only removed series used are dropped from the intern table too.
    const syms = new Map<string, string>();
    for (const s of this.series.values()) for (const x of s.labels.flat) syms.set(x, x);
    this.symbols = syms;
    this.index.rebuild([...this.series.values()].map((s) => ({ ref: s.ref, flat: s.labels.flat })));
  }

  /** A ChunkQuerier over [mint, maxt]. */
  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    return new HeadChunkQuerier(this, Math.max(mint, this.minValidTime), maxt);
  }

  numChunks(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.numChunks();
    return n;
  }
}

/** FNV-1a over the label strings and separators, without building a key string. */
function hashFlat(flat: readonly string[]): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < flat.length; i++) {
    const x = flat[i]!;
    for (let j = 0; j < x.length; j++) h = Math.imul(h ^ x.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
  }
  return h >>> 0;
}

function flatEquals(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
