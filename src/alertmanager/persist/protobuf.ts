// Just enough protocol buffers for Alertmanager's snapshot files (silences, nflog): varints,
// length-delimited fields, google.protobuf.Timestamp, and the varint-length-delimited message
// stream the files are made of.

export class ProtoError extends Error {}

export class ProtoWriter {
  private readonly parts: number[] = [];

  private varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  uint(field: number, v: number | bigint): this {
    if (v === 0 || v === 0n) return this;
    this.tag(field, 0);
    this.varint(BigInt(v));
    return this;
  }

  bool(field: number, v: boolean): this {
    return v ? this.uint(field, 1) : this;
  }

  bytes(field: number, b: Uint8Array): this {
    if (b.length === 0) return this;
    this.tag(field, 2);
    this.varint(BigInt(b.length));
    for (const x of b) this.parts.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  /** An embedded message; written even when empty (non-nullable gogo fields always are). */
  message(field: number, m: ProtoWriter): this {
    const b = m.finish();
    this.tag(field, 2);
    this.varint(BigInt(b.length));
    for (const x of b) this.parts.push(x);
    return this;
  }

  timestamp(field: number, ms: number): this {
    const secs = Math.floor(ms / 1000);
    const nanos = (ms - secs * 1000) * 1_000_000;
    return this.message(field, new ProtoWriter().uint(1, BigInt(secs)).uint(2, nanos));
  }

  packedUints(field: number, vs: readonly bigint[]): this {
    if (vs.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of vs) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export interface ProtoField {
  field: number;
  wire: number;
  /** For varints. */
  int: bigint;
  /** For length-delimited fields. */
  data: Uint8Array;
}

function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let x = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new ProtoError('unexpected end of data in varint');
    const c = b[pos++]!;
    x |= BigInt(c & 0x7f) << shift;
    if (c < 0x80) return [x, pos];
    shift += 7n;
  }
  throw new ProtoError('varint too long');
}

export function readFields(b: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [tag, p] = readVarint(b, pos);
    pos = p;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(b, pos);
      pos = p2;
      out.push({ field, wire, int: v, data: new Uint8Array() });
    } else if (wire === 2) {
      const [len, p2] = readVarint(b, pos);
      const end = p2 + Number(len);
      if (end > b.length) throw new ProtoError('unexpected end of data in field');
      out.push({ field, wire, int: 0n, data: b.subarray(p2, end) });
      pos = end;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > b.length) throw new ProtoError('unexpected end of data in fixed field');
    } else throw new ProtoError(`unsupported wire type ${wire}`);
  }
  return out;
}

export function readTimestamp(b: Uint8Array): number {
  let secs = 0n;
  let nanos = 0n;
  for (const f of readFields(b)) {
    if (f.field === 1) secs = BigInt.asIntN(64, f.int);
    if (f.field === 2) nanos = BigInt.asIntN(32, f.int);
  }
  return Number(secs) * 1000 + Math.floor(Number(nanos) / 1_000_000);
}

export function readPackedUints(f: ProtoField): bigint[] {
  if (f.wire === 0) return [f.int];
  const out: bigint[] = [];
  let pos = 0;
  while (pos < f.data.length) {
    const [v, p] = readVarint(f.data, pos);
    out.push(v);
    pos = p;
  }
  return out;
}

export const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** Frames messages as the snapshot files hold them: each prefixed with its varint length. */
export function writeDelimited(msgs: readonly Uint8Array[]): Buffer {
  const chunks: Buffer[] = [];
  for (const m of msgs) {
    const len: number[] = [];
    let n = m.length;
    while (n >= 0x80) {
      len.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    len.push(n);
    chunks.push(Buffer.from(len), Buffer.from(m));
  }
  return Buffer.concat(chunks);
}

/**
 * Reads a delimited stream; stops at the first message that is cut short or does not decode
 * and says where, keeping the messages before it.
 */
export function readDelimited<T>(
  b: Uint8Array,
  decode: (m: Uint8Array) => T,
): { items: T[]; error: string | null } {
  const items: T[] = [];
  let pos = 0;
  while (pos < b.length) {
    let len: bigint;
    let p: number;
    try {
      [len, p] = readVarint(b, pos);
    } catch (e) {
      return { items, error: `at byte ${pos}: ${(e as Error).message}` };
    }
    const end = p + Number(len);
    if (end > b.length)
      return { items, error: `at byte ${pos}: message of ${len} bytes cut short` };
    try {
      items.push(decode(b.subarray(p, end)));
    } catch (e) {
      return { items, error: `at byte ${pos}: ${(e as Error).message}` };
    }
    pos = end;
  }
  return { items, error: null };
}
