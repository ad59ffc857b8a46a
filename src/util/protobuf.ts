// Protocol-buffer wire format (remote read/write messages, the protobuf exposition format): a writer that grows one
// buffer and a reader over a Uint8Array. Only the wire types prompb uses: varint (0), 64-bit (1),
// length-delimited (2).

/** A message that is not valid protobuf (or a torn/corrupt streamed frame): the decoders' only error. */
export class ProtoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtoError';
  }
}

const f64 = new Float64Array(1);
const u8 = new Uint8Array(f64.buffer);
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export class ProtoWriter {
  private buf = new Uint8Array(1024);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  get length(): number {
    return this.pos;
  }

  varint(v: number): void {
    this.ensure(10);
    // Numbers here are non-negative or int64 timestamps within ±2^53; negative ones use 10 bytes.
    if (v < 0) {
      let lo = v >>> 0; // two's complement low word
      let hi = Math.floor(v / 4294967296) >>> 0;
      for (let i = 0; i < 9; i++) {
        this.buf[this.pos++] = (lo & 0x7f) | 0x80;
        lo = ((lo >>> 7) | (hi << 25)) >>> 0;
        hi >>>= 7;
      }
      this.buf[this.pos++] = 1;
      return;
    }
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.ensure(8);
    f64[0] = v;
    this.buf.set(u8, this.pos);
    this.pos += 8;
  }

  int64(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, 0);
    this.varint(v);
  }

  string(field: number, s: string): void {
    const bytes = textEncoder.encode(s);
    this.bytes(field, bytes);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes a nested message built by fn into field. */
  message(field: number, fn: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    fn(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

export class ProtoReader {
  pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly end: number = buf.length,
  ) {}

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    // Two 32-bit halves, so that negative int64s (10-byte varints) decode exactly.
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('proto: unexpected end of buffer');
      const b = this.buf[this.pos++]!;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) {
        lo >>>= 0;
        if (hi & 0x80000000) return -((~hi >>> 0) * 4294967296 + (~lo >>> 0) + 1);
        return (hi >>> 0) * 4294967296 + lo;
      }
    }
    throw new ProtoError('proto: varint overflow');
  }

  tag(): { field: number; wireType: number } {
    const t = this.varint();
    return { field: Math.floor(t / 8), wireType: t & 7 };
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoError('proto: unexpected end of buffer');
    u8.set(this.buf.subarray(this.pos, this.pos + 8));
    this.pos += 8;
    return f64[0]!;
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.end) throw new ProtoError('proto: unexpected end of buffer');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  string(): string {
    return textDecoder.decode(this.bytes());
  }

  sub(): ProtoReader {
    const n = this.varint();
    if (this.pos + n > this.end) throw new ProtoError('proto: unexpected end of buffer');
    const r = new ProtoReader(this.buf, this.pos + n);
    r.pos = this.pos;
    this.pos += n;
    return r;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        return;
      case 2: {
        // Not `this.pos += this.varint()`: that adds the length to the position from before it.
        const n = this.varint();
        this.pos += n;
        return;
      }
      case 5:
        this.pos += 4;
        return;
      default:
        throw new ProtoError(`proto: unsupported wire type ${wireType}`);
    }
  }
}

/** A sint32/sint64 (zigzag-encoded) value from its varint. */
export function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** Repeated scalars, packed (one length-delimited field) or not. */
export function readRepeated(
  r: ProtoReader,
  wireType: number,
  out: number[],
  one: (r: ProtoReader) => number,
): void {
  if (wireType !== 2) {
    out.push(one(r));
    return;
  }
  const p = r.sub();
  while (!p.done()) out.push(one(p));
}

/** A native histogram's BucketSpan {sint32 offset = 1; uint32 length = 2}: the same message in the exposition format and in prompb. */
export function readBucketSpan(r: ProtoReader): { offset: number; length: number } {
  const s = { offset: 0, length: 0 };
  while (!r.done()) {
    const t = r.tag();
    if (t.field === 1 && t.wireType === 0) s.offset = unzigzag(r.varint());
    else if (t.field === 2 && t.wireType === 0) s.length = r.varint();
    else r.skip(t.wireType);
  }
  return s;
}
