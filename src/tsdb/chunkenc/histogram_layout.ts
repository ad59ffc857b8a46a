// What the two histogram chunk encodings share: the 3-byte header (sample count, then the
// counter-reset bits in the top two bits of the third byte) and the layout written once at the
// start — zero threshold (one byte for powers of two 2^-243…2^10), schema, then positive and
// negative spans as varbit lengths and offsets.
import { CounterResetHint, type Span } from '../../model/histogram/index.js';
import {
  BitReader,
  type BitWriter,
  putVarbitInt,
  putVarbitUint,
  readVarbitInt,
  readVarbitUint,
} from './bstream.js';

export const HISTOGRAM_HEADER_BYTES = 3;

/** The counter-reset header (top two bits of byte 2). */
export const enum CounterResetHeader {
  Unknown = 0b00000000,
  CounterReset = 0b10000000,
  NotCounterReset = 0b01000000,
  Gauge = 0b11000000,
}
export const COUNTER_RESET_MASK = 0b11000000;

export interface Layout {
  schema: number;
  zeroThreshold: number;
  positiveSpans: Span[];
  negativeSpans: Span[];
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function putZeroThreshold(w: BitWriter, z: number): void {
  if (z === 0) {
    w.writeBits(0, 8);
    return;
  }
  F64[0] = z;
  const hi = U32[1]!;
  const lo = U32[0]!;
  const biased = (hi >>> 20) & 0x7ff;
  // A power of two (no mantissa bits, a normal number): z = 0.5 · 2^exp with exp = e + 1.
  const exp = biased - 1023 + 1;
  if (
    (hi & 0xfffff) === 0 &&
    lo === 0 &&
    biased !== 0 &&
    biased !== 0x7ff &&
    hi >>> 31 === 0 &&
    exp >= -242 &&
    exp <= 11
  ) {
    w.writeBits(exp + 243, 8);
    return;
  }
  w.writeBits(255, 8);
  w.writeFloat(z);
}

function readZeroThreshold(r: BitReader): number {
  const b = r.readByte();
  if (b === 0) return 0;
  if (b === 255) return r.readFloat();
  return 2 ** (b - 244);
}

function putSpans(w: BitWriter, spans: readonly Span[]): void {
  putVarbitUint(w, spans.length);
  for (const s of spans) {
    putVarbitUint(w, s.length);
    putVarbitInt(w, s.offset);
  }
}

function readSpans(r: BitReader): Span[] {
  const n = readVarbitUint(r);
  const out: Span[] = [];
  for (let i = 0; i < n; i++) {
    const length = readVarbitUint(r);
    const offset = readVarbitInt(r);
    out.push({ offset, length });
  }
  return out;
}

export function writeLayout(w: BitWriter, l: Layout): void {
  putZeroThreshold(w, l.zeroThreshold);
  putVarbitInt(w, l.schema);
  putSpans(w, l.positiveSpans);
  putSpans(w, l.negativeSpans);
}

export function readLayout(r: BitReader): Layout {
  const zeroThreshold = readZeroThreshold(r);
  const schema = readVarbitInt(r);
  const positiveSpans = readSpans(r);
  const negativeSpans = readSpans(r);
  return { schema, zeroThreshold, positiveSpans, negativeSpans };
}

/** The hint a sample read from a chunk carries: only the first sample knows of a reset. */
export function counterResetHint(header: number, numRead: number): CounterResetHint {
  if (header === CounterResetHeader.Gauge) return CounterResetHint.Gauge;
  if (numRead > 1) return CounterResetHint.NotCounterReset;
  if (header === CounterResetHeader.CounterReset) return CounterResetHint.CounterReset;
  return CounterResetHint.Unknown;
}

export function headerForHint(h: CounterResetHint): CounterResetHeader {
  switch (h) {
    case CounterResetHint.CounterReset:
      return CounterResetHeader.CounterReset;
    case CounterResetHint.NotCounterReset:
      return CounterResetHeader.NotCounterReset;
    case CounterResetHint.Gauge:
      return CounterResetHeader.Gauge;
    default:
      return CounterResetHeader.Unknown;
  }
}

/** What the two histogram chunk iterators share: the reader past the header, counts, the layout, the timestamp. */
export abstract class HistogramChunkIterator {
  protected readonly r: BitReader;
  protected readonly numTotal: number;
  protected numRead = 0;
  protected readonly header: number;
  protected layout: Layout = { schema: 0, zeroThreshold: 0, positiveSpans: [], negativeSpans: [] };
  protected t = 0;
  protected tDelta = 0;
  protected e: Error | null = null;

  /** num: the samples to read (an open chunk's count at the time it was copied). */
  constructor(data: Uint8Array, num?: number) {
    this.r = new BitReader(data, HISTOGRAM_HEADER_BYTES);
    this.numTotal = num ?? (data[0]! << 8) | data[1]!;
    this.header = data.length > 2 ? data[2]! & COUNTER_RESET_MASK : 0;
  }

  atT(): number {
    return this.t;
  }

  err(): Error | null {
    return this.e;
  }
}
