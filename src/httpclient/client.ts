// An HTTP client honouring the HTTP client settings of prometheus.yml (common/config's
// HTTPClientConfig): basic auth, authorization / bearer token (inline or from a file), TLS (CA,
// client cert, server name, insecure_skip_verify, min version), proxies (proxy_url, no_proxy,
// proxy_from_environment, proxy_connect_header), redirects, timeout.
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type Agent, type RequestOptions } from 'node:https';
import { readFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureVersion } from 'node:tls';
import { proxyAuthorization, proxyFor } from './proxy.js';
import type { HTTPClientConfig } from './config.js';
import type { KeepAliveGetter } from './keepalive_get.js';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Deadline for the whole exchange, redirects and body included (Go's http.Client.Timeout). */
  timeoutMs?: number;
  client?: Partial<HTTPClientConfig>;
  signal?: AbortSignal;
  /** Largest body to read; a larger one fails the request. 0 = no limit. */
  maxBodyBytes?: number;
  /**
   * Plain-http GETs go over this caller-owned kept-alive connection instead of node's client
   * (much cheaper per request); the caller aborts them by closing it, not through signal.
   */
  connection?: KeepAliveGetter;
  /** A caller-owned agent (kept-alive, bounded sockets) for requests that go direct, not through a proxy. */
  agent?: Agent;
}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

const readSecret = (inline: string | undefined, file: string | undefined): string | undefined =>
  file ? readFileSync(file, 'utf8').trim() : inline;

/** The Authorization header a client config asks for, if any. */
export function authorizationHeader(c: Partial<HTTPClientConfig> | undefined): string | undefined {
  if (!c) return undefined;
  if (c.basic_auth) {
    const user = c.basic_auth.username_file
      ? readFileSync(c.basic_auth.username_file, 'utf8').trim()
      : c.basic_auth.username;
    const pass = readSecret(c.basic_auth.password, c.basic_auth.password_file) ?? '';
    return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
  }
  if (c.authorization) {
    const cred = readSecret(c.authorization.credentials, c.authorization.credentials_file);
    if (cred) return `${c.authorization.type || 'Bearer'} ${cred}`;
  }
  const bearer = readSecret(c.bearer_token, c.bearer_token_file);
  if (bearer) return `Bearer ${bearer}`;
  return undefined;
}

function tlsOptions(c: Partial<HTTPClientConfig> | undefined): RequestOptions {
  const t = c?.tls_config;
  if (!t) return {};
  const o: RequestOptions = {};
  const ca = t.ca_file ? readFileSync(t.ca_file) : t.ca;
  if (ca) o.ca = ca;
  const cert = t.cert_file ? readFileSync(t.cert_file) : t.cert;
  if (cert) o.cert = cert;
  const key = t.key_file ? readFileSync(t.key_file) : t.key;
  if (key) o.key = key;
  if (t.server_name) o.servername = t.server_name;
  if (t.insecure_skip_verify) o.rejectUnauthorized = false;
  if (t.min_version && TLS_VERSIONS[t.min_version]) o.minVersion = TLS_VERSIONS[t.min_version];
  if (t.max_version && TLS_VERSIONS[t.max_version]) o.maxVersion = TLS_VERSIONS[t.max_version];
  return o;
}

/** One request; follows redirects (up to 10) when the client config allows it. */
export function doRequest(url: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
  return requestUntil(url, opts, opts.timeoutMs ? Date.now() + opts.timeoutMs : 0, 0);
}

async function requestUntil(
  url: string,
  opts: HttpRequestOptions,
  deadline: number,
  redirects: number,
): Promise<HttpResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...opts.headers };
  const auth = authorizationHeader(opts.client);
  if (auth && headers['Authorization'] === undefined) headers['Authorization'] = auth;
  const isHttps = u.protocol === 'https:';
  const reqOpts: RequestOptions = {
    method: opts.method ?? 'GET',
    headers,
    ...(isHttps ? tlsOptions(opts.client) : {}),
  };
  if (opts.signal) reqOpts.signal = opts.signal;
  const proxy = proxyFor(u, opts.client);
  if (proxy) viaProxy(u, isHttps, reqOpts, proxy, opts.client);
  else if (opts.agent !== undefined) reqOpts.agent = opts.agent;
  const plainGet =
    proxy === null &&
    opts.connection !== undefined &&
    !isHttps &&
    opts.body === undefined &&
    (opts.method ?? 'GET') === 'GET';
  const res = plainGet
    ? await opts.connection!.get(u, headers, deadline, opts.maxBodyBytes ?? 0)
    : await nodeRequest(
        u,
        isHttps,
        reqOpts,
        opts,
        deadline,
        proxy !== null && !isHttps ? proxy : null,
      );
  const followRedirects = opts.client?.follow_redirects ?? true;
  if (
    followRedirects &&
    res.status >= 300 &&
    res.status < 400 &&
    res.headers.location &&
    redirects < 10
  ) {
    return requestUntil(new URL(res.headers.location, u).toString(), opts, deadline, redirects + 1);
  }
  return res;
}

/**
 * Points the request at a proxy: a plain-http target is asked of the proxy in absolute form; an
 * https one goes through a CONNECT tunnel, TLS to the target inside it.
 */
function viaProxy(
  u: URL,
  isHttps: boolean,
  reqOpts: RequestOptions,
  proxy: URL,
  client: Partial<HTTPClientConfig> | undefined,
): void {
  const auth = proxyAuthorization(proxy);
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const viaTLS = proxy.protocol === 'https:';
  if (!isHttps) {
    const headers = {
      ...(reqOpts.headers as Record<string, string>),
      Host: u.host,
      ...(auth ? { 'Proxy-Authorization': auth } : {}),
    };
    Object.assign(reqOpts, {
      host: proxy.hostname,
      hostname: proxy.hostname,
      port: proxyPort,
      path: u.href,
      headers,
    });
    return;
  }
  const target = `${u.hostname.replace(/^\[(.*)\]$/, '$1')}:${u.port || 443}`;
  const connectHeaders: Record<string, string> = {
    Host: target,
    ...(auth ? { 'Proxy-Authorization': auth } : {}),
  };
  for (const [k, vs] of Object.entries(client?.proxy_connect_header ?? {}))
    connectHeaders[k] = vs.join(', ');
  const tls = tlsOptions(client);
  let tunnel: ClientRequest | null = null;
  Object.assign(reqOpts, {
    createConnection: (_o: unknown, cb: (err: Error | null, s?: Socket) => void) => {
      tunnel = (viaTLS ? httpsRequest : httpRequest)({
        host: proxy.hostname,
        port: proxyPort,
        method: 'CONNECT',
        path: target,
        headers: connectHeaders,
      });
      tunnel.on('connect', (res, socket) => {
        if (res.statusCode !== 200) {
          socket.destroy();
          cb(new Error(`proxyconnect tcp: ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd()));
          return;
        }
        const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
        cb(
          null,
          tlsConnect({
            socket,
            servername: tls.servername ?? (isIP(host) ? undefined : host),
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            rejectUnauthorized: tls.rejectUnauthorized ?? true,
            minVersion: tls.minVersion,
            maxVersion: tls.maxVersion,
          }) as unknown as Socket,
        );
      });
      tunnel.on('error', (e) => cb(new Error(`proxyconnect tcp: ${e.message}`)));
      tunnel.end();
      return undefined;
    },
  });
  void tunnel;
}

function nodeRequest(
  u: URL,
  isHttps: boolean,
  reqOpts: RequestOptions,
  opts: HttpRequestOptions,
  deadline: number,
  proxy: URL | null = null,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    // One plain timer per exchange: cheaper than a timeout AbortSignal combined with the caller's.
    let timer: NodeJS.Timeout | undefined;
    const settle =
      <T>(f: (x: T) => void) =>
      (x: T) => {
        clearTimeout(timer);
        f(x);
      };
    const ok = settle(resolve);
    const fail = settle(reject);
    // Through a proxy, the options carry the proxy's address and the target's absolute URL.
    const onResponse = (r: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      r.on('data', (c: Buffer) => {
        size += c.length;
        if (opts.maxBodyBytes && size > opts.maxBodyBytes) {
          req.destroy(new Error(`body size limit exceeded (${opts.maxBodyBytes} bytes)`));
          return;
        }
        chunks.push(c);
      });
      r.on('end', () =>
        ok({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks) }),
      );
      r.on('error', fail);
    };
    const req = proxy
      ? (proxy.protocol === 'https:' ? httpsRequest : httpRequest)(reqOpts, onResponse)
      : (isHttps ? httpsRequest : httpRequest)(u, reqOpts, onResponse);
    req.on('error', fail);
    if (deadline)
      timer = setTimeout(
        () => req.destroy(new Error(`context deadline exceeded (timeout ${opts.timeoutMs}ms)`)),
        Math.max(0, deadline - Date.now()),
      );
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}
