// Prometheus's integer native-histogram chunk (encoding 2), byte for byte. After the 3-byte
// header and the layout, each sample stores: timestamp, count, zero count, sum, then every
// positive and negative bucket (in the chunk's layout, as deltas between neighbouring buckets).
// The first sample stores them raw (varbit; sum as 64 bits), later ones as delta-of-delta varbits
// against the previous sample, the sum XOR-encoded. A stale marker stores only its sum.
// A chunk holds one bucket layout: a sample whose buckets are a superset is taken by re-coding
// the chunk with the wider layout; fewer buckets, another schema or zero threshold, or any
// count going down start a new chunk (a counter reset, flagged in the header).
import { Histogram, countSpans } from '../../model/histogram/index.js';
import { isStaleNaN } from '../../model/value/index.js';
import { ValueType } from '../../storage/index.js';
import {
  newXORState,
  putVarbitInt,
  putVarbitUint,
  readVarbitInt,
  readVarbitUint,
  xorRead,
  xorWrite,
  type XORState,
} from './bstream.js';
import {
  HistogramChunkIterator,
  counterResetHint,
  readLayout,
  writeLayout,
} from './histogram_layout.js';
import { HistogramChunkAppender } from './histogram_appender.js';

export class HistogramAppender extends HistogramChunkAppender<Histogram> {
  protected readonly deltas = true;
  private cnt = 0;
  private zCnt = 0;
  private tDelta = 0;
  private cntDelta = 0;
  private zCntDelta = 0;
  private pBuckets: number[] = [];
  private nBuckets: number[] = [];
  private pDelta: number[] = [];
  private nDelta: number[] = [];
  private sum: XORState = newXORState();

  protected fresh(): this {
    return new HistogramAppender() as this;
  }

  protected copyOf(h: Histogram): Histogram {
    return h.copy();
  }

  /** Appends h, which must fit the chunk's layout (see appendable). */
  append(t: number, hin: Histogram): void {
    const w = this.w;
    const stale = isStaleNaN(hin.sum);
    const h = stale ? Histogram.of({ sum: hin.sum }) : hin;
    this.remember(t, h);
    let tDelta = 0;
    let cntDelta = 0;
    let zCntDelta = 0;
    if (this.num === 0) {
      this.layout = {
        schema: h.schema,
        zeroThreshold: h.zeroThreshold,
        positiveSpans: h.positiveSpans.map((s) => ({ ...s })),
        negativeSpans: h.negativeSpans.map((s) => ({ ...s })),
      };
      writeLayout(w, this.layout);
      this.pBuckets = new Array<number>(countSpans(h.positiveSpans)).fill(0);
      this.nBuckets = new Array<number>(countSpans(h.negativeSpans)).fill(0);
      this.pDelta = new Array<number>(this.pBuckets.length).fill(0);
      this.nDelta = new Array<number>(this.nBuckets.length).fill(0);
      putVarbitInt(w, t);
      putVarbitUint(w, h.count);
      putVarbitUint(w, h.zeroCount);
      w.writeFloat(h.sum);
      this.sum = newXORState(h.sum);
      for (const b of h.positiveBuckets) putVarbitInt(w, b);
      for (const b of h.negativeBuckets) putVarbitInt(w, b);
    } else {
      tDelta = t - this.t;
      cntDelta = h.count - this.cnt;
      zCntDelta = h.zeroCount - this.zCnt;
      let cntDod = cntDelta - this.cntDelta;
      let zCntDod = zCntDelta - this.zCntDelta;
      // A stale marker writes no counts (but the deltas kept below move on, as Prometheus's do).
      if (stale) cntDod = zCntDod = 0;
      putVarbitInt(w, tDelta - this.tDelta);
      putVarbitInt(w, cntDod);
      putVarbitInt(w, zCntDod);
      xorWrite(w, this.sum, h.sum);
      for (let i = 0; i < h.positiveBuckets.length; i++) {
        const d = h.positiveBuckets[i]! - this.pBuckets[i]!;
        putVarbitInt(w, d - this.pDelta[i]!);
        this.pDelta[i] = d;
      }
      for (let i = 0; i < h.negativeBuckets.length; i++) {
        const d = h.negativeBuckets[i]! - this.nBuckets[i]!;
        putVarbitInt(w, d - this.nDelta[i]!);
        this.nDelta[i] = d;
      }
    }
    this.num++;
    w.buf[0] = this.num >>> 8;
    w.buf[1] = this.num & 0xff;
    this.t = t;
    this.cnt = h.count;
    this.zCnt = h.zeroCount;
    this.tDelta = tDelta;
    this.cntDelta = cntDelta;
    this.zCntDelta = zCntDelta;
    for (let i = 0; i < h.positiveBuckets.length && i < this.pBuckets.length; i++)
      this.pBuckets[i] = h.positiveBuckets[i]!;
    for (let i = 0; i < h.negativeBuckets.length && i < this.nBuckets.length; i++)
      this.nBuckets[i] = h.negativeBuckets[i]!;
  }
}

/** Iterates an integer histogram chunk. */
export class HistogramIterator extends HistogramChunkIterator {
  private cnt = 0;
  private zCnt = 0;
  private cntDelta = 0;
  private zCntDelta = 0;
  private pBuckets: number[] = [];
  private nBuckets: number[] = [];
  private pDelta: number[] = [];
  private nDelta: number[] = [];
  private readonly sum: XORState = newXORState();
  private sumV = 0;

  next(): ValueType {
    if (this.e !== null || this.numRead >= this.numTotal) return ValueType.None;
    try {
      const r = this.r;
      if (this.numRead === 0) {
        this.layout = readLayout(r);
        const np = countSpans(this.layout.positiveSpans);
        const nn = countSpans(this.layout.negativeSpans);
        this.pBuckets = new Array<number>(np).fill(0);
        this.nBuckets = new Array<number>(nn).fill(0);
        this.pDelta = new Array<number>(np).fill(0);
        this.nDelta = new Array<number>(nn).fill(0);
        this.t = readVarbitInt(r);
        this.cnt = readVarbitUint(r);
        this.zCnt = readVarbitUint(r);
        this.sumV = r.readFloat();
        const s = newXORState(this.sumV);
        this.sum.hi = s.hi;
        this.sum.lo = s.lo;
        for (let i = 0; i < np; i++) this.pBuckets[i] = readVarbitInt(r);
        for (let i = 0; i < nn; i++) this.nBuckets[i] = readVarbitInt(r);
      } else {
        this.tDelta += readVarbitInt(r);
        this.t += this.tDelta;
        this.cntDelta += readVarbitInt(r);
        this.cnt += this.cntDelta;
        this.zCntDelta += readVarbitInt(r);
        this.zCnt += this.zCntDelta;
        this.sumV = xorRead(r, this.sum);
        if (!isStaleNaN(this.sumV)) {
          for (let i = 0; i < this.pBuckets.length; i++) {
            this.pDelta[i] = this.pDelta[i]! + readVarbitInt(r);
            this.pBuckets[i] = this.pBuckets[i]! + this.pDelta[i]!;
          }
          for (let i = 0; i < this.nBuckets.length; i++) {
            this.nDelta[i] = this.nDelta[i]! + readVarbitInt(r);
            this.nBuckets[i] = this.nBuckets[i]! + this.nDelta[i]!;
          }
        }
      }
    } catch (err) {
      this.e = err as Error;
      return ValueType.None;
    }
    this.numRead++;
    return ValueType.Histogram;
  }

  atHistogram(): Histogram {
    if (isStaleNaN(this.sumV)) return Histogram.of({ sum: this.sumV });
    return Histogram.of({
      counterResetHint: counterResetHint(this.header, this.numRead),
      count: this.cnt,
      zeroCount: this.zCnt,
      sum: this.sumV,
      zeroThreshold: this.layout.zeroThreshold,
      schema: this.layout.schema,
      positiveSpans: this.layout.positiveSpans,
      negativeSpans: this.layout.negativeSpans,
      positiveBuckets: [...this.pBuckets],
      negativeBuckets: [...this.nBuckets],
    });
  }
}
