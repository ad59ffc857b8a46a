// The alert store: the current state of every alert by fingerprint, merged as Alertmanager
// merges re-sent alerts, with subscribers (the dispatcher, the inhibitor) told of each change
// and resolved alerts dropped every --alerts.gc-interval.
import { mergeAlerts, resolvedAt, type Alert } from '../model/index.js';

export type AlertListener = (a: Alert) => void;

export class AlertStore {
  private readonly alerts = new Map<string, Alert>();
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly now: () => number = Date.now) {}

  put(alerts: readonly Alert[]): void {
    const now = this.now();
    for (let a of alerts) {
      const old = this.alerts.get(a.fingerprint);
      // Only overlapping activity windows are one alert; otherwise the new one starts afresh.
      if (
        old !== undefined &&
        ((a.endsAt > old.startsAt && a.endsAt < old.endsAt) ||
          (a.startsAt > old.startsAt && a.startsAt < old.endsAt))
      ) {
        a = mergeAlerts(old, a, now);
      }
      this.alerts.set(a.fingerprint, a);
      for (const l of this.listeners) l(a);
    }
  }

  get(fp: string): Alert | undefined {
    return this.alerts.get(fp);
  }

  list(): Alert[] {
    return [...this.alerts.values()];
  }

  get size(): number {
    return this.alerts.size;
  }

  /** Tells the listener of every alert held now, then of every change. */
  subscribe(l: AlertListener): () => void {
    for (const a of this.alerts.values()) l(a);
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Drops resolved alerts; returns their fingerprints. */
  gc(): string[] {
    const now = this.now();
    const gone: string[] = [];
    for (const [fp, a] of this.alerts) {
      if (resolvedAt(a, now)) {
        this.alerts.delete(fp);
        gone.push(fp);
      }
    }
    return gone;
  }
}
