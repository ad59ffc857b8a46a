// WAL record encodings, Prometheus's (tsdb/record): a type byte, then
//   series:     per series ref <BE64>, label count <uvarint>, (name, value) <uvarint len + bytes>
//   samples:    base ref <BE64>, base time <BE64>, per sample Δref <varint>, Δt <varint>, value bits <BE64>
//   tombstones: per interval ref <uvarint>, mint <varint>, maxt <varint>
//   histogram samples (7), float histogram samples (8): base ref <BE64>, base time <BE64>, per
//     sample Δref <varint>, Δt <varint>, then the histogram: counter-reset hint <byte>, schema
//     <varint>, zero threshold <BE64 float>, zero count and count (<uvarint> each; <BE64 float>
//     for float histograms), sum <BE64 float>, positive then negative spans (count <uvarint>, per
//     span offset <varint> and length <uvarint>), positive then negative buckets (count <uvarint>,
//     each <varint> delta; <BE64 float> absolute for float histograms)
import { FloatHistogram, Histogram, type Span } from '../../model/histogram/index.js';
import { Labels } from '../../model/labels/index.js';
import { DecBuf, DecodeError, EncBuf } from '../encoding/index.js';

export const REC_SERIES = 1;
export const REC_SAMPLES = 2;
export const REC_TOMBSTONES = 3;
export const REC_EXEMPLARS = 4;
export const REC_MMAP_MARKERS = 5;
export const REC_METADATA = 6;
export const REC_HISTOGRAM_SAMPLES = 7;
export const REC_FLOAT_HISTOGRAM_SAMPLES = 8;

/** Prometheus's name for a record type (record.Type.String()). */
export function recordTypeName(t: number): string {
  switch (t) {
    case REC_SERIES:
      return 'series';
    case REC_SAMPLES:
      return 'samples';
    case REC_TOMBSTONES:
      return 'tombstones';
    case REC_EXEMPLARS:
      return 'exemplars';
    case REC_HISTOGRAM_SAMPLES:
      return 'histogram_samples';
    case REC_FLOAT_HISTOGRAM_SAMPLES:
      return 'float_histogram_samples';
    case REC_MMAP_MARKERS:
      return 'mmapmarkers';
    case REC_METADATA:
      return 'metadata';
    default:
      return 'unknown';
  }
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const TWO32 = 4294967296;

/** The base series ref and timestamp (a signed 64-bit big-endian) that sample records start with. */
function putBase(enc: EncBuf, r0: number, t0: number): void {
  enc.putBE64(r0);
  const hi = Math.floor(t0 / TWO32);
  enc.putBE32(hi >>> 0);
  enc.putBE32((t0 - hi * TWO32) >>> 0);
}

function readBE64Int(d: DecBuf): number {
  const hi = d.be32() | 0;
  return hi * TWO32 + d.be32();
}

export function encodeSeriesRecord(
  enc: EncBuf,
  series: readonly { ref: number; labels: Labels }[],
): void {
  enc.putByte(REC_SERIES);
  for (const s of series) {
    enc.putBE64(s.ref);
    const f = s.labels.flat;
    enc.putUvarint(f.length / 2);
    for (let i = 0; i < f.length; i++) enc.putUvarintStr(f[i]!);
  }
}

export function encodeSamplesRecord(
  enc: EncBuf,
  refs: ArrayLike<number>,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  n: number,
): void {
  enc.putByte(REC_SAMPLES);
  if (n === 0) return;
  const r0 = refs[0]!;
  const t0 = ts[0]!;
  putBase(enc, r0, t0);
  for (let i = 0; i < n; i++) {
    enc.putVarint(refs[i]! - r0);
    enc.putVarint(ts[i]! - t0);
    F64[0] = vs[i]!;
    enc.putBE32(U32[1]!);
    enc.putBE32(U32[0]!);
  }
}

export function encodeTombstonesRecord(
  enc: EncBuf,
  stones: readonly { ref: number; mint: number; maxt: number }[],
): void {
  enc.putByte(REC_TOMBSTONES);
  for (const s of stones) {
    enc.putUvarint(s.ref);
    enc.putVarint(s.mint);
    enc.putVarint(s.maxt);
  }
}

function putFloat(enc: EncBuf, v: number): void {
  F64[0] = v;
  enc.putBE32(U32[1]!);
  enc.putBE32(U32[0]!);
}

function readFloat(d: DecBuf): number {
  U32[1] = d.be32();
  U32[0] = d.be32();
  return F64[0]!;
}

function putSpans(enc: EncBuf, spans: readonly Span[]): void {
  enc.putUvarint(spans.length);
  for (const s of spans) {
    enc.putVarint(s.offset);
    enc.putUvarint(s.length);
  }
}

function readSpans(d: DecBuf): Span[] {
  const n = d.uvarint();
  const out: Span[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const offset = d.varint();
    out[i] = { offset, length: d.uvarint() };
  }
  return out;
}

export interface RefHistogram {
  ref: number;
  t: number;
  h: Histogram | FloatHistogram;
}

/** A histogram-samples record (type 7 for integer histograms, 8 for float ones; all of one kind). */
export function encodeHistogramSamplesRecord(
  enc: EncBuf,
  samples: readonly RefHistogram[],
  float: boolean,
): void {
  enc.putByte(float ? REC_FLOAT_HISTOGRAM_SAMPLES : REC_HISTOGRAM_SAMPLES);
  if (samples.length === 0) return;
  const r0 = samples[0]!.ref;
  const t0 = samples[0]!.t;
  putBase(enc, r0, t0);
  for (const s of samples) {
    const h = s.h;
    enc.putVarint(s.ref - r0);
    enc.putVarint(s.t - t0);
    enc.putByte(h.counterResetHint);
    enc.putVarint(h.schema);
    putFloat(enc, h.zeroThreshold);
    if (float) {
      putFloat(enc, h.zeroCount);
      putFloat(enc, h.count);
    } else {
      enc.putUvarint(h.zeroCount);
      enc.putUvarint(h.count);
    }
    putFloat(enc, h.sum);
    putSpans(enc, h.positiveSpans);
    putSpans(enc, h.negativeSpans);
    for (const bs of [h.positiveBuckets, h.negativeBuckets]) {
      enc.putUvarint(bs.length);
      for (const b of bs) {
        if (float) putFloat(enc, b);
        else enc.putVarint(b);
      }
    }
  }
}

function decodeHistogramSamples(d: DecBuf, float: boolean, h: RecordHandlers): void {
  if (d.remaining() === 0) return;
  const r0 = d.be64();
  const t0 = readBE64Int(d);
  while (d.remaining() > 0) {
    const ref = r0 + d.varint();
    const t = t0 + d.varint();
    const x = float ? new FloatHistogram() : new Histogram();
    x.counterResetHint = d.byte();
    x.schema = d.varint();
    x.zeroThreshold = readFloat(d);
    x.zeroCount = float ? readFloat(d) : d.uvarint();
    x.count = float ? readFloat(d) : d.uvarint();
    x.sum = readFloat(d);
    x.positiveSpans = readSpans(d);
    x.negativeSpans = readSpans(d);
    for (const bs of [x.positiveBuckets, x.negativeBuckets]) {
      const n = d.uvarint();
      for (let i = 0; i < n; i++) bs.push(float ? readFloat(d) : d.varint());
    }
    if (float) h.floatHistogram!(ref, t, x as FloatHistogram);
    else h.histogram!(ref, t, x as Histogram);
  }
}

export interface RecordHandlers {
  series(ref: number, labels: Labels): void;
  /** Float value given as its two 32-bit halves too, so staleness markers pass through intact. */
  sample(ref: number, t: number, v: number): void;
  tombstone(ref: number, mint: number, maxt: number): void;
  /** Histogram samples; a reader without these handlers gets their records as unknown. */
  histogram?(ref: number, t: number, h: Histogram): void;
  floatHistogram?(ref: number, t: number, h: FloatHistogram): void;
  /**
   * A record of a type not decoded here (type byte included; a view, valid during the call only).
   * Readers that keep or rewrite the WAL must keep it: it is data this server cannot interpret.
   */
  unknown?(type: number, rec: Uint8Array): void;
}

/** Decodes one record (type byte included); a type not decoded here goes to h.unknown. */
export function decodeRecord(rec: Uint8Array, h: RecordHandlers): void {
  if (rec.length === 0) return;
  const d = new DecBuf(rec, 1);
  switch (rec[0]) {
    case REC_SERIES:
      while (d.remaining() > 0) {
        const ref = d.be64();
        const n = d.uvarint();
        // Each name and value takes at least its length byte: a larger count is not a record.
        if (n * 2 > d.remaining())
          throw new DecodeError(`series record: ${n} labels in ${d.remaining()} bytes`);
        const flat: string[] = new Array(n * 2);
        for (let i = 0; i < n * 2; i++) flat[i] = d.uvarintStr();
        // Prometheus writes labels sorted; re-sort only if a foreign writer did not.
        let sorted = true;
        for (let i = 2; i < flat.length; i += 2) if (flat[i - 2]! >= flat[i]!) sorted = false;
        h.series(ref, sorted ? Labels.fromSortedFlat(flat) : Labels.fromStrings(...flat));
      }
      break;
    case REC_SAMPLES: {
      if (d.remaining() === 0) break;
      const r0 = d.be64();
      const t0 = readBE64Int(d);
      while (d.remaining() > 0) {
        const ref = r0 + d.varint();
        const t = t0 + d.varint();
        U32[1] = d.be32();
        U32[0] = d.be32();
        h.sample(ref, t, F64[0]!);
      }
      break;
    }
    case REC_TOMBSTONES:
      while (d.remaining() > 0) {
        const ref = d.uvarint();
        const mint = d.varint();
        const maxt = d.varint();
        h.tombstone(ref, mint, maxt);
      }
      break;
    case REC_HISTOGRAM_SAMPLES:
      if (h.histogram) decodeHistogramSamples(d, false, h);
      else h.unknown?.(rec[0]!, rec);
      break;
    case REC_FLOAT_HISTOGRAM_SAMPLES:
      if (h.floatHistogram) decodeHistogramSamples(d, true, h);
      else h.unknown?.(rec[0]!, rec);
      break;
    default:
      h.unknown?.(rec[0]!, rec);
  }
}
