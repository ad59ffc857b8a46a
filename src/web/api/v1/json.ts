// Response bodies as JSON bytes in pieces. A query result can hold millions of points: it is
// written straight into buffers (no array of [t, "v"] pairs per point for JSON.stringify to walk,
// no long string to flatten and copy again), and the pieces go to the socket, or through a gzip
// stream whose work runs in libuv's thread pool, off the event loop.
import { setImmediate as yieldMacrotask } from 'node:timers/promises';
import type { Labels } from '../../../model/labels/index.js';
import { formatFloat } from '../../../model/value/index.js';

/** JSON already encoded, placed as is where it stands in a body. */
export class RawJSON {
  constructor(readonly pieces: Buffer[]) {}
}

const YIELD_EVERY_MS = 10;

/** Size of each piece written out. */
const PIECE = 64 * 1024;

/** Appends JSON text to a list of fixed-size buffers. */
class PieceWriter {
  readonly pieces: Buffer[] = [];
  private buf = Buffer.allocUnsafe(PIECE);
  private pos = 0;

  /** Text known to be ASCII (numbers, punctuation, formatted floats): copied by char code, no native call. */
  ascii(s: string): void {
    if (this.pos + s.length > this.buf.length) this.flush(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    const n = Buffer.byteLength(s);
    if (this.pos + n > this.buf.length) this.flush(n);
    this.pos += this.buf.write(s, this.pos);
  }

  private flush(need: number): void {
    if (this.pos > 0) this.pieces.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(PIECE, need));
    this.pos = 0;
  }

  done(): RawJSON {
    if (this.pos > 0) this.pieces.push(this.buf.subarray(0, this.pos));
    return new RawJSON(this.pieces);
  }
}

/**
 * Seconds as the API writes timestamps (whole ms, so at most three decimals). The steps of a
 * range query repeat in every series, so their texts are kept for the length of one result, and
 * the texts of a whole timestamp array are kept while series share it (the engine gives series
 * with a point at every step one array of step times).
 */
class TimestampTexts {
  private readonly memo = new Map<number, string>();
  private lastTs: ArrayLike<number> | null = null;
  private lastTexts: string[] = [];

  text(t: number): string {
    let s = this.memo.get(t);
    if (s === undefined) {
      if (this.memo.size >= 1 << 16) this.memo.clear();
      s = String(t / 1000);
      this.memo.set(t, s);
    }
    return s;
  }

  texts(ts: ArrayLike<number>): string[] {
    if (ts !== this.lastTs) {
      this.lastTs = ts;
      this.lastTexts = Array.from(ts, (t) => this.text(t));
    }
    return this.lastTexts;
  }
}

function writeLabels(w: PieceWriter, l: Labels): void {
  let s = '{';
  for (let i = 0; i < l.length; i++)
    s += `${i > 0 ? ',' : ''}${JSON.stringify(l.nameAt(i))}:${JSON.stringify(l.valueAt(i))}`;
  w.text(s + '}');
}

function writePoint(w: PieceWriter, time: string, f: number): void {
  w.ascii('[');
  w.ascii(time);
  w.ascii(',"');
  w.ascii(formatFloat(f));
  w.ascii('"]');
}

/** An instant vector: `[{"metric":{…},"value":[t,"v"]},…]`. */
export function vectorJSON(samples: readonly { metric: Labels; t: number; f: number }[]): RawJSON {
  const w = new PieceWriter();
  const times = new TimestampTexts();
  w.ascii('[');
  samples.forEach((s, i) => {
    w.ascii(i > 0 ? ',{"metric":' : '{"metric":');
    writeLabels(w, s.metric);
    w.ascii(',"value":');
    writePoint(w, times.text(s.t), s.f);
    w.ascii('}');
  });
  w.ascii(']');
  return w.done();
}

/** A range vector: `[{"metric":{…},"values":[[t,"v"],…]},…]`; yields to the event loop every few ms (results run to millions of points). */
export async function matrixJSON(
  series: readonly { metric: Labels; ts: ArrayLike<number>; fs: ArrayLike<number> }[],
): Promise<RawJSON> {
  const w = new PieceWriter();
  const times = new TimestampTexts();
  let lastYield = performance.now();
  w.ascii('[');
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      await yieldMacrotask();
      lastYield = performance.now();
    }
    w.ascii(i > 0 ? ',{"metric":' : '{"metric":');
    writeLabels(w, s.metric);
    w.ascii(',"values":[');
    const texts = times.texts(s.ts);
    for (let k = 0; k < texts.length; k++) {
      if (k > 0) w.ascii(',');
      writePoint(w, texts[k]!, s.fs[k]!);
    }
    w.ascii(']}');
  }
  w.ascii(']');
  return w.done();
}

function isPlainContainer(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The JSON of a value as buffers: what JSON.stringify gives, with RawJSON spliced in. */
export function jsonPieces(value: unknown): Buffer[] {
  const out: Buffer[] = [];
  let cur = '';
  const walk = (v: unknown): void => {
    if (v instanceof RawJSON) {
      if (cur !== '') out.push(Buffer.from(cur));
      cur = '';
      for (const p of v.pieces) out.push(p);
      return;
    }
    if (v === null || typeof v !== 'object' || !isPlainContainer(v)) {
      cur += JSON.stringify(v) ?? 'null';
      return;
    }
    if (Array.isArray(v)) {
      cur += '[';
      v.forEach((e, i) => {
        if (i > 0) cur += ',';
        walk(e === undefined || typeof e === 'function' ? null : e);
      });
      cur += ']';
      return;
    }
    cur += '{';
    let first = true;
    for (const [k, e] of Object.entries(v)) {
      if (e === undefined || typeof e === 'function' || typeof e === 'symbol') continue;
      cur += `${first ? '' : ','}${JSON.stringify(k)}:`;
      first = false;
      walk(e);
    }
    cur += '}';
  };
  walk(value);
  if (cur !== '') out.push(Buffer.from(cur));
  return out;
}
