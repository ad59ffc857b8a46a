// Bit streams for the histogram chunk encodings, with Go's bstream byte layout: a stream whose
// last write was whole bytes (an 8·k-bit write) ends with one more, still empty, byte — the
// chunk bytes Prometheus writes include it, so ours do too. Values of up to 64 bits are passed as
// JS integers (exact up to 2^53; two's complement for negatives) or as hi/lo 32-bit halves.
// Also the varbit integer encodings (buckets of 1…64 bits after a unary prefix) and the
// Gorilla XOR value encoding with its leading/trailing-zero window (xor.ts has its own copy,
// inlined into the float chunk's hot path over arena slots; kept apart on purpose).

const TWO32 = 4294967296;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

export class BitWriter {
  buf: Uint8Array;
  /** Bits written. */
  pos: number;
  private lastWasByte = false;

  /** Starts after `headerBytes` zero bytes (the sample count and chunk header). */
  constructor(headerBytes: number, cap = 128) {
    this.buf = new Uint8Array(Math.max(cap, headerBytes + 16));
    this.pos = headerBytes * 8;
    // Go's stream starts with its header bytes "full": the first bit opens a new byte.
  }

  private ensure(bits: number): void {
    const need = ((this.pos + bits + 7) >>> 3) + 1;
    if (need <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < need) c *= 2;
    const nb = new Uint8Array(c);
    nb.set(this.buf);
    this.buf = nb;
  }

  /** The low nbits (≤ 32) of v, most significant first. */
  writeBits(v: number, nbits: number): void {
    if (nbits === 0) return;
    this.ensure(nbits);
    const buf = this.buf;
    let pos = this.pos;
    let n = nbits;
    while (n > 0) {
      const free = 8 - (pos & 7);
      const take = free < n ? free : n;
      const bits = (v >>> (n - take)) & ((1 << take) - 1);
      buf[pos >>> 3]! |= bits << (free - take);
      pos += take;
      n -= take;
    }
    this.pos = pos;
    this.lastWasByte = nbits % 8 === 0;
  }

  /** The low nbits (≤ 64) of the 64-bit word hi:lo. */
  writeBits64(hi: number, lo: number, nbits: number): void {
    if (nbits > 32) {
      this.writeBits(hi, nbits - 32);
      this.writeBits(lo, 32);
      this.lastWasByte = nbits % 8 === 0;
    } else this.writeBits(lo, nbits);
  }

  /** The low nbits of an integer (two's complement when negative). */
  writeInt(v: number, nbits: number): void {
    const hi = Math.floor(v / TWO32);
    this.writeBits64(hi >>> 0, (v - hi * TWO32) >>> 0, nbits);
  }

  writeBit(b: boolean): void {
    this.ensure(1);
    if (b) this.buf[this.pos >>> 3]! |= 0x80 >>> (this.pos & 7);
    this.pos++;
    this.lastWasByte = false;
  }

  writeFloat(v: number): void {
    F64[0] = v;
    this.writeBits64(U32[1]!, U32[0]!, 64);
  }

  byteLength(): number {
    return this.lastWasByte ? (this.pos >>> 3) + 1 : (this.pos + 7) >>> 3;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.byteLength());
  }
}

export class ChunkDecodeError extends Error {}

export class BitReader {
  pos: number;
  private readonly end: number;
  constructor(
    private readonly buf: Uint8Array,
    startByte: number,
  ) {
    this.pos = startByte * 8;
    this.end = buf.length * 8;
  }

  /** nbits ≤ 32, as an unsigned number. */
  readBits(nbits: number): number {
    if (this.pos + nbits > this.end) throw new ChunkDecodeError('unexpected end of chunk');
    let v = 0;
    let pos = this.pos;
    let n = nbits;
    const buf = this.buf;
    while (n > 0) {
      const avail = 8 - (pos & 7);
      const take = avail < n ? avail : n;
      const bits = (buf[pos >>> 3]! >>> (avail - take)) & ((1 << take) - 1);
      v = v * (1 << take) + bits;
      pos += take;
      n -= take;
    }
    this.pos = pos;
    return v;
  }

  readBit(): boolean {
    if (this.pos >= this.end) throw new ChunkDecodeError('unexpected end of chunk');
    const b = (this.buf[this.pos >>> 3]! >>> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b === 1;
  }

  /** nbits ≤ 64 as hi/lo halves into out. */
  readBits64(nbits: number, out: Uint32Array): void {
    if (nbits > 32) {
      out[1] = this.readBits(nbits - 32);
      out[0] = this.readBits(32);
    } else {
      out[1] = 0;
      out[0] = this.readBits(nbits);
    }
  }

  readFloat(): number {
    U32[1] = this.readBits(32);
    U32[0] = this.readBits(32);
    return F64[0]!;
  }

  readByte(): number {
    return this.readBits(8);
  }
}

/** Prefix lengths → payload bits of the varbit encodings (Prometheus's putVarbitInt/Uint). */
const VARBIT_SIZES = [0, 3, 6, 9, 12, 18, 25, 56, 64];

/** Whether v fits the signed n-bit bucket: -(2^(n-1) - 1) ≤ v ≤ 2^(n-1). */
function fitsSigned(v: number, n: number): boolean {
  const m = 2 ** (n - 1);
  return v >= -(m - 1) && v <= m;
}

export function putVarbitInt(w: BitWriter, v: number): void {
  if (v === 0) {
    w.writeBit(false);
    return;
  }
  for (let k = 1; k < VARBIT_SIZES.length - 1; k++) {
    const n = VARBIT_SIZES[k]!;
    if (fitsSigned(v, n)) {
      // k ones then a zero: 0b10, 0b110, …; the 8-bit prefix 0b11111110 has no terminating zero of its own.
      w.writeBits(((1 << (k + 1)) - 2) & 0xff, Math.min(k + 1, 8));
      w.writeInt(v, n);
      return;
    }
  }
  w.writeBits(0xff, 8);
  w.writeInt(v, 64);
}

export function putVarbitUint(w: BitWriter, v: number): void {
  if (v === 0) {
    w.writeBit(false);
    return;
  }
  for (let k = 1; k < VARBIT_SIZES.length - 1; k++) {
    const n = VARBIT_SIZES[k]!;
    if (v < 2 ** n) {
      w.writeBits(((1 << (k + 1)) - 2) & 0xff, Math.min(k + 1, 8));
      w.writeInt(v, n);
      return;
    }
  }
  w.writeBits(0xff, 8);
  w.writeInt(v, 64);
}

/** The prefix's count of leading ones (0…8). */
function readPrefix(r: BitReader): number {
  let k = 0;
  while (k < 8 && r.readBit()) k++;
  return k;
}

const HL = new Uint32Array(2);

export function readVarbitInt(r: BitReader): number {
  const k = readPrefix(r);
  if (k === 0) return 0;
  const n = VARBIT_SIZES[k]!;
  r.readBits64(n, HL);
  const hi = HL[1]!;
  const lo = HL[0]!;
  if (n === 64) return (hi | 0) * TWO32 + lo;
  if (n <= 32) {
    const m = 2 ** (n - 1);
    return lo > m ? lo - 2 ** n : lo;
  }
  // n > 32: negative when the value exceeds 2^(n-1), i.e. its top bit is set and it is not exactly 2^(n-1).
  const hm = 2 ** (n - 33);
  if (hi > hm || (hi === hm && lo > 0)) return (hi - 2 ** (n - 32)) * TWO32 + lo;
  return hi * TWO32 + lo;
}

export function readVarbitUint(r: BitReader): number {
  const k = readPrefix(r);
  if (k === 0) return 0;
  r.readBits64(VARBIT_SIZES[k]!, HL);
  return HL[1]! * TWO32 + HL[0]!;
}

/** The leading/trailing-zero window of one XOR-encoded value stream. */
export interface XORState {
  /** Bits of the previous value. */
  hi: number;
  lo: number;
  /** 0xff: no window yet. */
  leading: number;
  trailing: number;
}

export function newXORState(v = 0): XORState {
  F64[0] = v;
  return { hi: U32[1]!, lo: U32[0]!, leading: 0xff, trailing: 0 };
}

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** Writes v XORed against the state's previous value, updating the state. */
export function xorWrite(w: BitWriter, st: XORState, v: number): void {
  F64[0] = v;
  const nh = U32[1]!;
  const nl = U32[0]!;
  const dh = (nh ^ st.hi) >>> 0;
  const dl = (nl ^ st.lo) >>> 0;
  st.hi = nh;
  st.lo = nl;
  if (dh === 0 && dl === 0) {
    w.writeBit(false);
    return;
  }
  w.writeBit(true);
  let lead = clz64(dh, dl);
  const trail = ctz64(dh, dl);
  if (lead >= 32) lead = 31;
  let sh: number;
  let sig: number;
  if (st.leading !== 0xff && lead >= st.leading && trail >= st.trailing) {
    w.writeBit(false);
    sh = st.trailing;
    sig = 64 - st.leading - st.trailing;
  } else {
    st.leading = lead;
    st.trailing = trail;
    w.writeBit(true);
    w.writeBits(lead, 5);
    sig = 64 - lead - trail;
    w.writeBits(sig & 63, 6);
    sh = trail;
  }
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
  w.writeBits64(rh, rl, sig);
}

/** Reads a value XORed against the state's previous one; returns it and updates the state. */
export function xorRead(r: BitReader, st: XORState): number {
  if (r.readBit()) {
    if (r.readBit()) {
      st.leading = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      st.trailing = 64 - st.leading - sig;
    }
    const sig = 64 - st.leading - st.trailing;
    r.readBits64(sig, HL);
    let hi = HL[1]!;
    let lo = HL[0]!;
    const sh = st.trailing;
    if (sh >= 32) {
      hi = (lo << (sh - 32)) >>> 0;
      lo = 0;
    } else if (sh > 0) {
      hi = ((hi << sh) | (lo >>> (32 - sh))) >>> 0;
      lo = (lo << sh) >>> 0;
    }
    st.hi = (st.hi ^ hi) >>> 0;
    st.lo = (st.lo ^ lo) >>> 0;
  }
  U32[1] = st.hi;
  U32[0] = st.lo;
  return F64[0]!;
}
