// The framing of a streamed remote-read answer (STREAMED_XOR_CHUNKS): each frame is its length
// as a uvarint, the CRC32 (Castagnoli) of its bytes big-endian, then the bytes — one
// ChunkedReadResponse each.
import { crc32c } from '../../tsdb/encoding/index.js';
import { ProtoError } from './protobuf.js';

export const STREAMED_CONTENT_TYPE =
  'application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse';

export function frame(msg: Uint8Array): Buffer {
  const head: number[] = [];
  let n = msg.length;
  while (n >= 0x80) {
    head.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  head.push(n);
  const out = Buffer.allocUnsafe(head.length + 4 + msg.length);
  out.set(head, 0);
  out.writeUInt32BE(crc32c(msg) >>> 0, head.length);
  out.set(msg, head.length + 4);
  return out;
}

/** Splits a whole streamed body into its frames' messages; a bad checksum or a torn frame throws. */
export function readFrames(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let off = 0;
  while (off < body.length) {
    let n = 0;
    let shift = 1;
    for (;;) {
      if (off >= body.length) throw new ProtoError('streamed read: torn frame length');
      const b = body[off++]!;
      n += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 128;
    }
    if (off + 4 + n > body.length) throw new ProtoError('streamed read: torn frame');
    const crc =
      ((body[off]! << 24) | (body[off + 1]! << 16) | (body[off + 2]! << 8) | body[off + 3]!) >>> 0;
    const msg = body.subarray(off + 4, off + 4 + n);
    if (crc32c(msg) >>> 0 !== crc) throw new ProtoError('streamed read: frame checksum mismatch');
    out.push(msg);
    off += 4 + n;
  }
  return out;
}
