// --web.config.file: TLS and basic auth for the HTTP server, in the exporter-toolkit format
// Prometheus uses (tls_server_config, http_server_config, basic_auth_users with bcrypt hashes).
// Unknown fields are refused; relative file paths are relative to the web config file.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureVersion } from 'node:tls';
import { parse } from 'yaml';
import { BcryptWorker } from './bcrypt_worker.js';

export interface TLSServerConfig {
  cert_file?: string;
  key_file?: string;
  cert?: string;
  key?: string;
  client_auth_type?: string;
  client_ca_file?: string;
  min_version?: string;
  max_version?: string;
  cipher_suites?: string[];
  prefer_server_cipher_suites?: boolean;
  curve_preferences?: string[];
  client_allowed_sans?: string[];
}

export interface WebConfig {
  tls_server_config?: TLSServerConfig;
  http_server_config?: { http2?: boolean; headers?: Record<string, string> };
  basic_auth_users?: Record<string, string>;
  /** Where relative paths are resolved. */
  dir: string;
}

export class WebConfigError extends Error {}

const TOP = new Set(['tls_server_config', 'http_server_config', 'basic_auth_users']);
const TLS_FIELDS = new Set([
  'cert_file',
  'key_file',
  'cert',
  'key',
  'client_auth_type',
  'client_ca_file',
  'client_ca',
  'min_version',
  'max_version',
  'cipher_suites',
  'prefer_server_cipher_suites',
  'curve_preferences',
  'client_allowed_sans',
]);
const HTTP_FIELDS = new Set(['http2', 'headers']);
const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};
const CLIENT_AUTH = new Set([
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
]);

function checkFields(o: unknown, allowed: Set<string>, type: string): void {
  if (o === null || o === undefined) return;
  if (typeof o !== 'object' || Array.isArray(o))
    throw new WebConfigError(`yaml: unmarshal errors:\n  cannot unmarshal into ${type}`);
  for (const k of Object.keys(o))
    if (!allowed.has(k))
      throw new WebConfigError(`yaml: unmarshal errors:\n  field ${k} not found in type ${type}`);
}

export function parseWebConfig(text: string, path: string): WebConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new WebConfigError(`yaml: ${(e as Error).message.split('\n')[0]}`);
  }
  raw ??= {};
  checkFields(raw, TOP, 'web.Config');
  const r = raw as Record<string, unknown>;
  checkFields(r['tls_server_config'], TLS_FIELDS, 'web.TLSConfig');
  checkFields(r['http_server_config'], HTTP_FIELDS, 'web.HTTPConfig');
  const cfg: WebConfig = { dir: dirname(path) };
  if (r['tls_server_config']) {
    const t = r['tls_server_config'] as TLSServerConfig;
    if (!t.cert_file && !t.cert) throw new WebConfigError('missing cert_file');
    if (!t.key_file && !t.key) throw new WebConfigError('missing key_file');
    if (t.client_auth_type && !CLIENT_AUTH.has(t.client_auth_type))
      throw new WebConfigError(`invalid ClientAuth: ${t.client_auth_type}`);
    if (t.min_version && !TLS_VERSIONS[t.min_version])
      throw new WebConfigError(`unknown TLS version: ${t.min_version}`);
    if (t.max_version && !TLS_VERSIONS[t.max_version])
      throw new WebConfigError(`unknown TLS version: ${t.max_version}`);
    if (t.client_ca_file && (!t.client_auth_type || t.client_auth_type === 'NoClientCert')) {
      throw new WebConfigError("Client CA's have been configured without a Client Auth Policy");
    }
    cfg.tls_server_config = t;
  }
  if (r['http_server_config'])
    cfg.http_server_config = r['http_server_config'] as WebConfig['http_server_config'] & object;
  if (r['basic_auth_users']) {
    const users = r['basic_auth_users'] as Record<string, unknown>;
    const out: Record<string, string> = {};
    for (const [u, h] of Object.entries(users)) out[u] = String(h);
    cfg.basic_auth_users = out;
  }
  return cfg;
}

export function loadWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new WebConfigError(`open ${path}: no such file or directory`);
  }
  const cfg = parseWebConfig(text, path);
  // Certificates must be readable now: a broken TLS setup fails at startup, not at the first request.
  if (cfg.tls_server_config) tlsOptions(cfg);
  return cfg;
}

function resolvePath(cfg: WebConfig, p: string): string {
  return isAbsolute(p) ? p : join(cfg.dir, p);
}

function tlsOptions(cfg: WebConfig): Record<string, unknown> {
  const t = cfg.tls_server_config!;
  const read = (p: string) => {
    try {
      return readFileSync(resolvePath(cfg, p));
    } catch {
      throw new WebConfigError(`open ${p}: no such file or directory`);
    }
  };
  const o: Record<string, unknown> = {
    cert: t.cert ?? read(t.cert_file!),
    key: t.key ?? read(t.key_file!),
    minVersion: TLS_VERSIONS[t.min_version ?? 'TLS12'],
  };
  if (t.max_version) o['maxVersion'] = TLS_VERSIONS[t.max_version];
  if (t.client_ca_file) o['ca'] = read(t.client_ca_file);
  switch (t.client_auth_type) {
    case 'RequestClientCert':
    case 'VerifyClientCertIfGiven':
      o['requestCert'] = true;
      o['rejectUnauthorized'] = false;
      break;
    case 'RequireAnyClientCert':
    case 'RequireAndVerifyClientCert':
      o['requestCert'] = true;
      o['rejectUnauthorized'] = true;
      break;
  }
  return o;
}

const AUTH_CACHE_SIZE = 100;
/** exporter-toolkit's hash of "fakepassword": unknown users cost a comparison too, so names can't be probed by timing. */
const FAKE_HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi';

/**
 * exporter-toolkit's cache of comparison outcomes, good and bad alike, keyed by user, hash and
 * password: at most 100 entries; when full, about a tenth of them, chosen at random, make room.
 */
export class AuthCache {
  private readonly entries = new Map<string, boolean>();

  get size(): number {
    return this.entries.size;
  }

  get(key: string): boolean | undefined {
    return this.entries.get(key);
  }

  set(key: string, ok: boolean): void {
    if (this.entries.size >= AUTH_CACHE_SIZE) {
      const keys = [...this.entries.keys()];
      const n = Math.max(Math.floor(keys.length / 10), 1);
      for (let i = 0; i <= n && keys.length > 0; i++) {
        const j = Math.floor(Math.random() * keys.length);
        this.entries.delete(keys[j]!);
        keys[j] = keys[keys.length - 1]!;
        keys.pop();
      }
    }
    this.entries.set(key, ok);
  }
}

/** Checks a request's basic-auth credentials against the configured users, bcrypt off the event loop. */
export class BasicAuth {
  readonly cache = new AuthCache();

  constructor(
    private readonly users: Record<string, string>,
    readonly bcrypt: BcryptWorker = new BcryptWorker(),
  ) {}

  async check(req: IncomingMessage): Promise<boolean> {
    const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return false;
    const user = decoded.slice(0, i);
    const pass = decoded.slice(i + 1);
    const known = Object.hasOwn(this.users, user);
    const hash = known ? this.users[user]! : FAKE_HASH;
    const key = [user, hash, pass].map((s) => Buffer.from(s).toString('hex')).join(':');
    let ok = this.cache.get(key);
    if (ok === undefined) {
      const match = await this.bcrypt.compare(pass, hash);
      ok = known && match;
      this.cache.set(key, ok);
    }
    return ok && known;
  }
}

export function createServerFor(
  cfg: WebConfig,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: ServerOptions = {},
): Server {
  const users = cfg.basic_auth_users;
  const auth = users && Object.keys(users).length > 0 ? new BasicAuth(users) : null;
  const headers = cfg.http_server_config?.headers ?? {};
  const wrapped = (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (auth === null) return handler(req, res);
    void auth.check(req).then((ok) => {
      if (ok) return handler(req, res);
      res
        .writeHead(401, {
          'WWW-Authenticate': 'Basic',
          'Content-Type': 'text/plain; charset=utf-8',
        })
        .end('Unauthorized\n');
    });
  };
  if (cfg.tls_server_config)
    return createHttpsServer({ ...options, ...tlsOptions(cfg) }, wrapped) as unknown as Server;
  return createHttpServer(options, wrapped);
}
