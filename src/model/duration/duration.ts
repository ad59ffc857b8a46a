// Prometheus durations (common/model.Duration): "1y2w3d4h5m6s7ms", units y=365d, w=7d, d, h, m,
// s, ms, each at most once and in that order. Values are milliseconds.

const UNITS: [string, number][] = [
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

export class DurationError extends Error {}

/** Parses a Prometheus duration; "0" is allowed. Throws DurationError as Prometheus words it. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new DurationError('empty duration string');
  const m = DURATION_RE.exec(s);
  if (m === null) throw new DurationError(`not a valid duration string: "${s}"`);
  let total = 0;
  let any = false;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g === undefined) continue;
    any = true;
    total += Number(g) * UNITS[i]![1];
  }
  if (!any) throw new DurationError(`not a valid duration string: "${s}"`);
  if (!Number.isSafeInteger(total)) throw new DurationError('duration out of range');
  return total;
}

/** Formats like model.Duration.String(): largest units first, "0s" for zero; y and w only when exact. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let out = '';
  let rest = ms;
  if (rest < 0) {
    out = '-';
    rest = -rest;
  }
  for (const [u, size] of UNITS) {
    // Like model.Duration.String(): years and weeks only when they divide exactly ("90d", not "12w6d").
    if ((u === 'y' || u === 'w') && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${u}`;
      rest -= n * size;
    }
  }
  return out;
}
