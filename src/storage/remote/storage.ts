// Remote storage: one QueueManager per remote_write config, reconciled on reload (an unchanged
// queue keeps running and its backlog).
import type { Config } from '../../config/index.js';
import { Labels } from '../../model/labels/index.js';
import type { Logger } from '../../util/log.js';
import { nopLogger } from '../../util/log.js';
import { client, defaultRegistry, type Registry } from '../../util/metrics.js';
import type { WALSource } from '../index.js';
import {
  newQueueMetrics,
  QueueManager,
  queueName,
  type MetricMetadata,
  type QueueMetrics,
  type RelabelFn,
} from './queue_manager.js';

export interface RemoteStorageOptions {
  /** The WAL the queues tail (the TSDB). */
  source: WALSource;
  relabel: RelabelFn;
  logger?: Logger;
  registry?: Registry;
  flushDeadlineMs?: number;
  /** How often queues reconsider their shard count (Prometheus: 10 s). */
  shardUpdateMs?: number;
  /** The metric metadata of every scraped target, for metadata_config.send. */
  metadata?: () => readonly MetricMetadata[];
}

function configKey(q: QueueManager | Config['remote_write'][number], external: Labels): string {
  const cfg = q instanceof QueueManager ? q.cfg : q;
  return JSON.stringify({
    cfg: {
      ...cfg,
      write_relabel_configs: cfg.write_relabel_configs.map((r) => ({
        ...r,
        regex: r.regex.source,
      })),
    },
    ext: external.key(),
  });
}

export class RemoteStorage {
  private queues = new Map<string, { key: string; q: QueueManager }>();
  private readonly metrics: QueueMetrics;
  private readonly logger: Logger;

  constructor(private readonly opts: RemoteStorageOptions) {
    const registry = opts.registry ?? defaultRegistry;
    this.metrics = newQueueMetrics(registry);
    this.logger = opts.logger ?? nopLogger;
    // What came in, to set beside each queue's highest sent timestamp (how far behind it is).
    const source = opts.source;
    new client.Gauge({
      name: 'prometheus_remote_storage_highest_timestamp_in_seconds',
      help: 'Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.',
      registers: [registry],
      collect() {
        this.set(source.appendedStats().maxTime / 1000);
      },
    });
    new client.Counter({
      name: 'prometheus_remote_storage_samples_in_total',
      help: 'Samples in to remote storage, compare to samples out for queue managers.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(source.appendedStats().samples);
      },
    });
  }

  async applyConfig(cfg: Config): Promise<void> {
    const ext = cfg.global.external_labels ?? Labels.EMPTY;
    const names = new Set<string>();
    for (const rw of cfg.remote_write) {
      const name = queueName(rw);
      if (names.has(name))
        throw new Error(
          `duplicate remote write configs are not allowed, found duplicate for URL: ${rw.url}`,
        );
      names.add(name);
    }
    // Checked whole before any queue starts tailing the WAL.
    const next = new Map<string, { key: string; q: QueueManager }>();
    for (const rw of cfg.remote_write) {
      const name = queueName(rw);
      const key = configKey(rw, ext);
      const old = this.queues.get(name);
      if (old && old.key === key) next.set(name, old);
      else
        next.set(name, {
          key,
          q: new QueueManager(
            rw,
            this.opts.source,
            ext,
            this.opts.relabel,
            this.metrics,
            this.logger.with({ component: 'remote', remote_name: name, url: rw.url }),
            this.opts.shardUpdateMs,
            this.opts.metadata,
          ),
        });
    }
    const stale = [...this.queues.entries()].filter(([n, v]) => next.get(n) !== v);
    this.queues = next;
    await Promise.all(stale.map(([, v]) => v.q.stop(this.opts.flushDeadlineMs ?? 60_000)));
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map((v) => v.q.stop(this.opts.flushDeadlineMs ?? 60_000)),
    );
    this.queues.clear();
  }
}
