// Helpers shared by the scrape tests: a ScrapeManager + TSDB harness fed by a config, an HTTP
// target serving what a test hands it, and reading back what was stored.
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { openDB } from '../../src/tsdb/index.ts';
import type { DB } from '../../src/tsdb/index.ts';
import { ScrapeManager } from '../../src/scrape/index.ts';
import type { ScrapeFeatures } from '../../src/scrape/features.ts';
import type { Appendable } from '../../src/storage/index.ts';
import { DiscoveryManager } from '../../src/discovery/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import type { Labels, Matcher } from '../../src/model/labels/index.ts';
import { isStaleNaN } from '../../src/model/value/index.ts';
import { tempDir } from '../support/peers.ts';

export interface Stored {
  labels: Labels;
  ts: number[];
  vs: number[];
  /** Staleness per sample: a JS array would canonicalize the StaleNaN bit pattern away. */
  stale: boolean[];
}

export function read(db: DB, ...matchers: Matcher[]): Stored[] {
  const q = db.querier(0, Date.now() + 60_000);
  const out: Stored[] = [];
  const ss = q.select(true, undefined, ...matchers);
  while (ss.next()) {
    const s = ss.at();
    const it = s.iterator();
    const ts: number[] = [];
    const vs: number[] = [];
    const stale: boolean[] = [];
    while (it.next()) {
      ts.push(it.atT());
      vs.push(it.atF());
      stale.push(isStaleNaN(it.atF()));
    }
    out.push({ labels: s.labels, ts, vs, stale });
  }
  q.close();
  return out;
}

export async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function harness(yaml: string, features: ScrapeFeatures = {}) {
  const { dir, cleanup } = tempDir('scrape-');
  const db = await openDB(dir, {}, {});
  const cfg: Config = loadConfig(yaml, 'test.yml');
  const sm = new ScrapeManager({ appendable: db, features });
  const dm = new DiscoveryManager({ name: 'scrape', updateThrottleMs: 50 });
  dm.onUpdate((t) => sm.sync(t));
  sm.applyConfig(cfg);
  dm.applyConfig(new Map(cfg.scrape_configs.map((s) => [s.job_name, s])));
  return {
    db,
    sm,
    dm,
    async stop() {
      await dm.stop();
      await sm.stop();
      await db.close();
      cleanup();
    },
  };
}

export function serve(
  handler: (path: string) => {
    status?: number;
    body: string | Buffer;
    type?: string;
    gzip?: boolean;
  },
): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      const r = handler(req.url ?? '/');
      const headers: Record<string, string> = {
        'Content-Type': r.type ?? 'text/plain; version=0.0.4',
      };
      let body: Buffer = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
      if (r.gzip && /gzip/.test(String(req.headers['accept-encoding']))) {
        body = gzipSync(body);
        headers['Content-Encoding'] = 'gzip';
      }
      res.writeHead(r.status ?? 200, headers).end(body);
    });
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as { port: number }).port, server }),
    );
  });
}

/** A ScrapeManager over `appendable` scraping one target (job "app") every 200ms, without discovery. */
export function scrapeOneTarget(appendable: Appendable, port: number): ScrapeManager {
  const sm = new ScrapeManager({ appendable });
  const cfg = loadConfig(
    `global:\n  scrape_interval: 200ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
    'test.yml',
  );
  sm.applyConfig(cfg);
  sm.sync(
    new Map([
      ['app', [{ source: '0', labels: {}, targets: [{ __address__: `127.0.0.1:${port}` }] }]],
    ]),
  );
  return sm;
}
