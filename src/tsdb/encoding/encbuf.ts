// Growable byte buffer writer and a bounds-checked reader with Go's varint encodings
// (binary.PutUvarint / PutVarint), big-endian fixed widths, as Prometheus's encoding package.
// Numbers stay JS doubles: timestamps and refs fit in 53 bits, so no BigInt is needed.
const TWO32 = 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

/** Thrown for a number an encoding cannot hold: writing it anyway would corrupt (or, for varints, never end). */
export class EncodeRangeError extends RangeError {}

function badValue(what: string, x: number): never {
  throw new EncodeRangeError(`${what}: ${x} is not an integer in range`);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export class EncBuf {
  b: Uint8Array;
  len = 0;
  constructor(cap = 1024) {
    this.b = new Uint8Array(cap);
  }
  reset(): void {
    this.len = 0;
  }
  private grow(n: number): void {
    if (this.len + n <= this.b.length) return;
    let c = this.b.length * 2;
    while (c < this.len + n) c *= 2;
    const nb = new Uint8Array(c);
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
  }
  bytes(): Uint8Array {
    return this.b.subarray(0, this.len);
  }
  putByte(x: number): void {
    this.grow(1);
    this.b[this.len++] = x;
  }
  putBE32(x: number): void {
    this.grow(4);
    const b = this.b;
    b[this.len++] = x >>> 24;
    b[this.len++] = x >>> 16;
    b[this.len++] = x >>> 8;
    b[this.len++] = x;
  }
  putBE64(x: number): void {
    if (!(Number.isInteger(x) && x >= 0 && x < TWO64)) badValue('uint64', x);
    this.putBE32(Math.floor(x / TWO32) >>> 0);
    this.putBE32(x >>> 0);
  }
  putUvarint(x: number): void {
    // NaN and ±Infinity fail here too (Infinity would loop forever below).
    if (!(Number.isInteger(x) && x >= 0 && x < TWO64)) badValue('uvarint', x);
    this.grow(10);
    const b = this.b;
    while (x >= 0x80) {
      b[this.len++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    b[this.len++] = x;
  }
  putVarint(x: number): void {
    if (!(Number.isInteger(x) && x >= -TWO63 && x < TWO63)) badValue('varint', x);
    if (x === -TWO63) {
      // Its zigzag form, 2^64 - 1, is not a double: write that varint's bytes directly.
      this.grow(10);
      for (let i = 0; i < 9; i++) this.b[this.len++] = 0xff;
      this.b[this.len++] = 0x01;
      return;
    }
    this.putUvarint(x >= 0 ? x * 2 : -x * 2 - 1);
  }
  putBytes(x: Uint8Array): void {
    this.grow(x.length);
    this.b.set(x, this.len);
    this.len += x.length;
  }
  /** uvarint length then UTF-8 bytes. */
  putUvarintStr(s: string): void {
    const u = enc.encode(s);
    this.putUvarint(u.length);
    this.putBytes(u);
  }
  putF64LE(v: number): void {
    this.grow(8);
    F64[0] = v;
    this.b.set(U8, this.len);
    this.len += 8;
  }
  putU32LE(x: number): void {
    this.grow(4);
    const b = this.b;
    b[this.len++] = x;
    b[this.len++] = x >>> 8;
    b[this.len++] = x >>> 16;
    b[this.len++] = x >>> 24;
  }
  /** Overwrites 4 bytes big-endian at an earlier position (length prefixes). */
  setBE32(pos: number, x: number): void {
    const b = this.b;
    b[pos] = x >>> 24;
    b[pos + 1] = x >>> 16;
    b[pos + 2] = x >>> 8;
    b[pos + 3] = x;
  }
  padTo(align: number, base = 0): void {
    const r = (base + this.len) % align;
    if (r !== 0) for (let i = r; i < align; i++) this.putByte(0);
  }
}

const F64 = new Float64Array(1);
const U8 = new Uint8Array(F64.buffer);

export class DecodeError extends Error {}

export class DecBuf {
  b: Uint8Array;
  off: number;
  end: number;
  constructor(b: Uint8Array, off = 0, end = b.length) {
    this.b = b;
    this.off = off;
    this.end = end;
  }
  remaining(): number {
    return this.end - this.off;
  }
  private need(n: number): void {
    if (this.off + n > this.end) throw new DecodeError('unexpected end of data');
  }
  byte(): number {
    this.need(1);
    return this.b[this.off++]!;
  }
  be32(): number {
    this.need(4);
    const b = this.b;
    const o = this.off;
    this.off += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }
  be64(): number {
    const hi = this.be32();
    return hi * TWO32 + this.be32();
  }
  u32LE(): number {
    this.need(4);
    const b = this.b;
    const o = this.off;
    this.off += 4;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  }
  f64LE(): number {
    this.need(8);
    U8.set(this.b.subarray(this.off, this.off + 8));
    this.off += 8;
    return F64[0]!;
  }
  uvarint(): number {
    let x = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.off >= this.end) throw new DecodeError('unexpected end of data reading varint');
      const c = this.b[this.off++]!;
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
    throw new DecodeError('varint overflow');
  }
  varint(): number {
    const u = this.uvarint();
    // 2^64 - 1 (the zigzag of int64's minimum) reads back rounded up to 2^64.
    if (u >= TWO64) return -TWO63;
    // Zigzag: even → non-negative, odd → negative.
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const r = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return r;
  }
  uvarintStr(): string {
    const n = this.uvarint();
    return dec.decode(this.bytes(n));
  }
}

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}
export function fromUtf8(b: Uint8Array): string {
  return dec.decode(b);
}
