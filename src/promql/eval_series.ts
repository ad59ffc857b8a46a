// The values evaluation works with: series as parallel timestamp/value arrays, and the
// builders that collect them (by step, by output label set) and deduplicate label sets.
import { type Labels, METRIC_NAME } from '../model/labels/index.js';
import { ERR_SAME_LABELSET, executionError } from './errors.js';
import type { Expr } from './parser/index.js';
import type { QueryContext } from './context.js';

/** One series of an evaluated instant vector (points at step times) or range vector (raw points). */
export interface EvalSeries {
  metric: Labels;
  ts: number[];
  fs: number[];
}

export type EvalResult =
  | { type: 'scalar'; vals: Float64Array }
  | { type: 'string'; v: string }
  | { type: 'vector'; series: EvalSeries[] }
  | { type: 'matrix'; series: EvalSeries[] };

export function dropName(ls: Labels): Labels {
  return ls.has(METRIC_NAME) ? ls.withoutMetricName() : ls;
}

/**
 * The points of one series at a time, kept in arrays sized for every step and reused across
 * series. A series with a point at every step shares one array of the step times (evaluation
 * never changes a series' arrays in place), so dense results hold their timestamps once.
 */
export class StepPoints {
  readonly series: EvalSeries[] = [];
  points = 0;
  private readonly ts: Float64Array;
  private readonly fs: Float64Array;
  private n = 0;
  private everyStep: number[] | null = null;
  constructor(private readonly steps: number) {
    this.ts = new Float64Array(steps);
    this.fs = new Float64Array(steps);
  }
  push(t: number, f: number): void {
    this.ts[this.n] = t;
    this.fs[this.n++] = f;
  }
  /** Ends the current series: kept with this metric if it has points (arrays of its exact size). */
  take(metric: Labels): void {
    const n = this.n;
    if (n === 0) return;
    const ts = n === this.steps && this.everyStep !== null ? this.everyStep : new Array<number>(n);
    const fs = new Array<number>(n);
    for (let i = 0; i < n; i++) fs[i] = this.fs[i]!;
    if (ts !== this.everyStep) {
      for (let i = 0; i < n; i++) ts[i] = this.ts[i]!;
      if (n === this.steps) this.everyStep = ts;
    }
    this.series.push({ metric, ts, fs });
    this.points += n;
    this.n = 0;
  }
}

/** decreases[i]: how many of the samples 1..i are lower than the one before (a reused array, grown as needed). */

export class SeriesAcc {
  private readonly map = new Map<string, EvalSeries>();
  add(metric: Labels, key: string, t: number, f: number): void {
    let s = this.map.get(key);
    if (s === undefined) {
      s = { metric, ts: [], fs: [] };
      this.map.set(key, s);
    } else if (s.ts[s.ts.length - 1] === t) {
      throw executionError(ERR_SAME_LABELSET);
    }
    s.ts.push(t);
    s.fs.push(f);
  }
  result(): EvalSeries[] {
    return [...this.map.values()];
  }
}

/** Merges series that share a label set (an error if they have a point at the same step). */
export function dedupe(list: EvalSeries[], strict = false): EvalSeries[] {
  if (list.length < 2) return list;
  const byKey = new Map<string, number>();
  const out: EvalSeries[] = [];
  for (const s of list) {
    const k = s.metric.key();
    const i = byKey.get(k);
    if (i === undefined) {
      byKey.set(k, out.length);
      out.push(s);
      continue;
    }
    if (strict) throw executionError(ERR_SAME_LABELSET);
    const a = out[i]!;
    const ts: number[] = [];
    const fs: number[] = [];
    let x = 0;
    let y = 0;
    while (x < a.ts.length || y < s.ts.length) {
      if (y >= s.ts.length || (x < a.ts.length && a.ts[x]! < s.ts[y]!)) {
        ts.push(a.ts[x]!);
        fs.push(a.fs[x++]!);
      } else if (x >= a.ts.length || s.ts[y]! < a.ts[x]!) {
        ts.push(s.ts[y]!);
        fs.push(s.fs[y++]!);
      } else {
        throw executionError(ERR_SAME_LABELSET);
      }
    }
    out[i] = { metric: a.metric, ts, fs };
  }
  return out;
}

/** The series with one label set (an empty value removes the label), as label_replace/label_join do. */
export function withLabel(s: EvalSeries, name: string, value: string): EvalSeries {
  const b = s.metric.builder();
  if (value === '') b.del(name);
  else b.set(name, value);
  return { metric: b.labels(), ts: s.ts, fs: s.fs };
}

/** What the step-by-step operators (aggregation, vector matching) need of the evaluator. */
export interface StepEvaluator {
  readonly steps: number;
  readonly ctx: QueryContext;
  stepTime(i: number): number;
  stepIndex(t: number): number;
  forEachStep(
    v: EvalSeries[],
    fn: (i: number, t: number, present: number[], at: Int32Array) => void,
  ): void;
  warnQuantile(q: number, param: Expr): void;
}
