// The dispatcher: every alert of the store goes to each route its labels reach, into that
// route's aggregation group for its group labels; empty groups are dropped every 30s.
import type { Alert, LabelSet } from '../model/index.js';
import { fingerprint } from '../model/index.js';
import type { AlertStore } from '../store/index.js';
import { AggregationGroup, type FlushFn } from './group.js';
import type { Route } from './route.js';

const MAINTENANCE_INTERVAL = 30_000;

export class Dispatcher {
  /** Per route id, the groups by the fingerprint of their labels. */
  private readonly groups = new Map<string, Map<string, AggregationGroup>>();
  private unsubscribe: (() => void) | null = null;
  private maintenance: NodeJS.Timeout | null = null;

  constructor(
    readonly root: Route,
    private readonly store: AlertStore,
    private readonly flushFn: FlushFn,
    private readonly onGroupsChanged: (n: number) => void = () => {},
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((a) => this.process(a));
    this.maintenance = setInterval(() => this.dropEmpty(), MAINTENANCE_INTERVAL);
    this.maintenance.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.maintenance !== null) clearInterval(this.maintenance);
    for (const byFp of this.groups.values()) for (const g of byFp.values()) g.stop();
    this.groups.clear();
    this.onGroupsChanged(0);
  }

  private process(a: Alert): void {
    for (const route of this.root.match(a.labels)) {
      const labels = route.groupLabels(a.labels);
      const fp = fingerprint(labels);
      let byFp = this.groups.get(route.id);
      if (byFp === undefined) {
        byFp = new Map();
        this.groups.set(route.id, byFp);
      }
      let g = byFp.get(fp);
      if (g === undefined) {
        g = new AggregationGroup(route, labels, this.flushFn);
        byFp.set(fp, g);
        this.onGroupsChanged(this.count());
      }
      g.insert(a);
    }
  }

  private count(): number {
    let n = 0;
    for (const byFp of this.groups.values()) n += byFp.size;
    return n;
  }

  private dropEmpty(): void {
    for (const byFp of this.groups.values()) {
      for (const [fp, g] of byFp) {
        if (g.empty()) {
          g.stop();
          byFp.delete(fp);
        }
      }
    }
    this.onGroupsChanged(this.count());
  }

  /** Every group with its route, for /api/v2/alerts/groups. */
  list(): { route: Route; labels: LabelSet; alerts: Alert[] }[] {
    const out: { route: Route; labels: LabelSet; alerts: Alert[] }[] = [];
    for (const byFp of this.groups.values())
      for (const g of byFp.values())
        out.push({ route: g.route, labels: g.labels, alerts: [...g.alerts.values()] });
    return out;
  }
}
