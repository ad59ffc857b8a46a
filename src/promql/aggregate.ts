// Aggregation (sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile,
// count_values) over an evaluated instant vector, group by group and step by step.
import { type Labels, METRIC_NAME } from '../model/labels/index.js';
import { formatFloatG, formatGoFloatF } from '../model/value/index.js';
import { executionError } from './errors.js';
import type { AggregateExpr } from './parser/index.js';
import { quantile } from './functions.js';
import { selectK } from './topk.js';
import { SeriesAcc, type EvalResult, type EvalSeries, type StepEvaluator } from './eval_series.js';

/** Cells (group × step) an aggregation accumulates at once: steps are taken in blocks that fit. */
const AGG_CELLS = 1 << 16;

/** e over v: param is topk/bottomk's k or quantile's φ per step, label count_values' label. */
export async function aggregateVector(
  ev: StepEvaluator,
  e: AggregateExpr,
  v: EvalSeries[],
  param: Float64Array | null,
  label: string,
): Promise<EvalResult> {
  const op = e.op;
  const grouping = e.grouping;
  const without = e.without;
  const dropNames = without ? [...grouping, METRIC_NAME] : [];
  const groupOf = new Int32Array(v.length);
  const groupKeys = new Map<string, number>();
  const groupMetric: Labels[] = [];
  for (let s = 0; s < v.length; s++) {
    const m = v[s]!.metric;
    const g = without ? m.drop(dropNames) : m.keep(grouping);
    const k = g.key();
    let gi = groupKeys.get(k);
    if (gi === undefined) {
      gi = groupMetric.length;
      groupKeys.set(k, gi);
      groupMetric.push(g);
    }
    groupOf[s] = gi;
  }
  const G = groupMetric.length;
  const acc = new SeriesAcc();
  if (op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values') {
    const members: number[][] = Array.from({ length: G }, () => []);
    const touched: number[] = [];
    const cv = new Map<string, { metric: Labels; count: number }>();
    const byWithValue = [...grouping, label];
    ev.forEachStep(v, (i, t, present, at) => {
      touched.length = 0;
      for (const s of present) {
        const gi = op === 'count_values' ? 0 : groupOf[s]!;
        if (members[gi]!.length === 0) touched.push(gi);
        members[gi]!.push(s);
      }
      const val = (s: number): number => v[s]!.fs[at[s]!]!;
      for (const gi of touched) {
        const ms = members[gi]!;
        if (op === 'quantile') {
          ev.warnQuantile(param![i]!, e.param!);
          acc.add(groupMetric[gi]!, String(gi), t, quantile(param![i]!, ms.map(val)));
        } else if (op === 'count_values') {
          cv.clear();
          for (const s of ms) {
            // The value label is set before grouping, so it can merge groups (as in Prometheus).
            const withValue = v[s]!.metric.builder()
              .set(label, formatGoFloatF(val(s)))
              .labels();
            const metric = without ? withValue.drop(dropNames) : withValue.keep(byWithValue);
            const k = metric.key();
            const c = cv.get(k);
            if (c === undefined) cv.set(k, { metric, count: 1 });
            else c.count++;
          }
          for (const [k, c] of cv) acc.add(c.metric, k, t, c.count);
        } else {
          const kf = param![i]!;
          if (!(kf >= 1)) {
            ms.length = 0;
            continue;
          }
          if (kf > Number.MAX_SAFE_INTEGER * 1024)
            throw executionError(`Scalar value ${formatFloatG(kf)} overflows int64`);
          const k = Math.trunc(kf);
          const heap = selectK(ms, val, k, op === 'topk');
          for (const s of heap) acc.add(v[s]!.metric, v[s]!.metric.key(), t, val(s));
        }
        ms.length = 0;
      }
    });
    return { type: 'vector', series: acc.result() };
  }
  // Series by series over a block of steps (each series' points read in order, not every
  // series visited at every step), into one cell per group and step. Within a cell the series
  // still come in their order, so sums and means are the same floats as step by step.
  const B = Math.max(1, Math.min(ev.steps, Math.floor(AGG_CELLS / G)));
  const value = new Float64Array(G * B);
  const mean = new Float64Array(G * B);
  const count = new Float64Array(G * B);
  const seen = new Uint8Array(G * B);
  const touchedAt: number[][] = Array.from({ length: B }, () => []);
  const groupKey = groupMetric.map((_, gi) => String(gi));
  const ptr = new Int32Array(v.length);
  for (let b0 = 0; b0 < ev.steps; b0 += B) {
    const nb = Math.min(B, ev.steps - b0);
    const blockEnd = ev.stepTime(b0 + nb - 1);
    for (let s = 0; s < v.length; s++) {
      const { ts, fs } = v[s]!;
      const row = groupOf[s]! * B - b0;
      let p = ptr[s]!;
      for (; p < ts.length && ts[p]! <= blockEnd; p++) {
        const i = ev.stepIndex(ts[p]!);
        const c = row + i;
        const f = fs[p]!;
        if (seen[c] === 0) {
          seen[c] = 1;
          touchedAt[i - b0]!.push(groupOf[s]!);
          count[c] = 1;
          value[c] = op === 'stddev' || op === 'stdvar' ? 0 : f;
          mean[c] = f;
          continue;
        }
        const n = ++count[c]!;
        switch (op) {
          case 'sum':
            value[c]! += f;
            break;
          case 'avg': {
            const m = mean[c]!;
            if (m === Infinity || m === -Infinity) {
              if ((f === Infinity || f === -Infinity) && m > 0 === f > 0) break;
              if (Number.isFinite(f)) break;
            }
            mean[c] = m + (f / n - m / n);
            break;
          }
          case 'max':
            if (value[c]! < f || Number.isNaN(value[c]!)) value[c] = f;
            break;
          case 'min':
            if (value[c]! > f || Number.isNaN(value[c]!)) value[c] = f;
            break;
          case 'stddev':
          case 'stdvar': {
            const delta = f - mean[c]!;
            mean[c]! += delta / n;
            value[c]! += delta * (f - mean[c]!);
            break;
          }
        }
      }
      ptr[s] = p;
      if (ev.ctx.shouldYield()) await ev.ctx.yieldNow();
    }
    for (let j = 0; j < nb; j++) {
      const t = ev.stepTime(b0 + j);
      for (const gi of touchedAt[j]!) {
        const c = gi * B + j;
        seen[c] = 0;
        let out: number;
        switch (op) {
          case 'avg':
            out = mean[c]!;
            break;
          case 'count':
            out = count[c]!;
            break;
          case 'group':
            out = 1;
            break;
          case 'stdvar':
            out = value[c]! / count[c]!;
            break;
          case 'stddev':
            out = Math.sqrt(value[c]! / count[c]!);
            break;
          default:
            out = value[c]!;
        }
        acc.add(groupMetric[gi]!, groupKey[gi]!, t, out);
      }
      touchedAt[j]!.length = 0;
    }
  }
  return { type: 'vector', series: acc.result() };
}
