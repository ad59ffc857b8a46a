// The scrape side's own metrics, named as Prometheus names them.
import { client, type Registry } from '../util/metrics.js';

export class ScrapeMetrics {
  readonly intervalLength: client.Summary;
  readonly reloads: client.Counter;
  readonly reloadsFailed: client.Counter;
  readonly syncs: client.Counter<'scrape_job'>;
  readonly syncLength: client.Summary<'scrape_job'>;
  readonly targetsGauge: client.Gauge<'scrape_job'>;
  readonly poolsTotal: client.Counter;
  readonly poolsFailed: client.Counter;
  readonly exceededSampleLimit: client.Counter;
  readonly exceededBodySize: client.Counter;
  readonly exceededBucketLimit: client.Counter;
  readonly exceededTargetLimit: client.Counter;
  readonly exceededLabelLimits: client.Counter;
  readonly outOfOrder: client.Counter;
  readonly duplicate: client.Counter;
  readonly outOfBounds: client.Counter;
  readonly cacheFlushForced: client.Counter;
  readonly targetSyncFailed: client.Counter<'scrape_job'>;
  private readonly registers: Registry[];

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.registers = registers;
    this.intervalLength = new client.Summary({
      name: 'prometheus_target_interval_length_seconds',
      help: 'Actual intervals between scrapes.',
      labelNames: ['interval'],
      percentiles: [0.01, 0.05, 0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.reloads = new client.Counter({
      name: 'prometheus_target_scrape_pool_reloads_total',
      help: 'Total number of scrape pool reloads.',
      registers,
    });
    this.reloadsFailed = new client.Counter({
      name: 'prometheus_target_scrape_pool_reloads_failed_total',
      help: 'Total number of failed scrape pool reloads.',
      registers,
    });
    this.syncs = new client.Counter({
      name: 'prometheus_target_scrape_pool_sync_total',
      help: 'Total number of syncs that were executed on a scrape pool.',
      labelNames: ['scrape_job'],
      registers,
    });
    this.syncLength = new client.Summary({
      name: 'prometheus_target_sync_length_seconds',
      help: 'Actual interval to sync the scrape pool.',
      labelNames: ['scrape_job'],
      percentiles: [0.01, 0.05, 0.5, 0.9, 0.99],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      registers,
    });
    this.targetsGauge = new client.Gauge({
      name: 'prometheus_target_scrape_pool_targets',
      help: 'Current number of targets in this scrape pool.',
      labelNames: ['scrape_job'],
      registers,
    });
    this.poolsTotal = new client.Counter({
      name: 'prometheus_target_scrape_pools_total',
      help: 'Total number of scrape pool creation attempts.',
      registers,
    });
    this.poolsFailed = new client.Counter({
      name: 'prometheus_target_scrape_pools_failed_total',
      help: 'Total number of scrape pool creations that failed.',
      registers,
    });
    this.exceededBucketLimit = new client.Counter({
      name: 'prometheus_target_scrapes_exceeded_native_histogram_bucket_limit_total',
      help: 'Total number of scrapes that hit the native histogram bucket limit and were rejected.',
      registers,
    });
    this.exceededSampleLimit = new client.Counter({
      name: 'prometheus_target_scrapes_exceeded_sample_limit_total',
      help: 'Total number of scrapes that hit the sample limit and were rejected.',
      registers,
    });
    this.exceededBodySize = new client.Counter({
      name: 'prometheus_target_scrapes_exceeded_body_size_limit_total',
      help: 'Total number of scrapes that hit the body size limit',
      registers,
    });
    this.exceededTargetLimit = new client.Counter({
      name: 'prometheus_target_scrape_pool_exceeded_target_limit_total',
      help: 'Total number of times scrape pools hit the target limit, during sync or config reload.',
      registers,
    });
    this.exceededLabelLimits = new client.Counter({
      name: 'prometheus_target_scrape_pool_exceeded_label_limits_total',
      help: 'Total number of times scrape pools hit the label limits, during sync or config reload.',
      registers,
    });
    this.outOfOrder = new client.Counter({
      name: 'prometheus_target_scrapes_sample_out_of_order_total',
      help: 'Total number of samples rejected due to not being out of the expected order.',
      registers,
    });
    this.duplicate = new client.Counter({
      name: 'prometheus_target_scrapes_sample_duplicate_timestamp_total',
      help: 'Total number of samples rejected due to duplicate timestamps but different values.',
      registers,
    });
    this.outOfBounds = new client.Counter({
      name: 'prometheus_target_scrapes_sample_out_of_bounds_total',
      help: 'Total number of samples rejected due to timestamp falling outside of the time bounds.',
      registers,
    });
    this.targetSyncFailed = new client.Counter({
      name: 'prometheus_target_sync_failed_total',
      help: 'Total number of target sync failures.',
      labelNames: ['scrape_job'],
      registers,
    });
    this.cacheFlushForced = new client.Counter({
      name: 'prometheus_target_scrapes_cache_flush_forced_total',
      help: 'How many times a scrape cache was flushed due to getting big while scrapes are failing.',
      registers,
    });
  }

  /**
   * prometheus_target_metadata_cache_{entries,bytes} per scrape job, read at collection from the
   * jobs' targets: the metadata entries their scrapes keep, and the bytes of their type, help and
   * unit (Prometheus's metaEntry.size()).
   */
  metadataGauges(
    view: () => Iterable<{
      job: string;
      metadata: readonly { type: string; help: string; unit: string }[];
    }>,
  ): void {
    const registers = this.registers;
    const collect = (
      g: client.Gauge<'scrape_job'>,
      f: (m: { type: string; help: string; unit: string }) => number,
    ): void => {
      g.reset();
      const byJob = new Map<string, number>();
      for (const t of view())
        byJob.set(t.job, (byJob.get(t.job) ?? 0) + t.metadata.reduce((a, m) => a + f(m), 0));
      for (const [job, v] of byJob) g.set({ scrape_job: job }, v);
    };
    new client.Gauge({
      name: 'prometheus_target_metadata_cache_entries',
      help: 'Total number of metric metadata entries in the cache',
      labelNames: ['scrape_job'],
      registers,
      collect() {
        collect(this, () => 1);
      },
    });
    new client.Gauge({
      name: 'prometheus_target_metadata_cache_bytes',
      help: 'The number of bytes that are currently used for storing metric metadata in the cache',
      labelNames: ['scrape_job'],
      registers,
      collect() {
        collect(this, (m) => m.type.length + m.help.length + m.unit.length);
      },
    });
  }
}
