// Scrape bodies are bytes; the parsers read strings. A body that is not valid UTF-8 is decoded
// with each invalid byte kept as a lone low surrogate (U+DC80–U+DCFF, "surrogateescape"), which
// no valid UTF-8 decodes to: the parser can then refuse a label value that held invalid bytes, as
// Prometheus does ("invalid UTF-8 label value"), instead of storing U+FFFD and keeping the target up.
import { isUtf8 } from 'node:buffer';

/** Length of the valid UTF-8 sequence starting at b[i] (a byte ≥ 0x80), or 0 when it is invalid. */
function seqLen(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const n = b.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean =>
    i + k < n && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf; // no UTF-16 surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf; // nothing past U+10FFFF
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** The body as a string, invalid bytes kept as lone surrogates (see the file comment). */
export function decodeExposition(raw: Uint8Array): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (isUtf8(buf)) return buf.toString('utf8');
  let out = '';
  let run = 0;
  let i = 0;
  while (i < buf.length) {
    if (buf[i]! < 0x80) {
      i++;
      continue;
    }
    const len = seqLen(buf, i);
    if (len > 0) {
      i += len;
      continue;
    }
    out += buf.toString('utf8', run, i) + String.fromCharCode(0xdc00 | buf[i]!);
    i++;
    run = i;
  }
  return out + buf.toString('utf8', run, buf.length);
}

/** Whether the char at s[i] stands for an invalid byte (a low surrogate without its high half). */
export function isEscapedByte(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc00 || c > 0xdfff) return false;
  if (i === 0) return true;
  const p = s.charCodeAt(i - 1);
  return p < 0xd800 || p > 0xdbff;
}

/** Go's %q of the bytes a decoded string came from: escaped bytes come out as \xNN. */
export function goQuoteBytes(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isEscapedByte(s, i)) out += '\\x' + (c & 0xff).toString(16).padStart(2, '0');
    else if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 9) out += '\\t';
    else if (c === 13) out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}
