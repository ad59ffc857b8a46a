// Inhibition: an alert matching a rule's target side is muted while a firing alert matches the
// source side with equal values for the rule's `equal` labels (a label missing on both sides is
// equal). An alert matching both sides does not inhibit itself or others like it.
import type { InhibitRuleConfig } from '../config/index.js';
import { matchersMatch } from '../matchers/index.js';
import { resolvedAt, type Alert, type LabelSet } from '../model/index.js';
import type { AlertStore } from '../store/index.js';

interface Rule {
  readonly cfg: InhibitRuleConfig;
  /** Source-side alerts by fingerprint (may hold resolved ones until they are replaced). */
  readonly sources: Map<string, Alert>;
}

export class Inhibitor {
  private readonly rules: Rule[];
  private readonly unsubscribe: () => void;

  constructor(
    rules: readonly InhibitRuleConfig[],
    store: AlertStore,
    private readonly now: () => number = Date.now,
  ) {
    this.rules = rules.map((cfg) => ({ cfg, sources: new Map() }));
    this.unsubscribe = store.subscribe((a) => {
      for (const r of this.rules)
        if (matchersMatch(r.cfg.sourceMatchers, a.labels)) r.sources.set(a.fingerprint, a);
    });
  }

  /** The fingerprints of the alerts inhibiting this label set (empty: not inhibited). */
  inhibitedBy(ls: LabelSet): string[] {
    const now = this.now();
    for (const r of this.rules) {
      if (!matchersMatch(r.cfg.targetMatchers, ls)) continue;
      const bothSides = matchersMatch(r.cfg.sourceMatchers, ls);
      for (const src of r.sources.values()) {
        if (resolvedAt(src, now)) continue;
        if (!r.cfg.equal.every((n) => (src.labels[n] ?? '') === (ls[n] ?? ''))) continue;
        if (bothSides && matchersMatch(r.cfg.targetMatchers, src.labels)) continue;
        return [src.fingerprint];
      }
    }
    return [];
  }

  /** Forgets source alerts that have been garbage-collected from the store. */
  forget(fps: readonly string[]): void {
    for (const r of this.rules) for (const fp of fps) r.sources.delete(fp);
  }

  stop(): void {
    this.unsubscribe();
  }
}
