// Native histograms (Prometheus's model/histogram): exponential buckets of a given schema
// (bucket boundaries 2^(i·2^-schema)), a zero bucket of width ±zeroThreshold, and the buckets in
// use described by spans (runs of consecutive bucket indexes; the first offset is absolute, the
// others are gaps after the previous span). Histogram holds integer counts, its buckets as deltas
// between one bucket and the previous (as the exposition formats and chunks carry them);
// FloatHistogram holds float counts, its buckets as absolute values.
import { formatFloatG } from '../value/index.js';

export interface Span {
  offset: number;
  length: number;
}

/** What is known about a counter reset at this sample (Prometheus's histogram.CounterResetHint). */
export const enum CounterResetHint {
  Unknown = 0,
  CounterReset = 1,
  NotCounterReset = 2,
  Gauge = 3,
}

interface HistogramFields {
  counterResetHint: CounterResetHint;
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  count: number;
  sum: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
  positiveBuckets: number[];
  negativeBuckets: number[];
}

/** The fields both kinds have; what the buckets hold differs (see each). */
abstract class HistogramBase implements HistogramFields {
  counterResetHint = CounterResetHint.Unknown;
  schema = 0;
  zeroThreshold = 0;
  zeroCount = 0;
  count = 0;
  sum = 0;
  positiveSpans: Span[] = [];
  negativeSpans: Span[] = [];
  positiveBuckets: number[] = [];
  negativeBuckets: number[] = [];
}

/** Integer counts; buckets are deltas: each bucket's count minus the previous bucket's (the first is absolute). */
export class Histogram extends HistogramBase {
  static of(f: Partial<HistogramFields>): Histogram {
    return Object.assign(new Histogram(), f);
  }

  copy(): Histogram {
    return Histogram.of({
      ...this,
      positiveSpans: this.positiveSpans.map((s) => ({ ...s })),
      negativeSpans: this.negativeSpans.map((s) => ({ ...s })),
      positiveBuckets: [...this.positiveBuckets],
      negativeBuckets: [...this.negativeBuckets],
    });
  }

  toFloat(): FloatHistogram {
    return FloatHistogram.of({
      counterResetHint: this.counterResetHint,
      schema: this.schema,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zeroCount,
      count: this.count,
      sum: this.sum,
      positiveSpans: this.positiveSpans.map((s) => ({ ...s })),
      negativeSpans: this.negativeSpans.map((s) => ({ ...s })),
      positiveBuckets: cumulate(this.positiveBuckets),
      negativeBuckets: cumulate(this.negativeBuckets),
    });
  }

  /** Prometheus's Histogram.String(): `{count:N, sum:S, [lo,hi):n, …}` (non-empty buckets only). */
  override toString(): string {
    return histogramString(
      this.count,
      this.sum,
      this.zeroCount,
      this.zeroThreshold,
      this.schema,
      this.positiveSpans,
      cumulate(this.positiveBuckets),
      this.negativeSpans,
      cumulate(this.negativeBuckets),
      String,
    );
  }
}

/** Float counts; buckets are absolute counts. */
export class FloatHistogram extends HistogramBase {
  static of(f: Partial<HistogramFields>): FloatHistogram {
    return Object.assign(new FloatHistogram(), f);
  }

  override toString(): string {
    return histogramString(
      this.count,
      this.sum,
      this.zeroCount,
      this.zeroThreshold,
      this.schema,
      this.positiveSpans,
      this.positiveBuckets,
      this.negativeSpans,
      this.negativeBuckets,
      formatFloatG,
    );
  }
}

function cumulate(deltas: readonly number[]): number[] {
  const out = new Array<number>(deltas.length);
  let c = 0;
  for (let i = 0; i < deltas.length; i++) out[i] = c += deltas[i]!;
  return out;
}

/** Buckets in use, with their absolute index, from spans. */
export function* bucketIndexes(spans: readonly Span[]): Generator<number> {
  let idx = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    idx += s.offset;
    for (let j = 0; j < s.length; j++) yield idx++;
  }
}

/** The number of buckets the spans describe. */
export function countSpans(spans: readonly Span[]): number {
  let n = 0;
  for (const s of spans) n += s.length;
  return n;
}

/**
 * Upper bound of the positive bucket with the given index: 2^(idx·2^-schema). The largest finite
 * bucket ends at the largest float64 rather than +Inf (the next one counts ±Inf observations).
 */
export function bucketBound(idx: number, schema: number): number {
  if (schema < 0) {
    const exp = idx * 2 ** -schema;
    if (exp === 1024) return Number.MAX_VALUE;
    return 2 ** exp;
  }
  const per = 2 ** schema;
  const frac = 2 ** ((((idx % per) + per) % per) / per) / 2;
  const exp = Math.floor(idx / per) + 1;
  if (frac === 0.5 && exp === 1025) return Number.MAX_VALUE;
  return frac * 2 ** exp;
}

export interface Bucket {
  lower: number;
  upper: number;
  lowerInclusive: boolean;
  upperInclusive: boolean;
  count: number;
}

/**
 * Every non-empty bucket from the lowest bound up: negative buckets, the zero bucket, positive
 * buckets (what the API's JSON lists). Negative buckets are [lower, upper), positive (lower, upper].
 */
export function nonEmptyBuckets(h: FloatHistogram): Bucket[] {
  const neg: Bucket[] = [];
  let k = 0;
  for (const idx of bucketIndexes(h.negativeSpans)) {
    const c = h.negativeBuckets[k++]!;
    if (c !== 0)
      neg.push({
        lower: -bucketBound(idx, h.schema),
        upper: -bucketBound(idx - 1, h.schema),
        lowerInclusive: true,
        upperInclusive: false,
        count: c,
      });
  }
  const out = neg.reverse();
  if (h.zeroCount !== 0)
    out.push({
      lower: -h.zeroThreshold,
      upper: h.zeroThreshold,
      lowerInclusive: true,
      upperInclusive: true,
      count: h.zeroCount,
    });
  k = 0;
  for (const idx of bucketIndexes(h.positiveSpans)) {
    const c = h.positiveBuckets[k++]!;
    if (c !== 0)
      out.push({
        lower: bucketBound(idx - 1, h.schema),
        upper: bucketBound(idx, h.schema),
        lowerInclusive: false,
        upperInclusive: true,
        count: c,
      });
  }
  return out;
}

function histogramString(
  count: number,
  sum: number,
  zeroCount: number,
  zeroThreshold: number,
  schema: number,
  pSpans: readonly Span[],
  pCounts: readonly number[],
  nSpans: readonly Span[],
  nCounts: readonly number[],
  fmtCount: (n: number) => string,
): string {
  const parts = [`{count:${fmtCount(count)}, sum:${formatFloatG(sum)}`];
  const neg: string[] = [];
  let k = 0;
  for (const idx of bucketIndexes(nSpans)) {
    const c = nCounts[k++]!;
    if (c !== 0)
      neg.push(
        `[${formatFloatG(-bucketBound(idx, schema))},${formatFloatG(-bucketBound(idx - 1, schema))}):${fmtCount(c)}`,
      );
  }
  for (let i = neg.length - 1; i >= 0; i--) parts.push(neg[i]!);
  if (zeroCount !== 0)
    parts.push(
      `[${formatFloatG(-zeroThreshold)},${formatFloatG(zeroThreshold)}]:${fmtCount(zeroCount)}`,
    );
  k = 0;
  for (const idx of bucketIndexes(pSpans)) {
    const c = pCounts[k++]!;
    if (c !== 0)
      parts.push(
        `(${formatFloatG(bucketBound(idx - 1, schema))},${formatFloatG(bucketBound(idx, schema))}]:${fmtCount(c)}`,
      );
  }
  return parts.join(', ') + '}';
}

/**
 * Spans and buckets without empty buckets, as maximal runs (Prometheus's Compact(0)): what a
 * histogram is stored as. Buckets are deltas (integer histograms) or absolute counts.
 */
export function compactBuckets(
  spans: readonly Span[],
  buckets: readonly number[],
  deltas: boolean,
): { spans: Span[]; buckets: number[] } {
  const outSpans: Span[] = [];
  const out: number[] = [];
  let k = 0;
  let abs = 0;
  let prevAbs = 0;
  let last = 0;
  for (const idx of bucketIndexes(spans)) {
    abs = deltas ? abs + buckets[k]! : buckets[k]!;
    k++;
    if (abs === 0) continue;
    if (outSpans.length > 0 && idx === last + 1) outSpans[outSpans.length - 1]!.length++;
    else outSpans.push({ offset: outSpans.length === 0 ? idx : idx - last - 1, length: 1 });
    out.push(deltas ? abs - prevAbs : abs);
    prevAbs = abs;
    last = idx;
  }
  return { spans: outSpans, buckets: out };
}

/** The histogram at one schema lower (buckets merged pairwise: index i goes to ceil(i/2)), as Prometheus's ReduceResolution. */
export function reduceResolution<H extends Histogram | FloatHistogram>(h: H, deltas: boolean): H {
  const merge = (
    spans: readonly Span[],
    buckets: readonly number[],
  ): { spans: Span[]; buckets: number[] } => {
    const byIdx = new Map<number, number>();
    let k = 0;
    let abs = 0;
    for (const idx of bucketIndexes(spans)) {
      abs = deltas ? abs + buckets[k]! : buckets[k]!;
      k++;
      const j = Math.ceil(idx / 2);
      byIdx.set(j, (byIdx.get(j) ?? 0) + abs);
    }
    const idxs = [...byIdx.keys()].sort((a, b) => a - b);
    const outSpans: Span[] = [];
    const out: number[] = [];
    let last = 0;
    let prev = 0;
    for (const j of idxs) {
      if (outSpans.length > 0 && j === last + 1) outSpans[outSpans.length - 1]!.length++;
      else outSpans.push({ offset: outSpans.length === 0 ? j : j - last - 1, length: 1 });
      const c = byIdx.get(j)!;
      out.push(deltas ? c - prev : c);
      prev = c;
      last = j;
    }
    return { spans: outSpans, buckets: out };
  };
  const p = merge(h.positiveSpans, h.positiveBuckets);
  const n = merge(h.negativeSpans, h.negativeBuckets);
  const x = Object.assign(Object.create(Object.getPrototypeOf(h) as object) as H, h);
  x.schema = h.schema - 1;
  x.positiveSpans = p.spans;
  x.positiveBuckets = p.buckets;
  x.negativeSpans = n.spans;
  x.negativeBuckets = n.buckets;
  return x;
}
