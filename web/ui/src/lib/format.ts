// Text forms the result tables use, matching Prometheus's UI.
export type LabelSet = Record<string, string>;

/** `name{a="b", c="d"}` with Go-style quoting of values. */
export function formatSeriesName(metric: LabelSet): string {
  const name = metric.__name__ ?? '';
  const rest = Object.keys(metric)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(metric[k])}`);
  if (rest.length === 0) return name === '' ? '{}' : name;
  return `${name}{${rest.join(', ')}}`;
}

/** Counts of alert states in a rule list. */
export function countStates(states: string[]): {
  inactive: number;
  pending: number;
  firing: number;
} {
  const c = { inactive: 0, pending: 0, firing: 0 };
  for (const s of states) if (s === 'inactive' || s === 'pending' || s === 'firing') c[s]++;
  return c;
}

/** True when every whitespace-separated word of the search text is found in the haystack. */
export function matchesSearch(haystack: string, search: string): boolean {
  const h = haystack.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => h.includes(w));
}

/** Human bytes for the TSDB page. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(2)} ${units[i]}`;
}

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

/** Colour of the i-th series as #rrggbb: the palette first, then hues a golden angle apart, so colours rarely repeat. */
export function seriesColor(i: number): string {
  if (i < PALETTE.length) return PALETTE[i]!;
  const h = (i * 137.508) % 360;
  const s = 0.65;
  const l = 0.45;
  const f = (n: number): string => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** A native histogram sample as the query API gives it. */
export interface HistogramValue {
  count: string;
  sum: string;
  buckets?: Array<[number, string, string, string]>;
}

/** One line for a native histogram in the table: count, sum and the non-empty buckets with their bounds. */
export function formatHistogram(h: HistogramValue): string {
  // Boundary rule 0: (lower, upper]; 1: [lower, upper); 2: (lower, upper); 3: [lower, upper].
  const open = ['(', '[', '(', '['];
  const close = [']', ')', ')', ']'];
  const buckets = (h.buckets ?? []).map(
    ([rule, lo, hi, n]) => `${open[rule] ?? '('}${lo},${hi}${close[rule] ?? ']'}:${n}`,
  );
  return `count=${h.count} sum=${h.sum}${buckets.length ? ` ${buckets.join(' ')}` : ''}`;
}

const SI_BIG = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_SMALL = ['', 'm', 'µ', 'n', 'p', 'f', 'a', 'z', 'y'];

/**
 * A y-axis tick as Prometheus's graph labels it: SI prefixes by powers of 1000 (1.5M, 250k, 20m),
 * at most 4 significant digits, so a byte or a nanosecond graph stays readable in a narrow axis.
 */
export function formatAxisValue(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  let exp = Math.floor(Math.log10(abs) / 3);
  exp = Math.max(-(SI_SMALL.length - 1), Math.min(SI_BIG.length - 1, exp));
  const scaled = v / 1000 ** exp;
  const unit = exp >= 0 ? SI_BIG[exp] : SI_SMALL[-exp];
  return `${parseFloat(scaled.toPrecision(4))}${unit}`;
}
