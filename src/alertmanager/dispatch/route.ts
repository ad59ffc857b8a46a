// The routing tree at run time: which routes an alert's labels reach (depth-first, stopping at
// the first matching child unless it has `continue`), and the keys Alertmanager names routes and
// aggregation groups by.
import type { RouteConfig } from '../config/index.js';
import { matchersMatch, matchersString } from '../matchers/index.js';
import { labelSetString, type LabelSet } from '../model/index.js';

export class Route {
  readonly routes: Route[];
  /** `{}/{severity="critical"}`: the matchers of the route and its ancestors. */
  readonly key: string;
  /** The key plus each level's position among its siblings: unique per route. */
  readonly id: string;

  constructor(
    readonly cfg: RouteConfig,
    readonly parent: Route | null = null,
    index = 0,
  ) {
    const own = matchersString(cfg.matchers);
    this.key = parent === null ? own : `${parent.key}/${own}`;
    this.id = parent === null ? own : `${parent.id}/${own}/${index}`;
    this.routes = cfg.routes.map((c, i) => new Route(c, this, i));
  }

  match(ls: LabelSet): Route[] {
    if (!matchersMatch(this.cfg.matchers, ls)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const m = child.match(ls);
      all.push(...m);
      if (m.length > 0 && !child.cfg.continue) break;
    }
    return all.length > 0 ? all : [this];
  }

  /** The alert's labels this route groups by (all of them for `['...']`). */
  groupLabels(ls: LabelSet): Record<string, string> {
    const gb = this.cfg.groupBy;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(ls)) if (gb === null || gb.includes(k)) out[k] = v;
    return out;
  }

  groupKey(groupLabels: LabelSet): string {
    return `${this.key}:${labelSetString(groupLabels)}`;
  }

  /** Every route of the tree, depth first. */
  walk(): Route[] {
    return [this, ...this.routes.flatMap((r) => r.walk())];
  }
}
