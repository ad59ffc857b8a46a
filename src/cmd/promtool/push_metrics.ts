// promtool-ts push metrics URL [FILE…] [--label=k=v…] [--header=k=v…] [--timeout=30s]: exposition
// text (files, or stdin) turned into one remote-write request per input and posted to URL, as
// Prometheus 2.48's promtool does (Debian's 2.42 has no push command). Families go out sorted by
// name with their metadata; a histogram or summary sends its buckets or quantiles, then _sum and
// _count; a `job` label of the text becomes `exported_job`; lines without a timestamp get now.
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { compress } from 'snappyjs';
import { Labels } from '../../model/labels/index.js';
import { newParser, TextParseError } from '../../model/textparse/index.js';
import { formatFloatG, parseGoFloat } from '../../model/value/index.js';
import {
  encodeWriteRequest,
  USER_AGENT,
  type PbMetadata,
  type PbTimeSeries,
} from '../../storage/remote/index.js';
import { doRequest } from '../../httpclient/index.js';
import { goNetError } from './goerrors.js';
import { parseArgs, parseGoDuration, UsageError, withUsage } from './flags.js';
import { missingFile } from './subcommand.js';

// prompb.MetricMetadata.MetricType; untyped has no entry and is sent as UNKNOWN (0).
const METADATA_TYPE: Record<string, number> = {
  counter: 1,
  gauge: 2,
  histogram: 3,
  gaugehistogram: 4,
  summary: 5,
  info: 6,
  stateset: 7,
};

interface Family {
  type: string;
  help: string;
  /** One entry per metric (a histogram's or summary's lines without le/quantile share one). */
  metrics: Map<
    string,
    {
      labels: Labels;
      t: number | null;
      parts: { suffix: string; bound: string | null; v: number }[];
    }
  >;
}

function familyOf(families: Map<string, Family>, name: string): [string, string] {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = families.get(base)?.type;
    if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return [base, suffix];
  }
  return [name, ''];
}

/** The text exposition as prompb series and metadata (Prometheus's fmtutil.MetricTextToWriteRequest). */
export function textToWriteRequest(
  text: string,
  extra: Record<string, string>,
  now: number,
): { series: PbTimeSeries[]; metadata: PbMetadata[] } {
  const families = new Map<string, Family>();
  const family = (n: string): Family => {
    let f = families.get(n);
    if (!f) families.set(n, (f = { type: 'untyped', help: '', metrics: new Map() }));
    return f;
  };
  const p = newParser(text, 'text/plain; version=0.0.4');
  let line = 0;
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e === 'help') family(p.help()[0]).help = p.help()[1];
    else if (e === 'type')
      family(p.type()[0]).type = p.type()[1] === 'unknown' ? 'untyped' : p.type()[1];
    else if (e === 'series') {
      const [base, suffix] = familyOf(families, p.metricName());
      const f = family(base);
      const grouped = f.type === 'histogram' || f.type === 'summary';
      const boundLabel = f.type === 'histogram' ? 'le' : 'quantile';
      const all = p.labels();
      const bound = (grouped && suffix === '') || suffix === '_bucket' ? all.get(boundLabel) : null;
      const own = grouped ? all.drop(['__name__', boundLabel]) : all.drop(['__name__']);
      const key = grouped ? own.key() : String(line++);
      let m = f.metrics.get(key);
      if (!m) f.metrics.set(key, (m = { labels: own, t: p.timestamp(), parts: [] }));
      m.parts.push({
        suffix,
        bound: bound === null ? null : formatFloatG(parseGoFloat(bound) ?? NaN),
        v: p.value(),
      });
    }
  }
  const series: PbTimeSeries[] = [];
  const metadata: PbMetadata[] = [];
  for (const name of [...families.keys()].sort()) {
    const f = families.get(name)!;
    metadata.push({
      type: METADATA_TYPE[f.type] ?? 0,
      metricFamilyName: name,
      help: f.help,
      unit: '',
    });
    const grouped = f.type === 'histogram' || f.type === 'summary';
    const boundLabel = f.type === 'histogram' ? 'le' : 'quantile';
    for (const m of f.metrics.values()) {
      const base: Record<string, string> = { __name__: name, ...extra };
      m.labels.forEach((n, v) => (base[n === 'job' ? 'exported_job' : n] = v));
      const t = m.t ?? now;
      const push = (labels: Record<string, string>, v: number) =>
        series.push({ labels: Labels.fromObject(labels), samples: [{ value: v, timestamp: t }] });
      if (!grouped) {
        push(base, m.parts[0]!.v);
        continue;
      }
      const bucketName = f.type === 'histogram' ? name + '_bucket' : name;
      for (const part of m.parts)
        if (part.bound !== null)
          push({ ...base, __name__: bucketName, [boundLabel]: part.bound }, part.v);
      push({ ...base, __name__: name + '_sum' }, m.parts.find((x) => x.suffix === '_sum')?.v ?? 0);
      push(
        { ...base, __name__: name + '_count' },
        m.parts.find((x) => x.suffix === '_count')?.v ?? 0,
      );
    }
  }
  return { series, metadata };
}

/** kingpin's StringMap: KEY=VALUE pairs. */
function stringMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) throw new UsageError(`expected KEY=VALUE got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

async function push(
  url: string,
  text: string,
  labels: Record<string, string>,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<boolean> {
  try {
    const { series, metadata } = textToWriteRequest(text, labels, Date.now());
    const body = compress(encodeWriteRequest(series, metadata));
    let res;
    try {
      res = await doRequest(url, {
        method: 'POST',
        body,
        timeoutMs,
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'User-Agent': USER_AGENT,
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          ...headers,
        },
      });
    } catch (e) {
      throw new Error(`Post ${JSON.stringify(url)}: ${goNetError(e)}`);
    }
    if (res.status < 200 || res.status >= 300) {
      const firstLine = res.body.toString('utf8').split('\n')[0]!.slice(0, 1024);
      throw new Error(
        `server returned HTTP status ${res.status} ${STATUS_CODES[res.status] ?? ''}: ${firstLine}`,
      );
    }
    return true;
  } catch (e) {
    const msg =
      e instanceof TextParseError
        ? `text format parsing error in line ${e.line}: ${e.message}`
        : (e as Error).message;
    process.stderr.write(`  FAILED: ${msg}\n`);
    return false;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function run(args: string[]): Promise<number> {
  return withUsage(async () => {
    const p = parseArgs(args, ['label', 'header', 'timeout'], {});
    const [url, ...files] = p.args;
    if (url === undefined)
      throw new UsageError("required argument 'remote-write-url' not provided");
    const labels = stringMap(p.all.get('label') ?? ['job=promtool']);
    const headers = stringMap(p.all.get('header') ?? []);
    const timeout = parseGoDuration(p.flags.get('timeout') ?? '30s');
    if (missingFile(files)) return 1;
    if (files.length === 0) {
      const text = await readStdin();
      process.stdout.write('Parsing standard input\n');
      if (!(await push(url, text, labels, headers, timeout))) return 1;
      process.stdout.write('  SUCCESS: metrics pushed to remote write.\n');
      return 0;
    }
    let failed = false;
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        process.stderr.write(`  FAILED: ${(e as Error).message}\n`);
        failed = true;
        continue;
      }
      process.stdout.write(`Parsing metrics file ${f}\n`);
      if (await push(url, text, labels, headers, timeout))
        process.stdout.write(`  SUCCESS: metrics file ${f} pushed to remote write.\n`);
      else failed = true;
    }
    return failed ? 1 : 0;
  });
}
