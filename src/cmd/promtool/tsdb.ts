// promtool-ts tsdb: list, analyze, dump, create-blocks-from openmetrics — the real promtool's
// arguments and output (Prometheus 2.48), over this project's TSDB.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, type Matcher } from '../../model/labels/index.js';
import { formatFloatG } from '../../model/value/index.js';
import { parseMetricSelector } from '../../promql/parser/index.js';
import { UsageError, parseArgs, parseGoDuration } from './flags.js';
import { Block, MergeQuerier, isULID, readTsdbWAL, type ChunkQuerier } from '../../tsdb/index.js';
import { BlockSamples, compatibleBlockDuration, goDuration } from './tsdb_blocks.js';

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
  const ss = q.select(false, undefined, ...matchers);
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join(''));
    out.length = 0;
  };
  while (ss.next()) {
    const s = ss.at();
    const ls = s.labels.toString();
    const it = s.iterator();
    while (it.next() !== 0) {
      out.push(`${ls} ${formatFloatG(it.atF())} ${it.atT()}\n`);
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
    for (const ref of refs) {
      const chks: { mint: number; maxt: number; ref: number }[] = [];
      ir.series(ref, chks);
      for (const c of chks) {
        const data = block.chunks.chunk(c.ref);
        samples.push((data[0]! << 8) | data[1]!);
        sizes.push(data.length);
      }
    }
    out('\nCompaction analysis:\n\n');
    displayHistogram('samples per float chunk', samples, samples.length);
    displayHistogram('bytes per float chunk', sizes, sizes.length);
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

