// The TSDB benchmarks' data: node_exporter-like series and their samples, appended through our
// TSDB. Also a command that writes such a data directory in a process of its own (with a heap
// large enough for 1M series), for benchmarks that then start servers on it:
//   node --max-old-space-size=16384 --import tsx bench/tsdb_data.ts DIR SERIES SCRAPES
import { pathToFileURL } from 'node:url';
import { Labels } from '../src/model/labels/index.js';
import { openDB, type DB } from '../src/tsdb/index.js';

export const H = 3600_000;
/** First sample time, aligned to a 2h block so 120 scrapes stay inside one head block. */
export const T0 = 1_700_000_000_000 - (1_700_000_000_000 % (2 * H));
export const SCRAPE_MS = 15_000;

/** node_exporter-like series: counters that grow irregularly and gauges that wander. */
export function seriesSet(n: number): Labels[] {
  const out: Labels[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    out.push(
      Labels.fromStrings(
        '__name__',
        kind === 0
          ? 'node_cpu_seconds_total'
          : kind === 1
            ? 'http_requests_total'
            : kind === 2
              ? 'node_memory_free_bytes'
              : 'process_open_fds',
        'instance',
        `host-${Math.floor(i / 100)}:9100`,
        'job',
        `job-${i % 10}`,
        'idx',
        String(i % 100),
      ),
    );
  }
  return out;
}

/** Series i's value at scrape k (state holds each series' last value). */
export function value(i: number, k: number, state: Float64Array): number {
  const kind = i % 4;
  let x = state[i]!;
  const r = ((i * 2654435761 + k * 40503) >>> 0) / 4294967296;
  if (kind === 0)
    x += 15 * r; // cpu seconds: float counter
  else if (kind === 1)
    x += Math.floor(r * 20); // integer counter
  else if (kind === 2)
    x = 8e9 + Math.floor(r * 1e6) * 4096; // gauge in pages
  else x = 40 + Math.floor(r * 5); // small gauge
  state[i] = x;
  return x;
}

/**
 * Appends `scrapes` scrapes of every series (a few ms of jitter each), one appender and commit per
 * `perCommit` series (a scrape target's worth); returns the sample count.
 */
export async function appendScrapes(
  db: DB,
  labels: Labels[],
  scrapes: number,
  t0: number,
  step: number,
  perCommit = labels.length,
): Promise<number> {
  const refs = new Float64Array(labels.length);
  const state = new Float64Array(labels.length);
  let n = 0;
  for (let k = 0; k < scrapes; k++) {
    const t = t0 + k * step;
    for (let lo = 0; lo < labels.length; lo += perCommit) {
      const app = db.appender();
      const hi = Math.min(labels.length, lo + perCommit);
      for (let i = lo; i < hi; i++) {
        refs[i] = app.append(refs[i]!, labels[i]!, t + (i % 7), value(i, k, state));
        n++;
      }
      await app.commit();
    }
  }
  return n;
}

/**
 * Writes a data directory (WAL, chunks_head) holding `series` series × `scrapes` samples, committed
 * 1000 series at a time as scrapes of node_exporter-sized targets would be (WAL records that size).
 */
export async function writeDataDir(dir: string, series: number, scrapes: number): Promise<void> {
  const db = await openDB(dir, {}, { noBackground: true });
  await appendScrapes(db, seriesSet(series), scrapes, T0, SCRAPE_MS, 1000);
  await db.close();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, series, scrapes] = process.argv.slice(2);
  await writeDataDir(dir!, Number(series), Number(scrapes));
}
