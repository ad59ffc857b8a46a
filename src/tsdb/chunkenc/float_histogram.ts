// Prometheus's float native-histogram chunk (encoding 3), byte for byte: the same header and
// layout as the integer one; per sample the timestamp (varbit, then delta-of-delta), then count,
// zero count, sum and every bucket (absolute) as 64-bit floats in the first sample and
// XOR-encoded after, each value with a leading/trailing window of its own.
import { FloatHistogram, countSpans } from '../../model/histogram/index.js';
import { isStaleNaN } from '../../model/value/index.js';
import { ValueType } from '../../storage/index.js';
import {
  newXORState,
  putVarbitInt,
  readVarbitInt,
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

export class FloatHistogramAppender extends HistogramChunkAppender<FloatHistogram> {
  protected readonly deltas = false;
  private tDelta = 0;
  private cnt: XORState = newXORState();
  private zCnt: XORState = newXORState();
  private sum: XORState = newXORState();
  private pBuckets: XORState[] = [];
  private nBuckets: XORState[] = [];

  protected fresh(): this {
    return new FloatHistogramAppender() as this;
  }

  protected copyOf(h: FloatHistogram): FloatHistogram {
    return FloatHistogram.of({
      ...h,
      positiveSpans: h.positiveSpans.map((x) => ({ ...x })),
      negativeSpans: h.negativeSpans.map((x) => ({ ...x })),
      positiveBuckets: [...h.positiveBuckets],
      negativeBuckets: [...h.negativeBuckets],
    });
  }

  append(t: number, hin: FloatHistogram): void {
    const w = this.w;
    const h = isStaleNaN(hin.sum) ? FloatHistogram.of({ sum: hin.sum }) : hin;
    this.remember(t, h);
    let tDelta = 0;
    if (this.num === 0) {
      this.layout = {
        schema: h.schema,
        zeroThreshold: h.zeroThreshold,
        positiveSpans: h.positiveSpans.map((s) => ({ ...s })),
        negativeSpans: h.negativeSpans.map((s) => ({ ...s })),
      };
      writeLayout(w, this.layout);
      putVarbitInt(w, t);
      w.writeFloat(h.count);
      w.writeFloat(h.zeroCount);
      w.writeFloat(h.sum);
      this.cnt = newXORState(h.count);
      this.zCnt = newXORState(h.zeroCount);
      this.sum = newXORState(h.sum);
      this.pBuckets = [];
      this.nBuckets = [];
      for (const b of h.positiveBuckets) {
        w.writeFloat(b);
        this.pBuckets.push(newXORState(b));
      }
      for (const b of h.negativeBuckets) {
        w.writeFloat(b);
        this.nBuckets.push(newXORState(b));
      }
    } else {
      tDelta = t - this.t;
      putVarbitInt(w, tDelta - this.tDelta);
      xorWrite(w, this.cnt, h.count);
      xorWrite(w, this.zCnt, h.zeroCount);
      xorWrite(w, this.sum, h.sum);
      for (let i = 0; i < h.positiveBuckets.length; i++)
        xorWrite(w, this.pBuckets[i]!, h.positiveBuckets[i]!);
      for (let i = 0; i < h.negativeBuckets.length; i++)
        xorWrite(w, this.nBuckets[i]!, h.negativeBuckets[i]!);
    }
    this.num++;
    w.buf[0] = this.num >>> 8;
    w.buf[1] = this.num & 0xff;
    this.t = t;
    this.tDelta = tDelta;
  }
}

export class FloatHistogramIterator extends HistogramChunkIterator {
  private cnt: XORState = newXORState();
  private zCnt: XORState = newXORState();
  private sum: XORState = newXORState();
  private pBuckets: XORState[] = [];
  private nBuckets: XORState[] = [];
  private cur = FloatHistogram.of({});

  next(): ValueType {
    if (this.e !== null || this.numRead >= this.numTotal) return ValueType.None;
    const h = FloatHistogram.of({});
    try {
      const r = this.r;
      if (this.numRead === 0) {
        this.layout = readLayout(r);
        this.t = readVarbitInt(r);
        h.count = r.readFloat();
        h.zeroCount = r.readFloat();
        h.sum = r.readFloat();
        this.cnt = newXORState(h.count);
        this.zCnt = newXORState(h.zeroCount);
        this.sum = newXORState(h.sum);
        this.pBuckets = [];
        this.nBuckets = [];
        for (let i = countSpans(this.layout.positiveSpans); i > 0; i--) {
          const v = r.readFloat();
          h.positiveBuckets.push(v);
          this.pBuckets.push(newXORState(v));
        }
        for (let i = countSpans(this.layout.negativeSpans); i > 0; i--) {
          const v = r.readFloat();
          h.negativeBuckets.push(v);
          this.nBuckets.push(newXORState(v));
        }
      } else {
        this.tDelta += readVarbitInt(r);
        this.t += this.tDelta;
        h.count = xorRead(r, this.cnt);
        h.zeroCount = xorRead(r, this.zCnt);
        h.sum = xorRead(r, this.sum);
        if (!isStaleNaN(h.sum)) {
          for (const st of this.pBuckets) h.positiveBuckets.push(xorRead(r, st));
          for (const st of this.nBuckets) h.negativeBuckets.push(xorRead(r, st));
        }
      }
    } catch (err) {
      this.e = err as Error;
      return ValueType.None;
    }
    this.numRead++;
    this.cur = h;
    return ValueType.FloatHistogram;
  }

  atFloatHistogram(): FloatHistogram {
    const h = this.cur;
    if (isStaleNaN(h.sum)) return FloatHistogram.of({ sum: h.sum });
    h.counterResetHint = counterResetHint(this.header, this.numRead);
    h.schema = this.layout.schema;
    h.zeroThreshold = this.layout.zeroThreshold;
    h.positiveSpans = this.layout.positiveSpans;
    h.negativeSpans = this.layout.negativeSpans;
    return h;
  }
}
