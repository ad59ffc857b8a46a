// An alert as Alertmanager holds it (types.Alert): the posted alert plus when it was last
// updated and whether its end is only the resolve_timeout guess.
import { fingerprint, labelSetBefore, type LabelSet } from './labelset.js';
import { ZERO_TIME } from './time.js';

export interface Alert {
  readonly labels: LabelSet;
  readonly annotations: LabelSet;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly generatorURL: string;
  readonly updatedAt: number;
  /** The end time was not given and is now + resolve_timeout. */
  readonly timeout: boolean;
  readonly fingerprint: string;
}

export function newAlert(a: Omit<Alert, 'fingerprint'>): Alert {
  return { ...a, fingerprint: fingerprint(a.labels) };
}

export function resolvedAt(a: Alert, now: number): boolean {
  return a.endsAt !== ZERO_TIME && a.endsAt <= now;
}

/**
 * Two states of one alert folded together as Alertmanager does: the later update wins, the
 * earliest start is kept, and an explicit end outranks a resolve_timeout guess.
 */
export function mergeAlerts(a: Alert, o: Alert, now: number): Alert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  let startsAt = o.startsAt;
  let endsAt = o.endsAt;
  if (a.startsAt < o.startsAt) startsAt = a.startsAt;
  if (resolvedAt(o, now)) {
    if (resolvedAt(a, now) && a.endsAt > o.endsAt) endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) {
    endsAt = a.endsAt;
  }
  return { ...o, startsAt, endsAt };
}

/** The order of alerts within a notification: by job, then instance, then label set. */
export function compareAlerts(a: Alert, b: Alert): number {
  for (const k of ['job', 'instance']) {
    const va = a.labels[k];
    const vb = b.labels[k];
    if (va === undefined && vb === undefined) continue;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  if (labelSetBefore(a.labels, b.labels)) return -1;
  if (labelSetBefore(b.labels, a.labels)) return 1;
  return 0;
}
