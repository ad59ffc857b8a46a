// The head's write path: an Appender buffers a batch in typed arrays (checking each sample
// against its series' last and pending ones), and its commit makes the batch durable — one WAL
// write of the new series and the samples — then applies it to the series' chunks.
import type { Labels } from '../model/labels/index.js';
import type { FloatHistogram, Histogram } from '../model/histogram/index.js';
import {
  StorageError,
  errDuplicateSampleForTimestamp,
  errNativeHistogramsDisabled,
  errOutOfBounds,
  errOutOfOrderSample,
  type Appender,
  type SeriesRef,
} from '../storage/index.js';
import { EncBuf } from './encoding/index.js';
import type { Head } from './head.js';
import { NO_T, type MemSeries } from './mem_series.js';
import {
  encodeHistogramSamplesRecord,
  encodeSamplesRecord,
  encodeSeriesRecord,
  type RefHistogram,
} from './wal/index.js';

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** A batch's samples, column by column (pooled by the head). */
export interface BatchBuffers {
  refs: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
}

/** The float columns of a batch that has none (new series or histograms only): nothing to take from the pool. */
const NO_SAMPLES: BatchBuffers = {
  refs: new Uint32Array(0),
  ts: new Float64Array(0),
  vs: new Float64Array(0),
};

/** Scratch for the WAL records of a commit: commits are synchronous, so one pair serves every head. */
const encSeries = new EncBuf(4096);
const encSamples = new EncBuf(1 << 16);
const encHistograms = new EncBuf(1 << 12);
const encFloatHistograms = new EncBuf(1 << 12);

/** A batch's histogram samples (rare next to floats: plain arrays), integer and float. */
export interface HistogramBatch {
  ints: RefHistogram[];
  floats: RefHistogram[];
}

/** Makes a batch durable in the WAL then applies it. Throws StorageError('disk') if the WAL write fails. */
export function commitBatch(
  head: Head,
  b: BatchBuffers,
  n: number,
  newSeries: MemSeries[],
  hb: HistogramBatch | null = null,
): void {
  const nh = hb === null ? 0 : hb.ints.length + hb.floats.length;
  if (head.wal !== null && (newSeries.length > 0 || n > 0 || nh > 0)) {
    const recs: Uint8Array[] = [];
    try {
      if (newSeries.length > 0) {
        encSeries.reset();
        encodeSeriesRecord(encSeries, newSeries);
        recs.push(encSeries.bytes());
      }
      if (n > 0) {
        encSamples.reset();
        encodeSamplesRecord(encSamples, b.refs, b.ts, b.vs, n);
        recs.push(encSamples.bytes());
      }
      // After the floats, integer then float histograms, as Prometheus logs a commit.
      if (hb !== null && hb.ints.length > 0) {
        encHistograms.reset();
        encodeHistogramSamplesRecord(encHistograms, hb.ints, false);
        recs.push(encHistograms.bytes());
      }
      if (hb !== null && hb.floats.length > 0) {
        encFloatHistograms.reset();
        encodeHistogramSamplesRecord(encFloatHistograms, hb.floats, true);
        recs.push(encFloatHistograms.bytes());
      }
    } catch (e) {
      // A value the WAL cannot encode: the batch is refused whole, and its series stay usable.
      clearPending(head, b, n, hb);
      throw e;
    }
    try {
      head.wal.log(recs);
    } catch (e) {
      head.counters.walWriteFailed();
      clearPending(head, b, n, hb);
      // Prometheus writes series then samples, and names the record that failed.
      throw new StorageError(
        'disk',
        `write to WAL: ${newSeries.length > 0 ? 'log series' : 'log samples'}: ${(e as Error).message}`,
      );
    }
  }
  for (const s of newSeries) s.logged = true;
  applySamples(head, b.refs, b.ts, b.vs, n, true);
  if (hb !== null && nh > 0) applyHistograms(head, hb);
  head.flushChunks();
}

/** Forgets a refused batch's pending marks, so its series take the next samples. */
function clearPending(head: Head, b: BatchBuffers, n: number, hb: HistogramBatch | null): void {
  for (let i = 0; i < n; i++) {
    const s = head.byRef[b.refs[i]!];
    if (s) s.pendT = NO_T;
  }
  if (hb !== null) {
    for (const x of [...hb.ints, ...hb.floats]) {
      const s = head.byRef[x.ref];
      if (s) s.pendT = NO_T;
    }
  }
}

/** Appends committed histogram samples to their series' chunks. */
function applyHistograms(head: Head, hb: HistogramBatch): void {
  let appended = 0;
  let chunks = 0;
  for (const [list, float] of [
    [hb.ints, false],
    [hb.floats, true],
  ] as const) {
    for (const x of list) {
      const s = head.byRef[x.ref];
      if (s === undefined) continue;
      s.pendT = NO_T;
      if (x.t <= s.lastT || x.t < head.minValidTime) continue;
      if (
        s.appendHistogram(
          x.t,
          float ? null : (x.h as Histogram),
          float ? (x.h as FloatHistogram) : null,
          head.chunkRange,
          head.mapper,
        )
      )
        chunks++;
      appended++;
      if (x.t < head.minTime) head.minTime = x.t;
      if (x.t > head.maxTime) head.maxTime = x.t;
    }
  }
  if (appended > 0) head.counters.histogramsAppended(appended);
  if (chunks > 0) head.counters.chunksCreated(chunks);
}

/** Appends committed samples to their series' chunks (samples not above a series' last are skipped, counted out of order). */
export function applySamples(
  head: Head,
  refs: ArrayLike<number>,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  n: number,
  live: boolean,
): void {
  let appended = 0;
  let ooo = 0;
  let chunks = 0;
  let mint = head.minTime;
  let maxt = head.maxTime;
  const byRef = head.byRef;
  const minValid = head.minValidTime;
  const chunkRange = head.chunkRange;
  const mapper = head.mapper;
  const arena = head.arena;
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
  head.minTime = mint;
  head.maxTime = maxt;
  if (appended > 0) head.counters.samplesAppended(appended);
  if (ooo > 0) head.counters.outOfOrder(ooo);
  if (chunks > 0) head.counters.chunksCreated(chunks);
}

export class HeadAppender implements Appender {
  private b: BatchBuffers | null = null;
  private n = 0;
  private newSeries: MemSeries[] = [];
  private hb: HistogramBatch | null = null;
  private readonly batch: number;

  /** Fixed for the batch, as Prometheus fixes it when the appender is created. */
  private readonly minValid: number;
  /** Samples behind one pending in this batch: counted as out of order at commit. */
  private droppedOutOfOrder = 0;

  constructor(private readonly head: Head) {
    this.batch = head.nextBatch();
    this.minValid = head.appendableMinValidTime();
  }

  /** The series a sample goes to (created if new), once its time is within bounds. */
  private seriesFor(ref: SeriesRef, labels: Labels, t: number): MemSeries {
    const head = this.head;
    let s = ref > 0 ? head.getByRef(ref) : undefined;
    if (s === undefined) {
      if (labels.isEmpty())
        throw new StorageError('invalid_sample', 'invalid sample: empty labelset');
      s = head.getOrCreate(labels).s;
    }
    if (t < this.minValid) {
      head.counters.outOfBounds(1);
      throw errOutOfBounds();
    }
    return s;
  }

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const head = this.head;
    const s = this.seriesFor(ref, labels, t);
    F64[0] = v;
    const lo = U32[0]!;
    const hi = U32[1]!;
    if (t <= s.lastT) {
      if (t < s.lastT) {
        head.counters.outOfOrder(1);
        throw errOutOfOrderSample();
      }
      if (hi === s.lastHi && lo === s.lastLo) return s.ref;
      throw errDuplicateSampleForTimestamp();
    }
    // Checked against committed samples only, as Prometheus's head does: one at or behind a
    // sample still pending in a batch is dropped when that batch commits (the rest is kept),
    // counted as out of order when it was behind.
    if (s.pendT !== NO_T && t <= s.pendT) {
      if (t < s.pendT) this.droppedOutOfOrder++;
      return s.ref;
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

  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | null,
    fh: FloatHistogram | null,
  ): SeriesRef {
    const head = this.head;
    if (!head.nativeHistograms) throw errNativeHistogramsDisabled();
    const x = h ?? fh;
    if (x === null) throw new StorageError('invalid_sample', 'invalid sample: no histogram');
    const s = this.seriesFor(ref, labels, t);
    if (t < s.lastT) {
      head.counters.outOfOrder(1);
      throw errOutOfOrderSample();
    }
    if (t === s.lastT) throw errDuplicateSampleForTimestamp();
    // As for floats: checked against committed samples; one at or behind a pending one is dropped.
    if (s.pendT !== NO_T && t <= s.pendT) {
      if (t < s.pendT) this.droppedOutOfOrder++;
      return s.ref;
    }
    if (!s.logged && s.batch !== this.batch) {
      s.batch = this.batch;
      this.newSeries.push(s);
    }
    s.pendT = t;
    const hb = (this.hb ??= { ints: [], floats: [] });
    (h !== null ? hb.ints : hb.floats).push({ ref: s.ref, t, h: x });
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
    const hb = this.hb;
    this.hb = null;
    if (this.droppedOutOfOrder > 0) this.head.counters.outOfOrder(this.droppedOutOfOrder);
    this.droppedOutOfOrder = 0;
    if (b === null && ns.length === 0 && hb === null) return;
    try {
      commitBatch(this.head, b ?? NO_SAMPLES, n, ns, hb);
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
    if (this.hb !== null) {
      for (const x of [...this.hb.ints, ...this.hb.floats]) {
        const s = this.head.getByRef(x.ref);
        if (s) s.pendT = NO_T;
      }
    }
    this.b = null;
    this.n = 0;
    this.newSeries = [];
    this.hb = null;
    this.droppedOutOfOrder = 0;
    return Promise.resolve();
  }
}
