// Scrape pools of the Targets page: counts over all targets, the filters over what is shown.
import { matchesSearch } from './format.js';

export interface TargetLike {
  scrapePool: string;
  scrapeUrl: string;
  health: string;
  labels: Record<string, string>;
}

export interface Pool<T> {
  name: string;
  up: number;
  total: number;
  shown: T[];
}

/** The Targets page's filters: health (any, or one of up/down/unknown), one pool or all, search words. */
export interface TargetFilter {
  unhealthyOnly: boolean;
  health?: '' | 'up' | 'down' | 'unknown';
  pool?: string;
  search: string;
}

/**
 * Pools sorted by name, each with its up/total counts and the targets passing the filters
 * (health; one pool; every search word in the endpoint or a label). A pool with nothing to show
 * is left out while a filter is on.
 */
export function groupTargets<T extends TargetLike>(
  targets: T[],
  unhealthyOnly: boolean | TargetFilter,
  search = '',
): Array<Pool<T>> {
  const f: TargetFilter =
    typeof unhealthyOnly === 'boolean' ? { unhealthyOnly, search } : unhealthyOnly;
  const byPool = new Map<string, T[]>();
  for (const t of targets) {
    const list = byPool.get(t.scrapePool);
    if (list) list.push(t);
    else byPool.set(t.scrapePool, [t]);
  }
  const filtering = f.unhealthyOnly || f.search.trim() !== '' || (f.health ?? '') !== '';
  const pools: Array<Pool<T>> = [];
  for (const [name, ts] of [...byPool.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (f.pool && f.pool !== name) continue;
    const shown = ts.filter(
      (t) =>
        (!f.unhealthyOnly || t.health !== 'up') &&
        (!f.health || t.health === f.health) &&
        matchesSearch(
          `${t.scrapeUrl} ${Object.entries(t.labels)
            .map(([k, v]) => `${k}="${v}"`)
            .join(' ')}`,
          f.search,
        ),
    );
    if (filtering && shown.length === 0) continue;
    pools.push({ name, up: ts.filter((t) => t.health === 'up').length, total: ts.length, shown });
  }
  return pools;
}
