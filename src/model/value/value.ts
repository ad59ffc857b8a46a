// Special float values of the data model.

/** Prometheus's staleness marker: a NaN with a payload no computation produces (0x7ff0000000000002). */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
u32[0] = 0x00000002;
u32[1] = 0x7ff00000;
export const STALE_NAN: number = f64[0]!;

/** True only for the staleness marker, not for an ordinary NaN. */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false; // not NaN at all
  f64[0] = v;
  return u32[0] === 0x00000002 && u32[1] === 0x7ff00000;
}

function padExponent(s: string): string {
  // JS writes 1e-7 / 1e+21; Go writes 1e-07 / 1e+21 (at least two exponent digits).
  const i = s.indexOf('e');
  if (i < 0) return s;
  const sign = s[i + 1] === '-' ? '-' : '+';
  let digits = s.slice(i + 1).replace(/^[+-]/, '');
  if (digits.length < 2) digits = '0' + digits;
  return `${s.slice(0, i)}e${sign}${digits}`;
}

/**
 * Float formatting of the HTTP API's sample values (Prometheus's jsonutil): NaN, +Inf, -Inf;
 * otherwise Go's 'f' format with the shortest digits, or 'e' below 1e-6 and from 1e21 — the same
 * thresholds as JavaScript's own number-to-string, so only the exponent needs padding.
 */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  return padExponent(String(v));
}

/**
 * Go's strconv.FormatFloat(v, 'g', -1, 64), used by the text exposition format (/metrics,
 * /federate) and by promtool: for the shortest digits Go switches to exponent form when the
 * decimal exponent is < -4 or >= 6 (so 1234567 is written 1.234567e+06).
 */
export function formatFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const e = v.toExponential(); // shortest round-trip digits: d.ddde±x
  const exp = Number(e.slice(e.indexOf('e') + 1));
  if (exp < -4 || exp >= 6) return padExponent(e);
  return String(v);
}
