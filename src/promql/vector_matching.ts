// Binary operators between vectors and scalars, and between two vectors with Prometheus's vector
// matching (on/ignoring, group_left/group_right, and/or/unless), step by step.
import { METRIC_NAME, type Labels } from '../model/labels/index.js';
import type { BinaryExpr } from './parser/index.js';
import { executionError } from './errors.js';
import { ARITHMETIC, COMPARISON, elemBinop, elemKeeps } from './binop.js';
import { dedupe, dropName, SeriesAcc, type EvalSeries, type StepEvaluator } from './eval_series.js';

export function vectorScalar(
  ev: StepEvaluator,
  v: EvalSeries[],
  s: Float64Array,
  op: string,
  swap: boolean,
  returnBool: boolean,
): EvalSeries[] {
  const isComparison = COMPARISON.has(op);
  const out: EvalSeries[] = [];
  for (const ser of v) {
    const metric = ARITHMETIC.has(op) || returnBool ? dropName(ser.metric) : ser.metric;
    const ts: number[] = [];
    const fs: number[] = [];
    for (let k = 0; k < ser.ts.length; k++) {
      const sv = s[ev.stepIndex(ser.ts[k]!)]!;
      const vv = ser.fs[k]!;
      let value = swap ? elemBinop(op, sv, vv) : elemBinop(op, vv, sv);
      const keep = swap ? elemKeeps(op, sv, vv) : elemKeeps(op, vv, sv);
      if (isComparison && swap) value = vv;
      if (returnBool) {
        value = keep ? 1 : 0;
      } else if (!keep) {
        continue;
      }
      ts.push(ser.ts[k]!);
      fs.push(value);
    }
    if (ts.length > 0) out.push({ metric, ts, fs });
  }
  return dedupe(out);
}

function signatures(_ev: StepEvaluator, v: EvalSeries[], on: boolean, names: string[]): string[] {
  const dropNames = on ? [] : [...names, METRIC_NAME];
  return v.map((s) => (on ? s.metric.keep(names) : s.metric.drop(dropNames)).key());
}

/** Walks the steps, calling fn with the indices of the series that have a point at each. */
export function andUnless(
  ev: StepEvaluator,
  l: EvalSeries[],
  r: EvalSeries[],
  on: boolean,
  names: string[],
  isAnd: boolean,
): EvalSeries[] {
  if (l.length === 0) return [];
  const ls = signatures(ev, l, on, names);
  const rs = signatures(ev, r, on, names);
  const rightAt: Set<string>[] = Array.from({ length: ev.steps }, () => new Set<string>());
  for (let s = 0; s < r.length; s++)
    for (const t of r[s]!.ts) rightAt[ev.stepIndex(t)]!.add(rs[s]!);
  const out: EvalSeries[] = [];
  for (let s = 0; s < l.length; s++) {
    const ser = l[s]!;
    const ts: number[] = [];
    const fs: number[] = [];
    for (let k = 0; k < ser.ts.length; k++) {
      if (rightAt[ev.stepIndex(ser.ts[k]!)]!.has(ls[s]!) === isAnd) {
        ts.push(ser.ts[k]!);
        fs.push(ser.fs[k]!);
      }
    }
    if (ts.length > 0) out.push({ metric: ser.metric, ts, fs });
  }
  return out;
}

export function or(
  ev: StepEvaluator,
  l: EvalSeries[],
  r: EvalSeries[],
  on: boolean,
  names: string[],
): EvalSeries[] {
  const ls = signatures(ev, l, on, names);
  const rs = signatures(ev, r, on, names);
  const leftAt: Set<string>[] = Array.from({ length: ev.steps }, () => new Set<string>());
  for (let s = 0; s < l.length; s++) for (const t of l[s]!.ts) leftAt[ev.stepIndex(t)]!.add(ls[s]!);
  const out: EvalSeries[] = [...l];
  for (let s = 0; s < r.length; s++) {
    const ser = r[s]!;
    const ts: number[] = [];
    const fs: number[] = [];
    for (let k = 0; k < ser.ts.length; k++) {
      if (!leftAt[ev.stepIndex(ser.ts[k]!)]!.has(rs[s]!)) {
        ts.push(ser.ts[k]!);
        fs.push(ser.fs[k]!);
      }
    }
    if (ts.length > 0) out.push({ metric: ser.metric, ts, fs });
  }
  return dedupe(out);
}

export async function vectorVector(
  ev: StepEvaluator,
  l: EvalSeries[],
  r: EvalSeries[],
  op: string,
  vm: NonNullable<BinaryExpr['vectorMatching']>,
  returnBool: boolean,
): Promise<EvalSeries[]> {
  if (l.length === 0 || r.length === 0) return [];
  const oneToMany = vm.card === 'one-to-many';
  // The "many" side is walked; the "one" side is looked up by signature.
  const many = oneToMany ? r : l;
  const one = oneToMany ? l : r;
  const manySigs = signatures(ev, many, vm.on, vm.matchingLabels);
  const oneSigs = signatures(ev, one, vm.on, vm.matchingLabels);
  const dropMetricName = ARITHMETIC.has(op) || returnBool;
  const outLabels = new Map<number, { metric: Labels; key: string }>();
  const resultMetric = (mi: number, oi: number): { metric: Labels; key: string } => {
    const ck = mi * one.length + oi;
    let o = outLabels.get(ck);
    if (o !== undefined) return o;
    const b = many[mi]!.metric.builder();
    if (dropMetricName) b.del(METRIC_NAME);
    if (vm.card === 'one-to-one') {
      if (vm.on) b.keep(...vm.matchingLabels);
      else b.del(...vm.matchingLabels);
    }
    const oneMetric = one[oi]!.metric;
    for (const ln of vm.include) {
      const v = oneMetric.get(ln);
      if (v !== '') b.set(ln, v);
      else b.del(ln);
    }
    const metric = b.labels();
    o = { metric, key: metric.key() };
    outLabels.set(ck, o);
    return o;
  };
  const matchLabels = (m: Labels): string =>
    (vm.on ? m.keep(vm.matchingLabels) : m.drop([...vm.matchingLabels, METRIC_NAME])).toString();
  const acc = new SeriesAcc();
  const oneAt = new Map<string, number>();
  const matched = new Map<string, Set<string> | null>();
  const oneIdx = new Map<number, number>();
  // Points of the "one" side per step, by series.
  const onePtr = new Int32Array(one.length);
  ev.forEachStep(many, (_i, t, present, at) => {
    oneAt.clear();
    matched.clear();
    oneIdx.clear();
    for (let oi = 0; oi < one.length; oi++) {
      const ser = one[oi]!;
      const p = onePtr[oi]!;
      if (p >= ser.ts.length || ser.ts[p] !== t) continue;
      onePtr[oi] = p + 1;
      const sig = oneSigs[oi]!;
      const dup = oneAt.get(sig);
      if (dup !== undefined) {
        const side = oneToMany ? 'left' : 'right';
        throw executionError(
          `found duplicate series for the match group ${matchLabels(ser.metric)} on the ${side} hand-side of the operation: [${ser.metric.toString()}, ${one[dup]!.metric.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      oneAt.set(sig, oi);
      oneIdx.set(oi, p);
    }
    for (const mi of present) {
      const sig = manySigs[mi]!;
      const oi = oneAt.get(sig);
      if (oi === undefined) continue;
      let fl = many[mi]!.fs[at[mi]!]!;
      let fr = one[oi]!.fs[oneIdx.get(oi)!]!;
      if (oneToMany) [fl, fr] = [fr, fl];
      let value = elemBinop(op, fl, fr);
      const keep = elemKeeps(op, fl, fr);
      if (returnBool) value = keep ? 1 : 0;
      else if (!keep) continue;
      const out = resultMetric(mi, oi);
      const inserted = matched.get(sig);
      if (vm.card === 'one-to-one') {
        if (inserted !== undefined)
          throw executionError(
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        matched.set(sig, null);
      } else {
        let set = inserted;
        if (set === undefined || set === null) {
          set = new Set<string>();
          matched.set(sig, set);
        } else if (set.has(out.key)) {
          throw executionError(
            'multiple matches for labels: grouping labels must ensure unique matches',
          );
        }
        set.add(out.key);
      }
      acc.add(out.metric, out.key, t, value);
    }
  });
  return acc.result();
}

// ---- aggregations ----------------------------------------------------------------------
