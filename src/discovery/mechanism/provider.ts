// What every discovery mechanism is to the manager: something that, once started, reports the
// full current list of its target groups whenever it changes, until stopped.
import type { TargetGroup } from './target_group.js';
import type { Logger } from '../../util/log.js';
import type { DiscoveryMetrics } from './metrics.js';
import { sleep } from '../../util/sleep.js';

export interface ProviderContext {
  logger: Logger;
  metrics: DiscoveryMetrics;
  /** The manager's name ('scrape' or 'notify'), for metric labels. */
  name: string;
}

export interface Provider {
  start(emit: (groups: TargetGroup[]) => void): void;
  stop(): void;
}

/** Sleeps ms, or less when the signal aborts (kept here for the mechanisms that import it). */
export { sleep };

/**
 * A provider that polls: refresh() now, then every interval, emitting what it found. Each refresh
 * is timed and each failure counted by mechanism, as Prometheus's discovery/refresh does.
 */
export abstract class RefreshProvider implements Provider {
  private readonly ac = new AbortController();
  constructor(
    protected readonly ctx: ProviderContext,
    private readonly intervalMs: number,
    /** The mechanism label of the refresh metrics; null: not counted there. */
    private readonly mechanism: string | null,
  ) {}

  protected abstract refresh(signal: AbortSignal): Promise<TargetGroup[]>;
  /** Called when refresh throws; the last good groups stay. */
  protected abstract failed(err: Error): void;

  start(emit: (groups: TargetGroup[]) => void): void {
    const signal = this.ac.signal;
    void (async () => {
      const mechanism = this.mechanism === null ? null : { mechanism: this.mechanism };
      while (!signal.aborted) {
        const started = performance.now();
        try {
          const groups = await this.refresh(signal);
          if (!signal.aborted) emit(groups);
        } catch (e) {
          if (!signal.aborted) {
            if (mechanism) this.ctx.metrics.refreshFailures.inc(mechanism);
            this.failed(e as Error);
          }
        }
        if (mechanism)
          this.ctx.metrics.refreshDuration.observe(mechanism, (performance.now() - started) / 1000);
        await sleep(this.intervalMs, signal);
      }
    })();
  }

  stop(): void {
    this.ac.abort();
  }
}
