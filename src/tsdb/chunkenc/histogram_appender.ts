// What the integer and float histogram chunk appenders share: the header bits, the chunk's bucket
// layout, and the rules for whether a sample may join the chunk (Prometheus's appendable and
// appendableGauge) — the same schema and zero threshold, no count going down (counters), buckets
// only ever added (re-coding the chunk to the wider layout) — and the re-coding itself.
import {
  CounterResetHint,
  type FloatHistogram,
  type Histogram,
} from '../../model/histogram/index.js';
import { isStaleNaN } from '../../model/value/index.js';
import { BitWriter } from './bstream.js';
import {
  COUNTER_RESET_MASK,
  CounterResetHeader,
  HISTOGRAM_HEADER_BYTES,
  type Layout,
} from './histogram_layout.js';
import { absoluteByIndex, expandsTo, unionSpans, widen } from './histogram_recode.js';

/**
 * 'ok'; 'widen' (its buckets are a superset: re-code the chunk first); 'reset' (a count went
 * down or buckets vanished: a new chunk, flagged a counter reset); 'new' (another schema or zero
 * threshold, gauge vs counter, or after a stale marker: a new chunk).
 */
export type Appendability = 'ok' | 'widen' | 'reset' | 'new';

export abstract class HistogramChunkAppender<H extends Histogram | FloatHistogram> {
  readonly w = new BitWriter(HISTOGRAM_HEADER_BYTES);
  num = 0;
  t = 0;
  protected layout: Layout = { schema: 0, zeroThreshold: 0, positiveSpans: [], negativeSpans: [] };
  /** The samples appended (stale markers as stored), to re-code the chunk when its layout widens. */
  private readonly samples: { t: number; h: H }[] = [];
  /** Whether buckets are deltas between neighbours (integer histograms) or absolute counts. */
  protected abstract readonly deltas: boolean;
  /** An empty appender of the same kind. */
  protected abstract fresh(): this;
  protected abstract copyOf(h: H): H;
  /** Appends h, which must fit the chunk's layout (see appendable). */
  abstract append(t: number, h: H): void;

  protected remember(t: number, h: H): void {
    this.samples.push({ t, h: this.copyOf(h) });
  }

  header(): CounterResetHeader {
    return this.w.buf[2]! & COUNTER_RESET_MASK;
  }

  setHeader(h: CounterResetHeader): void {
    this.w.buf[2] = (this.w.buf[2]! & ~COUNTER_RESET_MASK) | h;
  }

  appendable(h: H): Appendability {
    const last = this.samples[this.samples.length - 1]?.h;
    if (this.num === 0 || last === undefined) return 'ok';
    // Gauge and counter histograms never share a chunk.
    const gauge = h.counterResetHint === CounterResetHint.Gauge;
    if ((this.header() === CounterResetHeader.Gauge) !== gauge) return 'new';
    if (!gauge && h.counterResetHint === CounterResetHint.CounterReset) return 'reset';
    if (isStaleNaN(h.sum)) return 'ok';
    if (isStaleNaN(last.sum)) return 'new';
    if (!gauge && h.count < last.count) return 'reset';
    if (h.schema !== this.layout.schema || h.zeroThreshold !== this.layout.zeroThreshold)
      return 'new';
    // The common case, the chunk's very layout: compare bucket by bucket, nothing to build.
    if (
      sameSpans(this.layout.positiveSpans, h.positiveSpans) &&
      sameSpans(this.layout.negativeSpans, h.negativeSpans)
    ) {
      if (gauge) return 'ok';
      if (h.zeroCount < last.zeroCount) return 'reset';
      return this.wentDownInPlace(last.positiveBuckets, h.positiveBuckets) ||
        this.wentDownInPlace(last.negativeBuckets, h.negativeBuckets)
        ? 'reset'
        : 'ok';
    }
    const p = expandsTo(this.layout.positiveSpans, h.positiveSpans);
    const n = expandsTo(this.layout.negativeSpans, h.negativeSpans);
    // A gauge sample was aligned to cover the chunk's buckets (gaugeAligned): only the chunk may need widening.
    if (gauge) return p || n ? 'widen' : 'ok';
    if (h.zeroCount < last.zeroCount) return 'reset';
    if (p === null || n === null) return 'reset';
    if (
      this.bucketWentDown(
        last.positiveSpans,
        last.positiveBuckets,
        h.positiveSpans,
        h.positiveBuckets,
      )
    )
      return 'reset';
    if (
      this.bucketWentDown(
        last.negativeSpans,
        last.negativeBuckets,
        h.negativeSpans,
        h.negativeBuckets,
      )
    )
      return 'reset';
    return p || n ? 'widen' : 'ok';
  }

  /** Whether a count went down between two bucket lists of one layout. */
  private wentDownInPlace(old: readonly number[], cur: readonly number[]): boolean {
    let a = 0;
    let b = 0;
    for (let i = 0; i < old.length; i++) {
      a = this.deltas ? a + old[i]! : old[i]!;
      b = this.deltas ? b + cur[i]! : cur[i]!;
      if (b < a) return true;
    }
    return false;
  }

  private bucketWentDown(
    oldSpans: H['positiveSpans'],
    oldBuckets: readonly number[],
    newSpans: H['positiveSpans'],
    newBuckets: readonly number[],
  ): boolean {
    const cur = absoluteByIndex(newSpans, newBuckets, this.deltas);
    for (const [idx, c] of absoluteByIndex(oldSpans, oldBuckets, this.deltas))
      if ((cur.get(idx) ?? c) < c) return true;
    return false;
  }

  /**
   * A gauge sample for this gauge chunk, its buckets re-coded to also cover the chunk's (gauge
   * buckets may vanish and come back; the chunk keeps the union), or h itself when it does already.
   */
  gaugeAligned(h: H): H {
    if (isStaleNaN(h.sum) || this.num === 0) return h;
    const p = unionSpans(this.layout.positiveSpans, h.positiveSpans);
    const n = unionSpans(this.layout.negativeSpans, h.negativeSpans);
    if (!expandsTo(h.positiveSpans, p) && !expandsTo(h.negativeSpans, n)) return h;
    return this.recoded(h, p, n);
  }

  /** A new appender holding this chunk's samples re-coded to h's (wider) bucket layout. */
  widenedFor(h: H): this {
    const a = this.fresh();
    for (const s of this.samples)
      a.append(
        s.t,
        isStaleNaN(s.h.sum) ? s.h : this.recoded(s.h, h.positiveSpans, h.negativeSpans),
      );
    a.setHeader(this.header());
    return a;
  }

  private recoded(h: H, p: H['positiveSpans'], n: H['negativeSpans']): H {
    const x = this.copyOf(h);
    x.positiveBuckets = widen(h.positiveSpans, h.positiveBuckets, p, this.deltas);
    x.negativeBuckets = widen(h.negativeSpans, h.negativeBuckets, n, this.deltas);
    x.positiveSpans = p;
    x.negativeSpans = n;
    return x;
  }

  bytes(): Uint8Array {
    return this.w.bytes();
  }
}

function sameSpans(
  a: readonly { offset: number; length: number }[],
  b: readonly { offset: number; length: number }[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.offset !== b[i]!.offset || a[i]!.length !== b[i]!.length) return false;
  return true;
}
