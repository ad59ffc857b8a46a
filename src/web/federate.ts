// /federate: the latest sample of every series matching match[] (within the lookback delta,
// staleness markers skipped), in the text exposition format, with the external labels added
// where a series lacks them — what another Prometheus scrapes to federate this one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Labels, compareLabels, type Matcher } from '../model/labels/index.js';
import { formatFloatG, isStaleNaN } from '../model/value/index.js';
import { parseMetricSelector } from '../promql/parser/index.js';
import type { Queryable } from '../storage/index.js';
import { ValueType } from '../storage/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../util/log.js';
import { client, type Registry } from '../util/metrics.js';
import { sendBody } from './compression.js';

export interface FederateDeps {
  queryable: Queryable;
  config: () => Config;
  lookbackDelta: number;
  logger: Logger;
  registry?: Registry;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function federateHandler(
  deps: FederateDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const registers = deps.registry ? [deps.registry] : [];
  const errors = new client.Counter({
    name: 'prometheus_web_federation_errors_total',
    help: 'Total number of errors that occurred while sending federation responses.',
    registers,
  });
  const warnings = new client.Counter({
    name: 'prometheus_web_federation_warnings_total',
    help: 'Total number of warnings that occurred while sending federation responses.',
    registers,
  });
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const sets: Matcher[][] = [];
    try {
      for (const m of url.searchParams.getAll('match[]')) sets.push(parseMetricSelector(m));
    } catch (e) {
      res
        .writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`${(e as Error).message}\n`);
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
          let found = false;
          let t = 0;
          let v = 0;
          let vt = it.seek(mint);
          while (vt !== ValueType.None) {
            if (it.atT() > now) break;
            if (vt === ValueType.Float) {
              found = true;
              t = it.atT();
              v = it.atF();
            }
            vt = it.next();
          }
          if (!found || isStaleNaN(v)) continue;
          latest.set(k, { labels: s.labels, t, v });
        }
        const err = ss.err();
        if (err) throw err;
        const ws = ss.warnings();
        if (ws.length > 0) {
          deps.logger.debug('Federation select returned warnings', { warnings: ws.join('; ') });
          warnings.inc(ws.length);
        }
      }
    } catch (e) {
      // Storage failed under the select: Prometheus answers 500 with the error.
      errors.inc();
      res
        .writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`${(e as Error).message}\n`);
      return;
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
