// WAL record encodings, Prometheus's (tsdb/record): a type byte, then
//   series:     per series ref <BE64>, label count <uvarint>, (name, value) <uvarint len + bytes>
//   samples:    base ref <BE64>, base time <BE64>, per sample Δref <varint>, Δt <varint>, value bits <BE64>
//   tombstones: per interval ref <uvarint>, mint <varint>, maxt <varint>
import { Labels } from '../../model/labels/index.js';
import { DecBuf, DecodeError, EncBuf } from '../encoding/index.js';

export const REC_SERIES = 1;
export const REC_SAMPLES = 2;
export const REC_TOMBSTONES = 3;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const TWO32 = 4294967296;

export function encodeSeriesRecord(enc: EncBuf, series: readonly { ref: number; labels: Labels }[]): void {
  enc.putByte(REC_SERIES);
  for (const s of series) {
    enc.putBE64(s.ref);
    const f = s.labels.flat;
    enc.putUvarint(f.length / 2);
    for (let i = 0; i < f.length; i++) enc.putUvarintStr(f[i]!);
  }
}

export function encodeSamplesRecord(enc: EncBuf, refs: ArrayLike<number>, ts: ArrayLike<number>, vs: ArrayLike<number>, n: number): void {
  enc.putByte(REC_SAMPLES);
  if (n === 0) return;
  const r0 = refs[0]!;
  const t0 = ts[0]!;
  enc.putBE64(r0);
  const hi = Math.floor(t0 / TWO32);
  enc.putBE32(hi >>> 0);
  enc.putBE32((t0 - hi * TWO32) >>> 0);
  for (let i = 0; i < n; i++) {
    enc.putVarint(refs[i]! - r0);
    enc.putVarint(ts[i]! - t0);
    F64[0] = vs[i]!;
    enc.putBE32(U32[1]!);
    enc.putBE32(U32[0]!);
  }
}

export function encodeTombstonesRecord(enc: EncBuf, stones: readonly { ref: number; mint: number; maxt: number }[]): void {
  enc.putByte(REC_TOMBSTONES);
  for (const s of stones) {
    enc.putUvarint(s.ref);
    enc.putVarint(s.mint);
    enc.putVarint(s.maxt);
  }
}

export interface RecordHandlers {
  series(ref: number, labels: Labels): void;
  /** Float value given as its two 32-bit halves too, so staleness markers pass through intact. */
  sample(ref: number, t: number, v: number): void;
  tombstone(ref: number, mint: number, maxt: number): void;
}

/** Decodes one record (type byte included). Unknown types (exemplars, metadata, histograms) are skipped. */
export function decodeRecord(rec: Uint8Array, h: RecordHandlers): void {
  if (rec.length === 0) return;
  const d = new DecBuf(rec, 1);
  switch (rec[0]) {
    case REC_SERIES:
      while (d.remaining() > 0) {
        const ref = d.be64();
        const n = d.uvarint();
        // Each name and value takes at least its length byte: a larger count is not a record.
        if (n * 2 > d.remaining()) throw new DecodeError(`series record: ${n} labels in ${d.remaining()} bytes`);
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
      const hi = d.be32() | 0;
      const t0 = hi * TWO32 + d.be32();
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
    default:
  }
}
