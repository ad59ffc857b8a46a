// Alertmanager's label sets (prometheus/common model.LabelSet): fingerprints, the printed form
// used in group keys, the ordering of alerts within a notification, validation.
import { goQuote } from '../../model/labels/index.js';

export type LabelSet = Readonly<Record<string, string>>;

const enc = new TextEncoder();
const TWO32 = 4294967296;
// FNV-1a 64, computed on two 32-bit halves because a Number cannot hold 64 bits exactly.
const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3; // the prime is 2^40 + 0x1b3

function fnvBytes(hi: number, lo: number, bytes: Uint8Array): [number, number] {
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    const a = lo * PRIME_LO;
    const carry = Math.floor(a / TWO32);
    const nlo = a % TWO32;
    hi = (hi * PRIME_LO + carry + ((lo * 256) % TWO32)) % TWO32;
    lo = nlo;
  }
  return [hi, lo];
}

// The running hash of fingerprint(), kept here so that hashing a label allocates nothing.
let fpHi = 0;
let fpLo = 0;

function fnvByte(b: number): void {
  const lo = (fpLo ^ b) >>> 0;
  const a = lo * PRIME_LO;
  fpHi = (fpHi * PRIME_LO + Math.floor(a / TWO32) + ((lo * 256) % TWO32)) % TWO32;
  fpLo = a % TWO32;
}

/** Hashes a string's UTF-8 bytes: ASCII directly, anything else through the encoder. */
function fnvString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      [fpHi, fpLo] = fnvBytes(fpHi, fpLo, enc.encode(s.slice(i)));
      return;
    }
    fnvByte(s.charCodeAt(i));
  }
}

/** model.LabelSet.Fingerprint(): FNV-1a 64 over the sorted names and values, 16 hex digits. */
export function fingerprint(ls: LabelSet): string {
  fpHi = OFFSET_HI;
  fpLo = OFFSET_LO;
  for (const name of Object.keys(ls).sort()) {
    fnvString(name);
    fnvByte(0xff);
    fnvString(ls[name]!);
    fnvByte(0xff);
  }
  return fpHi.toString(16).padStart(8, '0') + fpLo.toString(16).padStart(8, '0');
}

/** model.LabelSet.String(): `{a="1", b="2"}`, names sorted, values Go-quoted. */
export function labelSetString(ls: LabelSet): string {
  return '{' + Object.keys(ls).sort().map((k) => `${k}=${goQuote(ls[k]!)}`).join(', ') + '}';
}

/** model.LabelSet.Before: fewer labels first, then the first differing name or value. */
export function labelSetBefore(a: LabelSet, b: LabelSet): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length < kb.length;
  for (const n of [...ka, ...kb].sort()) {
    const va = a[n];
    if (va === undefined) return true;
    const vb = b[n];
    if (vb === undefined) return false;
    if (va !== vb) return va < vb;
  }
  return false;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLabelName(n: string): boolean {
  return LABEL_NAME.test(n);
}

/** model.LabelSet.Validate's message for the first bad pair, or null. */
export function validateLabelSet(ls: LabelSet): string | null {
  for (const [k, v] of Object.entries(ls)) {
    if (!isValidLabelName(k)) return `invalid name "${k}"`;
    if (!isWellFormedUTF16(v)) return `invalid value "${v}"`;
  }
  return null;
}

function isWellFormedUTF16(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** The labels' values for `names` (missing ones absent): a group's labels. */
export function pick(ls: LabelSet, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = ls[n];
    if (v !== undefined && v !== '') out[n] = v;
  }
  return out;
}
