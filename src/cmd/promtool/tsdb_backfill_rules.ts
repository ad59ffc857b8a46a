// promtool-ts tsdb create-blocks-from rules --start … [--end …] [--url …] [--output-dir data/]
// [--eval-interval 60s] RULE-FILE…: backfills recording rules as Prometheus 2.48's promtool
// does. For each rule and each block window from --start to --end, one range query to the server
// at the group's interval, aligned as the group's evaluations would be (Prometheus's group offset:
// the XXH64 of the labels {file, name} modulo the interval), and one block of the results, named
// as the rule records them and labelled with the rule's labels. Alerting rules are backfilled too,
// under the alert's name, as promtool does whatever its help says.
import { mkdirSync } from 'node:fs';
import { parseExpr, exprToString } from '../../promql/parser/index.js';
import { Labels, LabelsBuilder } from '../../model/labels/index.js';
import { parseGoFloat } from '../../model/value/index.js';
import { parseRuleFile, type RuleGroupDef } from '../../model/rulefmt/index.js';
import { promLabelsHash } from '../../util/xxhash.js';
import { parseArgs, parseGoDuration, UsageError } from './flags.js';
import { call } from './query.js';
import { missingFile } from './subcommand.js';
import { BlockSamples, compatibleBlockDuration } from './tsdb_blocks.js';

const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** promtool's parseTime: a Unix timestamp (seconds, fractions allowed) or RFC 3339; in ns. */
export function parseTime(s: string): bigint {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const t = Number(s);
    const sec = Math.trunc(t);
    return BigInt(sec) * NS_PER_S + BigInt(Math.trunc((t - sec) * 1e9));
  }
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.exec(s);
  const ms = m ? Date.parse(m[1]! + m[3]!) : NaN;
  if (!m || Number.isNaN(ms))
    throw new Error(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
  return BigInt(ms) * NS_PER_MS + BigInt((m[2] ?? '.').slice(1).padEnd(9, '0'));
}

/** Go's time.Time.Unix(): whole seconds, rounded down. */
const unixSeconds = (ns: bigint): bigint =>
  ns >= 0n ? ns / NS_PER_S : -((-ns + NS_PER_S - 1n) / NS_PER_S);

/** Prometheus's Group.EvalTimestamp, in ns. */
function evalTimestamp(file: string, group: string, intervalNs: bigint, tNs: bigint): bigint {
  const offset =
    promLabelsHash([
      ['file', file],
      ['name', group],
    ]) % intervalNs;
  const adj = tNs - offset;
  return adj - (((adj % intervalNs) + intervalNs) % intervalNs) + offset;
}

/** client_golang's formatTime: seconds as the shortest float. */
const apiTime = (ns: bigint): string =>
  String(Number(unixSeconds(ns)) + Number(ns - unixSeconds(ns) * NS_PER_S) / 1e9);

interface Options {
  url: string;
  start: bigint;
  end: bigint;
  outDir: string;
  blockMs: number;
}

async function backfillRule(
  o: Options,
  file: string,
  group: RuleGroupDef,
  intervalMs: number,
  rule: { name: string; expr: string; labels: Record<string, string> },
): Promise<void> {
  const query = exprToString(parseExpr(rule.expr));
  const intervalNs = BigInt(intervalMs) * NS_PER_MS;
  const bd = BigInt(o.blockMs);
  const startS = unixSeconds(o.start);
  const endS = unixSeconds(o.end);
  for (
    let blockStart = bd * ((startS * 1000n) / bd);
    blockStart <= endS * 1000n;
    blockStart += bd
  ) {
    const blockEnd = blockStart + bd - 1n;
    const currStart = blockStart / 1000n > startS ? blockStart / 1000n : startS;
    let from = evalTimestamp(file, group.name, intervalNs, currStart * NS_PER_S);
    while (unixSeconds(from) < currStart) from += intervalNs;
    const toS = blockEnd / 1000n < endS ? blockEnd / 1000n : endS;
    if (toS * NS_PER_S < from) break;
    let data: {
      resultType: string;
      result: { metric: Record<string, string>; values: [number, string][] }[];
    };
    try {
      data = (await call(o.url, 'api/v1/query_range', [
        ['query', query],
        ['start', apiTime(from)],
        ['end', String(toS)],
        ['step', String(intervalMs / 1000)],
      ])) as typeof data;
    } catch (e) {
      throw new Error(`query range: ${(e as Error).message}`);
    }
    if (data.resultType !== 'matrix')
      throw new Error(`rule result is wrong type ${data.resultType}`);
    const block = new BlockSamples();
    for (const s of data.result) {
      const lb = new LabelsBuilder(Labels.fromObject(s.metric));
      // The rule's labels override the query's; an empty one removes the label.
      for (const [n, v] of Object.entries(rule.labels)) lb.set(n, v);
      lb.set('__name__', rule.name);
      const labels = lb.labels();
      for (const [t, v] of s.values)
        block.add(
          labels,
          Math.round(t * 1000),
          parseGoFloat(v) ?? NaN,
          'add: multiappender append',
        );
    }
    block.write(o.outDir, 2 * o.blockMs);
  }
}

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(
    args,
    ['url', 'start', 'end', 'output-dir', 'eval-interval', 'max-block-duration'],
    { r: 'human-readable', q: 'quiet' },
  );
  if (!p.flags.has('start')) throw new UsageError('required flag --start not provided');
  if (p.args.length === 0) throw new UsageError("required argument 'rule-files' not provided");
  if (missingFile(p.args)) return 1;
  const evalInterval = parseGoDuration(p.flags.get('eval-interval') ?? '60s');
  const fail = (msg: string): number => {
    process.stderr.write(msg + '\n');
    return 1;
  };
  let end: bigint;
  let start: bigint;
  try {
    end = p.flags.has('end')
      ? parseTime(p.flags.get('end')!)
      : BigInt(Date.now() - 3 * 3600_000) * NS_PER_MS;
  } catch (e) {
    return fail(`error parsing end time: ${(e as Error).message}`);
  }
  try {
    start = parseTime(p.flags.get('start')!);
  } catch (e) {
    return fail(`error parsing start time: ${(e as Error).message}`);
  }
  if (start >= end) return fail('start time is not before end time');
  const files: { file: string; groups: RuleGroupDef[] }[] = [];
  for (const f of p.args) {
    const { groups, errors } = parseRuleFile(f);
    if (errors.length > 0) return fail(`rule importer parse error: ${errors[0]!.message}`);
    files.push({ file: f, groups });
  }
  const o: Options = {
    url: p.flags.get('url') ?? 'http://localhost:9090',
    start,
    end,
    outDir: p.flags.get('output-dir') ?? 'data/',
    blockMs: compatibleBlockDuration(
      p.flags.has('max-block-duration') ? parseGoDuration(p.flags.get('max-block-duration')!) : 0,
    ),
  };
  mkdirSync(o.outDir, { recursive: true });
  const errors: string[] = [];
  for (const { file, groups } of files) {
    for (const g of groups) {
      for (const r of g.rules) {
        try {
          await backfillRule(o, file, g, g.interval || evalInterval, {
            name: r.record ?? r.alert!,
            expr: r.expr,
            labels: r.labels,
          });
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
    }
  }
  for (const e of errors) process.stderr.write(`rule importer error: ${e}\n`);
  return errors.length > 0 ? fail('error importing rules') : 0;
}
