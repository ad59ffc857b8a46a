// Evaluation of a PromQL expression over a range of steps (an instant query is one step). Every
// node yields its value at all steps at once: a scalar as one float per step, an instant vector
// as series whose points sit at step timestamps. Labels-only work (signatures, grouping, output
// label sets) is done once per series, not once per sample.
// Why this file is long: the Evaluator is the one recursive walk, and its node methods share the
// step grid, the query context and the lookback; what needs none of that lives beside it
// (binop, vector_matching, quantile, topk, aggregate, eval_series, functions).
import {
  Labels,
  LabelsBuilder,
  MatchType,
  AnchoredRegexp,
  isValidLabelName,
  METRIC_NAME,
} from '../model/labels/index.js';
import { expand } from '../model/relabel/index.js';
import type {
  AggregateExpr,
  BinaryExpr,
  Call,
  Expr,
  SubqueryExpr,
  VectorSelector,
  ValueTypeName,
} from './parser/index.js';
import { exprType, posRange } from './parser/index.js';
import { QueryContext, isStale } from './context.js';
import { PromQLError, executionError } from './errors.js';
import { FUNCTIONS, type ElementEntry, type RangeEntry, type Window } from './functions.js';
import { formatFloatG, parseGoFloat } from '../model/value/index.js';
import { COMPARISON, elemBinop, elemKeeps } from './binop.js';
import { bucketQuantile, type Bucket, type QuantileNotes } from './quantile.js';
import { aggregateVector } from './aggregate.js';
import { andUnless, or, vectorScalar, vectorVector } from './vector_matching.js';
import {
  dedupe,
  dropName,
  SeriesAcc,
  StepPoints,
  withLabel,
  type EvalResult,
  type EvalSeries,
  type StepEvaluator,
} from './eval_series.js';

export type { EvalResult, EvalSeries } from './eval_series.js';

/** Where the windows of a range-vector argument sit: their length, offset and @ time. */
interface MatrixWindow {
  range: number;
  offset: number;
  fixed: number | null;
}

function matrixWindow(arg: Expr): MatrixWindow {
  const e = unwrapParens(arg);
  if (e.kind === 'SubqueryExpr') return { range: e.range, offset: e.offset, fixed: e.timestamp };
  if (e.kind === 'MatrixSelector' && e.vectorSelector.kind === 'VectorSelector') {
    return { range: e.range, offset: e.vectorSelector.offset, fixed: e.vectorSelector.timestamp };
  }
  throw new PromQLError('internal', `expected range vector, got ${e.kind}`);
}

function countDecreases(fs: ArrayLike<number>, n: number, reuse: Int32Array | null): Int32Array {
  const d =
    reuse !== null && reuse.length >= n
      ? reuse
      : new Int32Array(Math.max(n, 2 * (reuse?.length ?? 0)));
  d[0] = 0;
  for (let i = 1; i < n; i++) d[i] = d[i - 1]! + (fs[i]! < fs[i - 1]! ? 1 : 0);
  return d;
}

/** Appends points per output label set, refusing two samples with the same labels at one step. */
function unwrapParens(e: Expr): Expr {
  while (e.kind === 'ParenExpr' || e.kind === 'StepInvariantExpr') e = e.expr;
  return e;
}

const typeCache = new WeakMap<Expr, ValueTypeName>();
function typeOf(e: Expr): ValueTypeName {
  let t = typeCache.get(e);
  if (t === undefined) {
    t = exprType(e);
    typeCache.set(e, t);
  }
  return t;
}

/** The labels absent() and absent_over_time() give: the selector's equality matchers. */
function absentLabels(arg: Expr): Labels {
  const e = unwrapParens(arg);
  let vs: VectorSelector | null = null;
  if (e.kind === 'VectorSelector') vs = e;
  else if (e.kind === 'MatrixSelector' && e.vectorSelector.kind === 'VectorSelector')
    vs = e.vectorSelector;
  if (vs === null) return Labels.EMPTY;
  const b = new LabelsBuilder();
  const has = new Set<string>();
  for (const m of vs.labelMatchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === MatchType.Equal && !has.has(m.name)) {
      b.set(m.name, m.value);
      has.add(m.name);
    } else {
      b.del(m.name);
    }
  }
  return b.labels();
}

export class Evaluator implements StepEvaluator {
  readonly steps: number;
  /** eval calls since the stack last started afresh (see eval). */
  private callsSinceYield = 0;

  constructor(
    readonly ctx: QueryContext,
    readonly start: number,
    readonly end: number,
    readonly interval: number,
    readonly lookback: number,
  ) {
    this.steps = Math.floor((end - start) / interval) + 1;
  }

  stepTime(i: number): number {
    return this.start + i * this.interval;
  }

  stepIndex(t: number): number {
    return Math.round((t - this.start) / this.interval);
  }

  async eval(e: Expr): Promise<EvalResult> {
    // Each level of a tree calls the next synchronously; thousands of nested parentheses or
    // aggregations would exhaust the stack. An await every few calls lets the descent go on
    // from a fresh stack (the awaiting ancestors wait on the heap), so depth is never a limit.
    if (++this.callsSinceYield >= 64) {
      this.callsSinceYield = 0;
      await undefined;
    }
    this.ctx.checkLimits();
    switch (e.kind) {
      case 'NumberLiteral':
        return { type: 'scalar', vals: new Float64Array(this.steps).fill(e.val) };
      case 'StringLiteral':
        return { type: 'string', v: e.val };
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return this.eval(e.expr);
      case 'UnaryExpr': {
        const r = await this.eval(e.expr);
        if (e.op === '+') return r;
        if (r.type === 'scalar') return { type: 'scalar', vals: r.vals.map((v) => -v) };
        if (r.type !== 'vector')
          throw new PromQLError('internal', `unexpected ${r.type} in unary expression`);
        const out = r.series.map((s) => ({
          metric: dropName(s.metric),
          ts: s.ts,
          fs: s.fs.map((f) => -f),
        }));
        return { type: 'vector', series: dedupe(out) };
      }
      case 'VectorSelector':
        return { type: 'vector', series: await this.vectorSelector(e, false) };
      case 'MatrixSelector': {
        const series: EvalSeries[] = [];
        await this.eachMatrixSeries(e, '', (metric, ts, fs, n) => {
          if (n > 0)
            series.push({
              metric,
              ts: Array.prototype.slice.call(ts, 0, n) as number[],
              fs: Array.prototype.slice.call(fs, 0, n) as number[],
            });
        });
        return { type: 'matrix', series };
      }
      case 'SubqueryExpr':
        return { type: 'matrix', series: await this.subquery(e) };
      case 'Call':
        return this.call(e);
      case 'BinaryExpr':
        return this.binary(e);
      case 'AggregateExpr':
        return this.aggregate(e);
    }
  }

  private async evalVector(e: Expr): Promise<EvalSeries[]> {
    const r = await this.eval(e);
    if (r.type === 'vector') return r.series;
    if (r.type === 'scalar')
      return [{ metric: Labels.EMPTY, ts: this.allStepTimes(), fs: Array.from(r.vals) }];
    throw new PromQLError('internal', `expected instant vector, got ${r.type}`);
  }

  private async evalScalar(e: Expr): Promise<Float64Array> {
    const r = await this.eval(e);
    if (r.type !== 'scalar') throw new PromQLError('internal', `expected scalar, got ${r.type}`);
    return r.vals;
  }

  private async evalString(e: Expr): Promise<string> {
    const r = await this.eval(e);
    if (r.type !== 'string') throw new PromQLError('internal', `expected string, got ${r.type}`);
    return r.v;
  }

  private allStepTimes(): number[] {
    const ts = new Array<number>(this.steps);
    for (let i = 0; i < this.steps; i++) ts[i] = this.stepTime(i);
    return ts;
  }

  // ---- selectors -------------------------------------------------------------------------

  /** The latest sample within the lookback window of each step; with sampleTime, its timestamp in seconds. */
  private async vectorSelector(vs: VectorSelector, sampleTime: boolean): Promise<EvalSeries[]> {
    const fixed = vs.timestamp;
    const off = vs.offset;
    const first = (fixed ?? this.start) - off;
    const last = (fixed ?? this.end) - off;
    const out = new StepPoints(this.steps);
    await this.ctx.eachSeries(
      first - this.lookback,
      last,
      vs.labelMatchers,
      { start: first - this.lookback, end: last, step: this.interval },
      false,
      (metric, sts, sfs, n) => {
        if (n === 0) return;
        let j = -1;
        for (let i = 0; i < this.steps; i++) {
          const stepT = this.stepTime(i);
          const ref = (fixed ?? stepT) - off;
          while (j + 1 < n && sts[j + 1]! <= ref) j++;
          if (j < 0 || sts[j]! < ref - this.lookback) continue;
          const f = sfs[j]!;
          if (isStale(f)) continue;
          out.push(stepT, sampleTime ? sts[j]! / 1000 : f);
        }
        out.take(metric);
      },
    );
    this.ctx.add(out.points);
    return out.series;
  }

  /**
   * Calls fn with each series of a range-vector argument (a subquery's, or a selector's raw
   * samples one series at a time, each counted against the sample limit as it comes); returns
   * how many samples it counted, for the caller to release.
   */
  private async eachMatrixSeries(
    arg: Expr,
    func: string,
    fn: (metric: Labels, ts: ArrayLike<number>, fs: ArrayLike<number>, n: number) => void,
  ): Promise<number> {
    const e = unwrapParens(arg);
    if (e.kind === 'SubqueryExpr') {
      const series = await this.subquery(e);
      let points = 0;
      for (const s of series) {
        points += s.ts.length;
        fn(s.metric, s.ts, s.fs, s.ts.length);
        if (this.ctx.shouldYield()) await this.ctx.yieldNow();
      }
      return points;
    }
    if (e.kind !== 'MatrixSelector' || e.vectorSelector.kind !== 'VectorSelector') {
      throw new PromQLError('internal', `expected range vector, got ${e.kind}`);
    }
    const vs = e.vectorSelector;
    const fixed = vs.timestamp;
    const first = (fixed ?? this.start) - vs.offset;
    const last = (fixed ?? this.end) - vs.offset;
    const mint = first - e.range;
    let points = 0;
    await this.ctx.eachSeries(
      mint,
      last,
      vs.labelMatchers,
      { start: mint, end: last, step: this.interval, range: e.range, ...(func ? { func } : {}) },
      true,
      (metric, ts, fs, n) => {
        points += n;
        this.ctx.add(n);
        fn(metric, ts, fs, n);
      },
    );
    return points;
  }

  /** A subquery's inner expression evaluated at its own steps, aligned to multiples of its step. */
  private async subquery(sq: SubqueryExpr): Promise<EvalSeries[]> {
    const step = sq.step > 0 ? sq.step : this.ctx.defaultSubqueryStep;
    const refStart = (sq.timestamp ?? this.start) - sq.offset;
    const refEnd = (sq.timestamp ?? this.end) - sq.offset;
    let newStart = step * Math.trunc((refStart - sq.range) / step);
    if (newStart < refStart - sq.range) newStart += step;
    if (newStart > refEnd) return [];
    const ev = new Evaluator(this.ctx, newStart, refEnd, step, this.lookback);
    return ev.evalVector(sq.expr);
  }

  // ---- functions -------------------------------------------------------------------------

  /** Functions with a shape of their own, each evaluated by its own code. */
  private static readonly special: Record<string, (ev: Evaluator, e: Call) => Promise<EvalResult>> =
    {
      time: async (ev) => ({
        type: 'scalar',
        vals: Float64Array.from({ length: ev.steps }, (_, i) => ev.stepTime(i) / 1000),
      }),
      pi: async (ev) => ({ type: 'scalar', vals: new Float64Array(ev.steps).fill(Math.PI) }),
      vector: async (ev, e) => {
        const vals = await ev.evalScalar(e.args[0]!);
        return {
          type: 'vector',
          series: [{ metric: Labels.EMPTY, ts: ev.allStepTimes(), fs: Array.from(vals) }],
        };
      },
      scalar: async (ev, e) => ({ type: 'scalar', vals: await ev.scalarOf(e.args[0]!) }),
      absent: async (ev, e) => ({ type: 'vector', series: await ev.absent(e.args[0]!) }),
      timestamp: async (ev, e) => {
        const arg = unwrapParens(e.args[0]!);
        if (arg.kind === 'VectorSelector') {
          const series = await ev.vectorSelector(arg, true);
          return {
            type: 'vector',
            series: dedupe(series.map((s) => ({ ...s, metric: dropName(s.metric) }))),
          };
        }
        const v = await ev.evalVector(arg);
        return {
          type: 'vector',
          series: dedupe(
            v.map((s) => ({ metric: dropName(s.metric), ts: s.ts, fs: s.ts.map((t) => t / 1000) })),
          ),
        };
      },
      sort: (ev, e) => ev.sorted(e, 1),
      sort_desc: (ev, e) => ev.sorted(e, -1),
      label_replace: async (ev, e) => ({ type: 'vector', series: await ev.labelReplace(e) }),
      label_join: async (ev, e) => ({ type: 'vector', series: await ev.labelJoin(e) }),
      histogram_quantile: async (ev, e) => ({
        type: 'vector',
        series: await ev.histogramQuantile(e),
      }),
      // These read native histogram samples only; float samples give no output.
      histogram_count: (ev, e) => ev.nativeHistogramsOnly(e),
      histogram_sum: (ev, e) => ev.nativeHistogramsOnly(e),
      histogram_stddev: (ev, e) => ev.nativeHistogramsOnly(e),
      histogram_stdvar: (ev, e) => ev.nativeHistogramsOnly(e),
      histogram_fraction: (ev, e) => ev.nativeHistogramsOnly(e),
    };

  private async call(e: Call): Promise<EvalResult> {
    const name = e.func.name;
    const special = Evaluator.special[name];
    if (special !== undefined) return special(this, e);
    const f = FUNCTIONS[name];
    if (f?.kind === 'range')
      return { type: 'vector', series: await this.rangeFunction(e, name, f) };
    if (f?.kind === 'element') return { type: 'vector', series: await this.elementFunction(e, f) };
    throw new PromQLError('bad_data', `function "${name}" is not supported`);
  }

  private async sorted(e: Call, dir: 1 | -1): Promise<EvalResult> {
    const v = await this.evalVector(e.args[0]!);
    if (this.steps === 1) {
      // NaN goes last either way, as Prometheus's heap orders put it.
      v.sort((a, b) => {
        const x = a.fs[0]!;
        const y = b.fs[0]!;
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return dir * (x - y);
      });
    }
    return { type: 'vector', series: v };
  }

  private async nativeHistogramsOnly(e: Call): Promise<EvalResult> {
    for (const a of e.args) await this.eval(a);
    return { type: 'vector', series: [] };
  }

  private async elementFunction(e: Call, f: ElementEntry): Promise<EvalSeries[]> {
    let series: EvalSeries[];
    if (e.args.length === 0 && f.defaultsToTime) {
      series = [
        {
          metric: Labels.EMPTY,
          ts: this.allStepTimes(),
          fs: this.allStepTimes().map((t) => t / 1000),
        },
      ];
    } else {
      series = await this.evalVector(e.args[0]!);
    }
    const scalars: Float64Array[] = [];
    for (const a of e.args.slice(1)) scalars.push(await this.evalScalar(a));
    const args = new Array<number>(scalars.length);
    const out: EvalSeries[] = [];
    const { fn, skipStep } = f;
    for (const s of series) {
      const ts: number[] = [];
      const fs: number[] = [];
      for (let k = 0; k < s.ts.length; k++) {
        const i = this.stepIndex(s.ts[k]!);
        for (let a = 0; a < scalars.length; a++) args[a] = scalars[a]![i]!;
        if (skipStep !== null && skipStep(args)) continue;
        ts.push(s.ts[k]!);
        fs.push(fn(s.fs[k]!, args, s.ts[k]!));
      }
      if (ts.length > 0) out.push({ metric: dropName(s.metric), ts, fs });
    }
    return dedupe(out);
  }

  private async scalarOf(arg: Expr): Promise<Float64Array> {
    const v = await this.evalVector(arg);
    const vals = new Float64Array(this.steps).fill(NaN);
    const counts = new Uint32Array(this.steps);
    for (const s of v) {
      for (let k = 0; k < s.ts.length; k++) {
        const i = this.stepIndex(s.ts[k]!);
        counts[i]!++;
        vals[i] = s.fs[k]!;
      }
    }
    for (let i = 0; i < this.steps; i++) if (counts[i] !== 1) vals[i] = NaN;
    return vals;
  }

  private async absent(arg: Expr): Promise<EvalSeries[]> {
    return this.absentSteps(await this.evalVector(arg), arg);
  }

  /** absent() and absent_over_time(): 1 at the steps where no series has a point. */
  private absentSteps(v: EvalSeries[], arg: Expr): EvalSeries[] {
    const present = new Uint8Array(this.steps);
    for (const s of v) for (const t of s.ts) present[this.stepIndex(t)] = 1;
    const ts: number[] = [];
    const fs: number[] = [];
    for (let i = 0; i < this.steps; i++) {
      if (present[i] === 0) {
        ts.push(this.stepTime(i));
        fs.push(1);
      }
    }
    return ts.length > 0 ? [{ metric: absentLabels(arg), ts, fs }] : [];
  }

  private async rangeFunction(e: Call, name: string, f: RangeEntry): Promise<EvalSeries[]> {
    const fn = f.fn;
    let matrixIdx = -1;
    const scalars: Float64Array[] = [];
    for (let a = 0; a < e.args.length; a++) {
      if (typeOf(e.args[a]!) === 'matrix') matrixIdx = a;
      else scalars.push(await this.evalScalar(e.args[a]!));
    }
    const m = matrixWindow(e.args[matrixIdx]!);
    const keepName = f.keepsName;
    const args = new Array<number>(scalars.length);
    const w: Window = {
      ts: [],
      fs: [],
      lo: 0,
      hi: 0,
      rangeStart: 0,
      rangeEnd: 0,
      stepT: 0,
      decreases: null,
    };
    const counter = f.counter;
    const qArg = f.quantileArg;
    const out = new StepPoints(this.steps);
    let oneName = true;
    let firstName: string | undefined;
    const loaded = await this.eachMatrixSeries(e.args[matrixIdx]!, name, (metric, sts, sfs, n) => {
      if (n === 0) return;
      w.ts = sts;
      w.fs = sfs;
      if (counter) w.decreases = countDecreases(sfs, n, w.decreases);
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < this.steps; i++) {
        const stepT = this.stepTime(i);
        const ref = (m.fixed ?? stepT) - m.offset;
        const rs = ref - m.range;
        while (hi < n && sts[hi]! <= ref) hi++;
        while (lo < hi && sts[lo]! < rs) lo++;
        if (hi <= lo) continue;
        w.lo = lo;
        w.hi = hi;
        w.rangeStart = rs;
        w.rangeEnd = ref;
        w.stepT = stepT;
        for (let a = 0; a < scalars.length; a++) args[a] = scalars[a]![i]!;
        if (qArg !== null) this.warnQuantile(args[qArg]!, e.args[qArg]!);
        const v = fn(w, args);
        if (v === undefined) continue;
        out.push(stepT, v);
      }
      const metricName = metric.get(METRIC_NAME);
      if (firstName === undefined) firstName = metricName;
      else if (metricName !== firstName) oneName = false;
      out.take(keepName ? metric : dropName(metric));
    });
    this.ctx.release(loaded);
    const series = out.series;
    if (f.absent) return this.absentSteps(series, e.args[0]!);
    this.ctx.add(out.points);
    // Stored series have distinct label sets; with one metric name among them, so have the outputs.
    if (oneName && unwrapParens(e.args[matrixIdx]!).kind === 'MatrixSelector') return series;
    return dedupe(series, true);
  }

  warnQuantile(q: number, param: Expr): void {
    if (q < 0 || q > 1 || Number.isNaN(q))
      this.ctx.annotate(
        `PromQL warning: quantile value should be between 0 and 1, got ${formatFloatG(q)}`,
        posRange(param),
      );
  }

  private async labelReplace(e: Call): Promise<EvalSeries[]> {
    const v = await this.evalVector(e.args[0]!);
    const dst = await this.evalString(e.args[1]!);
    const repl = await this.evalString(e.args[2]!);
    const src = await this.evalString(e.args[3]!);
    const regexStr = await this.evalString(e.args[4]!);
    let re: AnchoredRegexp;
    try {
      re = new AnchoredRegexp(regexStr);
    } catch {
      throw executionError(`invalid regular expression in label_replace(): ${regexStr}`);
    }
    if (!isValidLabelName(dst))
      throw executionError(`invalid destination label name in label_replace(): ${dst}`);
    const out = v.map((s) => {
      const m = re.exec(s.metric.get(src));
      return m === null ? s : withLabel(s, dst, expand(repl, m));
    });
    return dedupe(out);
  }

  private async labelJoin(e: Call): Promise<EvalSeries[]> {
    const v = await this.evalVector(e.args[0]!);
    const dst = await this.evalString(e.args[1]!);
    const sep = await this.evalString(e.args[2]!);
    const srcs: string[] = [];
    for (const a of e.args.slice(3)) {
      const src = await this.evalString(a);
      if (!isValidLabelName(src))
        throw executionError(`invalid source label name in label_join(): ${src}`);
      srcs.push(src);
    }
    if (!isValidLabelName(dst))
      throw executionError(`invalid destination label name in label_join(): ${dst}`);
    return dedupe(v.map((s) => withLabel(s, dst, srcs.map((n) => s.metric.get(n)).join(sep))));
  }

  private async histogramQuantile(e: Call): Promise<EvalSeries[]> {
    const q = await this.evalScalar(e.args[0]!);
    for (const qi of q) this.warnQuantile(qi, e.args[0]!);
    const v = await this.evalVector(e.args[1]!);
    const notes: QuantileNotes = { monotonicityForced: false };
    const groupOf = new Int32Array(v.length).fill(-1);
    const uppers = new Float64Array(v.length);
    const groupKeys = new Map<string, number>();
    const groupMetric: Labels[] = [];
    const groupOutKey: string[] = [];
    for (let s = 0; s < v.length; s++) {
      const metric = v[s]!.metric;
      const le = metric.get('le');
      const upper = parseGoFloat(le);
      if (upper === null || (le === '' && !metric.has('le'))) {
        this.ctx.annotate(
          `PromQL warning: bucket label "le" is missing or has a malformed value of "${le}" for metric name "${metric.metricName()}"`,
          posRange(e.args[1]!),
        );
        continue;
      }
      uppers[s] = upper;
      // Histograms are told apart by name too; two with the same other labels then collide in the output.
      const k = metric.drop(['le']).key();
      let gi = groupKeys.get(k);
      if (gi === undefined) {
        gi = groupMetric.length;
        groupKeys.set(k, gi);
        const g = metric.drop(['le', METRIC_NAME]);
        groupMetric.push(g);
        groupOutKey.push(g.key());
      }
      groupOf[s] = gi;
    }
    const acc = new SeriesAcc();
    const buckets: Bucket[][] = groupMetric.map(() => []);
    const ptr = new Int32Array(v.length);
    const touched: number[] = [];
    for (let i = 0; i < this.steps; i++) {
      const t = this.stepTime(i);
      touched.length = 0;
      for (let s = 0; s < v.length; s++) {
        const ser = v[s]!;
        const p = ptr[s]!;
        if (p >= ser.ts.length || ser.ts[p] !== t) continue;
        ptr[s] = p + 1;
        const gi = groupOf[s]!;
        if (gi < 0) continue;
        const b = buckets[gi]!;
        if (b.length === 0) touched.push(gi);
        b.push({ upper: uppers[s]!, count: ser.fs[p]! });
      }
      for (const gi of touched) {
        notes.monotonicityForced = false;
        acc.add(groupMetric[gi]!, groupOutKey[gi]!, t, bucketQuantile(q[i]!, buckets[gi]!, notes));
        if (notes.monotonicityForced) {
          // Prometheus names the metric after dropping its name, so the name is always empty here.
          this.ctx.annotate(
            'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (and may give inaccurate results) for metric name ""',
            posRange(e.args[1]!),
          );
        }
        buckets[gi]!.length = 0;
      }
    }
    return acc.result();
  }

  // ---- binary operators ------------------------------------------------------------------

  private async binary(e: BinaryExpr): Promise<EvalResult> {
    const lt = typeOf(e.lhs);
    const rt = typeOf(e.rhs);
    if (lt === 'scalar' && rt === 'scalar') {
      const l = await this.evalScalar(e.lhs);
      const r = await this.evalScalar(e.rhs);
      const vals = new Float64Array(this.steps);
      for (let i = 0; i < this.steps; i++) {
        vals[i] = COMPARISON.has(e.op)
          ? elemKeeps(e.op, l[i]!, r[i]!)
            ? 1
            : 0
          : elemBinop(e.op, l[i]!, r[i]!);
      }
      return { type: 'scalar', vals };
    }
    if (lt === 'scalar') {
      const l = await this.evalScalar(e.lhs);
      const r = await this.evalVector(e.rhs);
      return { type: 'vector', series: vectorScalar(this, r, l, e.op, true, e.returnBool) };
    }
    if (rt === 'scalar') {
      const l = await this.evalVector(e.lhs);
      const r = await this.evalScalar(e.rhs);
      return { type: 'vector', series: vectorScalar(this, l, r, e.op, false, e.returnBool) };
    }
    const l = await this.evalVector(e.lhs);
    const r = await this.evalVector(e.rhs);
    const vm = e.vectorMatching ?? {
      card: 'one-to-one',
      matchingLabels: [],
      on: false,
      include: [],
    };
    switch (e.op) {
      case 'and':
      case 'unless':
        return {
          type: 'vector',
          series: andUnless(this, l, r, vm.on, vm.matchingLabels, e.op === 'and'),
        };
      case 'or':
        return { type: 'vector', series: or(this, l, r, vm.on, vm.matchingLabels) };
    }
    return { type: 'vector', series: await vectorVector(this, l, r, e.op, vm, e.returnBool) };
  }

  forEachStep(
    v: EvalSeries[],
    fn: (i: number, t: number, present: number[], at: Int32Array) => void,
  ): void {
    const ptr = new Int32Array(v.length);
    const at = new Int32Array(v.length);
    const present: number[] = [];
    for (let i = 0; i < this.steps; i++) {
      const t = this.stepTime(i);
      present.length = 0;
      for (let s = 0; s < v.length; s++) {
        const p = ptr[s]!;
        const ser = v[s]!;
        if (p < ser.ts.length && ser.ts[p] === t) {
          present.push(s);
          at[s] = p;
          ptr[s] = p + 1;
        }
      }
      fn(i, t, present, at);
    }
  }

  private async aggregate(e: AggregateExpr): Promise<EvalResult> {
    const op = e.op;
    let param: Float64Array | null = null;
    let label = '';
    if (op === 'topk' || op === 'bottomk' || op === 'quantile')
      param = await this.evalScalar(e.param!);
    if (op === 'count_values') {
      label = await this.evalString(e.param!);
      if (!isValidLabelName(label)) throw executionError(`invalid label name "${label}"`);
    }
    return aggregateVector(this, e, await this.evalVector(e.expr), param, label);
  }
}
