// The query engine: turns a query string and a time range into a Query, runs it under the
// configured limits (timeout, max samples, max concurrency — extra queries wait in line rather
// than fail) and converts the evaluation into the API's value types.
import { Labels, compareLabels } from '../model/labels/index.js';
import type { Queryable } from '../storage/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { client, type Registry } from '../util/metrics.js';
import { Gate } from '../util/gate.js';
import { userErrorMessage } from '../util/runtime_error.js';
import {
  parseExpr,
  documentedType,
  ParseErrors,
  ParseErr,
  walk,
  type Expr,
} from './parser/index.js';
import { exprType } from './parser/index.js';
import { QueryContext } from './context.js';
import { Evaluator, type EvalResult } from './evaluator.js';
import { PromQLError } from './errors.js';
import { QueryLogger } from './query_log.js';
import type { Value, Series, Sample } from './value.js';

export interface EngineOptions {
  /** ms */
  timeout: number;
  maxSamples: number;
  /** ms */
  lookbackDelta: number;
  maxConcurrency?: number;
  logger?: Logger;
  registry?: Registry;
  /** Step of subqueries written without one (ms); Prometheus uses the global evaluation_interval. */
  defaultEvaluationInterval?: number;
}

export interface QueryOptions {
  /** Overrides the engine's lookback delta for this query (ms). */
  lookbackDelta?: number;
  /**
   * A shorter time limit for this query (ms), the API's `timeout` parameter. It is a deadline the
   * evaluation checks, not only a timer: a timer's abort cannot land while evaluation runs.
   */
  timeout?: number;
  /** Where the query came from, for the query log (Prometheus's httpRequest or ruleGroup). */
  origin?: Record<string, unknown>;
}

export interface QueryResult {
  value: Value;
  warnings: string[];
}

export interface QueryStats {
  timings: {
    evalTotalTime: number;
    resultSortTime: number;
    queryPreparationTime: number;
    innerEvalTime: number;
    execQueueTime: number;
    execTotalTime: number;
  };
  samples: {
    totalQueryableSamples: number;
    peakSamples: number;
  };
}

export interface Query {
  readonly statement: Expr;
  readonly queryString: string;
  exec(signal?: AbortSignal): Promise<QueryResult>;
  stats(): QueryStats;
  cancel(): void;
  close(): void;
}

interface EngineMetrics {
  queries: client.Gauge;
  duration: client.Summary;
  samples: client.Counter;
}

export class Engine {
  private readonly gate: Gate;
  private readonly metrics: EngineMetrics | null;
  private readonly logger: Logger;
  private defaultEvaluationInterval: number;
  private queryLogger: QueryLogger | null = null;
  private readonly queryLogEnabled: client.Gauge | null = null;
  private readonly queryLogFailures: client.Counter | null = null;

  constructor(readonly opts: EngineOptions) {
    this.gate = new Gate(opts.maxConcurrency && opts.maxConcurrency > 0 ? opts.maxConcurrency : 20);
    this.logger = opts.logger ?? nopLogger;
    this.defaultEvaluationInterval = opts.defaultEvaluationInterval ?? 60_000;
    const registers = opts.registry ? [opts.registry] : [];
    if (opts.registry) {
      const queries = new client.Gauge({
        name: 'prometheus_engine_queries',
        help: 'The current number of queries being executed or waiting.',
        registers,
      });
      new client.Gauge({
        name: 'prometheus_engine_queries_concurrent_max',
        help: 'The max number of concurrent queries.',
        registers,
      }).set(opts.maxConcurrency ?? 20);
      this.queryLogEnabled = new client.Gauge({
        name: 'prometheus_engine_query_log_enabled',
        help: 'State of the query log.',
        registers,
      });
      this.queryLogEnabled.set(0);
      this.queryLogFailures = new client.Counter({
        name: 'prometheus_engine_query_log_failures_total',
        help: 'The number of query log failures.',
        registers,
      });
      const duration = new client.Summary({
        name: 'prometheus_engine_query_duration_seconds',
        help: 'Query timings',
        labelNames: ['slice'],
        percentiles: [0.5, 0.9, 0.99],
        maxAgeSeconds: 600,
        ageBuckets: 5,
        registers,
      });
      const samples = new client.Counter({
        name: 'prometheus_engine_query_samples_total',
        help: 'The total number of samples loaded by all queries.',
        registers,
      });
      this.metrics = { queries, duration, samples };
    } else {
      this.metrics = null;
    }
  }

  /**
   * Logs every query to global.query_log_file from now on ('' stops); the previous log is closed.
   * Relative paths are the caller's to resolve.
   */
  async setQueryLogFile(path: string): Promise<void> {
    if ((this.queryLogger?.path ?? '') === path) return;
    const old = this.queryLogger;
    this.queryLogger =
      path === '' ? null : new QueryLogger(path, () => this.queryLogFailures?.inc());
    this.queryLogEnabled?.set(this.queryLogger ? 1 : 0);
    await old?.close();
  }

  /** The step of subqueries that don't give one follows the config's evaluation_interval. */
  setDefaultEvaluationInterval(ms: number): void {
    this.defaultEvaluationInterval = ms;
  }

  newInstantQuery(q: Queryable, qs: string, ts: number, opts: QueryOptions = {}): Query {
    const expr = parse(qs);
    return new EngineQuery(this, q, qs, expr, ts, ts, 0, opts);
  }

  newRangeQuery(
    q: Queryable,
    qs: string,
    start: number,
    end: number,
    step: number,
    opts: QueryOptions = {},
  ): Query {
    const expr = parse(qs);
    const t = exprType(expr);
    if (t !== 'vector' && t !== 'scalar') {
      throw new PromQLError(
        'bad_data',
        `invalid expression type "${documentedType(t)}" for range query, must be Scalar or instant Vector`,
      );
    }
    if (step <= 0)
      throw new PromQLError(
        'bad_data',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    return new EngineQuery(this, q, qs, expr, start, end, step, opts);
  }

  /** @internal */
  async run(query: EngineQuery, signal: AbortSignal | undefined): Promise<QueryResult> {
    const m = this.metrics;
    m?.queries.inc();
    const queued = performance.now();
    try {
      await this.gate.acquire(
        signal,
        () => new PromQLError('canceled', 'query was canceled in query queue'),
      );
    } catch (e) {
      m?.queries.dec();
      throw e;
    }
    const began = performance.now();
    let error: PromQLError | undefined;
    query.timings.execQueueTime = (began - queued) / 1000;
    m?.duration.observe({ slice: 'queue_time' }, query.timings.execQueueTime);
    try {
      const prepStart = performance.now();
      const ctx = new QueryContext(
        query.queryable,
        this.opts.maxSamples > 0 ? this.opts.maxSamples : Infinity,
        began +
          Math.min(
            this.opts.timeout > 0 ? this.opts.timeout : Infinity,
            query.opts.timeout ?? Infinity,
          ),
        signal,
        query.start,
        query.end,
        this.defaultEvaluationInterval,
        query.queryString,
      );
      resolveStartEnd(query.statement, query.start, query.end);
      const lookback =
        query.opts.lookbackDelta && query.opts.lookbackDelta > 0
          ? query.opts.lookbackDelta
          : this.opts.lookbackDelta;
      const ev = new Evaluator(
        ctx,
        query.start,
        query.end,
        query.step > 0 ? query.step : 1,
        lookback,
      );
      query.timings.queryPreparationTime = (performance.now() - prepStart) / 1000;
      const evalStart = performance.now();
      const res = await ev.eval(query.statement);
      query.timings.innerEvalTime = (performance.now() - evalStart) / 1000;
      const sortStart = performance.now();
      const value = toValue(res, query.step, query.start);
      query.timings.resultSortTime = (performance.now() - sortStart) / 1000;
      query.timings.evalTotalTime = (performance.now() - prepStart) / 1000;
      query.samples.totalQueryableSamples = ctx.totalQueryableSamples;
      query.samples.peakSamples = ctx.peakSamples;
      m?.duration.observe({ slice: 'prepare_time' }, query.timings.queryPreparationTime);
      m?.duration.observe({ slice: 'inner_eval' }, query.timings.innerEvalTime);
      m?.duration.observe({ slice: 'result_sort' }, query.timings.resultSortTime);
      m?.samples.inc(ctx.totalQueryableSamples);
      return { value, warnings: annotationStrings([...ctx.warnings]) };
    } catch (e) {
      // A fault of ours is answered as Prometheus answers a panic in its engine: an execution
      // error "unexpected error: runtime error: …"; the engine's own message goes to the log.
      error =
        e instanceof PromQLError
          ? e
          : new PromQLError('execution', `unexpected error: ${userErrorMessage(e)}`);
      if (!(e instanceof PromQLError))
        this.logger.error('runtime panic in parser', {
          expr: query.queryString,
          err: e as Error,
          stack: (e as Error).stack ?? '',
        });
      throw error;
    } finally {
      query.timings.execTotalTime = (performance.now() - queued) / 1000;
      this.gate.release();
      m?.queries.dec();
      this.queryLogger?.log({
        query: query.queryString,
        start: query.start,
        end: query.end,
        step: query.step,
        stats: query.stats(),
        ...(error ? { error: error.message } : {}),
        ...(query.opts.origin ? { origin: query.opts.origin } : {}),
      });
    }
  }
}

/** At most ten annotations go out with a result, as Prometheus's API sends them. */
function annotationStrings(all: string[]): string[] {
  const MAX = 10;
  if (all.length <= MAX) return all;
  return [...all.slice(0, MAX), `${all.length - MAX} more annotations omitted`];
}

function parse(qs: string): Expr {
  try {
    return parseExpr(qs);
  } catch (e) {
    if (e instanceof ParseErrors || e instanceof ParseErr)
      throw new PromQLError('bad_data', e.message);
    throw e;
  }
}

/** `@ start()` and `@ end()` are the query's own start and end, wherever they appear. */
function resolveStartEnd(expr: Expr, start: number, end: number): void {
  walk(expr, (node) => {
    if (
      (node.kind === 'VectorSelector' || node.kind === 'SubqueryExpr') &&
      node.startOrEnd !== null
    ) {
      node.timestamp = node.startOrEnd === 'start' ? start : end;
    }
  });
}

function toValue(res: EvalResult, step: number, t: number): Value {
  const instant = step === 0;
  switch (res.type) {
    case 'scalar':
      if (instant) return { type: 'scalar', t, v: res.vals[0]! };
      return {
        type: 'matrix',
        series: [
          {
            metric: Labels.EMPTY,
            ts: Array.from(res.vals, (_, i) => t + i * step),
            fs: Array.from(res.vals),
          },
        ],
      };
    case 'string':
      return { type: 'string', t, v: res.v };
    case 'matrix':
      return {
        type: 'matrix',
        series: res.series.sort((a, b) => compareLabels(a.metric, b.metric)) as Series[],
      };
    case 'vector':
      if (instant) {
        const samples: Sample[] = [];
        for (const s of res.series)
          if (s.fs.length > 0) samples.push({ metric: s.metric, t, f: s.fs[0]! });
        return { type: 'vector', samples };
      }
      return {
        type: 'matrix',
        series: res.series
          .filter((s) => s.ts.length > 0)
          .sort((a, b) => compareLabels(a.metric, b.metric)),
      };
  }
}

class EngineQuery implements Query {
  readonly timings = {
    evalTotalTime: 0,
    resultSortTime: 0,
    queryPreparationTime: 0,
    innerEvalTime: 0,
    execQueueTime: 0,
    execTotalTime: 0,
  };
  readonly samples = { totalQueryableSamples: 0, peakSamples: 0 };
  private readonly controller = new AbortController();

  constructor(
    private readonly engine: Engine,
    readonly queryable: Queryable,
    readonly queryString: string,
    readonly statement: Expr,
    readonly start: number,
    readonly end: number,
    readonly step: number,
    readonly opts: QueryOptions,
  ) {}

  exec(signal?: AbortSignal): Promise<QueryResult> {
    const combined = signal
      ? AbortSignal.any([signal, this.controller.signal])
      : this.controller.signal;
    return this.engine.run(this, combined);
  }

  stats(): QueryStats {
    return { timings: { ...this.timings }, samples: { ...this.samples } };
  }

  cancel(): void {
    this.controller.abort();
  }

  close(): void {}
}
