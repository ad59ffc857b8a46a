// /federate: the latest sample of every series matching match[] (within the lookback delta,
// staleness markers skipped), in the text exposition format, with the external labels added
// where a series lacks them — what another Prometheus scrapes to federate this one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Labels, compareLabels, type Matcher } from '../model/labels/index.js';
import { formatFloatG, isStaleNaN } from '../model/value/index.js';
import { parseMetricSelector } from '../promql/parser/index.js';
import type { Queryable } from '../storage/index.js';
import { ValueType } from '../storage/index.js';
import type { Config } from '../config/types.js';
import type { Logger } from '../util/log.js';
import { sendBody } from './compression.js';

export interface FederateDeps {
  queryable: Queryable;
  config: () => Config;
  lookbackDelta: number;
  logger: Logger;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function federateHandler(deps: FederateDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sets: Matcher[][] = [];
    try {
      for (const m of url.searchParams.getAll('match[]')) sets.push(parseMetricSelector(m));
    } catch (e) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${(e as Error).message}\n`);
      return;
    }
    const now = Date.now();
    const mint = now - deps.lookbackDelta;
    const q = deps.queryable.querier(mint, now);
    const latest = new Map<string, { labels: Labels; t: number; v: number }>();
    try {
      for (const ms of sets) {
        const ss = q.select(true, { start: mint, end: now, func: 'series' }, ...ms);
        while (ss.next()) {
          const s = ss.at();
          const k = s.labels.key();
          if (latest.has(k)) continue;
          const it = s.iterator();
          let t = -1;
          let v = 0;
          let vt = it.seek(mint);
          while (vt !== ValueType.None) {
            if (it.atT() > now) break;
            if (vt === ValueType.Float) {
              t = it.atT();
              v = it.atF();
            }
            vt = it.next();
          }
          if (t < 0 || isStaleNaN(v)) continue;
          latest.set(k, { labels: s.labels, t, v });
        }
      }
    } finally {
      q.close();
    }
    // Sorted by name, then by the series' own labels; external labels the series lacks follow
    // its own, in their sorted order, as Prometheus writes them.
    const rows = [...latest.values()].sort((a, b) => {
      const an = a.labels.get('__name__');
      const bn = b.labels.get('__name__');
      return an < bn ? -1 : an > bn ? 1 : compareLabels(a.labels, b.labels);
    });
    // An instance label the series lacks is written empty (unless an external label sets it), as
    // Prometheus does: a scraper honoring labels then keeps an aggregated series without one
    // instead of stamping the federation target on it.
    const extLabels = deps.config().global.external_labels;
    const ext: [string, string][] = [];
    extLabels.forEach((n, v) => void ext.push([n, v]));
    if (!extLabels.has('instance')) ext.push(['instance', '']);
    ext.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let out = '';
    let lastName: string | null = null;
    for (const r of rows) {
      const name = r.labels.get('__name__');
      if (name !== lastName) {
        out += `# TYPE ${name} untyped\n`;
        lastName = name;
      }
      const pairs: string[] = [];
      r.labels.forEach((n, v) => {
        if (n !== '__name__' && v !== '') pairs.push(`${n}="${escapeLabelValue(v)}"`);
      });
      for (const [n, v] of ext) if (!r.labels.has(n)) pairs.push(`${n}="${escapeLabelValue(v)}"`);
      out += `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatFloatG(r.v)} ${r.t}\n`;
    }
    sendBody(req, res, 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }, out);
  };
}
