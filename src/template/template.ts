// Prometheus's template expansion for alert labels and annotations: Go text/template with the
// `$labels`, `$externalLabels`, `$externalURL` and `$value` preamble, missing map keys printing
// as empty, and Prometheus's own functions (humanize…, query, first, label, value, …).
import { client, defaultRegistry } from '../util/metrics.js';
import { formatFloatG } from '../model/value/index.js';
import { compileRE2 } from '../model/labels/index.js';
import { parseDuration as parsePromDuration } from '../model/duration/index.js';
import { TemplateError, type TemplateFunc, type Value } from './ast.js';
import { GoTemplate } from './exec.js';
import { sprintf } from './funcs.js';
import { goTimeString } from './gotime.js';

export { TemplateError };

/** One sample as templates see it (Prometheus's template.sample). */
export interface TemplateSample {
  Labels: Record<string, string>;
  Value: number;
}

export type QueryFunc = (
  query: string,
  tsMs: number,
) => Promise<{ metric: Record<string, string>; value: number }[]>;

export interface TemplateData {
  labels: Record<string, string>;
  externalLabels: Record<string, string>;
  externalURL: string;
  value: number | string;
}

export interface ExpandOptions {
  /** Evaluation time (ms), used by `query`. */
  timestamp: number;
  query?: QueryFunc;
  externalURL?: string;
}

const PREAMBLE =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

/** Go's %.4g: four significant digits, trailing zeros removed, exponent when very large/small. */
export function goG4(v: number, prec = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expS] = v.toExponential(prec - 1).split('e') as [string, string];
  const exp = Number(expS);
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= prec)
    return `${trim(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return trim(v.toFixed(Math.max(0, prec - 1 - exp)));
}

/** regexp.Compile as Go words its failure (re2js already prefixes "error parsing regexp: "). */
function templateRegexp(pattern: string): ReturnType<typeof compileRE2> {
  try {
    return compileRE2(pattern);
  } catch (e) {
    throw new Error(
      (e as Error).message.replace(/^(error parsing regexp: )+/, 'error parsing regexp: '),
    );
  }
}

/** Go's url.QueryEscape: only letters, digits and -_.~ stay; space becomes +. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function toFloat(i: Value): number {
  if (typeof i === 'number') return i;
  if (typeof i === 'bigint') return Number(i);
  if (typeof i === 'string') {
    const f = Number(i.trim());
    if (i.trim() === '' || Number.isNaN(f)) {
      if (/^[+-]?(inf|infinity)$/i.test(i)) return i.startsWith('-') ? -Infinity : Infinity;
      if (/^nan$/i.test(i)) return NaN;
      throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(i)}: invalid syntax`);
    }
    return f;
  }
  throw new Error(`can't convert ${printValue(i)} to float`);
}

/** Go's fmt %v of the values templates meet. */
export function printValue(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'number') return formatFloatG(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return goTimeString(v);
  if (Array.isArray(v)) return '[' + v.map(printValue).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, Value>;
    if ('Labels' in o && 'Value' in o)
      return `{${printValue(o['Labels'])} ${printValue(o['Value'])}}`;
    return (
      'map[' +
      Object.keys(o)
        .sort()
        .map((k) => `${k}:${printValue(o[k])}`)
        .join(' ') +
      ']'
    );
  }
  return String(v);
}

/** Go's time.Time String() in UTC: "2006-01-02 15:04:05.999999999 +0000 UTC". */
function splitHostPort(s: string): [string, string] | null {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(s) ?? /^([^:]*):(\d*)$/.exec(s);
  return m ? [m[1]!, m[2]!] : null;
}

/** The Go arity of each function below (args is variadic): text/template refuses a call with another count. */
const ARITY: Readonly<Record<string, number>> = {
  query: 1,
  first: 1,
  label: 2,
  value: 1,
  strvalue: 1,
  reReplaceAll: 3,
  match: 2,
  title: 1,
  toUpper: 1,
  toLower: 1,
  humanize: 1,
  humanize1024: 1,
  humanizeDuration: 1,
  humanizePercentage: 1,
  humanizeTimestamp: 1,
  toTime: 1,
  safeHtml: 1,
  stripPort: 1,
  stripDomain: 1,
  pathPrefix: 0,
  externalURL: 0,
  parseDuration: 1,
  tableLink: 1,
  graphLink: 1,
  sortByLabel: 2,
};

function templateFuncs(opts: ExpandOptions): Record<string, TemplateFunc> {
  const ext = opts.externalURL ?? '';
  return {
    query: async (q) => {
      if (!opts.query) throw new Error('query is not available here');
      const res = await opts.query(String(q), opts.timestamp);
      return res.map((s) => ({ Labels: s.metric, Value: s.value }));
    },
    first: (v) => {
      if (Array.isArray(v) && v.length > 0) return v[0];
      throw new Error('first() called on vector with no elements');
    },
    label: (name, s) => ((s as TemplateSample | null)?.Labels ?? {})[String(name)] ?? '',
    value: (s) => (s as TemplateSample).Value,
    strvalue: (s) => ((s as TemplateSample).Labels ?? {})['__value__'] ?? '',
    args: (...a) => Object.fromEntries(a.map((x, i) => [`arg${i}`, x])),
    reReplaceAll: (pattern, repl, text) => {
      const re = templateRegexp(String(pattern));
      // Go's ReplaceAllString expands $1/${name}; RE2JS's replaceAll takes the same $-syntax.
      return re
        .matcher(String(text))
        .replaceAll(
          String(repl).replace(/\$\{(\w+)\}/g, (_m, n: string) =>
            /^\d+$/.test(n) ? `$${n}` : `\${${n}}`,
          ),
        );
    },
    match: (pattern, text) => templateRegexp(String(pattern)).matcher(String(text)).find(),
    title: (s) =>
      String(s).replace(
        /(^|[^\p{L}\p{N}_'])(\p{L})/gu,
        (_m, pre: string, c: string) => pre + c.toUpperCase(),
      ),
    toUpper: (s) => String(s).toUpperCase(),
    toLower: (s) => String(s).toLowerCase(),
    humanize: (i) => {
      let v = toFloat(i);
      if (v === 0 || !Number.isFinite(v)) return goG4(v);
      if (Math.abs(v) >= 1) {
        let prefix = '';
        for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
          if (Math.abs(v) < 1000) break;
          prefix = p;
          v /= 1000;
        }
        return goG4(v) + prefix;
      }
      let prefix = '';
      for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
        if (Math.abs(v) >= 1) break;
        prefix = p;
        v *= 1000;
      }
      return goG4(v) + prefix;
    },
    humanize1024: (i) => {
      let v = toFloat(i);
      if (Math.abs(v) <= 1 || !Number.isFinite(v)) return goG4(v);
      let prefix = '';
      for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
        if (Math.abs(v) < 1024) break;
        prefix = p;
        v /= 1024;
      }
      return goG4(v) + prefix;
    },
    humanizeDuration: (i) => {
      let v = toFloat(i);
      if (!Number.isFinite(v)) return goG4(v);
      if (v === 0) return goG4(v) + 's';
      if (Math.abs(v) >= 1) {
        let sign = '';
        if (v < 0) {
          sign = '-';
          v = -v;
        }
        const d = Math.trunc(v);
        const seconds = d % 60;
        const minutes = Math.trunc(d / 60) % 60;
        const hours = Math.trunc(d / 3600) % 24;
        const days = Math.trunc(d / 86400);
        if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
        if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
        if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
        return `${sign}${goG4(v)}s`;
      }
      let prefix = '';
      for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
        if (Math.abs(v) >= 1) break;
        prefix = p;
        v *= 1000;
      }
      return `${goG4(v)}${prefix}s`;
    },
    humanizePercentage: (i) => `${goG4(toFloat(i) * 100)}%`,
    humanizeTimestamp: (i) => {
      const v = toFloat(i);
      if (!Number.isFinite(v)) return goG4(v);
      return goTimeString(new Date(Math.trunc(v * 1e9) / 1e6));
    },
    toTime: (i) => {
      const v = toFloat(i);
      if (!Number.isFinite(v)) throw new Error(`cannot convert ${goG4(v)} to time.Time`);
      return new Date(Math.trunc(v * 1e9) / 1e6);
    },
    safeHtml: (s) => String(s),
    stripPort: (hp) => {
      const s = String(hp);
      const hpp = splitHostPort(s);
      return hpp ? hpp[0] : s;
    },
    stripDomain: (hp) => {
      const s = String(hp);
      if (s.length < 2) return s;
      const hpp = splitHostPort(s);
      const host = hpp ? hpp[0] : s;
      const port = hpp ? hpp[1] : '';
      if (/^[\d.]+$/.test(host) || host.includes(':')) return s;
      const short = host.split('.')[0]!;
      return port !== '' ? `${short}:${port}` : short;
    },
    pathPrefix: () => {
      try {
        return new URL(ext).pathname.replace(/\/$/, '');
      } catch {
        return '';
      }
    },
    externalURL: () => ext,
    parseDuration: (s) => parsePromDuration(String(s)) / 1000,
    tableLink: (expr) => `/graph?g0.expr=${queryEscape(String(expr))}&g0.tab=1`,
    graphLink: (expr) => `/graph?g0.expr=${queryEscape(String(expr))}&g0.tab=0`,
    sortByLabel: (label, v) => {
      if (!Array.isArray(v)) return v;
      return [...(v as TemplateSample[])].sort((a, b) => {
        const x = a.Labels[String(label)] ?? '';
        const y = b.Labels[String(label)] ?? '';
        return x < y ? -1 : x > y ? 1 : 0;
      });
    },
  };
}

// Registered once for the process, as Prometheus's template package registers them in init().
const expansions = new client.Counter({
  name: 'prometheus_template_text_expansions_total',
  help: 'The total number of template text expansions.',
  registers: [defaultRegistry],
});
const expansionFailures = new client.Counter({
  name: 'prometheus_template_text_expansion_failures_total',
  help: 'The total number of template text expansion failures.',
  registers: [defaultRegistry],
});

/** Expands one template (an alert's label or annotation). Throws TemplateError. */
export async function expandTemplate(
  name: string,
  text: string,
  data: TemplateData,
  opts: ExpandOptions,
): Promise<string> {
  expansions.inc();
  let tmpl: GoTemplate;
  try {
    tmpl = new GoTemplate(
      name,
      PREAMBLE + text,
      templateFuncs({ ...opts, externalURL: opts.externalURL ?? data.externalURL }),
      printValue,
      undefined,
      ARITY,
    );
  } catch (e) {
    expansionFailures.inc();
    throw new TemplateError(`error parsing template ${name}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  try {
    return await tmpl.execute({
      Labels: data.labels,
      ExternalLabels: data.externalLabels,
      ExternalURL: data.externalURL,
      Value: data.value,
    });
  } catch (e) {
    expansionFailures.inc();
    throw new TemplateError(`error executing template ${name}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** Parses a template without running it: how rule files are checked. */
export function checkTemplate(name: string, text: string): TemplateError | null {
  try {
    new GoTemplate(
      name,
      PREAMBLE + text,
      templateFuncs({ timestamp: 0 }),
      printValue,
      undefined,
      ARITY,
    );
    return null;
  } catch (e) {
    return new TemplateError(`error parsing template ${name}: ${(e as Error).message}`);
  }
}

export { sprintf };
