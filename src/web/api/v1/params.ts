// Request parameters as Prometheus's API reads them: form values from the query string and a
// form-encoded POST body, times as Unix seconds or RFC 3339, durations as seconds or 1h30m.
import type { IncomingMessage } from 'node:http';
import { parseDuration as parsePromDuration } from '../../../model/duration/index.js';
import { parseGoFloat } from '../../../model/value/index.js';

/** All values of every parameter, query string first, then the body (as Go's r.Form). */
export class Form {
  constructor(private readonly values: Map<string, string[]>) {}

  static async read(req: IncomingMessage, url: URL): Promise<Form> {
    const values = new Map<string, string[]>();
    const add = (k: string, v: string) => {
      const a = values.get(k);
      if (a) a.push(v);
      else values.set(k, [v]);
    };
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if ((req.method === 'POST' || req.method === 'PUT') && ct === 'application/x-www-form-urlencoded') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      // Go's ParseForm puts body values before the query string's.
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) add(k, v);
    }
    for (const [k, v] of url.searchParams) add(k, v);
    return new Form(values);
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
export const MIN_TIME = -9223309901257974 * 1000 < -Number.MAX_SAFE_INTEGER ? -Number.MAX_SAFE_INTEGER : -9223309901257974 * 1000;
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A time parameter in ms. */
export function parseTime(s: string): number {
  const f = parseGoFloat(s);
  if (f !== null && !/^[+-]?(inf|infinity|nan)$/i.test(s)) {
    const sec = Math.trunc(f);
    const frac = Math.round((f - sec) * 1000) / 1000;
    return sec * 1000 + Math.round(frac * 1000);
  }
  if (RFC3339.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  if (s === MIN_TIME_FORMATTED) return MIN_TIME;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME;
  throw new ParamError(`cannot parse "${s}" to a valid timestamp`);
}

export function parseTimeParam(form: Form, name: string, def: number): number {
  const v = form.get(name);
  if (v === '') return def;
  try {
    return parseTime(v);
  } catch (e) {
    throw new ParamError(`Invalid time value for '${name}': ${(e as Error).message}`);
  }
}

/** A duration parameter in ms: float seconds or a Prometheus duration. */
export function parseDurationParam(s: string): number {
  const f = parseGoFloat(s);
  if (f !== null) {
    const ns = f * 1e9;
    if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18 || Number.isNaN(ns)) throw new ParamError(`cannot parse "${s}" to a valid duration. It overflows int64`);
    return f * 1000;
  }
  try {
    return parsePromDuration(s);
  } catch {
    throw new ParamError(`cannot parse "${s}" to a valid duration`);
  }
}
