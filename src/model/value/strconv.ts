// Go's number text, in one place: strconv.ParseFloat (`le` bucket bounds), FormatFloat 'f' and
// 'e' with the shortest exact digits (count_values, API and unit-test messages), and fmt's %f.

const DECIMAL = /^[+-]?(?:\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/;

/** strconv.ParseFloat(s, 64); NaN plus ok=false when s is not a Go float. */
export function parseGoFloat(s: string): number | null {
  const lower = s.toLowerCase();
  switch (lower) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  if (DECIMAL.test(s)) {
    if (s.includes('_')) return null; // underscores are only allowed with a base prefix
    return Number(s);
  }
  const m = HEX.exec(s);
  if (m && (m[2]! + m[3]!).length > 0) {
    const mant = parseInt(m[2]! + m[3]!, 16);
    const v = mant * Math.pow(2, Number(m[4]) - 4 * m[3]!.length);
    return m[1] === '-' ? -v : v;
  }
  return null;
}

/** strconv.FormatFloat(f, 'f', -1, 64): the shortest exact decimal, never an exponent. */
export function formatGoFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  const e = s.indexOf('e');
  if (e < 0) return Object.is(f, -0) ? '-0' : s;
  const neg = s[0] === '-';
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const intLen = (dot < 0 ? mant.length : dot) + exp;
  let out: string;
  if (intLen <= 0) out = '0.' + '0'.repeat(-intLen) + digits;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = digits.slice(0, intLen) + '.' + digits.slice(intLen);
  return (neg ? '-' : '') + out;
}

function nonFinite(f: number): string | null {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  return null;
}

/** strconv.FormatFloat(f, 'e', -1, 64): shortest digits, at least two exponent digits. */
export function formatGoFloatE(f: number): string {
  return nonFinite(f) ?? f.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}

/** fmt's %f (six decimals), as Go's errors print floats. */
export function formatGoPercentF(f: number): string {
  return nonFinite(f) ?? f.toFixed(6);
}

/**
 * Go's time.Duration.String() for a duration in (fractional) milliseconds: `312µs`, `1.5ms`,
 * `2.3s`, `1h59m45.001s`.
 */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return '-' + formatGoDuration(-ms);
  const trim = (v: number, digits: number): string => v.toFixed(digits).replace(/\.?0+$/, '');
  if (ms < 0.001) return `${Math.round(ms * 1e6)}ns`;
  if (ms < 1) return `${trim(ms * 1000, 3)}µs`;
  if (ms < 1000) return `${trim(ms, 6)}ms`;
  const h = Math.floor(ms / 3_600_000);
  let rest = ms - h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  return (h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : '') + trim(rest / 1000, 9) + 's';
}
