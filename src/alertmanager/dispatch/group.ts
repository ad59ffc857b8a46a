// An aggregation group: the alerts of one route with equal group labels, flushed first after
// group_wait (at once if the alert is already older than that), then every group_interval.
// A flush that is still running when the next is due delays it, as Alertmanager's run loop does.
import { compareAlerts, resolvedAt, ZERO_TIME, type Alert } from '../model/index.js';
import type { FlushContext } from './pipeline.js';
import type { Route } from './route.js';

/** Alertmanager's floor for how long one flush's notifications may take. */
const MIN_TIMEOUT = 10_000;

export type FlushFn = (ctx: FlushContext, alerts: readonly Alert[]) => Promise<boolean>;

export class AggregationGroup {
  readonly alerts = new Map<string, Alert>();
  readonly key: string;
  private timer: NodeJS.Timeout | null = null;
  private hasFlushed = false;
  private running = false;
  private due = false;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    readonly route: Route,
    readonly labels: Readonly<Record<string, string>>,
    private readonly flushFn: FlushFn,
  ) {
    this.key = route.groupKey(labels);
    this.schedule(route.cfg.groupWait);
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
  }

  insert(a: Alert): void {
    this.alerts.set(a.fingerprint, a);
    // An alert already older than group_wait is flushed at once — before the alerts that come
    // after it in the same batch, as Alertmanager's group goroutine does in practice.
    if (!this.hasFlushed && a.startsAt + this.route.cfg.groupWait < Date.now()) this.tick();
  }

  empty(): boolean {
    return this.alerts.size === 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.due = true;
      return;
    }
    const now = Date.now();
    this.schedule(this.route.cfg.groupInterval);
    this.hasFlushed = true;
    this.running = true;
    void this.flush(now).finally(() => {
      this.running = false;
      if (this.due && !this.stopped) {
        this.due = false;
        this.tick();
      }
    });
  }

  private async flush(now: number): Promise<void> {
    if (this.empty()) return;
    // A firing alert must not resolve while the notification is under way: its end is hidden.
    const snapshot = [...this.alerts.values()]
      .map((a) => (resolvedAt(a, now) ? a : { ...a, endsAt: ZERO_TIME }))
      .sort(compareAlerts);
    const cfg = this.route.cfg;
    const signal = AbortSignal.any([
      this.abort.signal,
      AbortSignal.timeout(Math.max(cfg.groupInterval, MIN_TIMEOUT)),
    ]);
    const ok = await this.flushFn(
      {
        groupKey: this.key,
        groupLabels: this.labels,
        receiver: cfg.receiver,
        repeatInterval: cfg.repeatInterval,
        muteTimeIntervals: cfg.muteTimeIntervals,
        activeTimeIntervals: cfg.activeTimeIntervals,
        now,
        signal,
      },
      snapshot,
    );
    if (!ok) return;
    const after = Date.now();
    for (const a of snapshot) {
      const cur = this.alerts.get(a.fingerprint);
      // Only drop a resolved alert that has not been updated since it was notified.
      if (cur !== undefined && resolvedAt(a, after) && cur.updatedAt === a.updatedAt)
        this.alerts.delete(a.fingerprint);
    }
  }
}
