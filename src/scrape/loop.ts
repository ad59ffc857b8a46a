// One target's scrape loop: on a fixed per-target phase of its interval it fetches the target,
// parses the body and appends every sample plus the report series (up, scrape_duration_seconds,
// …) in one commit. A series already seen costs one Map lookup (the cache keyed by the series'
// raw text) — or none when it sits where it sat in the last body; series that vanish — and
// everything when the target fails or goes away — get a staleness marker.
import { gunzipSync } from 'node:zlib';
import { Labels, LabelsBuilder, isValidLabelName } from '../model/labels/index.js';
import { relabel } from '../model/relabel/index.js';
import { reduceResolution, type FloatHistogram, type Histogram } from '../model/histogram/index.js';
import {
  ProtobufParser,
  decodeExposition,
  isProtobuf,
  newParser,
} from '../model/textparse/index.js';
import { STALE_NAN, isStaleNaN } from '../model/value/index.js';
import { formatDuration } from '../model/duration/index.js';
import type { Appendable, Appender, SeriesRef } from '../storage/index.js';
import { StorageError } from '../storage/index.js';
import type { ScrapeConfig } from '../config/index.js';
import { doRequest, KeepAliveGetter } from '../httpclient/index.js';
import type { Logger } from '../util/log.js';
import type { ScrapeMetrics } from './metrics.js';
import type { Target } from './target.js';
import type { MetricType } from '../model/textparse/index.js';
import { BUILD_INFO } from '../util/version.js';
import { userErrorMessage } from '../util/runtime_error.js';

export const ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
/** Prometheus 2.48's Accept header with native histograms on: the protobuf format first. */
export const ACCEPT_HEADER_WITH_PROTOBUF =
  'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const USER_AGENT = `Prometheus/${BUILD_INFO.version.split('+')[0]}`;

interface CacheEntry {
  /** The series' raw text: its key in the cache. */
  key: string;
  ref: SeriesRef;
  /** Labels as stored; null when metric relabeling dropped the series. */
  labels: Labels | null;
  /** The scrape iteration that last saw this series. */
  lastIter: number;
}

class ScrapeFailure extends Error {}

/** How far ahead of the scraper's clock a sample's timestamp may be (Prometheus's maxAheadTime). */
const MAX_AHEAD_MS = 10 * 60 * 1000;

/** Go-like wording for a failed HTTP GET, as Prometheus shows it in lastError. */
function requestError(url: string, e: unknown, timeoutMs: number): string {
  const err = e as NodeJS.ErrnoException;
  const u = new URL(url);
  const addr = `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  if (err.name === 'AbortError' || /deadline|timeout/i.test(err.message))
    return `Get "${url}": context deadline exceeded`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `Get "${url}": dial tcp ${addr}: connect: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Get "${url}": dial tcp: lookup ${u.hostname}: no such host`;
    case 'EHOSTUNREACH':
      return `Get "${url}": dial tcp ${addr}: connect: no route to host`;
    case 'ECONNRESET':
      return `Get "${url}": read tcp ${addr}: connection reset by peer`;
  }
  void timeoutMs;
  return `Get "${url}": ${err.message}`;
}

export class ScrapeLoop {
  private readonly cache = new Map<string, CacheEntry>();
  private prevSeen: CacheEntry[] = [];
  /**
   * Cache entries in the order the last body listed them, and a spare array for the next body:
   * a target exposes the same series in the same order scrape after scrape, so the entry at the
   * same position is tried first, compared in place.
   */
  private order: CacheEntry[] = [];
  private nextOrder: CacheEntry[] = [];
  /** The format the order was read in: a series text valid in one may not be in the other. */
  private orderOpenMetrics = false;
  private iter = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastStart = 0;
  private readonly controller = new AbortController();
  /** The target's kept-alive connection (plain http). */
  private readonly connection = new KeepAliveGetter();
  /** Report series refs, so the stale markers at the end use them. */
  private reportLabels = new Map<string, Labels>();

  constructor(
    readonly target: Target,
    private cfg: ScrapeConfig,
    private readonly appendable: Appendable,
    private readonly metrics: ScrapeMetrics,
    private readonly logger: Logger,
    /** Set by the pool when it holds more targets than target_limit allows. */
    private readonly forcedError: () => string | null,
    /** The server's offset seed (hostname and external labels). */
    private readonly offsetSeed = 0,
    /** --enable-feature=extra-scrape-metrics. */
    private readonly extraMetrics = false,
    /** --enable-feature=native-histograms: protobuf asked for first, native histograms taken. */
    private readonly nativeHistograms = false,
  ) {}
  /** Uncompressed bytes of the last body; -1 when it passed body_size_limit, 0 when none came. */
  private bodyBytes = 0;

  start(): void {
    const interval = this.target.scrapeInterval;
    const first = this.target.offset(interval, Date.now(), this.offsetSeed);
    const tick = (planned: number) => {
      if (this.stopped) return;
      // A scrape still running (the event loop was held up past its deadline) takes this turn,
      // as Prometheus's ticker drops ticks: two at once would commit out of order.
      if (this.running === null) {
        this.running = this.scrapeAndReport(planned).finally(() => {
          this.running = null;
        });
      }
      // Next run on the grid of this target's phase, whatever the scrape took.
      let next = planned + interval;
      const now = Date.now();
      if (next <= now) next += Math.ceil((now - next + 1) / interval) * interval;
      // The clock was set back: the next scrape is still one interval away at most, on the same
      // phase (Prometheus's ticker runs on the monotonic clock; only the timestamps follow the wall).
      else if (next - now > interval) next -= Math.floor((next - now - 1) / interval) * interval;
      this.timer = setTimeout(() => tick(next), next - now);
    };
    const startAt = Date.now() + first;
    this.timer = setTimeout(() => tick(startAt), first);
  }

  /** Stops scraping; the target's series all get a staleness marker now. */
  async stop(writeStale = true): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.controller.abort();
    this.connection.close();
    if (this.running) await this.running.catch(() => {});
    if (writeStale) await this.endOfRunStaleness();
  }

  private async endOfRunStaleness(): Promise<void> {
    if (this.iter === 0) return;
    const app = this.appendable.appender();
    const t = Date.now();
    for (const e of this.prevSeen) {
      if (e.labels === null) continue;
      this.appendQuiet(app, e.ref, e.labels, t, STALE_NAN);
    }
    for (const ls of this.reportLabels.values()) this.appendQuiet(app, 0, ls, t, STALE_NAN);
    this.prevSeen = [];
    try {
      await app.commit();
    } catch (e) {
      this.logger.warn('Stale marker commit failed', {
        target: this.target.scrapeUrl,
        err: e as Error,
      });
    }
  }

  private appendQuiet(app: Appender, ref: SeriesRef, ls: Labels, t: number, v: number): SeriesRef {
    try {
      return app.append(ref, ls, t, v);
    } catch {
      return 0;
    }
  }

  /** One scrape: fetch, parse, append, report — all in one commit. */
  async scrapeAndReport(planned = Date.now()): Promise<void> {
    const start = Date.now();
    if (this.lastStart > 0) {
      this.metrics.intervalLength.observe(
        { interval: formatDuration(this.target.scrapeInterval) },
        (start - this.lastStart) / 1000,
      );
    }
    this.lastStart = start;
    void planned;
    let body: string | Buffer = '';
    let contentType: string | undefined;
    let err: string | null = this.forcedError();
    if (err === null) {
      try {
        ({ body, contentType } = await this.fetch());
      } catch (e) {
        err =
          e instanceof ScrapeFailure
            ? e.message
            : requestError(this.target.scrapeUrl, e, this.target.scrapeTimeout);
      }
    }
    if (this.stopped && err !== null) return;
    const iter = ++this.iter;
    let app = this.appendable.appender();
    let total = 0;
    let added = 0;
    let post = 0;
    if (err === null) {
      // Counts stay as far as the body got, on failure too: Prometheus reports them so.
      let failure: string | null;
      ({ total, added, post, failure } = this.appendBody(app, body, contentType, start, iter));
      if (failure !== null) {
        err = failure;
        await app.rollback();
        app = this.appendable.appender();
      }
    }
    if (err !== null) {
      // A failed scrape ends every series of the last one, as a vanished target would.
      for (const e of this.prevSeen)
        if (e.labels !== null) this.appendQuiet(app, e.ref, e.labels, start, STALE_NAN);
      this.prevSeen = [];
    }
    const duration = (Date.now() - start) / 1000;
    this.report(app, start, err === null ? 1 : 0, duration, total, post, added);
    try {
      await app.commit();
    } catch (e) {
      // As Prometheus: logged at error; the target's health is its scrape's, not the storage's.
      this.logger.error('Scrape commit failed', { target: this.target.scrapeUrl, err: e as Error });
    }
    const t = this.target;
    t.lastScrape = new Date(start);
    t.lastScrapeDuration = duration;
    t.health = err === null ? 'up' : 'down';
    t.lastError = err ?? '';
    if (err !== null)
      this.logger.debug('Scrape failed', { scrape_pool: t.scrapePool, target: t.scrapeUrl, err });
  }

  /** The body: protobuf as bytes (native histograms on), text decoded and checked as UTF-8. */
  private async fetch(): Promise<{ body: string | Buffer; contentType: string | undefined }> {
    this.bodyBytes = 0;
    const timeout = this.target.scrapeTimeout;
    const headers: Record<string, string> = {
      Accept: this.nativeHistograms ? ACCEPT_HEADER_WITH_PROTOBUF : ACCEPT_HEADER,
      'User-Agent': USER_AGENT,
      'X-Prometheus-Scrape-Timeout-Seconds': String(timeout / 1000),
    };
    if (this.cfg.enable_compression !== false) headers['Accept-Encoding'] = 'gzip';
    const limit = this.cfg.body_size_limit > 0 ? this.cfg.body_size_limit : 0;
    let res;
    try {
      res = await doRequest(this.target.scrapeUrl, {
        headers,
        signal: this.controller.signal,
        connection: this.connection,
        timeoutMs: timeout,
        client: this.cfg,
        ...(limit ? { maxBodyBytes: limit } : {}),
      });
    } catch (e) {
      if (/body size limit exceeded/.test((e as Error).message)) {
        this.metrics.exceededBodySize.inc();
        this.bodyBytes = -1;
        throw new ScrapeFailure('body size limit exceeded');
      }
      throw e;
    }
    if (res.status !== 200)
      throw new ScrapeFailure(
        `server returned HTTP status ${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trimEnd(),
      );
    let raw = res.body;
    if ((res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
      try {
        raw = gunzipSync(raw, limit ? { maxOutputLength: limit } : {});
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          this.metrics.exceededBodySize.inc();
          this.bodyBytes = -1;
          throw new ScrapeFailure('body size limit exceeded');
        }
        throw new ScrapeFailure(`gzip: ${(e as Error).message}`);
      }
    }
    this.bodyBytes = raw.length;
    const ct = res.headers['content-type'];
    const contentType = Array.isArray(ct) ? ct[0] : ct;
    // Protobuf only when asked for (native histograms on), as Prometheus parses it only then.
    return {
      body: this.nativeHistograms && isProtobuf(contentType) ? raw : decodeExposition(raw),
      contentType,
    };
  }
  /**
   * A native histogram within native_histogram_bucket_limit: its schema lowered (buckets merged
   * pairwise) until it fits, as Prometheus does; past schema -4 the scrape fails.
   */
  private withinBucketLimit(
    h: Histogram | null,
    fh: FloatHistogram | null,
  ): { h: Histogram | null; fh: FloatHistogram | null } {
    const limit = this.cfg.native_histogram_bucket_limit;
    if (!(limit > 0)) return { h, fh };
    let x = (h ?? fh)!;
    while (x.positiveBuckets.length + x.negativeBuckets.length > limit) {
      if (x.schema <= -4) {
        this.metrics.exceededBucketLimit.inc();
        throw new Error('histogram bucket limit exceeded');
      }
      x = reduceResolution(x, h !== null);
    }
    return h !== null ? { h: x as Histogram, fh: null } : { h: null, fh: x as FloatHistogram };
  }

  /**
   * Parses and appends a body. On a parse error or a limit it returns the failure (the caller
   * rolls the appender back) with the counts so far; past sample_limit it reads on, so that
   * scrape_samples_scraped counts the whole body.
   */
  private appendBody(
    app: Appender,
    body: string | Buffer,
    contentType: string | undefined,
    t: number,
    iter: number,
  ): { total: number; added: number; post: number; failure: string | null } {
    const cfg = this.cfg;
    const p =
      typeof body === 'string'
        ? newParser(body, contentType)
        : new ProtobufParser(body, cfg.scrape_classic_histograms);
    const honorTs = cfg.honor_timestamps;
    const seen: CacheEntry[] = [];
    const prevOrder = p.openMetrics === this.orderOpenMetrics ? this.order : [];
    const order = this.nextOrder;
    let total = 0;
    let added = 0;
    let post = 0;
    const meta = new Map<string, { type: MetricType; help: string; unit: string }>();
    const metaFor = (name: string) => {
      let m = meta.get(name);
      if (!m) {
        m = { type: 'unknown', help: '', unit: '' };
        meta.set(name, m);
      }
      return m;
    };
    let outOfOrder = 0;
    let duplicate = 0;
    let outOfBounds = 0;
    let sampleLimitHit = false;
    let limited = 0;
    // Samples stamped further ahead than this are refused one by one (Prometheus's 10 minutes),
    // so a target with a clock far ahead cannot push the head's max time past every other one.
    const maxT = Date.now() + MAX_AHEAD_MS;
    let failure: string | null = null;
    try {
      for (;;) {
        // The series the last body had here, so an unchanged line's labels are not read again.
        const guess = prevOrder[total];
        if (guess !== undefined) p.expect(guess.key);
        const e = p.next();
        if (e === null) break;
        if (e !== 'series') {
          if (e === 'type') {
            const [n, ty] = p.type();
            metaFor(n).type = ty;
          } else if (e === 'help') {
            const [n, h] = p.help();
            metaFor(n).help = h;
          } else if (e === 'unit') {
            const [n, u] = p.unit();
            metaFor(n).unit = u;
          }
          continue;
        }
        const ts = p.timestamp();
        const sampleT = honorTs && ts !== null ? ts : t;
        const pos = total++;
        let ce: CacheEntry | undefined = prevOrder[pos];
        let isNew = false;
        if (ce === undefined || !(p.wasExpected() || p.seriesIs(ce.key))) {
          const key = p.series();
          ce = this.cache.get(key);
          if (ce === undefined) {
            const ls = this.sampleLabels(p.labels());
            ce = { key, ref: 0, labels: ls, lastIter: 0 };
            isNew = ls !== null;
            this.cache.set(key, ce);
          }
        }
        order[pos] = ce;
        if (ce.labels === null) {
          ce.lastIter = iter;
          continue;
        }
        post++;
        const v = p.value();
        // Staleness markers do not count against the limit (Prometheus's limitAppender).
        if (cfg.sample_limit > 0 && !isStaleNaN(v) && ++limited > cfg.sample_limit) {
          sampleLimitHit = true;
          ce.lastIter = iter;
          continue;
        }
        if (sampleT > maxT) {
          outOfBounds++;
          ce.lastIter = iter;
          continue;
        }
        try {
          const hv = p.histogram();
          if (hv === null) ce.ref = app.append(ce.ref, ce.labels, sampleT, v);
          else {
            const { h, fh } = this.withinBucketLimit(hv.h, hv.fh);
            ce.ref = app.appendHistogram(ce.ref, ce.labels, sampleT, h, fh);
          }
        } catch (e) {
          // These drop the sample; any other error fails the scrape, as in Prometheus's checkAddError.
          if (!(e instanceof StorageError)) throw e;
          if (e.kind === 'out_of_order') outOfOrder++;
          else if (e.kind === 'duplicate') duplicate++;
          else if (e.kind === 'out_of_bounds') outOfBounds++;
          else throw e;
          ce.lastIter = iter;
          continue;
        }
        if (isNew && !sampleLimitHit) added++;
        // A series may come several times in one body (with timestamps): it is tracked once.
        if (ce.lastIter !== iter && (ts === null || !honorTs || cfg.track_timestamps_staleness))
          seen.push(ce);
        ce.lastIter = iter;
      }
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      // A parse error, a label check (sampleLabels) or an append error: the scrape fails.
      failure = userErrorMessage(e);
    }
    if (sampleLimitHit) {
      this.metrics.exceededSampleLimit.inc();
      failure ??= 'sample limit exceeded';
    }
    if (outOfOrder) {
      this.metrics.outOfOrder.inc(outOfOrder);
      this.logger.warn('Error on ingesting out-of-order samples', {
        target: this.target.scrapeUrl,
        num_dropped: outOfOrder,
      });
    }
    if (duplicate) {
      this.metrics.duplicate.inc(duplicate);
      this.logger.warn('Error on ingesting samples with different value but same timestamp', {
        target: this.target.scrapeUrl,
        num_dropped: duplicate,
      });
    }
    if (outOfBounds) {
      this.metrics.outOfBounds.inc(outOfBounds);
      this.logger.warn(
        'Error on ingesting samples that are too old or are too far into the future',
        { target: this.target.scrapeUrl, num_dropped: outOfBounds },
      );
    }
    if (failure !== null) return { total, added, post, failure };
    // Series of the previous scrape that are not in this one end here.
    for (const e of this.prevSeen) {
      if (e.lastIter !== iter && e.labels !== null)
        this.appendQuiet(app, e.ref, e.labels, t, STALE_NAN);
    }
    this.prevSeen = seen;
    order.length = total;
    this.nextOrder = this.order;
    this.order = order;
    this.orderOpenMetrics = p.openMetrics;
    // Forget series unseen for a while so the cache tracks what the target exposes now.
    if (this.cache.size > 2 * (total + 16)) {
      for (const [k, e] of this.cache) if (e.lastIter < iter - 1) this.cache.delete(k);
    }
    for (const [name, m] of meta)
      this.target.setMetadata({ metric: name, type: m.type, help: m.help, unit: m.unit });
    return { total, added, post, failure: null };
  }

  /** Target labels attached (honor_labels or exported_ renaming), metric relabeling, limits. */
  private sampleLabels(scraped: Labels): Labels | null {
    const cfg = this.cfg;
    const lb = new LabelsBuilder(scraped);
    const targetLabels = this.target.labels;
    if (cfg.honor_labels) {
      targetLabels.forEach((n, v) => {
        if (!scraped.has(n)) lb.set(n, v);
      });
    } else {
      const conflicts: [string, string][] = [];
      targetLabels.forEach((n, v) => {
        const existing = scraped.get(n);
        if (existing !== '') conflicts.push([n, existing]);
        lb.set(n, v);
      });
      resolveConflicts(lb, conflicts);
    }
    let ls: Labels | null = lb.labels();
    // Empty label values mean "no label".
    const empty: string[] = [];
    ls.forEach((n, v) => {
      if (v === '') empty.push(n);
    });
    if (empty.length) ls = ls.drop(empty);
    ls = relabel(ls, cfg.metric_relabel_configs);
    if (ls === null) return null;
    const name = ls.get('__name__');
    if (cfg.label_limit > 0 && ls.length > cfg.label_limit) {
      throw new Error(
        `label_limit exceeded (metric: ${name}, number of labels: ${ls.length}, limit: ${cfg.label_limit})`,
      );
    }
    ls.forEach((n, v) => {
      if (!isValidLabelName(n)) throw new Error(`invalid label name "${n}" for metric ${name}`);
      if (cfg.label_name_length_limit > 0 && n.length > cfg.label_name_length_limit) {
        throw new Error(
          `label_name_length_limit exceeded (metric: ${name.slice(0, 50)}, label name: ${n.slice(0, 50)}, length: ${n.length}, limit: ${cfg.label_name_length_limit})`,
        );
      }
      if (cfg.label_value_length_limit > 0 && v.length > cfg.label_value_length_limit) {
        throw new Error(
          `label_value_length_limit exceeded (metric: ${name.slice(0, 50)}, label name: ${n.slice(0, 50)}, value: ${JSON.stringify(v.slice(0, 50))}, length: ${v.length}, limit: ${cfg.label_value_length_limit})`,
        );
      }
    });
    return ls;
  }

  private report(
    app: Appender,
    t: number,
    up: number,
    duration: number,
    scraped: number,
    post: number,
    added: number,
  ): void {
    const values: [string, number][] = [
      ['up', up],
      ['scrape_duration_seconds', duration],
      ['scrape_samples_scraped', scraped],
      ['scrape_samples_post_metric_relabeling', post],
      ['scrape_series_added', added],
    ];
    if (this.extraMetrics) {
      values.push(
        ['scrape_timeout_seconds', this.target.scrapeTimeout / 1000],
        ['scrape_sample_limit', this.cfg.sample_limit],
        ['scrape_body_size_bytes', this.bodyBytes],
      );
    }
    for (const [name, v] of values) {
      let ls = this.reportLabels.get(name);
      if (ls === undefined) {
        const lb = new LabelsBuilder(Labels.fromStrings('__name__', name));
        const conflicts: [string, string][] = [];
        this.target.labels.forEach((n, val) => {
          if (n === '__name__') conflicts.push([n, name]);
          lb.set(n, val);
        });
        resolveConflicts(lb, conflicts);
        ls = lb.labels();
        this.reportLabels.set(name, ls);
      }
      this.appendQuiet(app, 0, ls, t, v);
    }
  }
}

/** A scraped label that clashes with a target label is kept as exported_<name> (more prefixes if taken). */
function resolveConflicts(lb: LabelsBuilder, conflicts: [string, string][]): void {
  conflicts.sort((a, b) => a[0].length - b[0].length);
  for (const [name, value] of conflicts) {
    let n = name;
    for (;;) {
      n = 'exported_' + n;
      if (lb.get(n) === '') {
        lb.set(n, value);
        break;
      }
    }
  }
}

const STATUS_TEXT: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
