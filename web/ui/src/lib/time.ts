// Duration text as Prometheus's UI writes it ("1h", "5m30s", "2w").
const UNITS: Array<[string, number]> = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE =
  /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses "1h30m" into milliseconds; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '' || s === '0') return s === '0' ? 0 : null;
  const m = DURATION_RE.exec(s);
  if (!m) return null;
  let total = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) total += parseInt(g, 10) * UNITS[i]![1];
  }
  return total;
}

/** Formats milliseconds as the shortest unit string ("90m" → "1h30m"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [u, size] of UNITS) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** "2006-01-02 15:04:05" in UTC, the form Prometheus puts in end_input/moment_input. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Parses "2006-01-02 15:04:05" (UTC) or an RFC 3339 text; null when invalid. */
export function parseTime(text: string): number | null {
  const s = text.trim();
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
      s,
    );
  if (!m) return null;
  const base = Date.UTC(
    +m[1]!,
    +m[2]! - 1,
    +m[3]!,
    +m[4]!,
    +m[5]!,
    m[6] ? +m[6] : 0,
    m[7] ? Math.round(+`0.${m[7]}` * 1000) : 0,
  );
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const off = (+m[8].slice(1, 3) * 60 + +m[8].slice(4, 6)) * 60000;
    return base - sign * off;
  }
  return base;
}

/** "3.2s ago" style relative time, as the targets page shows last scrapes. */
export function formatAgo(fromMs: number, nowMs: number): string {
  const d = nowMs - fromMs;
  if (!isFinite(d)) return 'Never';
  if (d < 1000) return `${Math.max(0, Math.round(d))}ms ago`;
  if (d < 60000) return `${(d / 1000).toFixed(3).replace(/\.?0+$/, '')}s ago`;
  return `${formatDuration(Math.round(d / 1000) * 1000)} ago`;
}

/** Scrape duration in seconds → "12.345ms" / "1.234s". */
export function formatSeconds(sec: number): string {
  if (sec < 1) return `${(sec * 1000).toFixed(3)}ms`;
  return `${sec.toFixed(3)}s`;
}

/** The default step Prometheus's UI picks: range / 250 points, at least 1s. */
export function defaultStep(rangeMs: number): number {
  return Math.max(Math.floor(rangeMs / 250 / 1000), 1);
}

/** The range and end time a drag over [fromMs, toMs] on the graph selects (whole seconds, at least 1s). */
export function zoomedRange(fromMs: number, toMs: number): { rangeInput: string; endTime: number } {
  const range = Math.max(1000, Math.round((toMs - fromMs) / 1000) * 1000);
  return { rangeInput: formatDuration(range), endTime: Math.round(toMs / 1000) * 1000 };
}

/** The end time the ‹‹ / ›› buttons move to: half a range back or forward from the end ("now" when unset). */
export function shiftedEnd(
  endTime: number | null,
  rangeMs: number,
  dir: -1 | 1,
  nowMs: number,
): number {
  return Math.round(((endTime ?? nowMs) + (dir * rangeMs) / 2) / 1000) * 1000;
}

/** "2006-01-02 15:04:05" in the browser's time zone. */
export function formatLocalTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The browser's offset from UTC at a moment, as "+01:00". */
export function utcOffset(ms: number): string {
  const off = -new Date(ms).getTimezoneOffset();
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** A time for display: UTC, or the browser's local time with its offset. */
export function formatDisplayTime(ms: number, local: boolean): string {
  return local ? `${formatLocalTime(ms)} ${utcOffset(ms)}` : formatTime(ms);
}

/** Largest epoch milliseconds a JS Date holds; the TSDB reports ±2^63 for an empty head. */
const MAX_DATE_MS = 8.64e15;

/** "2006-01-02 15:04:05 UTC" (or local time with its offset) for a timestamp in ms or an RFC 3339 text; "-" when there is none (empty head, Go zero time). */
export function formatTimestamp(t: number | string, local = false): string {
  const ms = typeof t === 'string' ? Date.parse(t) : t;
  if (!isFinite(ms) || Math.abs(ms) > MAX_DATE_MS || ms <= Date.UTC(1, 0, 1)) return '-';
  return local ? formatDisplayTime(ms, true) : `${formatTime(ms)} UTC`;
}

/** A time-axis tick label in UTC (or local time), 24-hour: seconds when ticks are under a minute apart, the date when a day or more. */
export function axisTimeLabel(ms: number, tickSpacingMs: number, local = false): string {
  const full = local ? formatLocalTime(ms) : formatTime(ms); // "2006-01-02 15:04:05"
  if (tickSpacingMs >= 24 * 3600 * 1000) return full.slice(5, 10);
  if (tickSpacingMs >= 60 * 1000) return full.slice(11, 16);
  return full.slice(11, 19);
}
