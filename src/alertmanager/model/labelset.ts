// Alertmanager's label sets (prometheus/common model.LabelSet): fingerprints, the printed form
// used in group keys, the ordering of alerts within a notification, validation.
import { goQuote } from '../../model/labels/index.js';

export type LabelSet = Readonly<Record<string, string>>;

const enc = new TextEncoder();

// FNV-1a 64 on four 16-bit limbs (little end first), all integer arithmetic: the prime is
// 2^40 + 0x1b3, so a product is each limb times 0x1b3 plus the limb two places down times 2^8.
let h0 = 0;
let h1 = 0;
let h2 = 0;
let h3 = 0;

function fnvByte(b: number): void {
  h0 ^= b;
  const t0 = h0 * 0x1b3;
  const t1 = h1 * 0x1b3 + (t0 >>> 16);
  const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
  h3 = (h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16)) & 0xffff;
  h0 = t0 & 0xffff;
  h1 = t1 & 0xffff;
  h2 = t2 & 0xffff;
}

/** Hashes a string's UTF-8 bytes: ASCII directly, anything else through the encoder. */
function fnvString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      for (const b of enc.encode(s.slice(i))) fnvByte(b);
      return;
    }
    fnvByte(c);
  }
}

const hex4 = (x: number): string => x.toString(16).padStart(4, '0');

/** model.LabelSet.Fingerprint(): FNV-1a 64 over the sorted names and values, 16 hex digits. */
export function fingerprint(ls: LabelSet): string {
  // The offset basis 0xcbf29ce484222325.
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;
  for (const name of Object.keys(ls).sort()) {
    fnvString(name);
    fnvByte(0xff);
    fnvString(ls[name]!);
    fnvByte(0xff);
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

/** model.LabelSet.String(): `{a="1", b="2"}`, names sorted, values Go-quoted. */
export function labelSetString(ls: LabelSet): string {
  return (
    '{' +
    Object.keys(ls)
      .sort()
      .map((k) => `${k}=${goQuote(ls[k]!)}`)
      .join(', ') +
    '}'
  );
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
