// Prometheus's XOR (Gorilla) float chunk, byte for byte: a 2-byte big-endian sample count, then a
// bit stream: first timestamp as a zigzag varint, first value as 64 raw bits, second timestamp as
// a uvarint delta, then delta-of-delta timestamps in 14/17/20/64-bit buckets and XOR-compressed
// values with a leading/trailing-zero window. 64-bit words are handled as two uint32 halves so the
// hot path needs no BigInt.
import { ValueType } from '../../model/value/index.js';
import { ByteArena } from './arena.js';

/** Samples per head chunk before a new one is cut (Prometheus's target). */
export const SAMPLES_PER_CHUNK = 120;

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const TWO32 = 4294967296;

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/**
 * Appends samples to one XOR chunk. Reuse-free: a full chunk's bytes are taken with bytes(). Its
 * bytes live in a buffer of its own, or (the head's open chunks) in a slot of a ByteArena, given
 * back with release().
 */
export class XORAppender {
  /** The bytes are buf[off, off + cap). */
  private buf: Uint8Array;
  private off = 0;
  private cap: number;
  private handle = -1;
  pos = 16; // bit position; the first 2 bytes hold the sample count
  num = 0;
  t = 0;
  tDelta = 0;
  vHi = 0;
  vLo = 0;
  leading = 0xff;
  trailing = 0;
  /**
   * Go's bstream appends a fresh byte after every whole byte it writes, so a stream whose last
   * write was a whole byte is one byte longer; tracked to produce identical chunk bytes.
   */
  private lastWasByte = false;

  constructor(
    cap = 32,
    private readonly arena: ByteArena | null = null,
  ) {
    if (arena === null) {
      this.buf = new Uint8Array(cap);
      this.cap = cap;
    } else {
      const slot = arena.alloc(cap);
      this.buf = slot.page;
      this.off = slot.off;
      this.handle = slot.handle;
      this.cap = ByteArena.slotSize(cap);
    }
  }

  private ensure(bits: number): void {
    const needBytes = ((this.pos + bits + 7) >>> 3) + 1;
    if (needBytes <= this.cap) return;
    let c = this.cap * 2;
    while (c < needBytes) c *= 2;
    const used = this.buf.subarray(this.off, this.off + this.cap);
    if (this.arena === null) {
      const nb = new Uint8Array(c);
      nb.set(used);
      this.buf = nb;
    } else {
      const slot = this.arena.alloc(c);
      slot.page.set(used, slot.off);
      this.arena.release(this.handle);
      this.buf = slot.page;
      this.off = slot.off;
      this.handle = slot.handle;
    }
    this.cap = c;
  }

  /** Gives the arena slot back (the appender is not used after this). */
  release(): void {
    if (this.arena !== null && this.handle >= 0) this.arena.release(this.handle);
    this.handle = -1;
  }

  private writeBits(value: number, nbits: number): void {
    const buf = this.buf;
    const off = this.off;
    let pos = this.pos;
    while (nbits > 0) {
      const free = 8 - (pos & 7);
      const take = free < nbits ? free : nbits;
      const bits = (value >>> (nbits - take)) & ((1 << take) - 1);
      buf[off + (pos >>> 3)]! |= bits << (free - take);
      pos += take;
      nbits -= take;
    }
    this.pos = pos;
  }

  private writeBit(b: number): void {
    if (b) this.buf[this.off + (this.pos >>> 3)]! |= 0x80 >>> (this.pos & 7);
    this.pos++;
  }

  private writeUvarint(x: number): void {
    while (x >= 0x80) {
      this.writeBits((x % 128) | 0x80, 8);
      x = Math.floor(x / 128);
    }
    this.writeBits(x, 8);
  }

  append(t: number, v: number): void {
    this.ensure(160);
    F64[0] = v;
    const lo = U32[0]!;
    const hi = U32[1]!;
    const n = this.num;
    if (n === 0) {
      this.writeUvarint(t >= 0 ? t * 2 : -t * 2 - 1);
      this.writeBits(hi, 32);
      this.writeBits(lo, 32);
      this.lastWasByte = true;
    } else if (n === 1) {
      const d = t - this.t;
      this.writeUvarint(d);
      this.tDelta = d;
      this.writeXOR(hi, lo);
    } else {
      const d = t - this.t;
      const dod = d - this.tDelta;
      this.lastWasByte = false;
      if (dod === 0) this.writeBit(0);
      else if (dod >= -8191 && dod <= 8192) {
        this.writeBits(0b10, 2);
        this.writeBits(dod & 0x3fff, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        this.writeBits(0b110, 3);
        this.writeBits(dod & 0x1ffff, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        this.writeBits(0b1110, 4);
        this.writeBits(dod & 0xfffff, 20);
      } else {
        this.writeBits(0b1111, 4);
        const dh = Math.floor(dod / TWO32);
        this.writeBits(dh >>> 0, 32);
        this.writeBits((dod - dh * TWO32) >>> 0, 32);
        this.lastWasByte = true;
      }
      this.tDelta = d;
      this.writeXOR(hi, lo);
    }
    this.t = t;
    this.vHi = hi;
    this.vLo = lo;
    this.num = n + 1;
    this.buf[this.off] = (n + 1) >>> 8;
    this.buf[this.off + 1] = (n + 1) & 0xff;
  }

  private writeXOR(hi: number, lo: number): void {
    const dh = (hi ^ this.vHi) >>> 0;
    const dl = (lo ^ this.vLo) >>> 0;
    if (dh === 0 && dl === 0) {
      this.writeBit(0);
      this.lastWasByte = false;
      return;
    }
    this.writeBit(1);
    let lead = clz64(dh, dl);
    const trail = ctz64(dh, dl);
    if (lead >= 32) lead = 31;
    let sh: number;
    let sig: number;
    if (this.leading !== 0xff && lead >= this.leading && trail >= this.trailing) {
      this.writeBit(0);
      sh = this.trailing;
      sig = 64 - this.leading - this.trailing;
    } else {
      this.leading = lead;
      this.trailing = trail;
      this.writeBit(1);
      this.writeBits(lead, 5);
      sig = 64 - lead - trail;
      this.writeBits(sig & 63, 6);
      sh = trail;
    }
    // (dh:dl) >> sh, then write the low `sig` bits.
    let rh: number;
    let rl: number;
    if (sh === 0) {
      rh = dh;
      rl = dl;
    } else if (sh < 32) {
      rl = ((dl >>> sh) | (dh << (32 - sh))) >>> 0;
      rh = dh >>> sh;
    } else {
      rl = dh >>> (sh - 32);
      rh = 0;
    }
    if (sig > 32) {
      this.writeBits(rh, sig - 32);
      this.writeBits(rl, 32);
    } else this.writeBits(rl, sig);
    this.lastWasByte = sig % 8 === 0;
  }

  /** The chunk's encoded bytes so far (a copy trimmed to size). */
  bytes(): Uint8Array {
    return this.buf.slice(this.off, this.off + this.sizeBytes());
  }
  /**
   * A view of the encoded bytes, valid for the current sample count until the next append (an
   * arena slot is reused once the chunk grows out of it).
   */
  view(): Uint8Array {
    return this.buf.subarray(this.off, this.off + this.sizeBytes());
  }
  sizeBytes(): number {
    return this.lastWasByte ? (this.pos >>> 3) + 1 : (this.pos + 7) >>> 3;
  }
}

/** Number of samples in an XOR chunk's bytes. */
export function xorNumSamples(b: Uint8Array): number {
  return (b[0]! << 8) | b[1]!;
}

/** Iterates an XOR chunk. reset() reuses the iterator for another chunk. */
export class XORIterator {
  private b: Uint8Array = new Uint8Array(2);
  private pos = 16;
  private end = 0;
  private total = 0;
  private i = 0;
  t = Number.MIN_SAFE_INTEGER;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0;
  private trailing = 0;
  private error: Error | null = null;

  constructor(b?: Uint8Array, num?: number) {
    if (b) this.reset(b, num);
  }

  reset(b: Uint8Array, num?: number): void {
    this.b = b;
    this.pos = 16;
    this.end = b.length * 8;
    this.total = num ?? xorNumSamples(b);
    this.i = 0;
    this.t = Number.MIN_SAFE_INTEGER;
    this.tDelta = 0;
    this.vHi = 0;
    this.vLo = 0;
    this.leading = 0;
    this.trailing = 0;
    this.error = null;
  }

  /** The next n ≤ 32 bits as an unsigned number. */
  private readBits(n: number): number {
    const pos = this.pos;
    if (pos + n > this.end) throw new RangeError('chunk data truncated');
    const b = this.b;
    const i = pos >>> 3;
    if (n === 0 || i + 4 >= b.length) return this.readBitsNearEnd(n);
    // The 32 bits from pos, out of the five bytes they can span: no loop per byte.
    const bit = pos & 7;
    let w = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
    if (bit > 0) w = (w << bit) | (b[i + 4]! >>> (8 - bit));
    this.pos = pos + n;
    return n === 32 ? w >>> 0 : w >>> (32 - n);
  }

  /** readBits byte by byte, for the last bytes of the chunk. */
  private readBitsNearEnd(n: number): number {
    const b = this.b;
    let pos = this.pos;
    let v = 0;
    while (n > 0) {
      const avail = 8 - (pos & 7);
      const take = avail < n ? avail : n;
      const bits = (b[pos >>> 3]! >>> (avail - take)) & ((1 << take) - 1);
      v = v * (1 << take) + bits; // multiplication keeps 32-bit values unsigned
      pos += take;
      n -= take;
    }
    this.pos = pos;
    return v;
  }

  private readBit(): number {
    if (this.pos >= this.end) throw new RangeError('chunk data truncated');
    const bit = (this.b[this.pos >>> 3]! >>> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return bit;
  }

  private readUvarint(): number {
    let x = 0;
    let mul = 1;
    for (let k = 0; k < 10; k++) {
      const c = this.readBits(8);
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
    throw new RangeError('varint overflow in chunk');
  }

  next(): ValueType {
    if (this.error !== null || this.i >= this.total) return ValueType.None;
    try {
      if (this.i === 0) {
        const u = this.readUvarint();
        this.t = u % 2 === 0 ? u / 2 : -(u + 1) / 2;
        this.vHi = this.readBits(32);
        this.vLo = this.readBits(32);
      } else if (this.i === 1) {
        this.tDelta = this.readUvarint();
        this.t += this.tDelta;
        this.readXOR();
      } else {
        let p = 0;
        for (; p < 4; p++) if (this.readBit() === 0) break;
        let dod = 0;
        if (p > 0) {
          if (p === 4) {
            const h = this.readBits(32) | 0;
            dod = h * TWO32 + this.readBits(32);
          } else {
            const sz = p === 1 ? 14 : p === 2 ? 17 : 20;
            dod = this.readBits(sz);
            if (dod > 1 << (sz - 1)) dod -= 1 << sz;
          }
        }
        this.tDelta += dod;
        this.t += this.tDelta;
        this.readXOR();
      }
    } catch (e) {
      this.error = e as Error;
      return ValueType.None;
    }
    this.i++;
    return ValueType.Float;
  }

  private readXOR(): void {
    if (this.readBit() === 0) return;
    if (this.readBit() === 1) {
      this.leading = this.readBits(5);
      let sig = this.readBits(6);
      if (sig === 0) sig = 64;
      this.trailing = 64 - this.leading - sig;
    }
    const sig = 64 - this.leading - this.trailing;
    let rh = 0;
    let rl: number;
    if (sig > 32) {
      rh = this.readBits(sig - 32);
      rl = this.readBits(32);
    } else rl = this.readBits(sig);
    const s = this.trailing;
    let h: number;
    let l: number;
    if (s === 0) {
      h = rh;
      l = rl;
    } else if (s < 32) {
      h = (rh << s) | (rl >>> (32 - s));
      l = rl << s;
    } else {
      h = rl << (s - 32);
      l = 0;
    }
    this.vHi = (this.vHi ^ h) >>> 0;
    this.vLo = (this.vLo ^ l) >>> 0;
  }

  seek(t: number): ValueType {
    if (this.i > 0 && this.t >= t) return ValueType.Float;
    while (this.next() !== ValueType.None) if (this.t >= t) return ValueType.Float;
    return ValueType.None;
  }

  atT(): number {
    return this.t;
  }
  atF(): number {
    U32[0] = this.vLo;
    U32[1] = this.vHi;
    return F64[0]!;
  }
  /** Raw float bits, so stale markers (a NaN payload) survive copying. */
  atHi(): number {
    return this.vHi;
  }
  atLo(): number {
    return this.vLo;
  }
  err(): Error | null {
    return this.error;
  }
}
