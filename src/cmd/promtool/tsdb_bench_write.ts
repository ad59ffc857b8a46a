// promtool-ts tsdb bench write [--out=benchout] [--metrics=10000] [--scrapes=3000] [FILE]: the
// write benchmark of promtool over this project's TSDB: the first --metrics distinct label sets of
// FILE (one {"name":"value",…} per line) appended as scrapes 30 s apart, 1000 series a shard and
// 100 scrapes a round, one commit per scrape, with promtool's stage lines and totals. Shards run
// one after another (Node has one thread for this), and no Go profiles (cpu.prof, …) are written.
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { formatFloatG, formatGoDuration } from '../../model/value/index.js';
import { openDB, type DB } from '../../tsdb/index.js';
import { parseArgs, UsageError } from './flags.js';

const TIME_DELTA = 30_000;

/** A failure promtool reports as it stops: the message alone, exit 1. */
class BenchError extends Error {}
const SHARD = 1000;
const ROUND = 100;

/** Go's Duration.String(), to the microsecond below a second, to the millisecond above. */
function elapsed(ms: number): string {
  if (ms >= 1000) return formatGoDuration(Math.round(ms));
  if (ms >= 1) return `${Math.round(ms * 1000) / 1000}ms`;
  return `${Math.round(ms * 1000)}µs`;
}

async function measure<T>(stage: string, f: () => Promise<T>): Promise<[T, number]> {
  process.stdout.write(`>> start stage=${stage}\n`);
  const start = performance.now();
  const r = await f();
  const ms = performance.now() - start;
  process.stdout.write(`>> completed stage=${stage} duration=${elapsed(ms)}\n`);
  return [r, ms];
}

/** promtool's readPrometheusLabels: quotes and braces dropped, then name:value pairs; duplicates skipped. */
function readLabels(file: string, n: number): Labels[] {
  const out: Labels[] = [];
  const seen = new Set<string>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BenchError(
      `open ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
    );
  }
  for (const line of text.split('\n')) {
    if (out.length >= n) break;
    if (line === '') continue;
    const o: Record<string, string> = {};
    for (const chunk of line.replace(/["{}]/g, '').split(',')) {
      const [name, value] = chunk.split(':');
      o[name!] = value ?? '';
    }
    const ls = Labels.fromObject(o);
    if (seen.has(ls.key())) continue;
    seen.add(ls.key());
    out.push(ls);
  }
  return out;
}

async function ingestShard(db: DB, lbls: Labels[], scrapes: number, base: number): Promise<number> {
  const refs = new Array<number>(lbls.length).fill(0);
  const values = new Float64Array(lbls.length).fill(123456789);
  let ts = base;
  let total = 0;
  for (let i = 0; i < scrapes; i++) {
    const app = db.appender();
    ts += TIME_DELTA;
    for (let j = 0; j < lbls.length; j++) {
      values[j]! += 1000;
      refs[j] = app.append(refs[j]!, lbls[j]!, ts, values[j]!) as number;
      total++;
    }
    await app.commit();
  }
  return total;
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args, ['out', 'metrics', 'scrapes'], {});
  const int = (name: string, def: number): number => {
    const v = p.flags.get(name);
    if (v === undefined) return def;
    if (!/^-?\d+$/.test(v))
      throw new UsageError(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  };
  const numMetrics = int('metrics', 10000);
  const numScrapes = int('scrapes', 3000);
  const out = p.flags.get('out') ?? 'benchout';
  const file = p.args[0] ?? join('..', '..', 'tsdb', 'testdata', '20kseries.json');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const db = await openDB(
    join(out, 'storage'),
    { retentionDuration: 15 * 24 * 3600_000, minBlockDuration: 2 * 3600_000 },
    { noBackground: true, inlineCompaction: true },
  );
  let lbls: Labels[];
  try {
    [lbls] = await measure('readData', async () => readLabels(file, numMetrics));
  } catch (e) {
    await db.close();
    if (!(e instanceof BenchError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 1;
  }
  try {
    const [total, ms] = await measure('ingestScrapes', async () => {
      let total = 0;
      for (let i = 0; i < numScrapes; i += ROUND) {
        for (let s = 0; s < lbls.length; s += SHARD)
          total += await ingestShard(db, lbls.slice(s, s + SHARD), ROUND, TIME_DELTA * i);
      }
      process.stdout.write('ingestion completed\n');
      return total;
    });
    process.stdout.write(
      ` > total samples: ${total}\n > samples/sec: ${formatFloatG(total / (ms / 1000))}\n`,
    );
  } finally {
    await measure('stopStorage', () => db.close());
  }
  return 0;
}
