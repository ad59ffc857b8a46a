// One remote_write destination. Its samples come from the WAL (a watcher tails it from where it
// was when the queue started, as Prometheus's remote write does), are relabeled (external
// labels, then write_relabel_configs), queued in shards by series (so each series stays in
// order), and sent as snappy-compressed prompb WriteRequests in batches of max_samples_per_send,
// at the latest every batch_send_deadline. Recoverable failures (network, 5xx, 429 when asked)
// are retried with exponential backoff while the queue is full and the watcher waits: samples
// stay in the WAL, none is dropped. Other failures drop the batch and are counted.
import { createHash } from 'node:crypto';
import { compress } from 'snappyjs';
import type { Labels } from '../../model/labels/index.js';
import type { RelabelConfig, RemoteWriteConfig } from '../../config/index.js';
import type { Logger } from '../../util/log.js';
import { client, type Registry } from '../../util/metrics.js';
import { doRequest } from '../../httpclient/index.js';
import { FloatHistogram, Histogram } from '../../model/histogram/index.js';
import { METRIC_TYPES, encodeWriteRequest, type PbMetadata, type PbTimeSeries } from './prompb.js';
import { EWMARate, SHARD_UPDATE_INTERVAL, desiredShards } from './sharding.js';
import type { WALSource } from '../index.js';
import { WALWatcher, type WatcherConsumer } from '../../tsdb/wal/index.js';

export type RelabelFn = (labels: Labels, cfgs: RelabelConfig[]) => Labels | null;

/** One metric family's metadata as a scrape saw it (the scrape side's MetricMetadata has this shape). */
export interface MetricMetadata {
  metric: string;
  /** counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown. */
  type: string;
  help: string;
  unit: string;
}

export const USER_AGENT = 'Prometheus/2.48.0';

/**
 * One shard's queued samples. Values stay in a Float64Array: a NaN stored in a plain array may
 * be quieted by V8, and a stale marker would then arrive as an ordinary NaN.
 */
class ShardQueue {
  labels: Labels[] = [];
  /** The native histogram of each queued entry (null: a float sample, its value in vs). */
  hs: (Histogram | FloatHistogram | null)[] = [];
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);
  n = 0;
  sending = false;
  timer: NodeJS.Timeout | null = null;

  push(ls: Labels, t: number, v: number, h: Histogram | FloatHistogram | null = null): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.vs = vs;
    }
    this.labels.push(ls);
    this.hs.push(h);
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }

  /** Removes and returns the oldest max samples. */
  take(max: number): {
    labels: Labels[];
    ts: Float64Array;
    vs: Float64Array;
    hs: (Histogram | FloatHistogram | null)[];
  } {
    const k = Math.min(max, this.n);
    const out = {
      labels: this.labels.splice(0, k),
      ts: this.ts.slice(0, k),
      vs: this.vs.slice(0, k),
      hs: this.hs.splice(0, k),
    };
    this.ts.copyWithin(0, k, this.n);
    this.vs.copyWithin(0, k, this.n);
    this.n -= k;
    return out;
  }
}

export interface QueueMetrics {
  samplesTotal: client.Counter<'remote_name' | 'url'>;
  failed: client.Counter<'remote_name' | 'url'>;
  retried: client.Counter<'remote_name' | 'url'>;
  dropped: client.Counter<'remote_name' | 'url'>;
  pending: client.Gauge<'remote_name' | 'url'>;
  bytes: client.Counter<'remote_name' | 'url'>;
  shards: client.Gauge<'remote_name' | 'url'>;
  duration: client.Histogram<'remote_name' | 'url'>;
  highestSent: client.Gauge<'remote_name' | 'url'>;
  shardsMin: client.Gauge<'remote_name' | 'url'>;
  shardsMax: client.Gauge<'remote_name' | 'url'>;
  shardsDesired: client.Gauge<'remote_name' | 'url'>;
  shardCapacity: client.Gauge<'remote_name' | 'url'>;
  enqueueRetries: client.Counter<'remote_name' | 'url'>;
  watcherRecordsRead: client.Counter<'consumer' | 'type'>;
  watcherDecodeFailures: client.Counter<'consumer'>;
  watcherSegment: client.Gauge<'consumer'>;
  metadataTotal: client.Counter<'remote_name' | 'url'>;
  metadataFailed: client.Counter<'remote_name' | 'url'>;
  metadataRetried: client.Counter<'remote_name' | 'url'>;
  metadataBytes: client.Counter<'remote_name' | 'url'>;
}

export function newQueueMetrics(registry: Registry): QueueMetrics {
  const labelNames = ['remote_name', 'url'] as const;
  const registers = [registry];
  return {
    samplesTotal: new client.Counter({
      name: 'prometheus_remote_storage_samples_total',
      help: 'Total number of samples sent to remote storage.',
      labelNames,
      registers,
    }),
    failed: new client.Counter({
      name: 'prometheus_remote_storage_samples_failed_total',
      help: 'Total number of samples which failed on send to remote storage, non-recoverable errors.',
      labelNames,
      registers,
    }),
    retried: new client.Counter({
      name: 'prometheus_remote_storage_samples_retried_total',
      help: 'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.',
      labelNames,
      registers,
    }),
    dropped: new client.Counter({
      name: 'prometheus_remote_storage_samples_dropped_total',
      help: 'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.',
      labelNames,
      registers,
    }),
    pending: new client.Gauge({
      name: 'prometheus_remote_storage_samples_pending',
      help: 'The number of samples pending in the queues shards to be sent to the remote storage.',
      labelNames,
      registers,
    }),
    bytes: new client.Counter({
      name: 'prometheus_remote_storage_bytes_total',
      help: 'The total number of bytes of data (not metadata) sent by the queue after compression.',
      labelNames,
      registers,
    }),
    shards: new client.Gauge({
      name: 'prometheus_remote_storage_shards',
      help: 'The number of shards used for parallel sending to the remote storage.',
      labelNames,
      registers,
    }),
    duration: new client.Histogram({
      name: 'prometheus_remote_storage_sent_batch_duration_seconds',
      help: 'Duration of send calls to the remote storage.',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300],
      registers,
    }),
    highestSent: new client.Gauge({
      name: 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds',
      help: 'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.',
      labelNames,
      registers,
    }),
    shardsMin: new client.Gauge({
      name: 'prometheus_remote_storage_shards_min',
      help: 'The minimum number of shards that the queue is allowed to run.',
      labelNames,
      registers,
    }),
    shardsMax: new client.Gauge({
      name: 'prometheus_remote_storage_shards_max',
      help: 'The maximum number of shards that the queue is allowed to run.',
      labelNames,
      registers,
    }),
    shardsDesired: new client.Gauge({
      name: 'prometheus_remote_storage_shards_desired',
      help: 'The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.',
      labelNames,
      registers,
    }),
    shardCapacity: new client.Gauge({
      name: 'prometheus_remote_storage_shard_capacity',
      help: 'The capacity of each shard of the queue used for parallel sending to the remote storage.',
      labelNames,
      registers,
    }),
    enqueueRetries: new client.Counter({
      name: 'prometheus_remote_storage_enqueue_retries_total',
      help: 'Total number of times enqueue has failed because a shards queue was full.',
      labelNames,
      registers,
    }),
    watcherRecordsRead: new client.Counter({
      name: 'prometheus_wal_watcher_records_read_total',
      help: 'Number of records read by the WAL watcher from the WAL.',
      labelNames: ['consumer', 'type'],
      registers,
    }),
    watcherDecodeFailures: new client.Counter({
      name: 'prometheus_wal_watcher_record_decode_failures_total',
      help: 'Number of records read by the WAL watcher that resulted in an error when decoding.',
      labelNames: ['consumer'],
      registers,
    }),
    metadataTotal: new client.Counter({
      name: 'prometheus_remote_storage_metadata_total',
      help: 'Total number of metadata entries sent to remote storage.',
      labelNames,
      registers,
    }),
    metadataFailed: new client.Counter({
      name: 'prometheus_remote_storage_metadata_failed_total',
      help: 'Total number of metadata entries which failed on send to remote storage, non-recoverable errors.',
      labelNames,
      registers,
    }),
    metadataRetried: new client.Counter({
      name: 'prometheus_remote_storage_metadata_retried_total',
      help: 'Total number of metadata entries which failed on send to remote storage but were retried because the send error was recoverable.',
      labelNames,
      registers,
    }),
    metadataBytes: new client.Counter({
      name: 'prometheus_remote_storage_metadata_bytes_total',
      help: 'The total number of bytes of metadata sent by the queue after compression.',
      labelNames,
      registers,
    }),
    watcherSegment: new client.Gauge({
      name: 'prometheus_wal_watcher_current_segment',
      help: 'Current segment the WAL watcher is reading records from.',
      labelNames: ['consumer'],
      registers,
    }),
  };
}

/** Prometheus names an unnamed queue by a hash of its config. */
export function queueName(cfg: RemoteWriteConfig): string {
  if (cfg.name) return cfg.name;
  return createHash('md5')
    .update(
      JSON.stringify({
        url: cfg.url,
        relabel: cfg.write_relabel_configs.map((r) => ({ ...r, regex: r.regex.source })),
      }),
    )
    .digest('hex')
    .slice(0, 6);
}

/** How often the WAL is read when no write was announced (a segment cut, a missed wake-up). */
const POLL_INTERVAL = 1000;

export class QueueManager implements WatcherConsumer {
  readonly name: string;
  private shards: ShardQueue[];
  /** Set while the shards drain before their number changes: the watcher waits meanwhile. */
  private resharding = false;
  /** stop() has begun: no more resharding. */
  private closing = false;
  /** Series ref → labels as sent (null: dropped by relabeling); emptied at each new segment. */
  private readonly seriesCache = new Map<number, Labels | null>();
  private cacheSegment = -1;
  private pending = 0;
  private stopped = false;
  private inflight = new Set<Promise<void>>();
  private readonly lbl: { remote_name: string; url: string };
  private readonly watcher: WALWatcher;
  private readonly unsubscribe: () => void;
  private readonly ticker: NodeJS.Timeout;
  private readonly shardTicker: NodeJS.Timeout;
  private metadataTicker: NodeJS.Timeout | null = null;
  private sendingMetadata = false;
  private pollQueued = false;
  // What the shard count is worked out from.
  private readonly dataIn: EWMARate;
  private readonly dataOut: EWMARate;
  private readonly dataDropped: EWMARate;
  private readonly dataOutDuration: EWMARate;
  private highestSent = 0;
  private lastSendOK = 0;

  constructor(
    readonly cfg: RemoteWriteConfig,
    private readonly source: WALSource,
    private readonly externalLabels: Labels,
    private readonly relabel: RelabelFn,
    private readonly metrics: QueueMetrics,
    private readonly logger: Logger,
    shardUpdateMs = SHARD_UPDATE_INTERVAL,
    /** The metric metadata of the scraped targets, sent every metadata_config.send_interval. */
    private readonly metadata?: () => readonly MetricMetadata[],
  ) {
    this.name = queueName(cfg);
    this.lbl = { remote_name: this.name, url: cfg.url };
    const n = Math.max(1, cfg.queue_config.min_shards);
    this.shards = Array.from({ length: n }, () => new ShardQueue());
    metrics.shards.set(this.lbl, n);
    metrics.shardsMin.set(this.lbl, n);
    metrics.shardsMax.set(this.lbl, Math.max(n, cfg.queue_config.max_shards));
    metrics.shardsDesired.set(this.lbl, n);
    metrics.shardCapacity.set(this.lbl, cfg.queue_config.capacity);
    metrics.enqueueRetries.inc(this.lbl, 0);
    // The queue's counters exist from 0, as Prometheus's do.
    for (const c of [
      metrics.samplesTotal,
      metrics.failed,
      metrics.retried,
      metrics.dropped,
      metrics.bytes,
    ])
      c.inc(this.lbl, 0);
    if (cfg.metadata_config.send && metadata) {
      for (const c of [
        metrics.metadataTotal,
        metrics.metadataFailed,
        metrics.metadataRetried,
        metrics.metadataBytes,
      ])
        c.inc(this.lbl, 0);
      this.metadataTicker = setInterval(
        () => void this.sendMetadata(),
        cfg.metadata_config.send_interval,
      );
      this.metadataTicker.unref();
    }
    this.watcher = new WALWatcher(source.walDir(), source.walPosition(), this);
    this.unsubscribe = source.onWALWrite(() => this.wake());
    this.ticker = setInterval(() => this.wake(), POLL_INTERVAL);
    this.ticker.unref();
    this.dataIn = new EWMARate(shardUpdateMs);
    this.dataOut = new EWMARate(shardUpdateMs);
    this.dataDropped = new EWMARate(shardUpdateMs);
    this.dataOutDuration = new EWMARate(shardUpdateMs);
    this.shardTicker = setInterval(() => this.updateShards(), shardUpdateMs);
    this.shardTicker.unref();
  }

  /** Samples queued at most: each shard's capacity. */
  private capacity(): number {
    return this.cfg.queue_config.capacity * this.shards.length;
  }

  private updateShards(): void {
    for (const r of [this.dataIn, this.dataOut, this.dataDropped, this.dataOutDuration]) r.tick();
    if (this.resharding || this.closing) return;
    const q = this.cfg.queue_config;
    const highestIn = this.source.appendedStats().maxTime;
    const { estimate, shards } = desiredShards({
      current: this.shards.length,
      min: Math.max(1, q.min_shards),
      max: Math.max(1, q.min_shards, q.max_shards),
      inRate: this.dataIn.rate(),
      outRate: this.dataOut.rate(),
      droppedRate: this.dataDropped.rate(),
      outDuration: this.dataOutDuration.rate(),
      delay: this.highestSent > 0 ? Math.max(0, highestIn - this.highestSent) / 1000 : 0,
    });
    this.metrics.shardsDesired.set(this.lbl, estimate);
    if (shards === this.shards.length) return;
    // Resharding while the remote end fails would only move the same failing sends around.
    if (this.lastSendOK < Date.now() - 2 * q.batch_send_deadline) {
      this.logger.warn('Skipping resharding, last successful send was beyond threshold', {
        lastSendTimestamp: Math.floor(this.lastSendOK / 1000),
      });
      return;
    }
    void this.reshard(shards);
  }

  /** Sends everything queued, then splits the series over n shards (a series never has samples in two shards at once). */
  private async reshard(n: number): Promise<void> {
    this.logger.info('Remote storage resharding', { from: this.shards.length, to: n });
    this.resharding = true;
    while (!this.closing && (this.pending > 0 || this.inflight.size > 0)) {
      for (const s of this.shards) this.flush(s);
      await Promise.race([Promise.all(this.inflight), new Promise((r) => setTimeout(r, 50))]);
    }
    if (this.closing) return;
    this.resharding = false;
    this.shards = Array.from({ length: n }, () => new ShardQueue());
    this.metrics.shards.set(this.lbl, n);
    this.wake();
  }

  /** Reads the WAL soon (once, however many writes announce themselves meanwhile). */
  private wake(): void {
    if (this.pollQueued || this.stopped) return;
    this.pollQueued = true;
    setImmediate(() => {
      this.pollQueued = false;
      if (!this.stopped) this.readWAL();
    });
  }

  private readWAL(): boolean {
    const caughtUp = this.watcher.poll();
    this.metrics.watcherSegment.set({ consumer: this.name }, this.watcher.position().segment);
    this.metrics.pending.set(this.lbl, this.pending);
    for (const s of this.shards) this.schedule(s);
    return caughtUp;
  }

  // WatcherConsumer: what the WAL watcher hands over.

  samples(refs: Float64Array, ts: Float64Array, vs: Float64Array, n: number): void {
    this.dataIn.incr(n);
    const seg = this.watcher.position().segment;
    if (seg !== this.cacheSegment) {
      // Series the head has dropped since must not stay cached forever.
      this.seriesCache.clear();
      this.cacheSegment = seg;
    }
    for (let i = 0; i < n; i++) {
      const ls = this.outLabels(refs[i]!);
      if (ls === null) {
        this.metrics.dropped.inc(this.lbl);
        this.dataDropped.incr(1);
        continue;
      }
      this.shards[ls.hash() % this.shards.length]!.push(ls, ts[i]!, vs[i]!);
      this.pending++;
    }
  }

  /** A native-histogram sample: sent with send_native_histograms (as Prometheus reads them from the WAL only then). */
  histogram(ref: number, t: number, h: Histogram | null, fh: FloatHistogram | null): void {
    if (!this.cfg.send_native_histograms) return;
    this.dataIn.incr(1);
    const ls = this.outLabels(ref);
    if (ls === null) {
      this.metrics.dropped.inc(this.lbl);
      this.dataDropped.incr(1);
      return;
    }
    this.shards[ls.hash() % this.shards.length]!.push(ls, t, 0, h ?? fh);
    this.pending++;
  }

  full(): boolean {
    return this.resharding || this.pending >= this.capacity();
  }

  skipped(from: number, to: number): void {
    this.logger.warn('WAL segments were removed before they were sent', { from, to });
  }

  corrupt(segment: number, reason: string): void {
    this.metrics.watcherDecodeFailures.inc({ consumer: this.name });
    this.logger.error('Unreadable WAL record, going on with the next segment', {
      segment,
      err: reason,
    });
  }

  recordRead(type: string): void {
    this.metrics.watcherRecordsRead.inc({ consumer: this.name, type });
  }

  /** External labels are added where the series lacks them; then write_relabel_configs. Null: not sent. */
  private outLabels(ref: number): Labels | null {
    const hit = this.seriesCache.get(ref);
    if (hit !== undefined) return hit;
    // Unknown to the head: gone before we got to its samples (Prometheus counts these as dropped too).
    const ls = this.source.seriesLabels(ref);
    if (ls === undefined) return null;
    let out: Labels | null = ls;
    if (!this.externalLabels.isEmpty()) {
      const b = ls.builder();
      this.externalLabels.forEach((n, v) => {
        if (!ls.has(n)) b.set(n, v);
      });
      out = b.labels();
    }
    if (this.cfg.write_relabel_configs.length > 0)
      out = this.relabel(out, this.cfg.write_relabel_configs);
    this.seriesCache.set(ref, out);
    return out;
  }

  private schedule(s: ShardQueue): void {
    if (s.sending || s.n === 0) return;
    if (s.n >= this.cfg.queue_config.max_samples_per_send) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      this.flush(s);
    } else if (s.timer === null) {
      s.timer = setTimeout(() => {
        s.timer = null;
        this.flush(s);
      }, this.cfg.queue_config.batch_send_deadline);
      s.timer.unref();
    }
  }

  private flush(s: ShardQueue): void {
    if (s.sending || s.n === 0) return;
    const { labels, ts, vs, hs } = s.take(this.cfg.queue_config.max_samples_per_send);
    s.sending = true;
    const p = this.sendBatch(labels, ts, vs, hs).finally(() => {
      s.sending = false;
      this.inflight.delete(p);
      this.pending -= ts.length;
      this.metrics.pending.set(this.lbl, this.pending);
      if (this.stopped) return;
      this.schedule(s);
      // Room again: what waited in the WAL comes next.
      this.wake();
    });
    this.inflight.add(p);
  }

  private async sendBatch(
    labels: Labels[],
    ts: Float64Array,
    vs: Float64Array,
    hs: (Histogram | FloatHistogram | null)[],
  ): Promise<void> {
    // Group by series, keeping sample order (one Labels object per cached series).
    const bySeries = new Map<Labels, PbTimeSeries>();
    let highest = 0;
    for (let i = 0; i < labels.length; i++) {
      const k = labels[i]!;
      let s = bySeries.get(k);
      if (!s) {
        s = { labels: k, samples: [] };
        bySeries.set(k, s);
      }
      const h = hs[i] ?? null;
      if (h === null) s.samples.push({ value: vs[i]!, timestamp: ts[i]! });
      else
        (s.histograms ??= []).push(
          h instanceof Histogram
            ? { timestamp: ts[i]!, h, fh: null }
            : { timestamp: ts[i]!, h: null, fh: h },
        );
      if (ts[i]! > highest) highest = ts[i]!;
    }
    const body = compress(encodeWriteRequest([...bySeries.values()]));
    const took = await this.post(body, labels.length, this.metrics.retried, this.metrics.failed);
    if (took < 0) return;
    this.metrics.samplesTotal.inc(this.lbl, labels.length);
    this.metrics.bytes.inc(this.lbl, body.length);
    // Shards send in parallel: a batch may finish after a newer one.
    if (highest > this.highestSent) this.highestSent = highest;
    this.metrics.highestSent.set(this.lbl, this.highestSent / 1000);
    this.dataOut.incr(labels.length);
    this.dataOutDuration.incr(took);
    this.lastSendOK = Date.now();
  }

  /** Sends the metric metadata of every scraped target, deduplicated, in batches (metadata_config). */
  private async sendMetadata(): Promise<void> {
    if (this.sendingMetadata || this.closing) return;
    this.sendingMetadata = true;
    try {
      const seen = new Set<string>();
      const all: PbMetadata[] = [];
      for (const m of this.metadata?.() ?? []) {
        const key = `${m.metric}\u0000${m.type}\u0000${m.help}\u0000${m.unit}`;
        if (seen.has(key)) continue;
        seen.add(key);
        all.push({
          metricFamilyName: m.metric,
          type: METRIC_TYPES[m.type] ?? 0,
          help: m.help,
          unit: m.unit,
        });
      }
      const max = Math.max(1, this.cfg.metadata_config.max_samples_per_send);
      for (let i = 0; i < all.length && !this.closing; i += max) {
        const batch = all.slice(i, i + max);
        const body = compress(encodeWriteRequest([], batch));
        if (
          (await this.post(
            body,
            batch.length,
            this.metrics.metadataRetried,
            this.metrics.metadataFailed,
          )) < 0
        )
          continue;
        this.metrics.metadataTotal.inc(this.lbl, batch.length);
        this.metrics.metadataBytes.inc(this.lbl, body.length);
      }
    } finally {
      this.sendingMetadata = false;
    }
  }

  /**
   * POSTs one snappy-compressed WriteRequest of count items, retrying recoverable failures (network,
   * 5xx, 429 when asked) with backoff. Returns the seconds the successful attempt took, or -1 when
   * it gave up (counted in failed).
   */
  private async post(
    body: Uint8Array,
    count: number,
    retried: client.Counter<'remote_name' | 'url'>,
    failed: client.Counter<'remote_name' | 'url'>,
  ): Promise<number> {
    const q = this.cfg.queue_config;
    let backoff = q.min_backoff;
    for (;;) {
      const started = process.hrtime.bigint();
      let recoverable = false;
      let err = '';
      try {
        const res = await doRequest(this.cfg.url, {
          method: 'POST',
          body,
          timeoutMs: this.cfg.remote_timeout,
          client: this.cfg,
          headers: {
            ...this.cfg.headers,
            'Content-Encoding': 'snappy',
            'Content-Type': 'application/x-protobuf',
            'User-Agent': USER_AGENT,
            'X-Prometheus-Remote-Write-Version': '0.1.0',
          },
        });
        const took = Number(process.hrtime.bigint() - started) / 1e9;
        this.metrics.duration.observe(this.lbl, took);
        if (res.status >= 200 && res.status < 300) return took;
        err = `server returned HTTP status ${res.status}: ${res.body.toString().slice(0, 256).trim()}`;
        recoverable = res.status >= 500 || (res.status === 429 && q.retry_on_http_429);
      } catch (e) {
        err = (e as Error).message;
        recoverable = true;
      }
      if (!recoverable || this.stopped) {
        failed.inc(this.lbl, count);
        this.logger.error('non-recoverable error', {
          remote_name: this.name,
          url: this.cfg.url,
          count,
          err,
        });
        return -1;
      }
      retried.inc(this.lbl, count);
      this.logger.warn('Failed to send batch, retrying', {
        remote_name: this.name,
        url: this.cfg.url,
        err,
      });
      await new Promise((r) => setTimeout(r, backoff).unref());
      backoff = Math.min(backoff * 2, q.max_backoff);
    }
  }

  /** Sends what the WAL holds up to now and what is queued (within deadlineMs), then stops. */
  async stop(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    this.closing = true;
    this.resharding = false;
    this.unsubscribe();
    clearInterval(this.ticker);
    clearInterval(this.shardTicker);
    if (this.metadataTicker) clearInterval(this.metadataTicker);
    for (const s of this.shards) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    }
    for (;;) {
      const caughtUp = this.watcher.poll();
      if ((caughtUp && this.pending === 0 && this.inflight.size === 0) || Date.now() >= deadline)
        break;
      for (const s of this.shards) this.flush(s);
      const wait = new Promise((r) =>
        setTimeout(r, Math.min(50, Math.max(0, deadline - Date.now()))),
      );
      await Promise.race([Promise.all(this.inflight), wait]);
    }
    this.stopped = true;
    this.watcher.close();
  }
}
