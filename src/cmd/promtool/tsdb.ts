// promtool-ts tsdb: list, analyze, dump, create-blocks-from openmetrics — the real promtool's
// arguments and output (Prometheus 2.48), over this project's TSDB.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, compareLabels, type Matcher } from '../../model/labels/index.js';
import { formatFloatG } from '../../model/value/index.js';
import { parseMetricSelector } from '../../promql/parser/index.js';
import { UsageError, parseArgs, parseGoDuration } from './flags.js';
import { ENC_FLOAT_HISTOGRAM, ENC_HISTOGRAM, ENC_XOR, FloatHistogramIterator, HistogramIterator, chunkNumSamples } from '../../tsdb/chunkenc/index.js';
import { ValueType } from '../../storage/index.js';
import { Block, MergeQuerier, encodeChunksLikeHead, isULID, readTsdbWAL, writeBlock, type BlockMeta, type ChunkQuerier, type SeriesChunks } from '../../tsdb/index.js';

const DEFAULT_DB = 'data/';
const HOUR = 3600_000;

// ---- formatting helpers (Go's time.Duration, time.Time, units.Base2Bytes, tabwriter) ----

/** Go's time.Duration.String() for a duration in milliseconds. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let x = Math.abs(ms);
  let out: string;
  if (x < 1000) out = `${x}ms`;
  else {
    const h = Math.floor(x / HOUR);
    x -= h * HOUR;
    const m = Math.floor(x / 60_000);
    x -= m * 60_000;
    const s = Math.floor(x / 1000);
    const frac = x - s * 1000;
    const secs = frac === 0 ? String(s) : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
    out = (h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : '') + secs + 's';
  }
  return neg ? '-' + out : out;
}

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
    if (n % 1024 !== 0 || (i === 0 && n === 0)) out[mult.length - 1 - i] = `${n % 1024}${mult[i]}${i === 0 ? 'B' : 'iB'}`;
    n = Math.floor(n / 1024);
    if (n === 0) break;
  }
  return out.join('');
}

/** Go's text/tabwriter with minwidth 13, padding 2, spaces: every cell but the last is padded. */
function tabwrite(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.slice(0, -1).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 13, c.length + 2, 13)));
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('') + '\n').join('');
}

function blockRow(b: Block, human: boolean): string[] {
  const m = b.meta;
  const t = (x: number): string => (human ? goTimeUTC(x) : String(x));
  const size = b.size();
  return [m.ulid, t(m.minTime), t(m.maxTime), goDuration(m.maxTime - m.minTime), String(m.stats.numSamples), String(m.stats.numChunks), String(m.stats.numSeries), human ? base2Bytes(size) : String(size)];
}

const HEADER = ['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE'];

function openBlocks(dir: string): Block[] {
  if (!existsSync(dir)) throw new Error(`opening the db dir: stat ${dir}: no such file or directory`);
  const blocks: Block[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!isULID(f) || !statSync(join(dir, f)).isDirectory()) continue;
    blocks.push(new Block(join(dir, f)));
  }
  return blocks.sort((a, b) => a.minTime - b.minTime);
}

// ---- list ----

async function list(args: string[]): Promise<number> {
  const p = parseArgs(args, [], { r: 'human-readable' });
  const blocks = openBlocks(p.args[0] ?? DEFAULT_DB);
  process.stdout.write(tabwrite([HEADER, ...blocks.map((b) => blockRow(b, p.bools.has('human-readable')))]));
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
  const sources: ChunkQuerier[] = blocks.filter((b) => b.overlaps(mint, maxt)).map((b) => b.chunkQuerier(mint, maxt));
  const head = readTsdbWAL(join(dir, 'wal'), blocks.length > 0 ? Math.max(...blocks.map((b) => b.maxTime)) : Number.MIN_SAFE_INTEGER);
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
  for (let i = 0; i < items.length && i < limit; i++) lines.push(`${items[i]!.metric} ${items[i]!.key}\n`);
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
    lines.push(`[${String(b * step + start + 1).padStart(wl)}, ${String((b + 1) * step + start).padStart(wr)}]: ${String(count).padStart(wc)} ${'#'.repeat(pct)}\n`);
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
    id = blocks.map((b) => b.ulid).sort().pop()!;
  }
  const block = blocks.find((b) => b.ulid === id);
  if (!block) throw new Error(`invalid block ID ${id}`);
  const meta = block.meta;
  const ir = block.index;
  const out = (s: string): boolean => process.stdout.write(s);
  out(`Block ID: ${meta.ulid}\n`);
  out(`Duration: ${goDuration(meta.maxTime - meta.minTime)}\n`);
  out(`Total Series: ${meta.stats.numSeries}\n`);
  if (match !== '') out(`Matcher: ${match}\n`);
  const q = block.chunkQuerier(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const allNames = q.labelNames(selectors);
  out(`Label names: ${allNames.length}\n`);

  const refs = selectors.length > 0 ? Array.from(postingsFor(block, selectors)) : Array.from(ir.allPostings());
  if (selectors.length > 0) out(`Matched series: ${refs.length}\n`);
  const span = meta.maxTime - meta.minTime;
  const labelsUncovered = new Map<string, number>();
  const pairsUncovered = new Map<string, number>();
  const pairsCount = new Map<string, number>();
  let entries = 0;
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  for (const ref of refs) {
    const chks: { mint: number; maxt: number; ref: number }[] = [];
    const ls = ir.series(ref, chks);
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
  const churn = (m: Map<string, number>): { key: string; metric: number }[] => [...m].map(([key, v]) => ({ key, metric: Math.trunc(v / span) }));
  out('\nLabel pairs most involved in churning:\n');
  printInfo(churn(pairsUncovered), limit);
  out('\nLabel names most involved in churning:\n');
  printInfo(churn(labelsUncovered), limit);
  out('\nMost common label pairs:\n');
  printInfo([...pairsCount].map(([key, metric]) => ({ key, metric })), limit);
  const values = (n: string): string[] => q.labelValues(n, selectors);
  out('\nLabel names with highest cumulative label value length:\n');
  printInfo(allNames.map((n) => ({ key: n, metric: values(n).reduce((a, v) => a + Buffer.byteLength(v), 0) })), limit);
  out('\nHighest cardinality labels:\n');
  printInfo(allNames.map((n) => ({ key: n, metric: values(n).length })), limit);
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
      ir.series(ref, chks);
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
  for (let i = 0; i < all.length; i++) if (names.has(block.index.series(all[i]!, null).key())) out.push(all[i]!);
  return out;
}

// ---- create-blocks-from openmetrics ----

interface OMSample {
  labels: Labels;
  t: number;
  v: number;
}

class OMParseError extends Error {}

function parseOMValue(s: string, line: number): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new OMParseError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax (line ${line})`);
  return v;
}

/** The sample lines of an OpenMetrics text (metadata and exemplars are not needed to backfill). */
export function parseOpenMetricsSamples(text: string): OMSample[] {
  const out: OMSample[] = [];
  const lines = text.split('\n');
  let sawEOF = false;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (sawEOF) {
      if (line !== '') throw new OMParseError('unexpected data after # EOF');
      continue;
    }
    if (line === '# EOF') {
      sawEOF = true;
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    let i = 0;
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
    const pairs: [string, string][] = [['__name__', line.slice(0, i)]];
    if (line[i] === '{') {
      i++;
      while (line[i] !== '}') {
        const eq = line.indexOf('=', i);
        if (eq < 0) throw new OMParseError(`expected equal, got ${JSON.stringify(line.slice(i))} (line ${ln + 1})`);
        const name = line.slice(i, eq).trim();
        if (line[eq + 1] !== '"') throw new OMParseError(`expected label value, got ${JSON.stringify(line.slice(eq + 1))} (line ${ln + 1})`);
        let j = eq + 2;
        let val = '';
        while (j < line.length && line[j] !== '"') {
          if (line[j] === '\\') {
            const c = line[j + 1];
            val += c === 'n' ? '\n' : c;
            j += 2;
          } else val += line[j++];
        }
        if (j >= line.length) throw new OMParseError(`unterminated label value (line ${ln + 1})`);
        pairs.push([name, val]);
        i = j + 1;
        if (line[i] === ',') i++;
      }
      i++;
    }
    const rest = line.slice(i).trim().split(' # ')[0]!.split(/\s+/);
    const v = parseOMValue(rest[0] ?? '', ln + 1);
    if (rest.length < 2) throw new OMParseError('expected timestamp for series got none');
    const ts = Number(rest[1]);
    if (!Number.isFinite(ts)) throw new OMParseError(`invalid timestamp ${rest[1]}`);
    out.push({ labels: Labels.fromPairs(pairs), t: Math.trunc(ts * 1000), v });
  }
  if (!sawEOF) throw new OMParseError('data does not end with # EOF');
  return out;
}

/** promtool's getCompatibleBlockDuration: 2h, or the largest of 2h·3^i (i < 10) not above maxMs. */
export function compatibleBlockDuration(maxMs: number): number {
  let bd = 2 * HOUR;
  if (maxMs > bd) {
    const ranges = [2 * HOUR];
    for (let i = 1; i < 10; i++) ranges.push(ranges[i - 1]! * 3);
    let idx = ranges.length - 1;
    for (let i = 0; i < ranges.length; i++) {
      if (ranges[i]! > maxMs) {
        idx = i - 1;
        break;
      }
    }
    bd = ranges[idx]!;
  }
  return bd;
}

/**
 * The samples of one block to be written, by series, appended as Prometheus's BlockWriter takes
 * them: in time order per series, a repeated timestamp only with the same value.
 */
export class BlockSamples {
  private readonly series = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();

  /** `context` prefixes the error, as the caller's Go code wraps it. */
  add(labels: Labels, t: number, v: number, context: string): void {
    const k = labels.key();
    let e = this.series.get(k);
    if (!e) this.series.set(k, (e = { labels, ts: [], vs: [] }));
    const last = e.ts[e.ts.length - 1];
    if (last !== undefined && t <= last) {
      if (t < last) throw new Error(`${context}: out of order sample`);
      if (!Object.is(e.vs[e.vs.length - 1], v)) throw new Error(`${context}: duplicate sample for timestamp`);
      return;
    }
    e.ts.push(t);
    e.vs.push(v);
  }

  /** Writes the block (chunks cut as the head cuts them for chunkRange); null when it has no samples. */
  write(outDir: string, chunkRange: number): BlockMeta | null {
    const series: SeriesChunks[] = [];
    let mint = Number.MAX_SAFE_INTEGER;
    let maxt = Number.MIN_SAFE_INTEGER;
    for (const e of this.series.values()) {
      if (e.ts.length === 0) continue;
      series.push({ labels: e.labels, chunks: encodeChunksLikeHead(Float64Array.from(e.ts), Float64Array.from(e.vs), e.ts.length, chunkRange) });
      mint = Math.min(mint, e.ts[0]!);
      maxt = Math.max(maxt, e.ts[e.ts.length - 1]!);
    }
    if (series.length === 0) return null;
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    return writeBlock(outDir, series, mint, maxt + 1, null);
  }
}

async function createBlocksFrom(args: string[]): Promise<number> {
  if (args[0] === 'rules') return ((await import('./tsdb_backfill_rules.js')) as { run: (a: string[]) => Promise<number> }).run(args.slice(1));
  if (args[0] !== 'openmetrics') throw new UsageError(args[0] === undefined ? 'expected command but got none' : `expected command but got "${args[0]}"`);
  const p = parseArgs(args.slice(1), ['max-block-duration'], { r: 'human-readable', q: 'quiet' });
  const input = p.args[0];
  if (input === undefined) throw new UsageError("required argument 'input file' not provided");
  const outDir = p.args[1] ?? DEFAULT_DB;
  const text = readFileSync(input, 'utf8');
  mkdirSync(outDir, { recursive: true });
  let samples: OMSample[];
  try {
    samples = parseOpenMetricsSamples(text);
  } catch (e) {
    throw new Error(`getting min and max timestamp: next: ${(e as Error).message}`);
  }
  let mint = Number.MAX_SAFE_INTEGER;
  let maxt = Number.MIN_SAFE_INTEGER;
  for (const s of samples) {
    if (s.t < mint) mint = s.t;
    if (s.t > maxt) maxt = s.t;
  }
  if (samples.length === 0) mint = maxt = 0;
  const bd = compatibleBlockDuration(p.flags.has('max-block-duration') ? parseGoDuration(p.flags.get('max-block-duration')!) : 0);
  mint = bd * Math.trunc(mint / bd);
  const human = p.bools.has('human-readable');
  let wroteHeader = false;
  // Bucket samples by block window, then by series.
  const windows = new Map<number, BlockSamples>();
  for (const s of samples) {
    const w = mint + Math.floor((s.t - mint) / bd) * bd;
    let m = windows.get(w);
    if (!m) windows.set(w, (m = new BlockSamples()));
    m.add(s.labels, s.t, s.v, 'block creation: process blocks: add sample');
  }
  for (const w of [...windows.keys()].sort((a, b) => a - b)) {
    const meta = windows.get(w)!.write(outDir, 2 * bd);
    if (meta && !p.bools.has('quiet')) {
      const b = new Block(join(outDir, meta.ulid));
      const rows = wroteHeader ? [blockRow(b, human)] : [HEADER, blockRow(b, human)];
      process.stdout.write(tabwrite(rows));
      wroteHeader = true;
      await b.close();
    }
  }
  return 0;
}

async function bench(args: string[]): Promise<number> {
  if (args[0] !== 'write') throw new UsageError(args[0] === undefined ? 'expected command but got none' : `expected command but got "${args[0]}"`);
  return ((await import('./tsdb_bench_write.js')) as { run: (a: string[]) => Promise<number> }).run(args.slice(1));
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
    console.error(`promtool-ts: error: expected command but got ${sub === undefined ? 'none' : JSON.stringify(sub)}, try --help`);
    console.error('usage: promtool-ts tsdb <command> [<args> ...]\n\nCommands:\n  tsdb list [<flags>] [<db path>]\n  tsdb analyze [<flags>] [<db path>] [<block id>]\n  tsdb dump [<flags>] [<db path>]\n  tsdb create-blocks-from openmetrics <input file> [<output directory>]\n  tsdb create-blocks-from rules --start=START [<flags>] <rule-files>...\n  tsdb bench write [<flags>] [<file>]');
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

