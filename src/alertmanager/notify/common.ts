// What the integrations share: reading one config entry strictly (unknown fields are errors,
// secrets may come from `_file` variants), the HTTP client settings with the global fallback,
// Go's JSON encoding of a request body, Alertmanager's truncation rules, and its retry decision
// for an HTTP status.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { HTTPClientConfig } from '../../config/index.js';
import { doRequest, type HttpResponse } from '../../httpclient/index.js';
import { buildTemplateData } from '../template/index.js';
import {
  NotifyError,
  type AlertmanagerGlobal,
  type IntegrationDeps,
  type NotifyAlert,
  type NotifyContext,
  type TemplateData,
} from './integration.js';

/** Alertmanager's User-Agent on every notification request. */
export const USER_AGENT = 'Alertmanager/0.25.0';

const HTTP_CONFIG_KEYS = new Set([
  'basic_auth',
  'authorization',
  'oauth2',
  'bearer_token',
  'bearer_token_file',
  'tls_config',
  'proxy_url',
  'no_proxy',
  'proxy_from_environment',
  'proxy_connect_header',
  'follow_redirects',
  'enable_http2',
]);

/** Reads the fields of one `<name>_configs` entry; `done()` rejects any field left unread. */
export class ConfigReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    /** The config type's name in error messages, e.g. "slack_config". */
    readonly where: string,
  ) {}

  fail(msg: string): never {
    throw new Error(msg);
  }

  private get(key: string): unknown {
    this.seen.add(key);
    const v = this.raw[key];
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  str(key: string, def = ''): string {
    const v = this.get(key);
    if (v === undefined) return def;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(
      `${key}: cannot unmarshal ${Array.isArray(v) ? 'a sequence' : 'a mapping'} into a string`,
    );
  }

  bool(key: string, def: boolean): boolean {
    const v = this.get(key);
    if (v === undefined) return def;
    if (typeof v === 'boolean') return v;
    return this.fail(`${key}: cannot unmarshal ${JSON.stringify(v)} into a bool`);
  }

  int(key: string, def: number): number {
    const v = this.get(key);
    if (v === undefined) return def;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
    return this.fail(`${key}: cannot unmarshal ${JSON.stringify(v)} into an integer`);
  }

  /** A *bool field: undefined when absent. */
  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key, false) : (this.get(key), undefined);
  }

  /** A nested mapping (parsed by its own reader), or undefined. */
  mapping(key: string): Readonly<Record<string, unknown>> | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.fail(`${key}: expected a mapping`);
    return v as Record<string, unknown>;
  }

  /** A URL field (config.URL / SecretURL): absolute, with a scheme and host. */
  url(key: string): string | undefined {
    const v = this.str(key);
    if (v === '') return undefined;
    return parseURL(v, `${key}`);
  }

  stringMap(key: string): Record<string, string> | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v))
      return this.fail(`${key}: expected a mapping of strings`);
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'object' && x !== null) this.fail(`${key}.${k}: expected a string`);
      out[k] = x === null || x === undefined ? '' : String(x);
    }
    return out;
  }

  list(key: string): Readonly<Record<string, unknown>>[] {
    const v = this.get(key);
    if (v === undefined) return [];
    if (!Array.isArray(v)) return this.fail(`${key}: expected a sequence`);
    return v.map((x, i) =>
      typeof x === 'object' && x !== null && !Array.isArray(x)
        ? (x as Record<string, unknown>)
        : this.fail(`${key}[${i}]: expected a mapping`),
    );
  }

  strings(key: string): string[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail(`${key}: expected a sequence of strings`);
    return v.map((x) => String(x));
  }

  /** A Go duration (time.ParseDuration syntax, e.g. "1m30s"), in milliseconds. */
  duration(key: string, defMs: number): number {
    const v = this.str(key);
    if (v === '') return defMs;
    const ms = parseGoDuration(v);
    if (ms === null) return this.fail(`${key}: time: invalid duration ${JSON.stringify(v)}`);
    return ms;
  }

  /** The entry's http_config, or global.http_config when it has none (as Alertmanager). */
  http(global: AlertmanagerGlobal): Partial<HTTPClientConfig> {
    try {
      return httpClientConfig(this.get('http_config') ?? global.httpConfig ?? {});
    } catch (e) {
      return this.fail(`http_config: ${(e as Error).message}`);
    }
  }

  done(): void {
    for (const k of Object.keys(this.raw)) {
      if (!this.seen.has(k)) this.fail(`field ${k} not found in type config.${this.where}`);
    }
  }
}

/** An http_config mapping checked (known fields, one kind of auth) with common/config's defaults. */
export function httpClientConfig(raw: unknown): Partial<HTTPClientConfig> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error('expected a mapping');
  for (const k of Object.keys(raw)) {
    if (!HTTP_CONFIG_KEYS.has(k))
      throw new Error(`field ${k} not found in type config.HTTPClientConfig`);
  }
  const c = raw as Partial<HTTPClientConfig> & { oauth2?: unknown };
  if (c.oauth2 !== undefined) throw new Error('oauth2 is not supported by prometheus-ts');
  const auths = [c.basic_auth, c.authorization, c.bearer_token || c.bearer_token_file].filter(
    (x) => x !== undefined && x !== '',
  ).length;
  if (auths > 1)
    throw new Error(
      'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured',
    );
  return {
    follow_redirects: true,
    enable_http2: true,
    tls_config: { insecure_skip_verify: false },
    ...c,
  };
}

/** Checks a configured URL as config.URL does: it must parse and be absolute. */
export function parseURL(s: string, where: string): string {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new Error(`${where}: parse ${JSON.stringify(s)}: invalid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(
      `${where}: unsupported scheme ${JSON.stringify(u.protocol.slice(0, -1))} for URL`,
    );
  if (u.host === '') throw new Error(`${where}: host is missing in URL`);
  return s;
}

/** Go's time.ParseDuration, in milliseconds; null when it does not parse. */
export function parseGoDuration(s: string): number | null {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  if (s === '0') return 0;
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (!m) return null;
  let total = 0;
  for (const p of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(p[1]) * units[p[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** An inline secret or the trimmed contents of its `_file` variant, read at send time. */
export function secretValue(inline: string, file: string): string {
  return file !== '' ? readFileSync(file, 'utf8').trim() : inline;
}

/** encoding/json's output: <, > and & escaped, U+2028/2029 escaped, and json.Encoder's newline. */
export function goJSON(v: unknown, newline = true): string {
  const s = JSON.stringify(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
  return newline ? s + '\n' : s;
}

const MARKER = '…';

/** notify.TruncateInRunes: at most n code points, the last one the ellipsis when cut. */
export function truncateInRunes(s: string, n: number): [string, boolean] {
  const r = [...s];
  if (r.length <= n) return [s, false];
  if (n <= 3) return [r.slice(0, n).join(''), true];
  return [r.slice(0, n - 1).join('') + MARKER, true];
}

/** notify.TruncateInBytes: at most n UTF-8 bytes, whole code points, ending in the ellipsis when cut. */
export function truncateInBytes(s: string, n: number): [string, boolean] {
  if (Buffer.byteLength(s) <= n) return [s, false];
  if (n <= 3) return [n === 3 ? MARKER : '.'.repeat(n), true];
  const target = n - 3;
  let out = '';
  let bytes = 0;
  for (const c of s) {
    const b = Buffer.byteLength(c);
    if (bytes + b > target) break;
    out += c;
    bytes += b;
  }
  return [out + MARKER, true];
}

/** Expands an integration's field texts for one notification; a failure is not retried. */
export function templater(
  deps: IntegrationDeps,
  ctx: NotifyContext,
  alerts: readonly NotifyAlert[],
): {
  data: TemplateData;
  text: (t: string) => Promise<string>;
  html: (t: string) => Promise<string>;
} {
  const data = buildTemplateData(ctx, alerts);
  const wrap =
    (f: (t: string, d: TemplateData) => string | Promise<string>) => async (t: string) => {
      try {
        return await f(t, data);
      } catch (e) {
        throw new NotifyError((e as Error).message, false);
      }
    };
  return {
    data,
    text: wrap((t, d) => deps.templates.expandText(t, d)),
    html: wrap((t, d) => deps.templates.expandHTML(t, d)),
  };
}

export interface SendOptions {
  readonly method?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly http: Partial<HTTPClientConfig>;
  readonly signal: AbortSignal;
}

/**
 * Sends one request as notify.PostJSON does; a transport failure is retried, with the URL kept
 * out of the message (it may hold a secret, as Slack's and Discord's do).
 */
export async function send(
  url: string,
  body: string | Uint8Array | undefined,
  o: SendOptions,
): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...o.headers };
  if (o.contentType) headers['Content-Type'] = o.contentType;
  try {
    return await doRequest(url, {
      method: o.method ?? 'POST',
      headers,
      ...(body === undefined ? {} : { body }),
      client: o.http,
      signal: o.signal,
      maxBodyBytes: 1 << 20,
    });
  } catch (e) {
    throw new NotifyError(`Post "<redacted>": ${(e as Error).message}`, true);
  }
}

/**
 * notify.Retrier.Check: 2xx is success; 5xx and the given codes are retried; anything else fails
 * for good. The message is "unexpected status code N" and the body (or the custom details).
 */
export function checkStatus(
  res: HttpResponse,
  retryCodes: readonly number[] = [],
  details?: (status: number, body: Buffer) => string,
  prefix = '',
): void {
  if (Math.floor(res.status / 100) === 2) return;
  const retry = Math.floor(res.status / 100) === 5 || retryCodes.includes(res.status);
  let msg = `unexpected status code ${res.status}`;
  const d = details ? details(res.status, res.body) : res.body.toString('utf8');
  if (d !== '') msg += `: ${d}`;
  throw new NotifyError(prefix + msg, retry);
}

/** Drops the keys whose value is Go's zero value, as `omitempty` does (keep lists the ones without it). */
export function omitEmpty<T extends Record<string, unknown>>(
  o: T,
  keep: readonly string[] = [],
): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (
      keep.includes(k) ||
      !(
        v === '' ||
        v === false ||
        v === undefined ||
        v === 0 ||
        (Array.isArray(v) && v.length === 0)
      )
    )
      out[k] = v;
  }
  return out as Partial<T>;
}

/** Go's encoding/json writes a map's keys in sorted order. */
export function sortedMap<V>(m: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]!]),
  );
}

/** notify.Key.Hash: the SHA-256 of the group key, hex — the dedup/alias/entity id integrations send. */
export function groupKeyHash(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/** An API base URL whose path ends in "/", as Alertmanager makes it for paths appended to it. */
export function withTrailingSlash(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.toString();
}
