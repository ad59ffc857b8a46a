// The protobuf exposition format (io.prometheus.client.MetricFamily, varint-length delimited),
// as Prometheus 2.48's protobuf parser reads it: per family its HELP and TYPE, then per metric
// its series — counters, gauges and untyped by name; summaries as _count, _sum and one series per
// quantile; histograms as one native-histogram sample when they carry native buckets (spans, a
// zero bucket), and as classic _count, _sum and _bucket{le} series when they carry none, or also
// when scrape_classic_histograms asks. Same face as TextParser, plus histogram().
import { FloatHistogram, Histogram, CounterResetHint, type Span } from '../histogram/index.js';
import { Labels, LabelsBuilder } from '../labels/index.js';
import type { MetricType } from './metric_type.js';
import {
  ProtoReader,
  readBucketSpan as readSpan,
  readRepeated,
  unzigzag,
} from '../../util/protobuf.js';
import { compactBuckets } from '../histogram/index.js';
import { TextParseError, type Entry } from './parser.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.google.protobuf';

const TYPES: MetricType[] = [
  'counter',
  'gauge',
  'summary',
  'unknown',
  'histogram',
  'gaugehistogram',
];
const COUNTER = 0;
const GAUGE = 1;
const SUMMARY = 2;
const UNTYPED = 3;
const GAUGE_HISTOGRAM = 5;

interface PbHistogram {
  count: number;
  countFloat: number;
  sum: number;
  buckets: { cumulative: number; cumulativeFloat: number; upper: number }[];
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  zeroCountFloat: number;
  negSpans: Span[];
  negDeltas: number[];
  negCounts: number[];
  posSpans: Span[];
  posDeltas: number[];
  posCounts: number[];
}

interface PbMetric {
  labels: [string, string][];
  value: number;
  summary: { count: number; sum: number; quantiles: [number, number][] } | null;
  histogram: PbHistogram | null;
  timestampMs: number;
}

interface Item {
  entry: Entry;
  name: string;
  text: string;
  type: MetricType;
  key: string;
  pairs: [string, string][];
  value: number;
  ts: number | null;
  h: Histogram | null;
  fh: FloatHistogram | null;
}

function readHistogram(r: ProtoReader): PbHistogram {
  const h: PbHistogram = {
    count: 0,
    countFloat: 0,
    sum: 0,
    buckets: [],
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    zeroCountFloat: 0,
    negSpans: [],
    negDeltas: [],
    negCounts: [],
    posSpans: [],
    posDeltas: [],
    posCounts: [],
  };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 0) h.count = r.varint();
    else if (field === 4 && wireType === 1) h.countFloat = r.double();
    else if (field === 2 && wireType === 1) h.sum = r.double();
    else if (field === 3 && wireType === 2) {
      const b = { cumulative: 0, cumulativeFloat: 0, upper: 0 };
      const br = r.sub();
      while (!br.done()) {
        const t = br.tag();
        if (t.field === 1 && t.wireType === 0) b.cumulative = br.varint();
        else if (t.field === 4 && t.wireType === 1) b.cumulativeFloat = br.double();
        else if (t.field === 2 && t.wireType === 1) b.upper = br.double();
        else br.skip(t.wireType);
      }
      h.buckets.push(b);
    } else if (field === 5 && wireType === 0) h.schema = unzigzag(r.varint());
    else if (field === 6 && wireType === 1) h.zeroThreshold = r.double();
    else if (field === 7 && wireType === 0) h.zeroCount = r.varint();
    else if (field === 8 && wireType === 1) h.zeroCountFloat = r.double();
    else if (field === 9 && wireType === 2) h.negSpans.push(readSpan(r.sub()));
    else if (field === 10) readRepeated(r, wireType, h.negDeltas, (x) => unzigzag(x.varint()));
    else if (field === 11) readRepeated(r, wireType, h.negCounts, (x) => x.double());
    else if (field === 12 && wireType === 2) h.posSpans.push(readSpan(r.sub()));
    else if (field === 13) readRepeated(r, wireType, h.posDeltas, (x) => unzigzag(x.varint()));
    else if (field === 14) readRepeated(r, wireType, h.posCounts, (x) => x.double());
    else r.skip(wireType);
  }
  return h;
}

function readValue(r: ProtoReader): number {
  let v = 0;
  while (!r.done()) {
    const t = r.tag();
    if (t.field === 1 && t.wireType === 1) v = r.double();
    else r.skip(t.wireType);
  }
  return v;
}

function readMetric(r: ProtoReader): PbMetric {
  const m: PbMetric = { labels: [], value: 0, summary: null, histogram: null, timestampMs: 0 };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) {
      const lr = r.sub();
      let n = '';
      let v = '';
      while (!lr.done()) {
        const t = lr.tag();
        if (t.field === 1 && t.wireType === 2) n = lr.string();
        else if (t.field === 2 && t.wireType === 2) v = lr.string();
        else lr.skip(t.wireType);
      }
      m.labels.push([n, v]);
    } else if ((field === 2 || field === 3 || field === 5) && wireType === 2)
      m.value = readValue(r.sub());
    else if (field === 4 && wireType === 2) {
      const s = { count: 0, sum: 0, quantiles: [] as [number, number][] };
      const sr = r.sub();
      while (!sr.done()) {
        const t = sr.tag();
        if (t.field === 1 && t.wireType === 0) s.count = sr.varint();
        else if (t.field === 2 && t.wireType === 1) s.sum = sr.double();
        else if (t.field === 3 && t.wireType === 2) {
          const qr = sr.sub();
          let q = 0;
          let v = 0;
          while (!qr.done()) {
            const x = qr.tag();
            if (x.field === 1 && x.wireType === 1) q = qr.double();
            else if (x.field === 2 && x.wireType === 1) v = qr.double();
            else qr.skip(x.wireType);
          }
          s.quantiles.push([q, v]);
        } else sr.skip(t.wireType);
      }
      m.summary = s;
    } else if (field === 7 && wireType === 2) m.histogram = readHistogram(r.sub());
    else if (field === 6 && wireType === 0) m.timestampMs = r.varint();
    else r.skip(wireType);
  }
  return m;
}

function isNative(h: PbHistogram): boolean {
  return h.posSpans.length > 0 || h.negSpans.length > 0 || h.zeroThreshold > 0 || h.zeroCount > 0;
}

/** A label value for le/quantile as Prometheus writes it: Go's %v, with ".0" when it would read as an integer. */
export function formatOpenMetricsFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = goFloat(f);
  return /[e.]/.test(s) ? s : s + '.0';
}

/** Go's strconv 'g' with the shortest repr, exponent at < -4 or >= 21 (fmt's %v for float64). */
function goFloat(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const e = Math.floor(Math.log10(Math.abs(f)));
  if (e < -4 || e >= 21) {
    const x = f.toExponential();
    const [m, ex] = x.split('e');
    const n = Number(ex);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(f);
}

export class ProtobufParser {
  readonly openMetrics = false;
  private readonly items: Item[] = [];
  private i = -1;

  constructor(body: Uint8Array, classic: boolean) {
    const r = new ProtoReader(body);
    try {
      while (!r.done()) this.family(r.sub(), classic);
    } catch (e) {
      if (e instanceof TextParseError) throw e;
      throw new TextParseError(`protobuf: ${(e as Error).message}`, 0);
    }
  }

  private family(r: ProtoReader, classic: boolean): void {
    let name = '';
    let help = '';
    let type = COUNTER;
    const metrics: PbMetric[] = [];
    while (!r.done()) {
      const { field, wireType } = r.tag();
      if (field === 1 && wireType === 2) name = r.string();
      else if (field === 2 && wireType === 2) help = r.string();
      else if (field === 3 && wireType === 0) type = r.varint();
      else if (field === 4 && wireType === 2) metrics.push(readMetric(r.sub()));
      else r.skip(wireType);
    }
    if (type < 0 || type > GAUGE_HISTOGRAM)
      throw new TextParseError(`unknown metric type for metric "${name}": ${type}`, 0);
    const base = {
      name,
      text: '',
      type: TYPES[type]!,
      key: '',
      pairs: [] as [string, string][],
      value: 0,
      ts: null,
      h: null,
      fh: null,
    };
    this.items.push({ ...base, entry: 'help', text: help });
    this.items.push({ ...base, entry: 'type' });
    for (const m of metrics) {
      const ts = m.timestampMs !== 0 ? m.timestampMs : null;
      const series = (
        n: string,
        value: number,
        magic: [string, string] | null,
        h: Histogram | null = null,
        fh: FloatHistogram | null = null,
      ): void => {
        const pairs = magic ? [...m.labels, magic] : m.labels;
        let key = n;
        for (const [a, b] of pairs) key += `\xff${a}\xff${b}`;
        this.items.push({
          entry: 'series',
          name: n,
          text: '',
          type: TYPES[type]!,
          key,
          pairs,
          value,
          ts,
          h,
          fh,
        });
      };
      if (type === COUNTER || type === GAUGE || type === UNTYPED) series(name, m.value, null);
      else if (type === SUMMARY) {
        const s = m.summary ?? { count: 0, sum: 0, quantiles: [] };
        series(name + '_count', s.count, null);
        series(name + '_sum', s.sum, null);
        for (const [q, v] of s.quantiles) series(name, v, ['quantile', formatOpenMetricsFloat(q)]);
      } else {
        const h = m.histogram ?? readHistogram(new ProtoReader(new Uint8Array(0)));
        const native = isNative(h);
        if (native) {
          const x = toModel(h, type === GAUGE_HISTOGRAM);
          series(
            name,
            0,
            null,
            x instanceof Histogram ? x : null,
            x instanceof FloatHistogram ? x : null,
          );
        }
        if (!native || (classic && h.buckets.length > 0)) {
          const float = h.countFloat > 0;
          series(name + '_count', float ? h.countFloat : h.count, null);
          series(name + '_sum', h.sum, null);
          let inf = false;
          for (const b of h.buckets) {
            series(name + '_bucket', float ? b.cumulativeFloat : b.cumulative, [
              'le',
              formatOpenMetricsFloat(b.upper),
            ]);
            if (b.upper === Infinity) inf = true;
          }
          if (!inf) series(name + '_bucket', float ? h.countFloat : h.count, ['le', '+Inf']);
        }
      }
    }
  }

  expect(): void {}
  wasExpected(): boolean {
    return false;
  }
  seriesIs(key: string): boolean {
    return this.items[this.i]!.key === key;
  }

  next(): Entry | null {
    this.i++;
    return this.i < this.items.length ? this.items[this.i]!.entry : null;
  }
  series(): string {
    return this.items[this.i]!.key;
  }
  labels(): Labels {
    const it = this.items[this.i]!;
    const lb = new LabelsBuilder();
    lb.set('__name__', it.name);
    for (const [n, v] of it.pairs) lb.set(n, v);
    return lb.labels();
  }
  value(): number {
    return this.items[this.i]!.value;
  }
  timestamp(): number | null {
    return this.items[this.i]!.ts;
  }
  /** The native histogram of the current series entry, or null for a float sample. */
  histogram(): { h: Histogram | null; fh: FloatHistogram | null } | null {
    const it = this.items[this.i]!;
    return it.h !== null || it.fh !== null ? { h: it.h, fh: it.fh } : null;
  }
  exemplar(): null {
    return null;
  }
  help(): [name: string, text: string] {
    const it = this.items[this.i]!;
    return [it.name, it.text];
  }
  type(): [name: string, type: MetricType] {
    const it = this.items[this.i]!;
    return [it.name, it.type];
  }
  unit(): [name: string, unit: string] {
    return [this.items[this.i]!.name, ''];
  }
}

/** The model histogram of a protobuf one: float when its counts are floats, compacted as Prometheus compacts it (no empty buckets). */
function toModel(h: PbHistogram, gauge: boolean): Histogram | FloatHistogram {
  const float = h.countFloat > 0 || h.zeroCountFloat > 0;
  const f = {
    counterResetHint: gauge ? CounterResetHint.Gauge : CounterResetHint.Unknown,
    schema: h.schema,
    zeroThreshold: h.zeroThreshold,
    sum: h.sum,
  };
  if (float) {
    const p = compactBuckets(h.posSpans, h.posCounts, false);
    const n = compactBuckets(h.negSpans, h.negCounts, false);
    return FloatHistogram.of({
      ...f,
      count: h.countFloat,
      zeroCount: h.zeroCountFloat,
      positiveSpans: p.spans,
      positiveBuckets: p.buckets,
      negativeSpans: n.spans,
      negativeBuckets: n.buckets,
    });
  }
  const p = compactBuckets(h.posSpans, h.posDeltas, true);
  const n = compactBuckets(h.negSpans, h.negDeltas, true);
  return Histogram.of({
    ...f,
    count: h.count,
    zeroCount: h.zeroCount,
    positiveSpans: p.spans,
    positiveBuckets: p.buckets,
    negativeSpans: n.spans,
    negativeBuckets: n.buckets,
  });
}
