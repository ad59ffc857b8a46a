// The scrape manager: one pool per scrape config, fed by discovery. A reload keeps pools whose
// config did not change (their targets keep their loops), restarts changed ones, and stops the
// pools of removed jobs.
import type { Appendable } from '../storage/index.js';
import type { Config, ScrapeConfig, TargetGroup } from '../config/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import type { Registry } from '../util/metrics.js';
import { AnchoredRegexp, fnv1a32 } from '../model/labels/index.js';
import { hostname } from 'node:os';
import type { TargetInfo, TargetRetriever } from './target_info.js';
import { ScrapeMetrics } from './metrics.js';
import { ScrapePool } from './pool.js';
import type { ScrapeFeatures } from './features.js';

export interface ScrapeManagerOptions {
  appendable: Appendable;
  logger?: Logger;
  registry?: Registry;
  features?: ScrapeFeatures;
}

/** A config's identity for "did it change on reload" (compiled regexes compare by source). */
function configKey(cfg: ScrapeConfig): string {
  return JSON.stringify(cfg, (_k, v: unknown) =>
    v instanceof AnchoredRegexp ? `re:${v.source}` : v,
  );
}

export class ScrapeManager implements TargetRetriever {
  private readonly pools = new Map<string, ScrapePool>();
  private readonly keys = new Map<string, string>();
  private readonly lastTargets = new Map<string, TargetGroup[]>();
  private readonly metrics: ScrapeMetrics;
  private readonly logger: Logger;
  private readonly pending: Promise<void>[] = [];
  private offsetSeed = 0;

  constructor(private readonly opts: ScrapeManagerOptions) {
    this.logger = opts.logger ?? nopLogger;
    this.metrics = new ScrapeMetrics(opts.registry);
    this.metrics.metadataGauges(() =>
      [...this.pools].flatMap(([job, p]) =>
        p.activeTargets().map((t) => ({ job, metadata: t.metadata() })),
      ),
    );
  }

  applyConfig(cfg: Config): void {
    // Prometheus's setOffsetSeed: this host and its external labels shift every target's phase,
    // so two replicas with the same targets do not scrape them at the same instant.
    this.offsetSeed = fnv1a32(hostname() + cfg.global.external_labels.toString());
    const wanted = new Map(cfg.scrape_configs.map((sc) => [sc.job_name, sc] as const));
    for (const [job, pool] of this.pools) {
      if (!wanted.has(job)) {
        this.pools.delete(job);
        this.keys.delete(job);
        this.track(pool.stop());
      }
    }
    for (const [job, sc] of wanted) {
      const key = configKey(sc);
      const pool = this.pools.get(job);
      if (pool === undefined) {
        this.metrics.poolsTotal.inc();
        const p = new ScrapePool(
          sc,
          this.opts.appendable,
          this.metrics,
          this.logger.with({ scrape_pool: job }),
          this.offsetSeed,
          this.opts.features,
        );
        this.pools.set(job, p);
        this.keys.set(job, key);
        const groups = this.lastTargets.get(job);
        if (groups) p.sync(groups);
      } else if (this.keys.get(job) !== key) {
        this.keys.set(job, key);
        this.track(pool.reload(sc));
      }
    }
  }

  /** A discovery update: the full target groups of each job named in it. */
  sync(tsets: Map<string, TargetGroup[]>): void {
    for (const [job, groups] of tsets) {
      this.lastTargets.set(job, groups);
      this.pools.get(job)?.sync(groups);
    }
  }

  async stop(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all([...pools.map((p) => p.stop()), ...this.pending]);
  }

  private track(p: Promise<void>): void {
    const t = p
      .catch((e: unknown) => this.logger.error('Stopping scrape pool failed', { err: e as Error }))
      .finally(() => {
        const i = this.pending.indexOf(t);
        if (i >= 0) this.pending.splice(i, 1);
      });
    this.pending.push(t);
  }

  targetsActive(): Map<string, TargetInfo[]> {
    return new Map([...this.pools].map(([job, p]) => [job, p.activeTargets()]));
  }

  targetsDropped(): Map<string, TargetInfo[]> {
    return new Map([...this.pools].map(([job, p]) => [job, p.droppedTargets()]));
  }

  scrapePools(): string[] {
    return [...this.pools.keys()].sort();
  }
}
