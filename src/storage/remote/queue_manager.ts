// One remote_write destination: committed samples are relabeled (external labels, then
// write_relabel_configs), queued in shards by series (so each series stays in order), and sent
// as snappy-compressed prompb WriteRequests in batches of max_samples_per_send, at the latest
// every batch_send_deadline. Recoverable failures (network, 5xx, 429 when asked) are retried with
// exponential backoff; others drop the batch and are counted.
import { createHash } from 'node:crypto';
import { compress } from 'snappyjs';
import type { Labels } from '../../model/labels/index.js';
import type { RelabelConfig, RemoteWriteConfig } from '../../config/types.js';
import type { Logger } from '../../util/log.js';
import { client, type Registry } from '../../util/metrics.js';
import { doRequest } from '../../util/httpclient.js';
import { encodeWriteRequest, type PbTimeSeries } from './prompb.js';
import type { SampleSink } from '../fanout.js';

export type RelabelFn = (labels: Labels, cfgs: RelabelConfig[]) => Labels | null;

export const USER_AGENT = 'Prometheus/2.48.0';

interface Shard {
  labels: Labels[];
  ts: number[];
  vs: number[];
  sending: boolean;
  timer: NodeJS.Timeout | null;
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
}

export function newQueueMetrics(registry: Registry): QueueMetrics {
  const labelNames = ['remote_name', 'url'] as const;
  const registers = [registry];
  return {
    samplesTotal: new client.Counter({ name: 'prometheus_remote_storage_samples_total', help: 'Total number of samples sent to remote storage.', labelNames, registers }),
    failed: new client.Counter({ name: 'prometheus_remote_storage_samples_failed_total', help: 'Total number of samples which failed on send to remote storage, non-recoverable errors.', labelNames, registers }),
    retried: new client.Counter({ name: 'prometheus_remote_storage_samples_retried_total', help: 'Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.', labelNames, registers }),
    dropped: new client.Counter({ name: 'prometheus_remote_storage_samples_dropped_total', help: 'Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.', labelNames, registers }),
    pending: new client.Gauge({ name: 'prometheus_remote_storage_samples_pending', help: 'The number of samples pending in the queues shards to be sent to the remote storage.', labelNames, registers }),
    bytes: new client.Counter({ name: 'prometheus_remote_storage_bytes_total', help: 'The total number of bytes of data (not metadata) sent by the queue after compression.', labelNames, registers }),
    shards: new client.Gauge({ name: 'prometheus_remote_storage_shards', help: 'The number of shards used for parallel sending to the remote storage.', labelNames, registers }),
    duration: new client.Histogram({ name: 'prometheus_remote_storage_sent_batch_duration_seconds', help: 'Duration of send calls to the remote storage.', labelNames, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300], registers }),
    highestSent: new client.Gauge({ name: 'prometheus_remote_storage_queue_highest_sent_timestamp_seconds', help: 'Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.', labelNames, registers }),
  };
}

/** Prometheus names an unnamed queue by a hash of its config. */
export function queueName(cfg: RemoteWriteConfig): string {
  if (cfg.name) return cfg.name;
  return createHash('md5').update(JSON.stringify({ url: cfg.url, relabel: cfg.write_relabel_configs.map((r) => ({ ...r, regex: r.regex.source })) })).digest('hex').slice(0, 6);
}

export class QueueManager implements SampleSink {
  readonly name: string;
  private readonly shards: Shard[];
  private readonly capacity: number;
  private readonly relabelCache = new Map<string, Labels | null>();
  private stopped = false;
  private inflight = new Set<Promise<void>>();
  private readonly lbl: { remote_name: string; url: string };

  constructor(
    readonly cfg: RemoteWriteConfig,
    private readonly externalLabels: Labels,
    private readonly relabel: RelabelFn,
    private readonly metrics: QueueMetrics,
    private readonly logger: Logger,
  ) {
    this.name = queueName(cfg);
    this.lbl = { remote_name: this.name, url: cfg.url };
    const n = Math.max(1, cfg.queue_config.min_shards);
    this.shards = Array.from({ length: n }, () => ({ labels: [], ts: [], vs: [], sending: false, timer: null }));
    this.capacity = cfg.queue_config.capacity * n;
    metrics.shards.set(this.lbl, n);
  }

  /** External labels are added where the series lacks them; then write_relabel_configs. */
  private outLabels(ls: Labels): Labels | null {
    const key = ls.key();
    const hit = this.relabelCache.get(key);
    if (hit !== undefined) return hit;
    let out: Labels | null = ls;
    if (!this.externalLabels.isEmpty()) {
      const b = ls.builder();
      this.externalLabels.forEach((n, v) => {
        if (!ls.has(n)) b.set(n, v);
      });
      out = b.labels();
    }
    if (this.cfg.write_relabel_configs.length > 0) out = this.relabel(out, this.cfg.write_relabel_configs);
    if (this.relabelCache.size > 1_000_000) this.relabelCache.clear();
    this.relabelCache.set(key, out);
    return out;
  }

  appendCommitted(labels: readonly Labels[], ts: Float64Array, vs: Float64Array, n: number): void {
    if (this.stopped) return;
    let pending = this.pendingCount();
    for (let i = 0; i < n; i++) {
      const ls = this.outLabels(labels[i]!);
      if (ls === null) {
        this.metrics.dropped.inc(this.lbl);
        continue;
      }
      if (pending >= this.capacity) {
        this.metrics.dropped.inc(this.lbl);
        continue;
      }
      const shard = this.shards[ls.hash() % this.shards.length]!;
      shard.labels.push(ls);
      shard.ts.push(ts[i]!);
      shard.vs.push(vs[i]!);
      pending++;
    }
    this.metrics.pending.set(this.lbl, pending);
    for (const s of this.shards) this.schedule(s);
  }

  private pendingCount(): number {
    let n = 0;
    for (const s of this.shards) n += s.ts.length;
    return n;
  }

  private schedule(s: Shard): void {
    if (s.sending || s.ts.length === 0) return;
    if (s.ts.length >= this.cfg.queue_config.max_samples_per_send) {
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

  private flush(s: Shard): void {
    if (s.sending || s.ts.length === 0) return;
    const max = this.cfg.queue_config.max_samples_per_send;
    const labels = s.labels.splice(0, max);
    const ts = s.ts.splice(0, max);
    const vs = s.vs.splice(0, max);
    s.sending = true;
    const p = this.sendBatch(labels, ts, vs).finally(() => {
      s.sending = false;
      this.inflight.delete(p);
      this.metrics.pending.set(this.lbl, this.pendingCount());
      if (!this.stopped) this.schedule(s);
    });
    this.inflight.add(p);
  }

  private async sendBatch(labels: Labels[], ts: number[], vs: number[]): Promise<void> {
    // Group by series, keeping sample order.
    const bySeries = new Map<string, PbTimeSeries>();
    let highest = 0;
    for (let i = 0; i < labels.length; i++) {
      const k = labels[i]!.key();
      let s = bySeries.get(k);
      if (!s) {
        s = { labels: labels[i]!, samples: [] };
        bySeries.set(k, s);
      }
      s.samples.push({ value: vs[i]!, timestamp: ts[i]! });
      if (ts[i]! > highest) highest = ts[i]!;
    }
    const body = compress(encodeWriteRequest([...bySeries.values()]));
    const q = this.cfg.queue_config;
    let backoff = q.min_backoff;
    for (let attempt = 0; ; attempt++) {
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
        this.metrics.duration.observe(this.lbl, Number(process.hrtime.bigint() - started) / 1e9);
        if (res.status >= 200 && res.status < 300) {
          this.metrics.samplesTotal.inc(this.lbl, labels.length);
          this.metrics.bytes.inc(this.lbl, body.length);
          this.metrics.highestSent.set(this.lbl, highest / 1000);
          return;
        }
        err = `server returned HTTP status ${res.status}: ${res.body.toString().slice(0, 256).trim()}`;
        recoverable = res.status >= 500 || (res.status === 429 && q.retry_on_http_429);
      } catch (e) {
        err = (e as Error).message;
        recoverable = true;
      }
      if (!recoverable || this.stopped) {
        this.metrics.failed.inc(this.lbl, labels.length);
        this.logger.error('non-recoverable error', { remote_name: this.name, url: this.cfg.url, count: labels.length, err });
        return;
      }
      this.metrics.retried.inc(this.lbl, labels.length);
      this.logger.warn('Failed to send batch, retrying', { remote_name: this.name, url: this.cfg.url, err });
      await new Promise((r) => setTimeout(r, backoff).unref());
      backoff = Math.min(backoff * 2, q.max_backoff);
    }
  }

  /** Sends what is queued (within deadlineMs), then stops. */
  async stop(deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    for (const s of this.shards) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    }
    while (Date.now() < deadline && (this.pendingCount() > 0 || this.inflight.size > 0)) {
      for (const s of this.shards) this.flush(s);
      await Promise.race([Promise.all(this.inflight), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    }
    this.stopped = true;
  }
}
