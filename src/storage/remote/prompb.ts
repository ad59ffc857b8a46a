// The prompb messages of remote write 1.0 and remote read (types.proto, remote.proto): encode and
// decode between their wire form and this project's Labels / samples.
import { FloatHistogram, Histogram, type Span } from '../../model/histogram/index.js';
import { Labels, Matcher, MatchType } from '../../model/labels/index.js';
import {
  ProtoError,
  ProtoReader,
  ProtoWriter,
  readBucketSpan as readSpan,
  readRepeated,
  unzigzag,
} from './protobuf.js';

export interface PbSample {
  value: number;
  timestamp: number;
}

export interface PbTimeSeries {
  labels: Labels;
  samples: PbSample[];
  /** Native histogram samples (field 4), integer or float. */
  histograms?: PbHistogram[];
}

/** A prompb.Histogram sample: an integer histogram h or a float one fh. */
export interface PbHistogram {
  timestamp: number;
  h: Histogram | null;
  fh: FloatHistogram | null;
}

/** prompb.Histogram (types.proto): counts as ints (count_int, deltas) or floats (count_float, counts). */
function readHistogram(r: ProtoReader): PbHistogram {
  let float = false;
  const f = { count: 0, sum: 0, schema: 0, zeroThreshold: 0, zeroCount: 0, hint: 0, timestamp: 0 };
  const pSpans: Span[] = [];
  const nSpans: Span[] = [];
  const pBuckets: number[] = [];
  const nBuckets: number[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 0) f.count = r.varint();
    else if (field === 2 && wireType === 1) {
      f.count = r.double();
      float = true;
    } else if (field === 3 && wireType === 1) f.sum = r.double();
    else if (field === 4 && wireType === 0) f.schema = unzigzag(r.varint());
    else if (field === 5 && wireType === 1) f.zeroThreshold = r.double();
    else if (field === 6 && wireType === 0) f.zeroCount = r.varint();
    else if (field === 7 && wireType === 1) {
      f.zeroCount = r.double();
      float = true;
    } else if (field === 8 && wireType === 2) nSpans.push(readSpan(r.sub()));
    else if (field === 9) readRepeated(r, wireType, nBuckets, (x) => unzigzag(x.varint()));
    else if (field === 10) readRepeated(r, wireType, nBuckets, (x) => x.double());
    else if (field === 11 && wireType === 2) pSpans.push(readSpan(r.sub()));
    else if (field === 12) readRepeated(r, wireType, pBuckets, (x) => unzigzag(x.varint()));
    else if (field === 13) readRepeated(r, wireType, pBuckets, (x) => x.double());
    else if (field === 14 && wireType === 0) f.hint = r.varint();
    else if (field === 15 && wireType === 0) f.timestamp = r.varint();
    else r.skip(wireType);
  }
  // prompb's reset hints (UNKNOWN, YES, NO, GAUGE) number as Prometheus's counter reset hints.
  const fields = {
    counterResetHint: f.hint,
    schema: f.schema,
    zeroThreshold: f.zeroThreshold,
    zeroCount: f.zeroCount,
    count: f.count,
    sum: f.sum,
    positiveSpans: pSpans,
    negativeSpans: nSpans,
    positiveBuckets: pBuckets,
    negativeBuckets: nBuckets,
  };
  return float
    ? { timestamp: f.timestamp, h: null, fh: FloatHistogram.of(fields) }
    : { timestamp: f.timestamp, h: Histogram.of(fields), fh: null };
}

export interface PbMetadata {
  type: number; // MetricMetadata.MetricType enum
  metricFamilyName: string;
  help: string;
  unit: string;
}

export interface PbQuery {
  startTimestampMs: number;
  endTimestampMs: number;
  matchers: Matcher[];
}

/** Labels as repeated prompb.Label {name = 1, value = 2} in field 1. */
function writeLabels(w: ProtoWriter, labels: Labels): void {
  labels.forEach((name, value) =>
    w.message(1, (l) => {
      l.string(1, name);
      l.string(2, value);
    }),
  );
}

/** One prompb.Label. */
function readLabel(lr: ProtoReader): [string, string] {
  let name = '';
  let value = '';
  while (!lr.done()) {
    const t = lr.tag();
    if (t.field === 1 && t.wireType === 2) name = lr.string();
    else if (t.field === 2 && t.wireType === 2) value = lr.string();
    else lr.skip(t.wireType);
  }
  return [name, value];
}

function writeSeries(w: ProtoWriter, ts: PbTimeSeries): void {
  writeLabels(w, ts.labels);
  for (const s of ts.samples) {
    w.message(2, (sw) => {
      sw.double(1, s.value);
      sw.int64(2, s.timestamp);
    });
  }
  for (const h of ts.histograms ?? []) w.message(4, (hw) => writeHistogram(hw, h));
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/** A prompb.Histogram: integer counts and bucket deltas, or float counts and absolute buckets (the count oneof always written, so a reader knows which). */
function writeHistogram(w: ProtoWriter, p: PbHistogram): void {
  const x = (p.h ?? p.fh)!;
  const float = p.h === null;
  if (float) w.double(2, x.count);
  else {
    w.tag(1, 0);
    w.varint(x.count);
  }
  w.double(3, x.sum);
  w.tag(4, 0);
  w.varint(zigzag(x.schema));
  w.double(5, x.zeroThreshold);
  if (float) w.double(7, x.zeroCount);
  else {
    w.tag(6, 0);
    w.varint(x.zeroCount);
  }
  const spans = (field: number, list: readonly Span[]): void => {
    for (const s of list) {
      w.message(field, (sw) => {
        sw.tag(1, 0);
        sw.varint(zigzag(s.offset));
        sw.int64(2, s.length);
      });
    }
  };
  const buckets = (field: number, list: readonly number[]): void => {
    for (const b of list) {
      if (float) w.double(field, b);
      else {
        w.tag(field, 0);
        w.varint(zigzag(b));
      }
    }
  };
  spans(8, x.negativeSpans);
  buckets(float ? 10 : 9, x.negativeBuckets);
  spans(11, x.positiveSpans);
  buckets(float ? 13 : 12, x.positiveBuckets);
  w.int64(14, x.counterResetHint);
  w.int64(15, p.timestamp);
}

export function encodeWriteRequest(
  series: PbTimeSeries[],
  metadata: PbMetadata[] = [],
): Uint8Array {
  const w = new ProtoWriter();
  for (const ts of series) w.message(1, (m) => writeSeries(m, ts));
  for (const md of metadata) {
    w.message(3, (m) => {
      m.int64(1, md.type);
      m.string(2, md.metricFamilyName);
      m.string(4, md.help);
      m.string(5, md.unit);
    });
  }
  return w.finish();
}

function readSeries(r: ProtoReader): PbTimeSeries {
  const pairs: [string, string][] = [];
  const samples: PbSample[] = [];
  const histograms: PbHistogram[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) pairs.push(readLabel(r.sub()));
    else if (field === 4 && wireType === 2) histograms.push(readHistogram(r.sub()));
    else if (field === 2 && wireType === 2) {
      const sr = r.sub();
      let value = 0;
      let timestamp = 0;
      while (!sr.done()) {
        const t = sr.tag();
        if (t.field === 1 && t.wireType === 1) value = sr.double();
        else if (t.field === 2 && t.wireType === 0) timestamp = sr.varint();
        else sr.skip(t.wireType);
      }
      samples.push({ value, timestamp });
    } else r.skip(wireType);
  }
  return histograms.length > 0
    ? { labels: Labels.fromPairs(pairs), samples, histograms }
    : { labels: Labels.fromPairs(pairs), samples };
}

function readMetadata(r: ProtoReader): PbMetadata {
  const md: PbMetadata = { type: 0, metricFamilyName: '', help: '', unit: '' };
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 0) md.type = r.varint();
    else if (field === 2 && wireType === 2) md.metricFamilyName = r.string();
    else if (field === 4 && wireType === 2) md.help = r.string();
    else if (field === 5 && wireType === 2) md.unit = r.string();
    else r.skip(wireType);
  }
  return md;
}

export function decodeWriteRequest(buf: Uint8Array): {
  timeseries: PbTimeSeries[];
  metadata: PbMetadata[];
} {
  const r = new ProtoReader(buf);
  const timeseries: PbTimeSeries[] = [];
  const metadata: PbMetadata[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) timeseries.push(readSeries(r.sub()));
    else if (field === 3 && wireType === 2) metadata.push(readMetadata(r.sub()));
    else r.skip(wireType);
  }
  return { timeseries, metadata };
}

/** prompb MetricMetadata.MetricType, by the exposition formats' type names. */
export const METRIC_TYPES: Record<string, number> = {
  unknown: 0,
  counter: 1,
  gauge: 2,
  histogram: 3,
  gaugehistogram: 4,
  summary: 5,
  info: 6,
  stateset: 7,
};

const MATCH_TYPES = [MatchType.Equal, MatchType.NotEqual, MatchType.Regexp, MatchType.NotRegexp];

export function encodeReadRequest(
  queries: PbQuery[],
  acceptedResponseTypes: number[] = [],
): Uint8Array {
  const w = new ProtoWriter();
  for (const q of queries) {
    w.message(1, (qw) => {
      qw.int64(1, q.startTimestampMs);
      qw.int64(2, q.endTimestampMs);
      for (const m of q.matchers) {
        qw.message(3, (mw) => {
          mw.int64(1, MATCH_TYPES.indexOf(m.type));
          mw.string(2, m.name);
          mw.string(3, m.value);
        });
      }
    });
  }
  for (const t of acceptedResponseTypes) {
    w.tag(2, 0);
    w.varint(t);
  }
  return w.finish();
}

export function decodeReadRequest(buf: Uint8Array): {
  queries: PbQuery[];
  acceptedResponseTypes: number[];
} {
  const r = new ProtoReader(buf);
  const queries: PbQuery[] = [];
  const acceptedResponseTypes: number[] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) {
      const qr = r.sub();
      const q: PbQuery = { startTimestampMs: 0, endTimestampMs: 0, matchers: [] };
      while (!qr.done()) {
        const t = qr.tag();
        if (t.field === 1 && t.wireType === 0) q.startTimestampMs = qr.varint();
        else if (t.field === 2 && t.wireType === 0) q.endTimestampMs = qr.varint();
        else if (t.field === 3 && t.wireType === 2) {
          const mr = qr.sub();
          let type = 0;
          let name = '';
          let value = '';
          while (!mr.done()) {
            const mt = mr.tag();
            if (mt.field === 1 && mt.wireType === 0) type = mr.varint();
            else if (mt.field === 2 && mt.wireType === 2) name = mr.string();
            else if (mt.field === 3 && mt.wireType === 2) value = mr.string();
            else mr.skip(mt.wireType);
          }
          const mtype = MATCH_TYPES[type];
          if (mtype === undefined) throw new ProtoError(`invalid matcher type ${type}`);
          q.matchers.push(new Matcher(mtype, name, value));
        } else qr.skip(t.wireType);
      }
      queries.push(q);
    } else if (field === 2 && wireType === 0) acceptedResponseTypes.push(r.varint());
    else if (field === 2 && wireType === 2) {
      const pr = r.sub();
      while (!pr.done()) acceptedResponseTypes.push(pr.varint());
    } else r.skip(wireType);
  }
  return { queries, acceptedResponseTypes };
}

/** ReadResponse{results: [QueryResult{timeseries}]} (the SAMPLES response type). */
export function encodeReadResponse(results: PbTimeSeries[][]): Uint8Array {
  const w = new ProtoWriter();
  for (const series of results)
    w.message(1, (qr) => series.forEach((ts) => qr.message(1, (m) => writeSeries(m, ts))));
  return w.finish();
}

export function decodeReadResponse(buf: Uint8Array): PbTimeSeries[][] {
  const r = new ProtoReader(buf);
  const out: PbTimeSeries[][] = [];
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) {
      const qr = r.sub();
      const series: PbTimeSeries[] = [];
      while (!qr.done()) {
        const t = qr.tag();
        if (t.field === 1 && t.wireType === 2) series.push(readSeries(qr.sub()));
        else qr.skip(t.wireType);
      }
      out.push(series);
    } else r.skip(wireType);
  }
  return out;
}

/** ReadRequest.ResponseType. */
export const RESPONSE_SAMPLES = 0;
export const RESPONSE_STREAMED_XOR_CHUNKS = 1;
/** Chunk.Encoding XOR. */
const CHUNK_XOR = 1;

export interface PbChunk {
  minTimeMs: number;
  maxTimeMs: number;
  /** XOR chunk bytes as stored (2-byte sample count first). */
  data: Uint8Array;
}

export interface PbChunkedSeries {
  labels: Labels;
  chunks: PbChunk[];
}

/** ChunkedReadResponse: one frame of a STREAMED_XOR_CHUNKS answer. */
export function encodeChunkedReadResponse(
  series: PbChunkedSeries[],
  queryIndex: number,
): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    w.message(1, (m) => {
      writeLabels(m, s.labels);
      for (const c of s.chunks) {
        m.message(2, (cw) => {
          cw.int64(1, c.minTimeMs);
          cw.int64(2, c.maxTimeMs);
          cw.int64(3, CHUNK_XOR);
          cw.bytes(4, c.data);
        });
      }
    });
  }
  w.int64(2, queryIndex);
  return w.finish();
}

export function decodeChunkedReadResponse(buf: Uint8Array): {
  series: PbChunkedSeries[];
  queryIndex: number;
} {
  const r = new ProtoReader(buf);
  const series: PbChunkedSeries[] = [];
  let queryIndex = 0;
  while (!r.done()) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === 2) {
      const sr = r.sub();
      const pairs: [string, string][] = [];
      const chunks: PbChunk[] = [];
      while (!sr.done()) {
        const t = sr.tag();
        if (t.field === 1 && t.wireType === 2) pairs.push(readLabel(sr.sub()));
        else if (t.field === 2 && t.wireType === 2) {
          const cr = sr.sub();
          const c: PbChunk = { minTimeMs: 0, maxTimeMs: 0, data: new Uint8Array(0) };
          while (!cr.done()) {
            const ct = cr.tag();
            if (ct.field === 1 && ct.wireType === 0) c.minTimeMs = cr.varint();
            else if (ct.field === 2 && ct.wireType === 0) c.maxTimeMs = cr.varint();
            else if (ct.field === 4 && ct.wireType === 2) c.data = cr.bytes().slice();
            else cr.skip(ct.wireType);
          }
          chunks.push(c);
        } else sr.skip(t.wireType);
      }
      series.push({ labels: Labels.fromPairs(pairs), chunks });
    } else if (field === 2 && wireType === 0) queryIndex = r.varint();
    else r.skip(wireType);
  }
  return { series, queryIndex };
}
