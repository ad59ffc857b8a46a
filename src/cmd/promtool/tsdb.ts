// promtool-ts tsdb: list, analyze, dump, create-blocks-from openmetrics — the real promtool's
// arguments and output (Prometheus 2.48), over this project's TSDB.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Labels, Matcher } from '../../model/labels/index.js';
import { formatFloatG, formatGoDuration } from '../../model/value/index.js';
import { parseMetricSelector } from '../../promql/parser/index.js';
import { UsageError, parseArgs } from './flags.js';
import { IndexError } from '../../tsdb/index/index.js';
import { ChunkFileError } from '../../tsdb/chunks/index.js';
import { backfillArgs, backfillOpenMetrics } from './tsdb_backfill_openmetrics.js';
import {
  ENC_FLOAT_HISTOGRAM,
  ENC_HISTOGRAM,
  ENC_XOR,
  FloatHistogramIterator,
  HistogramIterator,
  chunkNumSamples,
} from '../../tsdb/chunkenc/index.js';
import { ValueType } from '../../storage/index.js';
import { Block, MergeQuerier, isULID, readTsdbWAL, type ChunkQuerier } from '../../tsdb/index.js';

const DEFAULT_DB = 'data/';

// ---- formatting helpers (Go's time.Duration, time.Time, units.Base2Bytes, tabwriter) ----

function goTimeUTC(ms: number): string {
  const secs = Math.trunc(ms / 1000);
  const d = new Date(secs * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000 UTC`;
}

function base2Bytes(n: number): string {
  const mult = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  const out: string[] = new Array(mult.length).fill('');
  for (let i = 0; i < mult.length; i++) {
    if (n % 1024 !== 0 || (i === 0 && n === 0))
      out[mult.length - 1 - i] = `${n % 1024}${mult[i]}${i === 0 ? 'B' : 'iB'}`;
    n = Math.floor(n / 1024);
    if (n === 0) break;
  }
  return out.join('');
}

/** Go's text/tabwriter with minwidth 13, padding 2, spaces: every cell but the last is padded. */
function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.slice(0, -1).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 13, c.length + 2, 13)));
  return rows
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('') + '\n')
    .join('');
}

function blockRow(b: Block, human: boolean): string[] {
  const m = b.meta;
  const t = (x: number): string => (human ? goTimeUTC(x) : String(x));
  const size = b.size();
  return [
    m.ulid,
    t(m.minTime),
    t(m.maxTime),
    formatGoDuration(m.maxTime - m.minTime),
    String(m.stats.numSamples),
    String(m.stats.numChunks),
    String(m.stats.numSeries),
    human ? base2Bytes(size) : String(size),
  ];
}

const HEADER = [
  'BLOCK ULID',
  'MIN TIME',
  'MAX TIME',
  'DURATION',
  'NUM SAMPLES',
  'NUM CHUNKS',
  'NUM SERIES',
  'SIZE',
];

function openBlocks(dir: string): Block[] {
  if (!existsSync(dir))
    throw new Error(`opening the db dir: stat ${dir}: no such file or directory`);
  const blocks: Block[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!isULID(f) || !statSync(join(dir, f)).isDirectory()) continue;
    try {
      blocks.push(new Block(join(dir, f)));
    } catch (e) {
      // The real promtool's words: the block and what is wrong with it.
      throw new Error(
        `corrupted block ${f}: ${e instanceof IndexError || e instanceof ChunkFileError ? e.reason : (e as Error).message}`,
      );
    }
  }
  return blocks.sort((a, b) => a.minTime - b.minTime);
}

/** A series entry of a block; a damaged one is reported as the real promtool reports it. */
function seriesOf(
  block: Block,
  ref: number,
  chks: { mint: number; maxt: number; ref: number }[],
): Labels {
  try {
    return block.index.series(ref, chks);
  } catch (e) {
    if (e instanceof IndexError) throw new Error(`block: ${block.ulid}: ${e.reason}`);
    throw e;
  }
}

// ---- list ----

async function list(args: string[]): Promise<number> {
  const p = parseArgs(args, [], { r: 'human-readable' });
  const blocks = openBlocks(p.args[0] ?? DEFAULT_DB);
  process.stdout.write(
    tabwrite([HEADER, ...blocks.map((b) => blockRow(b, p.bools.has('human-readable')))]),
  );
  for (const b of blocks) await b.close();
  return 0;
}

// ---- dump ----

async function dump(args: string[]): Promise<number> {
  const p = parseArgs(args, ['min-time', 'max-time', 'match'], {});
  const dir = p.args[0] ?? DEFAULT_DB;
  const mint = Number(p.flags.get('min-time') ?? Number.MIN_SAFE_INTEGER);
  const maxt = Number(p.flags.get('max-time') ?? Number.MAX_SAFE_INTEGER);
  const matchers = parseMetricSelector(p.flags.get('match') ?? "{__name__=~'(?s:.*)'}");
  const blocks = openBlocks(dir);
  const sources: ChunkQuerier[] = blocks
    .filter((b) => b.overlaps(mint, maxt))
    .map((b) => b.chunkQuerier(mint, maxt));
  const head = readTsdbWAL(
    join(dir, 'wal'),
    blocks.length > 0 ? Math.max(...blocks.map((b) => b.maxTime)) : Number.MIN_SAFE_INTEGER,
  );
  if (head.numSeries() > 0) sources.push(head.chunkQuerier(mint, maxt));
  const q = new MergeQuerier(sources, mint, maxt);
  const ss = q.select(false, { start: mint, end: maxt, histograms: true }, ...matchers);
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  while (ss.next()) {
    const s = ss.at();
    const ls = s.labels.toString();
    const it = s.iterator();
    // promtool's three loops, one iterator: floats while floats come, then float histograms, then
    // histograms — each loop consumes the sample that ends it (so a histogram series prints from
    // its third sample on, as the real one prints it).
    while (it.next() === ValueType.Float) {
      out.push(`${ls} ${formatFloatG(it.atF())} ${it.atT()}\n`);
      if (out.length >= 4096) flush();
    }
    while (it.next() === ValueType.FloatHistogram) {
      out.push(`${ls} ${it.atFloatHistogram().toString()} ${it.atT()}\n`);
      if (out.length >= 4096) flush();
    }
    while (it.next() === ValueType.Histogram) {
      out.push(`${ls} ${it.atHistogram().toString()} ${it.atT()}\n`);
      if (out.length >= 4096) flush();
    }
    const e = it.err();
    if (e) throw e;
  }
  flush();
  if (ss.err()) throw ss.err()!;
  for (const b of blocks) await b.close();
  return 0;
}

// ---- analyze ----

function printInfo(items: { key: string; metric: number }[], limit: number): void {
  items.sort((a, b) => b.metric - a.metric || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lines: string[] = [];
  for (let i = 0; i < items.length && i < limit; i++)
    lines.push(`${items[i]!.metric} ${items[i]!.key}\n`);
  process.stdout.write(lines.join(''));
}

function displayHistogram(name: string, datas: number[], total: number): void {
  if (datas.length === 0) return;
  datas.sort((a, b) => a - b);
  const min = datas[0]!;
  const max = datas[datas.length - 1]!;
  const s = Math.trunc((max - min) / 10);
  let step = 10;
  while (step < s && step <= 10000) step *= 10;
  const start = min - (min % step);
  const end = max - (max % step) + step;
  const buckets = new Array<number>(Math.trunc((end - start) / step) + 1).fill(0);
  let sum = 0;
  let maxCount = 0;
  for (const c of datas) {
    sum += c;
    const i = Math.trunc((c - start) / step);
    buckets[i]!++;
    if (buckets[i]! > maxCount) maxCount = buckets[i]!;
  }
  const lines = [`${name} (min/avg/max): ${min}/${Math.trunc(sum / datas.length)}/${max}\n`];
  const wl = String(end).length;
  const wr = String(end + step).length;
  const wc = String(maxCount).length;
  buckets.forEach((count, b) => {
    const pct = Math.trunc((100 * count) / total);
    lines.push(
      `[${String(b * step + start + 1).padStart(wl)}, ${String((b + 1) * step + start).padStart(wr)}]: ${String(count).padStart(wc)} ${'#'.repeat(pct)}\n`,
    );
  });
  lines.push('\n');
  process.stdout.write(lines.join(''));
}

async function analyze(args: string[]): Promise<number> {
  const p = parseArgs(args, ['limit', 'match'], { extended: 'extended' });
  const dir = p.args[0] ?? DEFAULT_DB;
  const limit = Number(p.flags.get('limit') ?? 20);
  const match = p.flags.get('match') ?? '';
  const selectors: Matcher[] = match !== '' ? parseMetricSelector(match) : [];
  const blocks = openBlocks(dir);
  let id = p.args[1];
  if (id === undefined) {
    if (blocks.length === 0) throw new Error('no blocks found');
    id = blocks
      .map((b) => b.ulid)
      .sort()
      .pop()!;
  }
  const block = blocks.find((b) => b.ulid === id);
  if (!block) throw new Error(`invalid block ID ${id}`);
  const meta = block.meta;
  const ir = block.index;
  const out = (s: string): boolean => process.stdout.write(s);
  out(`Block ID: ${meta.ulid}\n`);
  out(`Duration: ${formatGoDuration(meta.maxTime - meta.minTime)}\n`);
  out(`Total Series: ${meta.stats.numSeries}\n`);
  if (match !== '') out(`Matcher: ${match}\n`);
  const q = block.chunkQuerier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const allNames = q.labelNames(selectors);
  out(`Label names: ${allNames.length}\n`);

  const refs =
    selectors.length > 0 ? Array.from(postingsFor(block, selectors)) : Array.from(ir.allPostings());
  if (selectors.length > 0) out(`Matched series: ${refs.length}\n`);
  const span = meta.maxTime - meta.minTime;
  const labelsUncovered = new Map<string, number>();
  const pairsUncovered = new Map<string, number>();
  const pairsCount = new Map<string, number>();
  let entries = 0;
  const add = (m: Map<string, number>, k: string, v: number): void =>
    void m.set(k, (m.get(k) ?? 0) + v);
  for (const ref of refs) {
    const chks: { mint: number; maxt: number; ref: number }[] = [];
    const ls = seriesOf(block, ref, chks);
    const uncovered = chks.length > 0 ? span - (chks[chks.length - 1]!.maxt - chks[0]!.mint) : span;
    ls.forEach((n, v) => {
      const key = `${n}=${v}`;
      add(labelsUncovered, n, uncovered);
      add(pairsUncovered, key, uncovered);
      add(pairsCount, key, 1);
      entries++;
    });
  }
  out(`Postings (unique label pairs): ${pairsUncovered.size}\n`);
  out(`Postings entries (total label pairs): ${entries}\n`);
  const churn = (m: Map<string, number>): { key: string; metric: number }[] =>
    [...m].map(([key, v]) => ({ key, metric: Math.trunc(v / span) }));
  out('\nLabel pairs most involved in churning:\n');
  printInfo(churn(pairsUncovered), limit);
  out('\nLabel names most involved in churning:\n');
  printInfo(churn(labelsUncovered), limit);
  out('\nMost common label pairs:\n');
  printInfo(
    [...pairsCount].map(([key, metric]) => ({ key, metric })),
    limit,
  );
  const values = (n: string): string[] => q.labelValues(n, selectors);
  out('\nLabel names with highest cumulative label value length:\n');
  printInfo(
    allNames.map((n) => ({
      key: n,
      metric: values(n).reduce((a, v) => a + Buffer.byteLength(v), 0),
    })),
    limit,
  );
  out('\nHighest cardinality labels:\n');
  printInfo(
    allNames.map((n) => ({ key: n, metric: values(n).length })),
    limit,
  );
  out('\nHighest cardinality metric names:\n');
  const refSet = new Set(refs);
  printInfo(
    values('__name__').map((n) => {
      const ps = ir.postings('__name__', n);
      let c = 0;
      for (let i = 0; i < ps.length; i++) if (refSet.has(ps[i]!)) c++;
      return { key: n, metric: c };
    }),
    limit,
  );
  if (p.bools.has('extended')) {
    const samples: number[] = [];
    const sizes: number[] = [];
    const hSamples: number[] = [];
    const hSizes: number[] = [];
    const hBuckets: number[] = [];
    let total = 0;
    for (const ref of refs) {
      const chks: { mint: number; maxt: number; ref: number }[] = [];
      seriesOf(block, ref, chks);
      for (const c of chks) {
        const { enc, data } = block.chunks.chunk(c.ref);
        if (enc === ENC_XOR) {
          samples.push(chunkNumSamples(data));
          sizes.push(data.length);
        } else if (enc === ENC_HISTOGRAM || enc === ENC_FLOAT_HISTOGRAM) {
          hSamples.push(chunkNumSamples(data));
          hSizes.push(data.length);
          // Buckets summed over the chunk's samples, positive and negative.
          let buckets = 0;
          if (enc === ENC_HISTOGRAM) {
            const it = new HistogramIterator(data);
            while (it.next() !== ValueType.None) {
              const h = it.atHistogram();
              buckets += h.positiveBuckets.length + h.negativeBuckets.length;
            }
          } else {
            const it = new FloatHistogramIterator(data);
            while (it.next() !== ValueType.None) {
              const h = it.atFloatHistogram();
              buckets += h.positiveBuckets.length + h.negativeBuckets.length;
            }
          }
          hBuckets.push(buckets);
        }
        total++;
      }
    }
    out('\nCompaction analysis:\n\n');
    displayHistogram('samples per float chunk', samples, total);
    displayHistogram('bytes per float chunk', sizes, total);
    displayHistogram('samples per histogram chunk', hSamples, total);
    displayHistogram('bytes per histogram chunk', hSizes, total);
    displayHistogram('buckets per histogram chunk', hBuckets, total);
  }
  for (const b of blocks) await b.close();
  return 0;
}

function postingsFor(block: Block, ms: Matcher[]): ArrayLike<number> {
  const q = block.chunkQuerier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const names = new Set(q.selectChunks(ms).map((s) => s.labels.key()));
  const all = block.index.allPostings();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++)
    if (names.has(block.index.series(all[i]!, null).key())) out.push(all[i]!);
  return out;
}

async function createBlocksFrom(args: string[]): Promise<number> {
  if (args[0] === 'rules')
    return (
      (await import('./tsdb_backfill_rules.js')) as { run: (a: string[]) => Promise<number> }
    ).run(args.slice(1));
  if (args[0] !== 'openmetrics')
    throw new UsageError(
      args[0] === undefined
        ? 'expected command but got none'
        : `expected command but got "${args[0]}"`,
    );
  const a = backfillArgs(args.slice(1), DEFAULT_DB);
  let wroteHeader = false;
  await backfillOpenMetrics(a.input, a.outDir, a.maxBlockMs, {
    block: async (b) => {
      if (a.quiet) return;
      process.stdout.write(
        tabwrite(wroteHeader ? [blockRow(b, a.human)] : [HEADER, blockRow(b, a.human)]),
      );
      wroteHeader = true;
    },
  });
  return 0;
}

async function bench(args: string[]): Promise<number> {
  if (args[0] !== 'write')
    throw new UsageError(
      args[0] === undefined
        ? 'expected command but got none'
        : `expected command but got "${args[0]}"`,
    );
  return ((await import('./tsdb_bench_write.js')) as { run: (a: string[]) => Promise<number> }).run(
    args.slice(1),
  );
}

const SUBS: Record<string, (args: string[]) => Promise<number>> = {
  bench,
  list,
  dump,
  analyze,
  'create-blocks-from': createBlocksFrom,
};

export async function run(args: string[]): Promise<number> {
  const sub = args[0];
  const fn = sub === undefined ? undefined : SUBS[sub];
  if (!fn) {
    console.error(
      `promtool-ts: error: expected command but got ${sub === undefined ? 'none' : JSON.stringify(sub)}, try --help`,
    );
    console.error(
      'usage: promtool-ts tsdb <command> [<args> ...]\n\nCommands:\n  tsdb list [<flags>] [<db path>]\n  tsdb analyze [<flags>] [<db path>] [<block id>]\n  tsdb dump [<flags>] [<db path>]\n  tsdb create-blocks-from openmetrics <input file> [<output directory>]\n  tsdb create-blocks-from rules --start=START [<flags>] <rule-files>...\n  tsdb bench write [<flags>] [<file>]',
    );
    return 1;
  }
  try {
    const code = await fn(args.slice(1));
    // The dispatcher exits right after: let piped stdout drain first (large dumps).
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`promtool-ts: error: ${e.message}, try --help`);
      return 1;
    }
    console.error((e as Error).message);
    return 1;
  }
}
