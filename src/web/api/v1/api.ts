// Prometheus's HTTP API v1, as 2.48 answers it on the wire: the same routes, parameters, JSON
// envelope, result encodings, error types and HTTP status codes, so Grafana, promtool and the
// client libraries work unchanged.
// Why this file is long: one route table and its handlers, which share the request parsing
// (times, matchers, limits) and the response envelope.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  Labels,
  isValidLabelName,
  matchLabels,
  type Matcher,
} from '../../../model/labels/index.js';
import { formatFloat, formatGoFloatE } from '../../../model/value/index.js';
import { formatDuration } from '../../../model/duration/index.js';
import {
  parseMetricSelector,
  parseExpr,
  prettify,
  ParseErrors,
  ParseErr,
} from '../../../promql/parser/index.js';
import {
  PromQLError,
  type Engine,
  type Query,
  type QueryOptions,
  type Value,
} from '../../../promql/index.js';
import type { Queryable, SeriesSet } from '../../../storage/index.js';
import { marshalConfig, type Config } from '../../../config/index.js';
import type { TargetRetriever } from '../../../scrape/index.js';
import type {
  RulesRetriever,
  ActiveAlert,
  RuleGroupInfo,
  BacktestResult,
} from '../../../rules/index.js';
import type { AlertmanagerRetriever } from '../../../notifier/index.js';
import type { Logger } from '../../../util/log.js';
import type { Registry } from '../../../util/metrics.js';
import { sendBody } from '../../compression.js';
import { jsonPieces, matrixJSON, vectorJSON } from './json.js';
import { userErrorMessage } from '../../../util/runtime_error.js';
import {
  Form,
  ParamError,
  parseTimeParam,
  parseTime,
  parseDurationParam,
  MIN_TIME,
  MAX_TIME,
} from './params.js';
import { globalURL } from './global_url.js';
import { traceQuery } from './trace.js';

export type ErrorType =
  | 'bad_data'
  | 'execution'
  | 'timeout'
  | 'canceled'
  | 'internal'
  | 'unavailable'
  | 'not_found'
  | 'not_acceptable';

export class APIError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** The storage administration the admin endpoints and status/tsdb need (the TSDB provides it). */
export interface TSDBAdmin {
  delete(mint: number, maxt: number, matchers: Matcher[]): Promise<void>;
  cleanTombstones(): Promise<void>;
  snapshot(dir: string, withHead: boolean): Promise<void>;
  headStats(): {
    numSeries: number;
    chunkCount: number;
    minTime: number;
    maxTime: number;
    numLabelPairs: number;
  };
  cardinalityStats(
    limit: number,
  ): Record<
    | 'seriesCountByMetricName'
    | 'labelValueCountByLabelName'
    | 'memoryInBytesByLabelName'
    | 'seriesCountByLabelValuePair',
    { name: string; value: number }[]
  >;
  walReplayStatus(): { min: number; max: number; current: number };
}

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}

export interface APIDeps {
  queryable: Queryable;
  engine: Engine;
  db: TSDBAdmin;
  targets: TargetRetriever;
  rules: RulesRetriever;
  alertmanagers: AlertmanagerRetriever;
  config: () => Config;
  flags: () => Record<string, string>;
  runtimeInfo: () => Record<string, unknown>;
  buildInfo: BuildInfo;
  enableAdmin: boolean;
  enableRemoteWriteReceiver: boolean;
  /** --web.cors.origin, an anchored regex source. */
  corsOrigin: string;
  lookbackDelta: number;
  dataDir: string;
  externalURL: URL;
  /** --web.listen-address: a localhost target on its port is this server. */
  listenAddress: string;
  isReady: () => boolean;
  /** Ours: the loaded rules evaluated over the stored history of [start, end] (ms); see rules/backtest.ts. */
  backtest?: (start: number, end: number) => Promise<BacktestResult>;
  logger: Logger;
  registry?: Registry;
}

interface Result {
  data?: unknown;
  warnings?: string[];
}

type Handler = (
  form: Form,
  req: IncomingMessage,
  params: Record<string, string>,
) => Promise<Result>;

interface Route {
  methods: string[];
  pattern: RegExp;
  names: string[];
  handler: Handler;
  /** Prometheus's handler label for /metrics. */
  label: string;
}

/** Bodies up to this size go out as one buffer, gzipped at once (a stream's setup costs more than compressing them). */

const STATUS: Record<ErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 499,
  timeout: 503,
  internal: 500,
  not_found: 404,
  not_acceptable: 406,
  unavailable: 500,
};

/** Go's RFC3339Nano: fractional seconds without trailing zeros; Go's zero time when unset. */
export function goTime(d: Date | null): string {
  if (d === null) return '0001-01-01T00:00:00Z';
  return d
    .toISOString()
    .replace(/\.?0+Z$/, 'Z')
    .replace(/\.(\d*?)0+Z$/, '.$1Z');
}

/** strconv.FormatFloat(v, 'e', -1, 64): shortest digits, exponent of at least two digits. */

/** Timestamps in results: seconds with up to three decimals, as a JSON number. */
function ts(t: number): number {
  return t / 1000;
}

function labelsObj(l: Labels): Record<string, string> {
  return l.toObject();
}

async function encodeValue(v: Value): Promise<{ resultType: string; result: unknown }> {
  switch (v.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [ts(v.t), formatFloat(v.v)] };
    case 'string':
      return { resultType: 'string', result: [ts(v.t), v.v] };
    case 'vector':
      return { resultType: 'vector', result: vectorJSON(v.samples) };
    case 'matrix':
      return { resultType: 'matrix', result: await matrixJSON(v.series) };
  }
}

function parseMatcherSets(values: string[]): Matcher[][] {
  const sets = values.map((s) => parseMetricSelector(s));
  for (const ms of sets) {
    if (!ms.some((m) => !m.matches('')))
      throw new APIError('bad_data', 'match[] must contain at least one non-empty matcher');
  }
  return sets;
}

function parseErrorMessage(e: unknown): string {
  return e instanceof ParseErrors || e instanceof ParseErr ? e.message : (e as Error).message;
}

function invalidParam(e: unknown, name: string): APIError {
  return new APIError('bad_data', `invalid parameter "${name}": ${(e as Error).message}`);
}

function alertJSON(a: ActiveAlert): Record<string, unknown> {
  const o: Record<string, unknown> = {
    labels: labelsObj(a.labels),
    annotations: labelsObj(a.annotations),
    state: a.state,
    activeAt: goTime(a.activeAt),
    value: formatGoFloatE(a.value),
  };
  if (a.keepFiringSince) o['keepFiringSince'] = goTime(a.keepFiringSince);
  return o;
}

function queryError(e: unknown): APIError {
  if (e instanceof PromQLError) return new APIError(e.errorType, e.message);
  if (e instanceof APIError) return e;
  return new APIError('execution', userErrorMessage(e));
}

export class APIv1 {
  private readonly routes: Route[] = [];
  private readonly cors: RegExp;

  constructor(private readonly deps: APIDeps) {
    this.cors = new RegExp(`^(?:${deps.corsOrigin})$`);
    const r = (methods: string[], path: string, handler: Handler) => {
      const names: string[] = [];
      const pattern = new RegExp(
        '^' + path.replace(/:(\w+)/g, (_, n: string) => (names.push(n), '([^/]+)')) + '$',
      );
      this.routes.push({ methods, pattern, names, handler, label: '/api/v1' + path });
    };
    const GP = ['GET', 'POST'];
    r(GP, '/query', (f, req) => this.query(f, req));
    r(GP, '/query_range', (f, req) => this.queryRange(f, req));
    r(GP, '/query_exemplars', (f) => this.queryExemplars(f));
    r(GP, '/format_query', (f) => this.formatQuery(f));
    r(GP, '/labels', (f) => this.labelNames(f));
    r(['GET'], '/label/:name/values', (f, _req, p) => this.labelValues(f, p['name']!));
    r(GP, '/series', (f) => this.series(f));
    r(['DELETE'], '/series', async () => {
      throw new APIError('internal', 'not implemented');
    });
    r(['GET'], '/scrape_pools', async () => ({
      data: { scrapePools: [...this.deps.targets.scrapePools()].sort() },
    }));
    r(['GET'], '/targets', (f) => this.targets(f));
    r(['GET'], '/targets/metadata', (f) => this.targetMetadata(f));
    r(['GET'], '/alertmanagers', async () => this.alertmanagers());
    r(['GET'], '/metadata', (f) => this.metadata(f));
    r(['GET'], '/status/config', async () => ({
      data: { yaml: marshalConfig(this.deps.config()) },
    }));
    r(['GET'], '/status/runtimeinfo', async () => ({ data: this.deps.runtimeInfo() }));
    r(['GET'], '/status/buildinfo', async () => ({ data: this.deps.buildInfo }));
    r(['GET'], '/status/flags', async () => ({ data: this.deps.flags() }));
    r(['GET'], '/status/tsdb', (f) => this.tsdbStatus(f));
    r(['GET'], '/status/walreplay', async () => ({ data: this.deps.db.walReplayStatus() }));
    r(['GET'], '/alerts', async () => this.alerts());
    r(['GET'], '/rules', (f) => this.rules(f));
    r(GP, '/backtest', (f) => this.backtest(f));
    r(['POST', 'PUT'], '/admin/tsdb/delete_series', (f) => this.deleteSeries(f));
    r(['POST', 'PUT'], '/admin/tsdb/clean_tombstones', () => this.cleanTombstones());
    r(['POST', 'PUT'], '/admin/tsdb/snapshot', (f) => this.snapshot(f));
  }

  /** Serves one request; path is what follows `<prefix>/api/v1`. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    this.setCORS(req, res);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const matching = this.routes.filter((r) => r.pattern.test(path));
    const route = matching.find((r) => r.methods.includes(method));
    if (!route) {
      if (matching.length > 0) {
        res
          .writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('Method Not Allowed\n');
      } else {
        res
          .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('404 page not found\n');
      }
      return;
    }
    const m = route.pattern.exec(path)!;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1]!)));
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const form = await Form.read(req, url);
      // The rest of an oversized body stays unread; Go's server closes such a connection.
      if (form.parseError !== null) res.setHeader('Connection', 'close');
      const result = await route.handler(form, req, params);
      if (result.data === undefined) {
        // Prometheus answers a successful call without data with 204 and no body.
        res.writeHead(204).end();
        return;
      }
      const body: Record<string, unknown> = { status: 'success' };
      if (result.data !== undefined) body['data'] = result.data;
      if (result.warnings && result.warnings.length > 0) body['warnings'] = result.warnings;
      this.send(req, res, 200, body);
    } catch (e) {
      const err =
        e instanceof APIError
          ? e
          : e instanceof ParamError
            ? new APIError('bad_data', e.message)
            : new APIError('internal', userErrorMessage(e));
      if (!(e instanceof APIError) && !(e instanceof ParamError))
        this.deps.logger.error('API handler failed', {
          path,
          err: e as Error,
          stack: (e as Error).stack ?? '',
        });
      const body: Record<string, unknown> = {
        status: 'error',
        errorType: err.type,
        error: err.message,
      };
      this.send(req, res, STATUS[err.type], body);
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, code: number, body: unknown): void {
    sendBody(req, res, code, { 'Content-Type': 'application/json' }, jsonPieces(body));
  }

  private setCORS(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (!origin) return;
    res.setHeader('Access-Control-Allow-Headers', 'Accept, Authorization, Content-Type, Origin');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Expose-Headers', 'Date');
    res.setHeader('Vary', 'Origin');
    if (this.deps.corsOrigin === '.*') res.setHeader('Access-Control-Allow-Origin', '*');
    else if (this.cors.test(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
  }

  // ---- queries ---------------------------------------------------------------------------

  /** The `timeout` and `lookback_delta` parameters, in the order Prometheus checks them; the origin for the query log. */
  private queryOptions(form: Form, req: IncomingMessage): QueryOptions {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const opts: QueryOptions = {
      origin: {
        httpRequest: {
          clientIP: req.socket.remoteAddress ?? '',
          method: req.method ?? 'GET',
          path,
        },
      },
    };
    const to = form.get('timeout');
    if (to !== '') {
      try {
        opts.timeout = Math.max(0, parseDurationParam(to));
      } catch (e) {
        throw invalidParam(e, 'timeout');
      }
    }
    const lb = form.get('lookback_delta');
    if (lb !== '') {
      try {
        opts.lookbackDelta = Math.trunc(parseDurationParam(lb));
      } catch (e) {
        throw new APIError(
          'bad_data',
          `error parsing lookback delta duration: ${(e as Error).message}`,
        );
      }
    }
    return opts;
  }

  private async run(
    q: Query,
    form: Form,
    opts: QueryOptions,
    extra?: () => Promise<Record<string, unknown>>,
  ): Promise<Result> {
    // The timer covers waiting for a query slot; the engine checks the same limit as a deadline.
    const signal = opts.timeout !== undefined ? AbortSignal.timeout(opts.timeout) : undefined;
    let result;
    try {
      result = await q.exec(signal);
    } catch (e) {
      if (signal?.aborted && e instanceof PromQLError && e.errorType === 'canceled') {
        throw new APIError('timeout', 'query timed out in expression evaluation');
      }
      throw queryError(e);
    }
    const data: Record<string, unknown> = await encodeValue(result.value);
    if (form.get('stats') !== '') data['stats'] = q.stats();
    if (extra !== undefined) Object.assign(data, await extra());
    return { data, warnings: result.warnings };
  }

  /** Ours: GET|POST /api/v1/backtest?start=…&end=… — the loaded rules over the stored history. */
  private async backtest(form: Form): Promise<Result> {
    if (this.deps.backtest === undefined)
      throw new APIError('unavailable', 'backtesting is not available');
    let start: number;
    let end: number;
    try {
      start = parseTime(form.get('start'));
    } catch (e) {
      throw invalidParam(e, 'start');
    }
    try {
      end = form.get('end') === '' ? Date.now() : parseTime(form.get('end'));
    } catch (e) {
      throw invalidParam(e, 'end');
    }
    if (end < start) throw new APIError('bad_data', 'end timestamp must not be before start time');
    // As query_range's 11,000 points: a backtest is one evaluation per group interval.
    if (end - start > 31 * 24 * 3600_000)
      throw new APIError('bad_data', 'backtest range longer than 31d');
    const r = await this.deps.backtest(start, end);
    const iso = (ms: number): string => new Date(ms).toISOString();
    return {
      data: {
        evaluations: r.evaluations,
        errors: r.errors,
        alerts: r.alerts.map((a) => ({
          file: a.file,
          group: a.group,
          alertname: a.rule,
          labels: a.labels.toObject(),
          activeAt: a.activeAt.map(iso),
          periods: a.periods.map((p) => ({
            state: p.state,
            from: iso(p.from),
            to: iso(p.to),
            open: p.open,
          })),
        })),
      },
    };
  }

  private async query(form: Form, req: IncomingMessage): Promise<Result> {
    let t: number;
    try {
      t = parseTimeParam(form, 'time', Date.now(), 'engine');
    } catch (e) {
      throw invalidParam(e, 'time');
    }
    const opts = this.queryOptions(form, req);
    let q: Query;
    try {
      q = this.deps.engine.newInstantQuery(this.deps.queryable, form.get('query'), t, opts);
    } catch (e) {
      throw invalidParam(e, 'query');
    }
    // Ours: trace=1 adds the per-node breakdown (./trace.ts) once the query itself has answered.
    const trace = ['1', 'true'].includes(form.get('trace'))
      ? async () => ({
          trace: await traceQuery(
            this.deps.engine,
            this.deps.queryable,
            form.get('query'),
            t,
            opts,
          ),
        })
      : undefined;
    return this.run(q, form, opts, trace);
  }

  private async queryRange(form: Form, req: IncomingMessage): Promise<Result> {
    let start: number;
    let end: number;
    let step: number;
    try {
      start = parseTime(form.get('start'), 'engine');
    } catch (e) {
      throw invalidParam(e, 'start');
    }
    try {
      end = parseTime(form.get('end'), 'engine');
    } catch (e) {
      throw invalidParam(e, 'end');
    }
    if (end < start)
      throw invalidParam(new Error('end timestamp must not be before start time'), 'end');
    try {
      step = parseDurationParam(form.get('step'));
    } catch (e) {
      throw invalidParam(e, 'step');
    }
    if (step <= 0)
      throw invalidParam(
        new Error(
          'zero or negative query resolution step widths are not accepted. Try a positive integer',
        ),
        'step',
      );
    if ((end - start) / step > 11000) {
      throw new APIError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const opts = this.queryOptions(form, req);
    let q: Query;
    try {
      q = this.deps.engine.newRangeQuery(
        this.deps.queryable,
        form.get('query'),
        start,
        end,
        Math.max(1, Math.trunc(step)),
        opts,
      );
    } catch (e) {
      throw invalidParam(e, 'query');
    }
    return this.run(q, form, opts);
  }

  private async queryExemplars(form: Form): Promise<Result> {
    const [start, end] = this.range(form);
    if (end < start)
      throw new APIError('bad_data', 'end timestamp must not be before start timestamp');
    try {
      parseExpr(form.get('query'));
    } catch (e) {
      throw new APIError('bad_data', parseErrorMessage(e));
    }
    // Exemplar storage is not kept (like Prometheus without --enable-feature=exemplar-storage).
    return { data: [] };
  }

  private async formatQuery(form: Form): Promise<Result> {
    try {
      return { data: prettify(parseExpr(form.get('query'))) };
    } catch (e) {
      throw invalidParam(e, 'query');
    }
  }

  // ---- metadata about series -------------------------------------------------------------

  private range(form: Form): [number, number] {
    let start: number;
    let end: number;
    try {
      start = parseTimeParam(form, 'start', MIN_TIME);
    } catch (e) {
      throw invalidParam(e, 'start');
    }
    try {
      end = parseTimeParam(form, 'end', MAX_TIME);
    } catch (e) {
      throw invalidParam(e, 'end');
    }
    return [start, end];
  }

  private matcherSets(form: Form, asParam: boolean): Matcher[][] {
    try {
      return parseMatcherSets(form.all('match[]'));
    } catch (e) {
      if (asParam) throw invalidParam(new Error(parseErrorMessage(e)), 'match[]');
      if (e instanceof APIError) throw e;
      throw new APIError('bad_data', parseErrorMessage(e));
    }
  }

  private async labelNames(form: Form): Promise<Result> {
    const [start, end] = this.range(form);
    const sets = this.matcherSets(form, false);
    const q = this.deps.queryable.querier(start, end);
    try {
      let names: string[];
      if (sets.length > 0) {
        const all = new Set<string>();
        for (const ms of sets) for (const n of q.labelNames(...ms)) all.add(n);
        names = [...all].sort();
      } else {
        names = q.labelNames();
      }
      return { data: names };
    } finally {
      q.close();
    }
  }

  private async labelValues(form: Form, name: string): Promise<Result> {
    if (!isValidLabelName(name)) throw new APIError('bad_data', `invalid label name: "${name}"`);
    const [start, end] = this.range(form);
    const sets = this.matcherSets(form, false);
    const q = this.deps.queryable.querier(start, end);
    try {
      let vals: string[];
      if (sets.length > 0) {
        const all = new Set<string>();
        for (const ms of sets) for (const v of q.labelValues(name, ...ms)) all.add(v);
        vals = [...all];
      } else {
        vals = q.labelValues(name);
      }
      vals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { data: vals };
    } finally {
      q.close();
    }
  }

  private async series(form: Form): Promise<Result> {
    form.checkParsed();
    if (form.all('match[]').length === 0)
      throw new APIError('bad_data', 'no match[] parameter provided');
    const [start, end] = this.range(form);
    const sets = this.matcherSets(form, true);
    const q = this.deps.queryable.querier(start, end);
    try {
      const seen = new Map<string, Labels>();
      const warnings: string[] = [];
      for (const ms of sets) {
        const ss: SeriesSet = q.select(true, { start, end, func: 'series' }, ...ms);
        while (ss.next()) {
          const l = ss.at().labels;
          seen.set(l.key(), l);
        }
        const err = ss.err();
        if (err) throw new APIError('execution', err.message);
        warnings.push(...ss.warnings());
      }
      const list = [...seen.values()];
      if (sets.length > 1) list.sort((a, b) => (a.key() < b.key() ? -1 : 1));
      return { data: list.map(labelsObj), warnings };
    } finally {
      q.close();
    }
  }

  // ---- targets, metadata, rules, alerts --------------------------------------------------

  private async targets(form: Form): Promise<Result> {
    const pool = form.get('scrapePool');
    const state = form.get('state').toLowerCase();
    const showActive = state === '' || state === 'any' || state === 'active';
    const showDropped = state === '' || state === 'any' || state === 'dropped';
    const activeTargets: unknown[] = [];
    const droppedTargets: unknown[] = [];
    const droppedTargetCounts: Record<string, number> = {};
    if (showActive) {
      const active = this.deps.targets.targetsActive();
      for (const key of [...active.keys()].sort()) {
        if (pool !== '' && key !== pool) continue;
        for (const t of active.get(key)!) {
          activeTargets.push({
            discoveredLabels: labelsObj(t.discoveredLabels),
            labels: labelsObj(t.labels),
            scrapePool: key,
            scrapeUrl: t.scrapeUrl,
            globalUrl: globalURL(t.scrapeUrl, this.deps.externalURL, this.deps.listenAddress),
            lastError: t.lastError,
            lastScrape: goTime(t.lastScrape),
            lastScrapeDuration: t.lastScrapeDuration,
            health: t.health,
            scrapeInterval: formatDuration(t.scrapeInterval),
            scrapeTimeout: formatDuration(t.scrapeTimeout),
          });
        }
      }
    }
    if (showDropped) {
      const dropped = this.deps.targets.targetsDropped();
      for (const key of [...dropped.keys()].sort()) {
        droppedTargetCounts[key] = dropped.get(key)!.length;
        if (pool !== '' && key !== pool) continue;
        for (const t of dropped.get(key)!)
          droppedTargets.push({ discoveredLabels: labelsObj(t.discoveredLabels) });
      }
    }
    // Go's nil map: null when dropped targets were not asked for.
    const data: Record<string, unknown> = {
      activeTargets,
      droppedTargets,
      droppedTargetCounts: showDropped ? droppedTargetCounts : null,
    };
    return { data };
  }

  private async targetMetadata(form: Form): Promise<Result> {
    const limitStr = form.get('limit');
    let limit = -1;
    if (limitStr !== '') {
      limit = Number(limitStr);
      if (!Number.isInteger(limit)) throw new APIError('bad_data', 'limit must be a number');
    }
    const matchTarget = form.get('match_target');
    let matchers: Matcher[] = [];
    if (matchTarget !== '') {
      try {
        matchers = parseMetricSelector(matchTarget);
      } catch (e) {
        throw invalidParam(new Error(parseErrorMessage(e)), 'match_target');
      }
    }
    const metric = form.get('metric');
    const res: unknown[] = [];
    for (const ts of this.deps.targets.targetsActive().values()) {
      for (const t of ts) {
        if (limit >= 0 && res.length >= limit) break;
        if (matchTarget !== '' && !matchLabels(matchers, (n) => t.labels.get(n))) continue;
        for (const md of t.metadata()) {
          if (metric !== '' && md.metric !== metric) continue;
          const o: Record<string, unknown> = { target: labelsObj(t.labels) };
          if (metric === '') o['metric'] = md.metric;
          o['type'] = md.type;
          o['help'] = md.help;
          o['unit'] = md.unit;
          res.push(o);
        }
      }
    }
    return { data: res };
  }

  private async metadata(form: Form): Promise<Result> {
    const limit = form.get('limit') === '' ? -1 : Number(form.get('limit'));
    if (!Number.isInteger(limit)) throw new APIError('bad_data', 'limit must be a number');
    const perStr = form.get('limit_per_metric');
    const perMetric = perStr === '' ? -1 : Number(perStr);
    if (!Number.isInteger(perMetric))
      throw new APIError('bad_data', 'limit_per_metric must be a number');
    const metric = form.get('metric');
    const metrics = new Map<string, Map<string, { type: string; help: string; unit: string }>>();
    for (const ts of this.deps.targets.targetsActive().values()) {
      for (const t of ts) {
        for (const md of t.metadata()) {
          if (metric !== '' && md.metric !== metric) continue;
          let ms = metrics.get(md.metric);
          if (perMetric > 0 && ms && ms.size >= perMetric) continue;
          if (!ms) {
            ms = new Map();
            metrics.set(md.metric, ms);
          }
          const m = { type: md.type, help: md.help, unit: md.unit };
          ms.set(JSON.stringify(m), m);
        }
      }
    }
    const res: Record<string, unknown[]> = {};
    for (const [name, ms] of metrics) {
      if (limit >= 0 && Object.keys(res).length >= limit) break;
      res[name] = [...ms.values()];
    }
    return { data: res };
  }

  private alertmanagers(): Result {
    return {
      data: {
        activeAlertmanagers: this.deps.alertmanagers.activeAlertmanagers().map((url) => ({ url })),
        droppedAlertmanagers: this.deps.alertmanagers
          .droppedAlertmanagers()
          .map((url) => ({ url })),
      },
    };
  }

  private alerts(): Result {
    const alerts: unknown[] = [];
    for (const g of this.deps.rules.ruleGroups()) {
      for (const r of g.rules)
        if (r.type === 'alerting') for (const a of r.alerts) alerts.push(alertJSON(a));
    }
    return { data: { alerts } };
  }

  private async rules(form: Form): Promise<Result> {
    const names = new Set(form.all('rule_name[]'));
    const groups = new Set(form.all('rule_group[]'));
    const files = new Set(form.all('file[]'));
    const typ = form.get('type').toLowerCase();
    if (typ !== '' && typ !== 'alert' && typ !== 'record')
      throw invalidParam(new Error(`not supported value "${typ}"`), 'type');
    const returnAlerts = typ === '' || typ === 'alert';
    const returnRecording = typ === '' || typ === 'record';
    const out: unknown[] = [];
    for (const g of this.deps.rules.ruleGroups() as RuleGroupInfo[]) {
      if (groups.size > 0 && !groups.has(g.name)) continue;
      if (files.size > 0 && !files.has(g.file)) continue;
      const rules: unknown[] = [];
      for (const r of g.rules) {
        if (names.size > 0 && !names.has(r.name)) continue;
        if (r.type === 'alerting') {
          if (!returnAlerts) continue;
          const o: Record<string, unknown> = {
            state: r.state,
            name: r.name,
            query: r.query,
            duration: r.duration,
            keepFiringFor: r.keepFiringFor,
            labels: labelsObj(r.labels),
            annotations: labelsObj(r.annotations),
            alerts: r.alerts.map(alertJSON),
            health: r.health,
          };
          if (r.lastError) o['lastError'] = r.lastError;
          o['evaluationTime'] = r.evaluationTime;
          o['lastEvaluation'] = goTime(r.lastEvaluation);
          o['type'] = 'alerting';
          rules.push(o);
        } else {
          if (!returnRecording) continue;
          const o: Record<string, unknown> = { name: r.name, query: r.query };
          if (!r.labels.isEmpty()) o['labels'] = labelsObj(r.labels);
          o['health'] = r.health;
          if (r.lastError) o['lastError'] = r.lastError;
          o['evaluationTime'] = r.evaluationTime;
          o['lastEvaluation'] = goTime(r.lastEvaluation);
          o['type'] = 'recording';
          rules.push(o);
        }
      }
      if (rules.length === 0) continue;
      out.push({
        name: g.name,
        file: g.file,
        rules,
        interval: g.interval,
        limit: g.limit,
        evaluationTime: g.evaluationTime,
        lastEvaluation: goTime(g.lastEvaluation),
      });
    }
    return { data: { groups: out } };
  }

  // ---- status ----------------------------------------------------------------------------

  private async tsdbStatus(form: Form): Promise<Result> {
    let limit = 10;
    const s = form.get('limit');
    if (s !== '') {
      limit = Number(s);
      if (!Number.isInteger(limit) || limit < 1)
        throw new APIError('bad_data', 'limit must be a positive number');
    }
    const h = this.deps.db.headStats();
    const c = this.deps.db.cardinalityStats(limit);
    return {
      data: {
        headStats: {
          numSeries: h.numSeries,
          numLabelPairs: h.numLabelPairs,
          chunkCount: h.chunkCount,
          minTime: h.minTime,
          maxTime: h.maxTime,
        },
        seriesCountByMetricName: c.seriesCountByMetricName,
        labelValueCountByLabelName: c.labelValueCountByLabelName,
        memoryInBytesByLabelName: c.memoryInBytesByLabelName,
        seriesCountByLabelValuePair: c.seriesCountByLabelValuePair,
      },
    };
  }

  // ---- admin -----------------------------------------------------------------------------

  private requireAdmin(): void {
    if (!this.deps.enableAdmin) throw new APIError('unavailable', 'admin APIs disabled');
  }

  private async deleteSeries(form: Form): Promise<Result> {
    this.requireAdmin();
    form.checkParsed();
    if (form.all('match[]').length === 0)
      throw new APIError('bad_data', 'no match[] parameter provided');
    const [start, end] = this.range(form);
    for (const s of form.all('match[]')) {
      let ms: Matcher[];
      try {
        ms = parseMetricSelector(s);
      } catch (e) {
        throw invalidParam(new Error(parseErrorMessage(e)), 'match[]');
      }
      try {
        await this.deps.db.delete(start, end, ms);
      } catch (e) {
        throw new APIError('internal', (e as Error).message);
      }
    }
    return {};
  }

  private async cleanTombstones(): Promise<Result> {
    this.requireAdmin();
    try {
      await this.deps.db.cleanTombstones();
    } catch (e) {
      throw new APIError('internal', (e as Error).message);
    }
    return {};
  }

  private async snapshot(form: Form): Promise<Result> {
    this.requireAdmin();
    let skipHead = false;
    const v = form.get('skip_head');
    if (v !== '') {
      const b = parseGoBool(v);
      if (b === null)
        throw invalidParam(
          new Error(`unable to parse boolean: strconv.ParseBool: parsing "${v}": invalid syntax`),
          'skip_head',
        );
      skipHead = b;
    }
    const now = new Date();
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const name = `${stamp}-${randomBytes(8)
      .toString('hex')
      .replace(/^./, (c) => (parseInt(c, 16) & 7).toString(16))}`;
    const dir = join(this.deps.dataDir, 'snapshots', name);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new APIError('internal', `create snapshot directory: ${(e as Error).message}`);
    }
    try {
      await this.deps.db.snapshot(dir, !skipHead);
    } catch (e) {
      throw new APIError('internal', `create snapshot: ${(e as Error).message}`);
    }
    return { data: { name } };
  }
}

function parseGoBool(s: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return null;
}

/** Prometheus's handler label for an API path (after /api/v1), for prometheus_http_* metrics. */
export function handlerName(path: string): string {
  if (/^\/label\/[^/]+\/values$/.test(path)) return '/api/v1/label/:name/values';
  const known = [
    '/query',
    '/query_range',
    '/query_exemplars',
    '/format_query',
    '/labels',
    '/series',
    '/scrape_pools',
    '/targets',
    '/targets/metadata',
    '/alertmanagers',
    '/metadata',
    '/status/config',
    '/status/runtimeinfo',
    '/status/buildinfo',
    '/status/flags',
    '/status/tsdb',
    '/status/walreplay',
    '/alerts',
    '/rules',
    '/admin/tsdb/delete_series',
    '/admin/tsdb/clean_tombstones',
    '/admin/tsdb/snapshot',
    '/read',
    '/write',
  ];
  return known.includes(path) ? '/api/v1' + path : '/api/v1/*path';
}
