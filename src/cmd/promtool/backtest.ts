// promtool-ts backtest rules --start=T [--end=T] [--eval-interval=1m] [-o text|json] SOURCE RULE-FILE…
// (ours; no promtool has it). Evaluates the rule files over stored history — SOURCE is a data
// directory (read only, safe beside a running server) or a server's URL (read through its
// remote-read endpoint: every series the rules select, over the range they need) — and prints
// when each alert would have been pending and firing. See src/rules/backtest.ts.
import { existsSync, statSync } from 'node:fs';
import { Labels, type Matcher } from '../../model/labels/index.js';
import { parseRuleFile } from '../../model/rulefmt/index.js';
import { inspect, parseExpr } from '../../promql/parser/index.js';
import {
  backtest,
  headQueryable,
  type AlertTimeline,
  type BacktestResult,
} from '../../rules/index.js';
import type { Queryable } from '../../storage/index.js';
import { remoteRead } from '../../storage/remote/index.js';
import { Head, ReadOnlyDataDir } from '../../tsdb/index.js';
import { UsageError, parseArgs, parseGoDuration } from './flags.js';
import { missingFile } from './subcommand.js';
import { parseTime } from './tsdb_backfill_rules.js';
import { formatGoDuration } from '../../model/value/index.js';

const LOOKBACK = 300_000;

/** Every selector the rules use and how far back of an evaluation each may read (range, offsets, lookback). */
function ruleSelectors(files: readonly string[]): { matchers: Matcher[]; back: number }[] {
  const out: { matchers: Matcher[]; back: number }[] = [];
  for (const f of files) {
    for (const g of parseRuleFile(f).groups) {
      for (const r of g.rules) {
        const e = parseExpr(r.expr);
        // An upper bound per expression: the largest range, subquery range and offset anywhere in it.
        let back = LOOKBACK;
        inspect(e, (n) => {
          if (n.kind === 'MatrixSelector' || n.kind === 'SubqueryExpr') back += n.range;
          if (n.kind === 'VectorSelector' || n.kind === 'SubqueryExpr')
            back += Math.max(0, n.offset);
        });
        inspect(e, (n) => {
          if (n.kind === 'VectorSelector') out.push({ matchers: n.labelMatchers, back });
        });
      }
    }
  }
  return out;
}

/** A head holding what the rules select from the server at `url`, read by remote read. */
async function remoteSource(
  url: string,
  files: readonly string[],
  start: number,
  end: number,
): Promise<Queryable> {
  const readURL = new URL('api/v1/read', url.endsWith('/') ? url : url + '/').href;
  const selectors = ruleSelectors(files);
  // A head whose chunk range spans everything, so series may be loaded one after another.
  const head = new Head(2 ** 50, null);
  const loaded = new Set<string>();
  const results =
    selectors.length === 0
      ? []
      : await remoteRead(
          readURL,
          selectors.map((s) => ({
            startTimestampMs: start - s.back,
            endTimestampMs: end,
            matchers: s.matchers,
          })),
        );
  const app = head.appender();
  for (const series of results.flat()) {
    const k = series.labels.key();
    if (loaded.has(k)) continue;
    loaded.add(k);
    let ref = 0;
    for (const s of series.samples) ref = app.append(ref, series.labels, s.timestamp, s.value);
  }
  await app.commit();
  return headQueryable(head);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function printText(r: BacktestResult, start: number, end: number): void {
  const lines = [
    `Backtest ${iso(start)} – ${iso(end)}: ${r.evaluations} group evaluations, ${r.alerts.length} alerts`,
  ];
  let lastGroup = '';
  for (const a of r.alerts) {
    const g = `${a.file} ${a.group}`;
    if (g !== lastGroup) lines.push('', `Group ${JSON.stringify(a.group)} (${a.file})`);
    lastGroup = g;
    lines.push(`  ${a.labels.toString()}`);
    for (const p of a.periods) {
      const span = p.open
        ? `${iso(p.from)} – (still ${p.state} at ${iso(p.to)})`
        : `${iso(p.from)} – ${iso(p.to)} (${formatGoDuration(p.to - p.from)})`;
      lines.push(`    ${p.state.padEnd(8)} ${span}`);
    }
  }
  for (const e of r.errors) lines.push('', `error: ${e}`);
  process.stdout.write(lines.join('\n') + '\n');
}

function asJSON(a: AlertTimeline): object {
  return {
    file: a.file,
    group: a.group,
    alertname: a.rule,
    labels: a.labels.toObject(),
    activeAt: a.activeAt.map(iso),
    periods: a.periods.map((p) => ({
      state: p.state,
      from: iso(p.from),
      to: iso(p.to),
      open: p.open,
    })),
  };
}

async function rules(args: string[]): Promise<number> {
  const p = parseArgs(args, ['start', 'end', 'eval-interval', 'output', 'external-url'], {
    o: 'output',
  });
  const startText = p.flags.get('start');
  if (startText === undefined) throw new UsageError('required flag --start not provided');
  const start = Number(parseTime(startText) / 1_000_000n);
  const end = p.flags.has('end') ? Number(parseTime(p.flags.get('end')!) / 1_000_000n) : Date.now();
  if (end < start) throw new UsageError('--end must not be before --start');
  const interval = p.flags.has('eval-interval')
    ? parseGoDuration(p.flags.get('eval-interval')!)
    : 60_000;
  const output = p.flags.get('output') ?? 'text';
  if (output !== 'text' && output !== 'json')
    throw new UsageError(`enum value must be one of text,json, got '${output}'`);
  const isURL = (a: string): boolean => /^https?:\/\//.test(a);
  const sources = p.args.filter((a) => isURL(a) || (existsSync(a) && statSync(a).isDirectory()));
  const files = p.args.filter((a) => !sources.includes(a));
  if (sources.length !== 1)
    throw new UsageError('give exactly one source: a data directory or a server URL');
  if (files.length === 0) throw new UsageError("required argument 'rule-files' not provided");
  if (missingFile(files)) return 1;
  const src = sources[0]!;
  let dataDir: ReadOnlyDataDir | null = null;
  let source: Queryable;
  if (isURL(src)) source = await remoteSource(src, files, start, end);
  else source = dataDir = ReadOnlyDataDir.open(src);
  try {
    const r = await backtest({
      ruleFiles: files,
      start,
      end,
      evaluationInterval: interval,
      source,
      externalURL: p.flags.get('external-url') ?? '',
      externalLabels: Labels.EMPTY,
    });
    if (output === 'json')
      process.stdout.write(
        JSON.stringify(
          { evaluations: r.evaluations, alerts: r.alerts.map(asJSON), errors: r.errors },
          null,
          2,
        ) + '\n',
      );
    else printText(r, start, end);
    return r.errors.length > 0 ? 1 : 0;
  } finally {
    await dataDir?.close();
  }
}

export async function run(args: string[]): Promise<number> {
  if (args[0] !== 'rules')
    throw new UsageError(
      args[0] === undefined
        ? 'expected command but got none'
        : `expected command but got "${args[0]}"`,
    );
  return rules(args.slice(1));
}
