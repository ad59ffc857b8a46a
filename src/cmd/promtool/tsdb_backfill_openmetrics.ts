// promtool-ts tsdb create-blocks-from openmetrics <input file> [<output directory>]
//
// Streams the input as promtool does its passes — one to find the time range, then one per block
// window, each keeping only that window's samples — but reads the file from disk a megabyte at a
// time instead of holding it, so memory is bounded by one window's samples (16 bytes each plus
// the series), not by the file. On a terminal a progress line goes to stderr.
import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { Block } from '../../tsdb/index.js';
import { BlockSamples, compatibleBlockDuration, detached } from './tsdb_blocks.js';
import { UsageError, parseArgs, parseGoDuration } from './flags.js';

class OMParseError extends Error {}

function parseOMValue(s: string, line: number): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const v = Number(s);
  if (s === '' || Number.isNaN(v))
    throw new OMParseError(
      `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax (line ${line})`,
    );
  return v;
}

/** The label pairs of a sample line's series text (`name{a="b",…}`), escapes undone. */
function parseSeries(series: string, line: number): Labels {
  let i = 0;
  while (i < series.length && series[i] !== '{') i++;
  const pairs: [string, string][] = [['__name__', series.slice(0, i)]];
  if (series[i] === '{') {
    i++;
    while (series[i] !== '}') {
      const eq = series.indexOf('=', i);
      if (eq < 0)
        throw new OMParseError(
          `expected equal, got ${JSON.stringify(series.slice(i))} (line ${line})`,
        );
      const name = series.slice(i, eq).trim();
      if (series[eq + 1] !== '"')
        throw new OMParseError(
          `expected label value, got ${JSON.stringify(series.slice(eq + 1))} (line ${line})`,
        );
      let j = eq + 2;
      let val = '';
      while (j < series.length && series[j] !== '"') {
        if (series[j] === '\\') {
          const c = series[j + 1];
          val += c === 'n' ? '\n' : c;
          j += 2;
        } else val += series[j++];
      }
      if (j >= series.length) throw new OMParseError(`unterminated label value (line ${line})`);
      pairs.push([name, val]);
      i = j + 1;
      if (series[i] === ',') i++;
    }
  }
  return Labels.fromPairs(pairs);
}

/** Where a sample line's series text ends: after its closing brace (quotes respected), or at the first space. */
function seriesEnd(line: string): number {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++;
  if (line[i] !== '{') return i;
  let inQuote = false;
  for (i++; i < line.length; i++) {
    const c = line[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '}') return i + 1;
  }
  throw new OMParseError('unterminated label set');
}

type OnSample = (series: string, line: number, t: number, v: number) => void;

const READ_SIZE = 1 << 20;

/**
 * Reads the OpenMetrics text at `path` a megabyte at a time and calls `onSample` for every
 * sample line with its raw series text, line number, timestamp (ms) and value; checks the
 * framing (`# EOF` last) as promtool's parser does. `progress` gets the bytes read so far.
 */
export function scanOpenMetrics(
  path: string,
  onSample: OnSample,
  progress?: (bytes: number) => void,
): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    let carry: Buffer = Buffer.alloc(0);
    let lineNo = 0;
    let sawEOF = false;
    let read = 0;
    const onLine = (line: string): void => {
      lineNo++;
      if (sawEOF) {
        if (line !== '') throw new OMParseError('unexpected data after # EOF');
        return;
      }
      if (line === '# EOF') {
        sawEOF = true;
        return;
      }
      if (line === '' || line[0] === '#') return;
      const end = seriesEnd(line);
      // value, then timestamp, then an optional ` # exemplar`: scanned in place, no split.
      let i = end;
      while (line.charCodeAt(i) === 32) i++;
      let j = i;
      while (j < line.length && line.charCodeAt(j) !== 32) j++;
      const v = parseOMValue(line.slice(i, j), lineNo);
      i = j;
      while (line.charCodeAt(i) === 32) i++;
      j = i;
      while (j < line.length && line.charCodeAt(j) !== 32) j++;
      if (i === j || line[i] === '#')
        throw new OMParseError('expected timestamp for series got none');
      const ts = Number(line.slice(i, j));
      if (!Number.isFinite(ts)) throw new OMParseError(`invalid timestamp ${line.slice(i, j)}`);
      onSample(line.slice(0, end), lineNo, Math.trunc(ts * 1000), v);
    };
    for (;;) {
      const n = readSync(fd, buf, 0, READ_SIZE, null);
      if (n === 0) break;
      read += n;
      const chunk =
        carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      const lastNL = chunk.lastIndexOf(10);
      if (lastNL < 0) {
        carry = Buffer.from(chunk);
        continue;
      }
      const lines = chunk.toString('utf8', 0, lastNL).split('\n');
      for (const l of lines) onLine(l);
      carry = Buffer.from(chunk.subarray(lastNL + 1));
      progress?.(read);
    }
    if (carry.length > 0) onLine(carry.toString('utf8'));
    if (!sawEOF) throw new OMParseError('data does not end with # EOF');
  } finally {
    closeSync(fd);
  }
}

/** Writes `\r`-refreshed progress to a terminal's stderr, and nothing elsewhere. */
function progressLine(): ((text: string) => void) & { done(): void } {
  const tty = process.stderr.isTTY === true;
  const f = (text: string): void => {
    if (tty) process.stderr.write(`\r\x1b[K${text}`);
  };
  return Object.assign(f, {
    done: () => (tty ? void process.stderr.write('\r\x1b[K') : undefined),
  });
}

export interface BackfillOutput {
  /** Called with each block written, in time order. */
  block(b: Block): Promise<void>;
}

/** The whole command after flag parsing: returns the number of blocks written. */
export async function backfillOpenMetrics(
  input: string,
  outDir: string,
  maxBlockDurationMs: number,
  out: BackfillOutput,
): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const size = statSync(input).size;
  const progress = progressLine();
  const pct = (b: number): string => `${size === 0 ? 100 : Math.floor((b / size) * 100)}%`;
  let mint = Number.MAX_SAFE_INTEGER;
  let maxt = Number.MIN_SAFE_INTEGER;
  let any = false;
  // The first pass checks every series' text once, so a malformed one is reported here, as
  // promtool's first pass (which parses everything) reports it.
  const checked = new Set<string>();
  try {
    scanOpenMetrics(
      input,
      (series, line, t) => {
        if (!checked.has(series)) {
          const own = detached(series);
          parseSeries(own, line);
          checked.add(own);
        }
        any = true;
        if (t < mint) mint = t;
        if (t > maxt) maxt = t;
      },
      (b) => progress(`reading time range: ${pct(b)}`),
    );
  } catch (e) {
    progress.done();
    throw new Error(`getting min and max timestamp: next: ${(e as Error).message}`);
  }
  checked.clear();
  if (!any) mint = maxt = 0;
  const bd = compatibleBlockDuration(maxBlockDurationMs);
  mint = bd * Math.trunc(mint / bd);
  const windows = Math.floor((maxt - mint) / bd) + 1;
  let written = 0;
  for (let w = 0; w < windows; w++) {
    const from = mint + w * bd;
    const to = from + bd;
    const block = new BlockSamples();
    scanOpenMetrics(
      input,
      (series, line, t, v) => {
        if (t < from || t >= to) return;
        block.addByKey(
          series,
          () => parseSeries(detached(series), line),
          t,
          v,
          'block creation: process blocks: add sample',
        );
      },
      (b) => progress(`block ${w + 1}/${windows}: ${pct(b)}`),
    );
    const meta = block.write(outDir, 2 * bd);
    if (meta === null) continue;
    written++;
    progress.done();
    const b = new Block(join(outDir, meta.ulid));
    try {
      await out.block(b);
    } finally {
      await b.close();
    }
  }
  progress.done();
  return written;
}

/** Parses the command's arguments as promtool's kingpin does. */
export function backfillArgs(
  args: string[],
  defaultDb: string,
): { input: string; outDir: string; maxBlockMs: number; human: boolean; quiet: boolean } {
  const p = parseArgs(args, ['max-block-duration'], { r: 'human-readable', q: 'quiet' });
  const input = p.args[0];
  if (input === undefined) throw new UsageError("required argument 'input file' not provided");
  return {
    input,
    outDir: p.args[1] ?? defaultDb,
    maxBlockMs: p.flags.has('max-block-duration')
      ? parseGoDuration(p.flags.get('max-block-duration')!)
      : 0,
    human: p.bools.has('human-readable'),
    quiet: p.bools.has('quiet'),
  };
}
