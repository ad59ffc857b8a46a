// PromQL's functions over one series at a time: the range-vector functions see one window of
// samples (indices lo..hi-1 of parallel timestamp/value arrays, no copies), the instant-vector
// ones one value. Functions that look at a whole vector (absent, sort, histogram_quantile,
// label_*) live in the evaluator.
import { kahanSumInc } from './kahan.js';
import { executionError } from './errors.js';
import { formatGoPercentF } from '../model/value/index.js';

/** A window of one series: samples lo ≤ i < hi, timestamps in ms. */
export interface Window {
  ts: ArrayLike<number>;
  fs: ArrayLike<number>;
  lo: number;
  hi: number;
  /** The window's bounds (ms) and the evaluation time of the step. */
  rangeStart: number;
  rangeEnd: number;
  stepT: number;
  /**
   * For the counter functions (COUNTER_FUNCTIONS), decreases[i] counts the samples up to i that
   * are lower than the one before: a window with none needs no walk for counter resets.
   */
  decreases: Int32Array | null;
}

/** Returns the output value, or undefined for no output at this step. */
export type RangeFunction = (w: Window, args: readonly number[]) => number | undefined;

const comp = new Float64Array(1);

function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, fs, lo, hi } = w;
  const n = hi - lo;
  if (n < 2) return undefined;
  const firstT = ts[lo]!;
  const firstF = fs[lo]!;
  const lastT = ts[hi - 1]!;
  let result = fs[hi - 1]! - firstF;
  if (isCounter && (w.decreases === null || w.decreases[hi - 1] !== w.decreases[lo])) {
    let prev = firstF;
    for (let i = lo + 1; i < hi; i++) {
      const cur = fs[i]!;
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart = (firstT - w.rangeStart) / 1000;
  const durationToEnd = (w.rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  if (isCounter && result > 0 && firstF >= 0) {
    // A counter cannot go below zero: don't extrapolate past the point it would have been 0.
    const durationToZero = sampledInterval * (firstF / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval +=
    durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval +=
    durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
  // One factor, then one multiplication, in Prometheus's order: the rounding is then the same
  // (multiplying and dividing the result in turn gave 0.2 where Prometheus gives 0.19999999999999998).
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= (w.rangeEnd - w.rangeStart) / 1000;
  return result * factor;
}

function instantValue(w: Window, isRate: boolean): number | undefined {
  const { ts, fs, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  const last = fs[hi - 1]!;
  const prev = fs[hi - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  const sampledInterval = ts[hi - 1]! - ts[hi - 2]!;
  if (sampledInterval === 0) return undefined;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

/** Least squares fit of the window, x in seconds relative to interceptTime (Kahan-summed). */
export function linearRegression(
  w: Window,
  interceptTime: number,
): [slope: number, intercept: number] {
  const { ts, fs, lo, hi } = w;
  let n = 0;
  let sumX = 0,
    cX = 0,
    sumY = 0,
    cY = 0,
    sumXY = 0,
    cXY = 0,
    sumX2 = 0,
    cX2 = 0;
  const initY = fs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const f = fs[i]!;
    if (constY && i > lo && f !== initY) constY = false;
    n++;
    const x = (ts[i]! - interceptTime) / 1000;
    sumX = kahanSumInc(x, sumX, cX, comp);
    cX = comp[0]!;
    sumY = kahanSumInc(f, sumY, cY, comp);
    cY = comp[0]!;
    sumXY = kahanSumInc(x * f, sumXY, cXY, comp);
    cXY = comp[0]!;
    sumX2 = kahanSumInc(x * x, sumX2, cX2, comp);
    cX2 = comp[0]!;
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

function sumOverTime(w: Window): number {
  let sum = 0,
    c = 0;
  for (let i = w.lo; i < w.hi; i++) {
    sum = kahanSumInc(w.fs[i]!, sum, c, comp);
    c = comp[0]!;
  }
  if (!Number.isFinite(sum)) return sum;
  return sum + c;
}

function avgOverTime(w: Window): number {
  let mean = 0,
    count = 0,
    c = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const f = w.fs[i]!;
    count++;
    if (count === 1) {
      mean = f;
      continue;
    }
    if (mean === Infinity || mean === -Infinity) {
      // An infinite mean stays as it is unless an opposite infinity or a NaN comes.
      if ((f === Infinity || f === -Infinity) && mean > 0 === f > 0) continue;
      if (Number.isFinite(f)) continue;
    }
    mean = kahanSumInc(f / count - mean / count, mean, c, comp);
    c = comp[0]!;
  }
  if (!Number.isFinite(mean)) return mean;
  return mean + c;
}

function varianceOverTime(w: Window): number {
  let count = 0,
    mean = 0,
    cMean = 0,
    aux = 0,
    cAux = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const f = w.fs[i]!;
    count++;
    const delta = f - (mean + cMean);
    mean = kahanSumInc(delta / count, mean, cMean, comp);
    cMean = comp[0]!;
    aux = kahanSumInc(delta * (f - (mean + cMean)), aux, cAux, comp);
    cAux = comp[0]!;
  }
  return (aux + cAux) / count;
}

/** The φ-quantile of values (sorted in place), NaN first as Prometheus sorts them. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort(compareNaNFirst);
  const n = values.length;
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return values[lowerIndex]! * (1 - weight) + values[upperIndex]! * weight;
}

export function compareNaNFirst(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function holtWinters(w: Window, sf: number, tf: number): number | undefined {
  if (sf <= 0 || sf >= 1)
    throw executionError(
      `invalid smoothing factor. Expected: 0 < sf < 1, got: ${formatGoPercentF(sf)}`,
    );
  if (tf <= 0 || tf >= 1)
    throw executionError(
      `invalid trend factor. Expected: 0 < tf < 1, got: ${formatGoPercentF(tf)}`,
    );
  const { fs, lo, hi } = w;
  const l = hi - lo;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = fs[lo]!;
  let b = fs[lo + 1]! - fs[lo]!;
  for (let i = 1; i < l; i++) {
    const x = sf * fs[lo + i]!;
    if (i > 1) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

/** Go's %f (6 decimals), used in a few error texts. */

const RANGE_FUNCTIONS: Record<string, RangeFunction> = {
  rate: (w) => extrapolatedRate(w, true, true),
  increase: (w) => extrapolatedRate(w, true, false),
  delta: (w) => extrapolatedRate(w, false, false),
  irate: (w) => instantValue(w, true),
  idelta: (w) => instantValue(w, false),
  deriv: (w) => {
    if (w.hi - w.lo < 2) return undefined;
    return linearRegression(w, w.ts[w.lo]!)[0];
  },
  predict_linear: (w, args) => {
    if (w.hi - w.lo < 2) return undefined;
    const [slope, intercept] = linearRegression(w, w.stepT);
    return slope * args[0]! + intercept;
  },
  holt_winters: (w, args) => holtWinters(w, args[0]!, args[1]!),
  changes: (w) => {
    if (w.hi === w.lo) return undefined;
    let changes = 0;
    let prev = w.fs[w.lo]!;
    for (let i = w.lo + 1; i < w.hi; i++) {
      const cur = w.fs[i]!;
      if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) changes++;
      prev = cur;
    }
    return changes;
  },
  resets: (w) => {
    if (w.hi === w.lo) return undefined;
    let resets = 0;
    let prev = w.fs[w.lo]!;
    for (let i = w.lo + 1; i < w.hi; i++) {
      const cur = w.fs[i]!;
      if (cur < prev) resets++;
      prev = cur;
    }
    return resets;
  },
  avg_over_time: (w) => (w.hi === w.lo ? undefined : avgOverTime(w)),
  sum_over_time: (w) => (w.hi === w.lo ? undefined : sumOverTime(w)),
  count_over_time: (w) => (w.hi === w.lo ? undefined : w.hi - w.lo),
  min_over_time: (w) => {
    if (w.hi === w.lo) return undefined;
    let min = w.fs[w.lo]!;
    for (let i = w.lo + 1; i < w.hi; i++) {
      const f = w.fs[i]!;
      if (f < min || Number.isNaN(min)) min = f;
    }
    return min;
  },
  max_over_time: (w) => {
    if (w.hi === w.lo) return undefined;
    let max = w.fs[w.lo]!;
    for (let i = w.lo + 1; i < w.hi; i++) {
      const f = w.fs[i]!;
      if (f > max || Number.isNaN(max)) max = f;
    }
    return max;
  },
  last_over_time: (w) => (w.hi === w.lo ? undefined : w.fs[w.hi - 1]!),
  present_over_time: (w) => (w.hi === w.lo ? undefined : 1),
  absent_over_time: (w) => (w.hi === w.lo ? undefined : 1),
  stddev_over_time: (w) => (w.hi === w.lo ? undefined : Math.sqrt(varianceOverTime(w))),
  stdvar_over_time: (w) => (w.hi === w.lo ? undefined : varianceOverTime(w)),
  quantile_over_time: (w, args) => {
    if (w.hi === w.lo) return undefined;
    const values: number[] = [];
    for (let i = w.lo; i < w.hi; i++) values.push(w.fs[i]!);
    return quantile(args[0]!, values);
  },
};

export type ElementFunction = (f: number, args: readonly number[], t: number) => number;

function dateFn(get: (d: Date) => number): ElementFunction {
  return (f) => {
    const d = new Date(Math.trunc(f) * 1000);
    return get(d);
  };
}

/** Instant-vector functions computed value by value; all drop the metric name. */
const ELEMENT_FUNCTIONS: Record<string, ElementFunction> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  deg: (f) => (f * 180) / Math.PI,
  rad: (f) => (f * Math.PI) / 180,
  sgn: (f) => (f < 0 ? -1 : f > 0 ? 1 : f),
  round: (f, args) => {
    const toNearest = args.length > 0 ? args[0]! : 1;
    // Prometheus divides by the inverse so that e.g. round(x, 0.1) gives exact tenths.
    const inv = 1 / toNearest;
    return Math.floor(f * inv + 0.5) / inv;
  },
  clamp: (f, args) => Math.max(args[0]!, Math.min(args[1]!, f)),
  clamp_min: (f, args) => Math.max(args[0]!, f),
  clamp_max: (f, args) => Math.min(args[0]!, f),
  days_in_month: dateFn((d) =>
    new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  ),
  day_of_month: dateFn((d) => d.getUTCDate()),
  day_of_week: dateFn((d) => d.getUTCDay()),
  day_of_year: dateFn((d) => {
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - start) / 86400000) + 1;
  }),
  hour: dateFn((d) => d.getUTCHours()),
  minute: dateFn((d) => d.getUTCMinutes()),
  month: dateFn((d) => d.getUTCMonth() + 1),
  year: dateFn((d) => d.getUTCFullYear()),
};

const DATE_FUNCTIONS = [
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
];

/** A function over one range-vector argument (and scalars), evaluated window by window. */
export interface RangeEntry {
  kind: 'range';
  fn: RangeFunction;
  /** The output keeps the input's metric name (last_over_time); all others drop it. */
  keepsName: boolean;
  /** Reads windows as counters: resets add the value before them (rate, increase). */
  counter: boolean;
  /** The scalar argument that is a quantile, warned about when outside [0, 1]. */
  quantileArg: number | null;
  /** The output is 1 at the steps where the input has no point (absent_over_time). */
  absent: boolean;
}

/** A function of an instant vector's values one by one (and scalars); drops the metric name. */
export interface ElementEntry {
  kind: 'element';
  fn: ElementFunction;
  /** Without arguments it reads vector(time()) (the date functions). */
  defaultsToTime: boolean;
  /** A step whose scalar arguments make it yield no sample (clamp with max < min). */
  skipStep: ((args: readonly number[]) => boolean) | null;
}

export type FunctionEntry = RangeEntry | ElementEntry;

const RANGE_FLAGS: Record<string, Partial<RangeEntry>> = {
  last_over_time: { keepsName: true },
  rate: { counter: true },
  increase: { counter: true },
  quantile_over_time: { quantileArg: 0 },
  absent_over_time: { absent: true },
};

const ELEMENT_FLAGS: Record<string, Partial<ElementEntry>> = {
  clamp: { skipStep: (args) => args[1]! < args[0]! },
  ...Object.fromEntries(DATE_FUNCTIONS.map((n) => [n, { defaultsToTime: true }])),
};

/** The functions the evaluator computes through one loop per kind, with each one's flags. */
export const FUNCTIONS: Record<string, FunctionEntry> = {
  ...Object.fromEntries(
    Object.entries(RANGE_FUNCTIONS).map(([n, fn]) => [
      n,
      {
        kind: 'range',
        fn,
        keepsName: false,
        counter: false,
        quantileArg: null,
        absent: false,
        ...RANGE_FLAGS[n],
      } satisfies RangeEntry,
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(ELEMENT_FUNCTIONS).map(([n, fn]) => [
      n,
      {
        kind: 'element',
        fn,
        defaultsToTime: false,
        skipStep: null,
        ...ELEMENT_FLAGS[n],
      } satisfies ElementEntry,
    ]),
  ),
};
