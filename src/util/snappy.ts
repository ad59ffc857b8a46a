// Snappy block decoding (remote write/read bodies, WAL records) with Go's snappy errors. Ours, not
// snappyjs's: that decoder reads the decoded length as a signed 32-bit number (a header claiming
// 2 GiB reached `new Uint8Array(negative)`), does not check that literals and copies fit the
// output, and with a negative literal length walks backwards through the input (an 85-byte remote
// write body kept it busy for seconds). Every bound is checked here, as in Go's decoder, so a
// corrupt block costs time linear in its size. Compression stays snappyjs's.

export class SnappyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnappyError';
  }
}

/** The most a block may decode to: what one Uint8Array may hold here (Go allows 4 GiB - 1). */
export const MAX_DECODED = 0x7fffffff;

const corrupt = (): SnappyError => new SnappyError('snappy: corrupt input');

/** The decoded length a block's header claims and the header's size, or null when it is not a valid uvarint32. */
function header(b: Uint8Array): [len: number, size: number] | null {
  let v = 0;
  for (let i = 0, mul = 1; i < 5 && i < b.length; i++, mul *= 128) {
    v += (b[i]! & 0x7f) * mul;
    if (b[i]! < 0x80) return v <= 0xffffffff ? [v, i + 1] : null;
  }
  return null;
}

export function snappyDecode(src: Uint8Array, maxLength = MAX_DECODED): Uint8Array {
  const h = header(src);
  if (h === null) throw corrupt();
  const [n, start] = h;
  if (n > maxLength) throw new SnappyError('snappy: decoded block is too large');
  const dst = new Uint8Array(n);
  let d = 0;
  let s = start;
  while (s < src.length) {
    const tag = src[s]!;
    let len: number;
    if ((tag & 3) === 0) {
      // Literal: the length is in the tag, or in the 1–4 bytes after it.
      const x = tag >>> 2;
      if (x < 60) {
        len = x + 1;
        s += 1;
      } else {
        const k = x - 59;
        if (s + k >= src.length) throw corrupt();
        len = 0;
        for (let i = k; i >= 1; i--) len = len * 256 + src[s + i]!;
        len += 1;
        s += 1 + k;
      }
      if (len > src.length - s || len > n - d) throw corrupt();
      dst.set(src.subarray(s, s + len), d);
      d += len;
      s += len;
      continue;
    }
    let offset: number;
    if ((tag & 3) === 1) {
      if (s + 1 >= src.length) throw corrupt();
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag & 0xe0) << 3) | src[s + 1]!;
      s += 2;
    } else if ((tag & 3) === 2) {
      if (s + 2 >= src.length) throw corrupt();
      len = 1 + (tag >>> 2);
      offset = src[s + 1]! | (src[s + 2]! << 8);
      s += 3;
    } else {
      if (s + 4 >= src.length) throw corrupt();
      len = 1 + (tag >>> 2);
      offset = (src[s + 1]! | (src[s + 2]! << 8) | (src[s + 3]! << 16) | (src[s + 4]! << 24)) >>> 0;
      s += 5;
    }
    if (offset === 0 || offset > d || len > n - d) throw corrupt();
    if (offset >= len) dst.copyWithin(d, d - offset, d - offset + len);
    else for (let i = 0; i < len; i++) dst[d + i] = dst[d - offset + i]!;
    d += len;
  }
  if (d !== n) throw corrupt();
  return dst;
}
