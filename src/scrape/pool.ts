// A scrape pool: the targets of one job. Discovery updates are reconciled by target identity —
// an unchanged target keeps its loop (and so its phase and its series' continuity), a new one
// starts a loop, a vanished one stops and writes its staleness markers.
import { Labels } from '../model/labels/index.js';
import type { Appendable } from '../storage/index.js';
import type { ScrapeConfig, TargetGroup } from '../config/index.js';
import type { Logger } from '../util/log.js';
import type { ScrapeMetrics } from './metrics.js';
import { ScrapeLoop } from './loop.js';
import type { ScrapeFeatures } from './features.js';
import { Target, TargetError, populateLabels } from './target.js';

export class ScrapePool {
  private readonly loops = new Map<string, ScrapeLoop>();
  private dropped: Target[] = [];
  private groups: TargetGroup[] = [];
  private targetLimitError: string | null = null;

  constructor(
    private cfg: ScrapeConfig,
    private readonly appendable: Appendable,
    private readonly metrics: ScrapeMetrics,
    private readonly logger: Logger,
    private readonly offsetSeed = 0,
    private readonly features: ScrapeFeatures = {},
  ) {}

  get config(): ScrapeConfig {
    return this.cfg;
  }

  /** Replaces the pool's targets with those of the groups. */
  sync(groups: TargetGroup[]): void {
    const started = performance.now();
    this.groups = groups;
    const job = this.cfg.job_name;
    const wanted = new Map<string, Target>();
    const dropped: Target[] = [];
    let failures = 0;
    for (const g of groups) {
      for (const t of g.targets) {
        const base = Labels.fromObject({ ...g.labels, ...t });
        let res;
        try {
          res = populateLabels(base, this.cfg, this.features.noDefaultPort);
        } catch (e) {
          if (e instanceof TargetError) {
            this.logger.error('Creating target failed', { scrape_pool: job, err: e.message });
            failures++;
            continue;
          }
          throw e;
        }
        if (res.labels === null) {
          const keep = this.cfg.keep_dropped_targets;
          if (keep === 0 || dropped.length < keep)
            dropped.push(new Target(job, Labels.EMPTY, res.discovered, this.cfg.params));
          continue;
        }
        const target = new Target(job, res.labels, res.discovered, this.cfg.params);
        const key = target.key();
        if (!wanted.has(key)) wanted.set(key, target);
      }
    }
    this.dropped = dropped;
    this.metrics.targetSyncFailed.inc({ scrape_job: job }, failures);
    const limit = this.cfg.target_limit;
    this.targetLimitError =
      limit > 0 && wanted.size > limit
        ? `target_limit exceeded (number of targets: ${wanted.size}, limit: ${limit})`
        : null;
    if (this.targetLimitError) this.metrics.exceededTargetLimit.inc();
    for (const [key, loop] of this.loops) {
      if (!wanted.has(key)) {
        this.loops.delete(key);
        void loop.stop();
      }
    }
    for (const [key, target] of wanted) {
      if (this.loops.has(key)) continue;
      const loop = new ScrapeLoop(
        target,
        this.cfg,
        this.appendable,
        this.metrics,
        this.logger,
        () => this.targetLimitError,
        this.offsetSeed,
        this.features.extraMetrics,
        this.features.nativeHistograms,
      );
      this.loops.set(key, loop);
      loop.start();
    }
    this.metrics.targetsGauge.set({ scrape_job: job }, this.loops.size);
    this.metrics.syncs.inc({ scrape_job: job });
    this.metrics.syncLength.observe({ scrape_job: job }, (performance.now() - started) / 1000);
  }

  /** A changed scrape config: every loop restarts under the new config (series continue). */
  async reload(cfg: ScrapeConfig): Promise<void> {
    this.metrics.reloads.inc();
    const old = [...this.loops.values()];
    this.loops.clear();
    this.cfg = cfg;
    // Old loops end without staleness markers: the same series continue under the new loops.
    await Promise.all(old.map((l) => l.stop(false)));
    this.sync(this.groups);
  }

  async stop(): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop()));
    this.metrics.targetsGauge.remove({ scrape_job: this.cfg.job_name });
  }

  activeTargets(): Target[] {
    return [...this.loops.values()].map((l) => l.target);
  }

  droppedTargets(): Target[] {
    return this.dropped;
  }
}
