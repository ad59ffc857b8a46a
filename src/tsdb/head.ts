// The head block: the most recent data, in memory. Series are keyed by their label set and get a
// stable numeric ref; an inverted index (name → value → sorted refs) serves matcher lookups;
// samples go into XOR chunks of up to 120 samples, cut also at block-range boundaries so that
// compaction takes whole chunks. Appends are buffered per batch in typed arrays and become
// durable (one WAL write) and visible at commit.
import { Labels, compareLabels, type Matcher } from '../model/labels/index.js';
import {
  StorageError,
  errDuplicateSampleForTimestamp,
  errOutOfBounds,
  errOutOfOrderSample,
  type Appender,
  type SeriesRef,
} from '../storage/index.js';
import { ByteArena, ENC_XOR, SAMPLES_PER_CHUNK, XORAppender } from './chunkenc/index.js';
import type { ChunkDiskMapper } from './chunks/index.js';
import { EncBuf } from './encoding/index.js';
import { postingsForMatchers, type PostingsList, type PostingsSource } from './index/index.js';
import { cmpStr, type ChunkData, type ChunkQuerier, type ChunkSeries, type Interval } from './series.js';
import { decodeRecord, encodeSamplesRecord, encodeSeriesRecord, encodeTombstonesRecord, type RecordHandlers, type WAL, type WALRecord } from './wal/index.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const NO_T = Number.MIN_SAFE_INTEGER;
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
  return s.allChunks(null).map((c) => ({ mint: c.mint, maxt: c.maxt, data: c.data }));
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
        ? { mint: this.appMint, maxt: this.lastT, data: this.app.bytes(), num: this.app.num }
        : null;
    let loaded: ChunkData[] | null = null;
    return () => {
      if (loaded === null) {
        loaded = sel.map((c) => ({ mint: c.mint, maxt: c.maxt, data: c.data ?? mapper!.read(c.ref) }));
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

export interface HeadCounters {
  samplesAppended(n: number): void;
  outOfOrder(n: number): void;
  outOfBounds(n: number): void;
  seriesCreated(n: number): void;
  seriesRemoved(n: number): void;
  chunksCreated(n: number): void;
  chunksRemoved(n: number): void;
  walWriteFailed(): void;
}

const nopCounters: HeadCounters = {
  samplesAppended() {},
  outOfOrder() {},
  outOfBounds() {},
  seriesCreated() {},
  seriesRemoved() {},
  chunksCreated() {},
  chunksRemoved() {},
  walWriteFailed() {},
};

interface BatchBuffers {
  refs: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
}

export class Head implements PostingsSource {
  readonly series = new Map<number, MemSeries>();
  /** The same series indexed by ref (refs are dense): the hot paths' lookup, no hashing. */
  private readonly byRef: (MemSeries | undefined)[] = [];
  /** Series by a hash of their label set (collisions chained), so no per-series key string is kept. */
  private readonly byHash = new Map<number, MemSeries | MemSeries[]>();
  /** Interned label strings: a name or value shared by many series is stored once. */
  private symbols = new Map<string, string>();
  private postingsIdx = new Map<string, Map<string, number[]>>();
  private allRefs: number[] = [];
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
  /** Where full chunks go (null: kept in memory, for read-only heads). */
  mapper: ChunkDiskMapper | null = null;
  /** The open chunks' bytes. */
  private readonly arena = new ByteArena();
  counters: HeadCounters;
  private readonly pool: BatchBuffers[] = [];
  private readonly encSeries = new EncBuf(4096);
  private readonly encSamples = new EncBuf(1 << 16);

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
    const f = flat;
    for (let i = 0; i < f.length; i += 2) {
      let vm = this.postingsIdx.get(f[i]!);
      if (!vm) this.postingsIdx.set(f[i]!, (vm = new Map()));
      const list = vm.get(f[i + 1]!);
      if (list) insertSorted(list, r);
      else vm.set(f[i + 1]!, [r]);
    }
    insertSorted(this.allRefs, r);
    this.counters.seriesCreated(1);
    return { s, created: true };
  }

  // PostingsSource
  postings(name: string, value: string): PostingsList {
    return this.postingsIdx.get(name)?.get(value) ?? [];
  }
  labelValuesFor(name: string): readonly string[] {
    const vm = this.postingsIdx.get(name);
    return vm ? [...vm.keys()].sort(cmpStr) : [];
  }
  allPostings(): PostingsList {
    return this.allRefs;
  }
  labelNamesAll(): string[] {
    return [...this.postingsIdx.keys()].sort(cmpStr);
  }
  postingsMap(): Map<string, Map<string, number[]>> {
    return this.postingsIdx;
  }

  acquireBuffers(): BatchBuffers {
    return this.pool.pop() ?? { refs: new Uint32Array(1024), ts: new Float64Array(1024), vs: new Float64Array(1024) };
  }
  releaseBuffers(b: BatchBuffers): void {
    if (this.pool.length < 16) this.pool.push(b);
  }
  nextBatch(): number {
    return ++this.batchSeq;
  }

  /** Makes a batch durable in the WAL then applies it. Throws StorageError('disk') if the WAL write fails. */
  commitBatch(b: BatchBuffers, n: number, newSeries: MemSeries[]): void {
    if (this.wal !== null && (newSeries.length > 0 || n > 0)) {
      const recs: Uint8Array[] = [];
      if (newSeries.length > 0) {
        this.encSeries.reset();
        encodeSeriesRecord(this.encSeries, newSeries);
        recs.push(this.encSeries.bytes());
      }
      if (n > 0) {
        this.encSamples.reset();
        encodeSamplesRecord(this.encSamples, b.refs, b.ts, b.vs, n);
        recs.push(this.encSamples.bytes());
      }
      try {
        this.wal.log(recs);
      } catch (e) {
        this.counters.walWriteFailed();
        for (let i = 0; i < n; i++) {
          const s = this.byRef[b.refs[i]!];
          if (s) s.pendT = NO_T;
        }
        throw new StorageError('disk', `write to WAL: ${(e as Error).message}`);
      }
    }
    for (const s of newSeries) s.logged = true;
    this.applySamples(b.refs, b.ts, b.vs, n, true);
    this.flushChunks();
  }

  private applySamples(refs: ArrayLike<number>, ts: ArrayLike<number>, vs: ArrayLike<number>, n: number, live: boolean): void {
    let appended = 0;
    let ooo = 0;
    let chunks = 0;
    let mint = this.minTime;
    let maxt = this.maxTime;
    const byRef = this.byRef;
    const minValid = this.minValidTime;
    const chunkRange = this.chunkRange;
    const mapper = this.mapper;
    const arena = this.arena;
    for (let i = 0; i < n; i++) {
      const s = byRef[refs[i]!];
      if (s === undefined) continue;
      if (live) s.pendT = NO_T;
      const t = ts[i]!;
      if (t <= s.lastT || t < minValid) {
        if (live && t < s.lastT) ooo++;
        continue;
      }
      if (s.appendSample(t, vs[i]!, chunkRange, mapper, arena)) chunks++;
      appended++;
      if (t < mint) mint = t;
      if (t > maxt) maxt = t;
    }
    this.minTime = mint;
    this.maxTime = maxt;
    if (appended > 0) this.counters.samplesAppended(appended);
    if (ooo > 0) this.counters.outOfOrder(ooo);
    if (chunks > 0) this.counters.chunksCreated(chunks);
  }

  /** Applies one WAL record (Prometheus's encoding) during replay. */
  replayRecord(r: WALRecord): void {
    decodeRecord(r, this.replayHandlers);
  }
  private readonly replayHandlers: RecordHandlers = {
    series: (ref, labels) => this.importSeries(ref, labels),
    sample: (ref, t, v) => this.importSample(ref, t, v),
    tombstone: (ref, mint, maxt) => this.importTombstone(ref, { mint, maxt }),
  };
  private readonly replayAlias = new Map<number, number>();

  endReplay(): void {
    this.replayAlias.clear();
    this.flushChunks();
  }

  /** Writes queued full chunks; a failure leaves them queued (still readable) for the next try. */
  private flushChunks(): void {
    try {
      this.mapper?.flush();
    } catch {
      this.counters.walWriteFailed();
    }
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
      encodeTombstonesRecord(enc, hit.map((ref) => ({ ref, mint, maxt })));
      this.wal.log([enc.bytes()]);
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
      if (s.app !== null && s.lastT < mint) {
        s.app.release();
        s.app = null;
        removedChunks++;
      }
      if (s.chunks.length === 0 && s.app === null && s.pendT === NO_T) gone.push(s);
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
    const idx = new Map<string, Map<string, number[]>>();
    // Strings only removed series used are dropped from the intern table too.
    const syms = new Map<string, string>();
    for (const s of this.series.values()) for (const x of s.labels.flat) syms.set(x, x);
    this.symbols = syms;
    const refs = [...this.series.keys()].sort((a, b) => a - b);
    for (const r of refs) {
      const f = this.series.get(r)!.labels.flat;
      for (let i = 0; i < f.length; i += 2) {
        let vm = idx.get(f[i]!);
        if (!vm) idx.set(f[i]!, (vm = new Map()));
        const list = vm.get(f[i + 1]!);
        if (list) list.push(r);
        else vm.set(f[i + 1]!, [r]);
      }
    }
    this.postingsIdx = idx;
    this.allRefs = refs;
  }

  /** Imports one sample of another WAL format (refs as that WAL named them, see importSeries). */
  importSample(ref: number, t: number, v: number): void {
    const s = this.byRef[this.replayAlias.size > 0 ? (this.replayAlias.get(ref) ?? ref) : ref];
    if (s === undefined || t <= s.lastT || t < this.minValidTime) return;
    if (s.appendSample(t, v, this.chunkRange, this.mapper, this.arena)) this.counters.chunksCreated(1);
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
  }

  importTombstone(ref: number, iv: Interval): void {
    this.addTombstone(this.replayAlias.get(ref) ?? ref, iv);
  }

  importSeries(ref: number, labels: Labels): void {
    const { s } = this.getOrCreate(labels, this.byRef[ref] === undefined ? ref : 0);
    s.logged = true;
    if (s.ref !== ref) this.replayAlias.set(ref, s.ref);
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

function insertSorted(list: number[], r: number): void {
  if (list.length === 0 || list[list.length - 1]! < r) {
    list.push(r);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (list[m]! < r) lo = m + 1;
    else hi = m;
  }
  if (list[lo] !== r) list.splice(lo, 0, r);
}


class HeadChunkQuerier implements ChunkQuerier {
  constructor(
    private readonly head: Head,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  private matching(matchers: readonly Matcher[]): MemSeries[] {
    const refs = postingsForMatchers(this.head, matchers);
    const out: MemSeries[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.head.series.get(refs[i]!);
      if (s === undefined || s.lastT === NO_T) continue;
      if (s.lastT < this.mint || s.minTime() > this.maxt) continue;
      out.push(s);
    }
    return out;
  }

  selectChunks(matchers: readonly Matcher[]): ChunkSeries[] {
    const list = this.matching(matchers);
    list.sort((a, b) => compareLabels(a.labels, b.labels));
    const tomb = this.head.tombstones;
    const mint = this.mint;
    const maxt = this.maxt;
    const mapper = this.head.mapper;
    return list.map((s) => ({ labels: s.labels, chunks: s.chunksIn(mapper, mint, maxt), intervals: tomb.get(s.ref) ?? [] }));
  }

  labelValues(name: string, matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return [...this.head.labelValuesFor(name)];
    const set = new Set<string>();
    for (const s of this.matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') set.add(v);
    }
    return [...set].sort(cmpStr);
  }

  labelNames(matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return this.head.labelNamesAll();
    const set = new Set<string>();
    for (const s of this.matching(matchers)) for (const n of s.labels.names()) set.add(n);
    return [...set].sort(cmpStr);
  }
}

class HeadAppender implements Appender {
  private b: BatchBuffers | null = null;
  private n = 0;
  private newSeries: MemSeries[] = [];
  private readonly batch: number;

  /** Fixed for the batch, as Prometheus fixes it when the appender is created. */
  private readonly minValid: number;

  constructor(private readonly head: Head) {
    this.batch = head.nextBatch();
    this.minValid = head.appendableMinValidTime();
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const head = this.head;
    let s = ref > 0 ? head.getByRef(ref) : undefined;
    if (s === undefined) {
      if (labels.isEmpty()) throw new StorageError('invalid_sample', 'invalid sample: empty labelset');
      s = head.getOrCreate(labels).s;
    }
    if (t < this.minValid) {
      head.counters.outOfBounds(1);
      throw errOutOfBounds();
    }
    F64[0] = v;
    const lo = U32[0]!;
    const hi = U32[1]!;
    if (s.pendT !== NO_T) {
      if (t < s.pendT) {
        head.counters.outOfOrder(1);
        throw errOutOfOrderSample();
      }
      if (t === s.pendT) {
        if (hi === s.pendHi && lo === s.pendLo) return s.ref;
        throw errDuplicateSampleForTimestamp();
      }
    } else if (t <= s.lastT) {
      if (t < s.lastT) {
        head.counters.outOfOrder(1);
        throw errOutOfOrderSample();
      }
      if (hi === s.lastHi && lo === s.lastLo) return s.ref;
      throw errDuplicateSampleForTimestamp();
    }
    if (!s.logged && s.batch !== this.batch) {
      s.batch = this.batch;
      this.newSeries.push(s);
    }
    s.pendT = t;
    s.pendHi = hi;
    s.pendLo = lo;
    let b = this.b;
    if (b === null) {
      b = this.b = head.acquireBuffers();
      head.activeAppenders++;
    }
    if (this.n === b.refs.length) {
      const c = b.refs.length * 2;
      const refs = new Uint32Array(c);
      refs.set(b.refs);
      const ts = new Float64Array(c);
      ts.set(b.ts);
      const vs = new Float64Array(c);
      vs.set(b.vs);
      b = this.b = { refs, ts, vs };
    }
    b.refs[this.n] = s.ref;
    b.ts[this.n] = t;
    b.vs[this.n] = v;
    this.n++;
    return s.ref;
  }

  commit(): Promise<void> {
    try {
      this.commitSync();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Synchronous commit (what commit() does; exposed for callers that batch without awaiting). */
  commitSync(): void {
    const b = this.b;
    const n = this.n;
    this.n = 0;
    this.b = null;
    if (b !== null) this.head.activeAppenders--;
    const ns = this.newSeries;
    this.newSeries = [];
    if (b === null && ns.length === 0) return;
    try {
      this.head.commitBatch(b ?? this.head.acquireBuffers(), n, ns);
    } finally {
      if (b) this.head.releaseBuffers(b);
    }
  }

  rollback(): Promise<void> {
    const b = this.b;
    if (b !== null) {
      for (let i = 0; i < this.n; i++) {
        const s = this.head.series.get(b.refs[i]!);
        if (s) s.pendT = NO_T;
      }
      this.head.releaseBuffers(b);
      this.head.activeAppenders--;
    }
    this.b = null;
    this.n = 0;
    this.newSeries = [];
    return Promise.resolve();
  }
}
