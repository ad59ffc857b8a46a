// Snappy block decoding (remote write/read bodies, WAL records) with Go's snappy errors. The
// decoded length in the block's header is checked before anything is allocated: snappyjs reads
// it as a signed 32-bit number, so a header claiming 2 GiB or more would otherwise reach
// `new Uint8Array(negative)` as a RangeError.
import { uncompress } from 'snappyjs';

export class SnappyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnappyError';
  }
}

/** The most a block may decode to: what snappyjs can address (Go allows 4 GiB - 1). */
export const MAX_DECODED = 0x7fffffff;

/** The decoded length a block's header claims, or -1 when the header is not a valid uvarint32. */
export function snappyDecodedLen(b: Uint8Array): number {
  let v = 0;
  for (let i = 0, mul = 1; i < 5 && i < b.length; i++, mul *= 128) {
    v += (b[i]! & 0x7f) * mul;
    if (b[i]! < 0x80) return v <= 0xffffffff ? v : -1;
  }
  return -1;
}

export function snappyDecode(b: Uint8Array, maxLength = MAX_DECODED): Uint8Array {
  const n = snappyDecodedLen(b);
  if (n < 0) throw new SnappyError('snappy: corrupt input');
  if (n > maxLength) throw new SnappyError('snappy: decoded block is too large');
  try {
    return uncompress(b, maxLength);
  } catch {
    throw new SnappyError('snappy: corrupt input');
  }
}
