// The discovery manager: runs the discovery mechanisms of every scrape job (or Alertmanager set),
// keeps each provider's latest target groups, and hands consumers the full groups of each job
// that changed — at once after a config is applied, then at most every updateThrottleMs
// (Prometheus's 5 s), so a flapping catalog cannot make the scrape side thrash.
import { nopLogger, type Logger } from '../util/log.js';
import type { Registry } from '../util/metrics.js';
import {
  DiscoveryMetrics,
  mechanisms,
  type Provider,
  type ProviderContext,
  type ProviderSpec,
  type ServiceDiscoveryConfigs,
  type TargetGroup,
} from './mechanism/index.js';

export interface DiscoveryManagerOptions {
  name: string;
  logger?: Logger;
  registry?: Registry;
  /** Minimum time between two updates to consumers (ms); Prometheus's default is 5 s. */
  updateThrottleMs?: number;
}

interface RunningProvider {
  key: string;
  provider: Provider;
  groups: TargetGroup[];
}

/** A provider config's identity: same kind and same settings = same running provider. */

export class DiscoveryManager {
  private readonly logger: Logger;
  private readonly metrics: DiscoveryMetrics;
  private readonly throttle: number;
  private readonly jobs = new Map<string, RunningProvider[]>();
  private readonly dirty = new Set<string>();
  private listeners: ((tsets: Map<string, TargetGroup[]>) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastSent = 0;
  private stopped = false;

  constructor(private readonly opts: DiscoveryManagerOptions) {
    this.logger = opts.logger ?? nopLogger;
    this.metrics = new DiscoveryMetrics(opts.registry);
    this.throttle = opts.updateThrottleMs ?? 5000;
  }

  onUpdate(cb: (tsets: Map<string, TargetGroup[]>) => void): void {
    this.listeners.push(cb);
  }

  /** Starts, keeps or stops providers so they match the configs; unchanged ones keep running. */
  applyConfig(cfgs: Map<string, ServiceDiscoveryConfigs>): void {
    let failed = 0;
    for (const [job, running] of this.jobs) {
      if (!cfgs.has(job)) {
        for (const r of running) r.provider.stop();
        this.jobs.delete(job);
        this.metrics.discoveredTargets.remove({ config: job, name: this.opts.name });
      }
    }
    for (const [job, sd] of cfgs) {
      const wanted = this.providerConfigs(sd);
      const old = this.jobs.get(job) ?? [];
      const next: RunningProvider[] = [];
      const fresh: RunningProvider[] = [];
      for (const { key, make } of wanted) {
        const i = old.findIndex((r) => r.key === key);
        if (i >= 0) {
          next.push(old[i]!);
          old.splice(i, 1);
          continue;
        }
        let provider: Provider;
        try {
          provider = make();
        } catch (e) {
          failed++;
          this.logger.error('Cannot create service discovery', { config: job, err: e as Error });
          continue;
        }
        const r: RunningProvider = { key, provider, groups: [] };
        next.push(r);
        fresh.push(r);
      }
      for (const r of old) r.provider.stop();
      this.jobs.set(job, next);
      for (const r of fresh) r.provider.start((groups) => this.received(job, r, groups));
      this.dirty.add(job);
    }
    this.metrics.failedConfigs.set({ name: this.opts.name }, failed);
    // Configured targets go out now rather than after the throttle.
    this.flush();
  }

  private providerConfigs(sd: ServiceDiscoveryConfigs): ProviderSpec[] {
    const ctx: ProviderContext = {
      logger: this.logger,
      metrics: this.metrics,
      name: this.opts.name,
    };
    const configs = sd as unknown as Record<string, unknown[] | undefined>;
    const out = mechanisms().flatMap((m) => m.providers(configs[m.key] ?? [], ctx));
    for (const kind of Object.keys(sd.unsupported_sd_configs ?? {})) {
      this.logger.warn(
        'Service discovery mechanism not supported by prometheus-ts; its targets are not discovered',
        { mechanism: kind },
      );
    }
    return out;
  }

  private received(job: string, r: RunningProvider, groups: TargetGroup[]): void {
    if (this.stopped || !(this.jobs.get(job) ?? []).includes(r)) return;
    this.metrics.receivedUpdates.inc({ name: this.opts.name });
    r.groups = groups;
    this.dirty.add(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.throttle - Date.now());
    if (wait > 0) this.metrics.delayedUpdates.inc({ name: this.opts.name });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.stopped || this.dirty.size === 0) return;
    const out = new Map<string, TargetGroup[]>();
    for (const job of this.dirty) {
      const groups: TargetGroup[] = [];
      for (const r of this.jobs.get(job) ?? []) groups.push(...r.groups);
      out.set(job, groups);
      let n = 0;
      for (const g of groups) n += g.targets.length;
      this.metrics.discoveredTargets.set({ config: job, name: this.opts.name }, n);
    }
    this.dirty.clear();
    this.lastSent = Date.now();
    this.metrics.updates.inc({ name: this.opts.name });
    for (const cb of this.listeners) {
      try {
        cb(out);
      } catch (e) {
        this.logger.error('Discovery consumer failed', { err: e as Error });
      }
    }
  }

  /** The latest groups of every job (for the API's service-discovery view and tests). */
  targetGroups(): Map<string, TargetGroup[]> {
    const out = new Map<string, TargetGroup[]>();
    for (const [job, running] of this.jobs)
      out.set(
        job,
        running.flatMap((r) => r.groups),
      );
    return out;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const running of this.jobs.values()) for (const r of running) r.provider.stop();
    this.jobs.clear();
  }
}
