// Request parameters as Prometheus's API reads them: form values from the query string and a
// form-encoded POST body, times as Unix seconds or RFC 3339, durations as seconds or 1h30m.
import type { IncomingMessage } from 'node:http';
import { parseDuration as parsePromDuration } from '../../../model/duration/index.js';
import { parseGoFloat } from '../../../model/value/index.js';
import { readBodyLimited } from '../../../util/request_body.js';

/** Go's ParseForm reads at most this much of a form body (net/http's maxFormSize). */
export const MAX_FORM_BYTES = 10 << 20;

/** All values of every parameter, query string first, then the body (as Go's r.Form). */
export class Form {
  constructor(
    private readonly values: Map<string, string[]>,
    /**
     * Go's ParseForm error: a body past MAX_FORM_BYTES contributes no values. Handlers that call
     * ParseForm first in Prometheus answer it; the others (FormValue) silently go without.
     */
    readonly parseError: string | null = null,
  ) {}

  static async read(req: IncomingMessage, url: URL): Promise<Form> {
    const values = new Map<string, string[]>();
    const add = (k: string, v: string) => {
      const a = values.get(k);
      if (a) a.push(v);
      else values.set(k, [v]);
    };
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    let parseError: string | null = null;
    if (
      (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') &&
      ct === 'application/x-www-form-urlencoded'
    ) {
      const { body, truncated, error } = await readBodyLimited(req, MAX_FORM_BYTES);
      // Go's ParseForm puts body values before the query string's.
      if (truncated) parseError = error ?? 'http: POST too large';
      else for (const [k, v] of new URLSearchParams(body.toString('utf8'))) add(k, v);
    }
    for (const [k, v] of url.searchParams) add(k, v);
    return new Form(values, parseError);
  }

  /** Prometheus's `if err := r.ParseForm(); err != nil` at the top of a handler. */
  checkParsed(): void {
    if (this.parseError !== null)
      throw new ParamError(`error parsing form values: ${this.parseError}`);
  }

  get(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }
}

export class ParamError extends Error {}

/** Go's time.Time bounds Prometheus uses for "no start"/"no end", in ms (clamped to safe integers). */
export const MIN_TIME =
  -9223309901257974 * 1000 < -Number.MAX_SAFE_INTEGER
    ? -Number.MAX_SAFE_INTEGER
    : -9223309901257974 * 1000;
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * How a parsed time becomes milliseconds. Prometheus keeps a Go time.Time and converts it late:
 * 'storage' as timestamp.FromTime (Unix()*1000 + ms of the second: series, labels, ...),
 * 'engine' as the query engine does (UnixNano()/1e6: instant and range queries). They differ only
 * where Go's int64 arithmetic wraps, which is what the API answers for such times.
 */
export type TimeConversion = 'storage' | 'engine';

const INT64_MIN = -(1n << 63n);
const NS_PER_S = 1_000_000_000n;

function wrap64(x: bigint): bigint {
  return BigInt.asIntN(64, x);
}

/** Go's float64 → int64 on amd64: NaN and out-of-range values give the "indefinite" minimum. */
function goInt64(f: number): bigint {
  const t = Math.trunc(f);
  if (Number.isNaN(t) || t >= 2 ** 63 || t < -(2 ** 63)) return INT64_MIN;
  return BigInt(t);
}

/** Go's time.Unix(sec, nsec), normalized as it does (with wrapping), to ms by the given conversion. */
function goUnixToMs(sec: bigint, nsec: bigint, conv: TimeConversion): number {
  if (nsec < 0n || nsec >= NS_PER_S) {
    const n = nsec / NS_PER_S;
    sec = wrap64(sec + n);
    nsec = wrap64(nsec - n * NS_PER_S);
    if (nsec < 0n) {
      nsec += NS_PER_S;
      sec = wrap64(sec - 1n);
    }
  }
  const ms =
    conv === 'engine'
      ? wrap64(wrap64(sec * NS_PER_S) + nsec) / 1_000_000n
      : wrap64(wrap64(sec * 1000n) + nsec / 1_000_000n);
  // Storage-side times past ±2^53 ms are far beyond any data; they keep their side of zero.
  const n = Number(ms);
  return Math.max(MIN_TIME, Math.min(MAX_TIME, n));
}

/**
 * A time parameter in ms, as Prometheus's parseTime reads it: Unix seconds as a Go float (NaN,
 * ±Inf and huge values included, converted as Go converts them) or RFC 3339.
 */
export function parseTime(s: string, conv: TimeConversion = 'storage'): number {
  const f = parseGoFloat(s);
  if (f !== null) {
    // math.Modf, then the fraction rounded to ms (math.Round: half away from zero).
    const whole = Number.isFinite(f) ? Math.trunc(f) : f;
    const frac = Number.isFinite(f) ? f - whole : NaN;
    const ms = Math.sign(frac) * Math.round(Math.abs(frac) * 1000);
    return goUnixToMs(goInt64(whole), goInt64((ms / 1000) * 1e9), conv);
  }
  if (RFC3339.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms))
      return conv === 'storage'
        ? ms
        : goUnixToMs(
            BigInt(Math.floor(ms / 1000)),
            BigInt(ms - Math.floor(ms / 1000) * 1000) * 1_000_000n,
            conv,
          );
  }
  if (s === MIN_TIME_FORMATTED)
    return conv === 'storage' ? MIN_TIME : goUnixToMs(-9223309901257974n, 0n, conv);
  if (s === MAX_TIME_FORMATTED)
    return conv === 'storage' ? MAX_TIME : goUnixToMs(9223309901257974n, 999_999_999n, conv);
  throw new ParamError(`cannot parse "${s}" to a valid timestamp`);
}

export function parseTimeParam(
  form: Form,
  name: string,
  def: number,
  conv: TimeConversion = 'storage',
): number {
  const v = form.get(name);
  if (v === '') return def;
  try {
    return parseTime(v, conv);
  } catch (e) {
    throw new ParamError(`Invalid time value for '${name}': ${(e as Error).message}`);
  }
}

/** A duration parameter in ms: float seconds or a Prometheus duration. */
export function parseDurationParam(s: string): number {
  const f = parseGoFloat(s);
  if (f !== null) {
    const ns = f * 1e9;
    if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18 || Number.isNaN(ns))
      throw new ParamError(`cannot parse "${s}" to a valid duration. It overflows int64`);
    return f * 1000;
  }
  try {
    return parsePromDuration(s);
  } catch {
    throw new ParamError(`cannot parse "${s}" to a valid duration`);
  }
}
