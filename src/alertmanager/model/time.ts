// Go's time values as Alertmanager prints them: RFC 3339 with nanoseconds trimmed, and the zero
// time (0001-01-01T00:00:00Z) meaning "unset". Held here as milliseconds since the epoch, the
// zero time as ZERO_TIME.

export const ZERO_TIME = -62135596800000;

/** time.Time's JSON form (RFC3339Nano, UTC). */
export function formatGoTime(ms: number): string {
  if (ms === ZERO_TIME) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return iso.slice(0, 19) + (frac === '' ? '' : '.' + frac) + 'Z';
}

/** Parses an RFC 3339 time as Go's time.Parse(RFC3339) / strfmt.DateTime; NaN when invalid. */
export function parseGoTime(s: string): number {
  if (s === '0001-01-01T00:00:00Z' || s === '0001-01-01T00:00:00.000Z') return ZERO_TIME;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(s)) return NaN;
  // Date keeps milliseconds; digits beyond them are dropped rather than rounded, as truncation
  // keeps the order of two times.
  const m = /^(.*\.\d{3})\d+(.*)$/.exec(s);
  return Date.parse(m ? m[1]! + m[2]! : s);
}

/** The contract's zero time (integration.ts) for a Date: new Date(0). */
export function contractDate(ms: number): Date {
  return ms === ZERO_TIME ? new Date(0) : new Date(ms);
}
