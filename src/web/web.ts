// The HTTP front door: one listener serving the lifecycle endpoints (/-/*), self-metrics, the
// HTTP API, federation and the UI, all under the route prefix. Handlers of other packages are
// mounted, never imported here by their internals.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { LimitedListener } from './listener.js';
import { signalReadTimeout } from '../util/request_body.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, posix, resolve } from 'node:path';
import type { Logger } from '../util/log.js';
import { sendBody } from './compression.js';
import { client, type Registry } from '../util/metrics.js';

export type Handler = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>;

export interface WebOptions {
  listenAddress: string; // host:port
  /** Route prefix without trailing slash ('' for root). */
  routePrefix: string;
  externalURL: URL;
  enableLifecycle: boolean;
  /** Directory of the built UI (index.html + assets/); may not exist in dev. */
  uiDir: string;
  pageTitle: string;
  logger: Logger;
  registry: Registry;
  /** --web.max-connections: connections served at once; more wait (0 serves none, as in Prometheus). */
  maxConnections?: number;
  /** --web.read-timeout in ms: Go's ReadTimeout (the whole request, and idle keep-alive); 0 = none. */
  readTimeout?: number;
  /** Creates the HTTP server (TLS/basic auth from --web.config.file); plain HTTP by default. */
  createServer?: (
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    options: ServerOptions,
  ) => Server;
  /** Returns the handler name for the HTTP metrics (e.g. /api/v1/query). */
  apiHandlerName?: (path: string) => string;
}

export interface WebHooks {
  reload: () => Promise<void>;
  quit: () => void;
  isReady: () => boolean;
  api?: Handler;
  federate?: Handler;
  /** Remote-write receiver; absent when --web.enable-remote-write-receiver is off. */
  write?: Handler;
  /** Remote read. */
  read?: Handler;
  /** The embedded Alertmanager (--alertmanager.config.file), under /alertmanager/; path relative to that. */
  alertmanager?: Handler;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

/** Routes of the single-page UI; each serves index.html. */
const UI_ROUTES = [
  '/graph',
  '/alerts',
  '/targets',
  '/service-discovery',
  '/rules',
  '/config',
  '/flags',
  '/status',
  '/tsdb-status',
  '/agent',
  '/starting',
  '/am',
];

/** Prometheus's answer to another method on /-/reload and /-/quit. */
const LIFECYCLE_METHODS = 'Only POST or PUT requests allowed';

export class WebHandler {
  private server: Server | null = null;
  private listener: LimitedListener | null = null;
  /** The request each connection is serving, for the read timeout. */
  private readonly reading = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  private hooks: WebHooks | null = null;
  private readonly requests: client.Counter<'handler' | 'code'>;
  private readonly duration: client.Histogram<'handler'>;
  private readonly responseSize: client.Histogram<'handler'>;
  private indexCache: string | null = null;
  private readonly metricsRequests: client.Counter<'code'>;
  private readonly metricsInFlight: client.Gauge;

  constructor(private readonly opts: WebOptions) {
    this.metricsRequests = new client.Counter({
      name: 'promhttp_metric_handler_requests_total',
      help: 'Total number of scrapes by HTTP status code.',
      labelNames: ['code'],
      registers: [opts.registry],
    });
    for (const code of ['200', '500', '503']) this.metricsRequests.inc({ code }, 0);
    this.metricsInFlight = new client.Gauge({
      name: 'promhttp_metric_handler_requests_in_flight',
      help: 'Current number of scrapes being served.',
      registers: [opts.registry],
    });
    this.requests = new client.Counter({
      name: 'prometheus_http_requests_total',
      help: 'Counter of HTTP requests.',
      labelNames: ['handler', 'code'],
      registers: [opts.registry],
    });
    this.duration = new client.Histogram({
      name: 'prometheus_http_request_duration_seconds',
      help: 'Histogram of latencies for HTTP requests.',
      labelNames: ['handler'],
      buckets: [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120],
      registers: [opts.registry],
    });
    this.responseSize = new client.Histogram({
      name: 'prometheus_http_response_size_bytes',
      help: 'Histogram of response size for HTTP requests.',
      labelNames: ['handler'],
      buckets: [100, 1000, 10000, 100000, 1e6, 1e7, 1e8, 1e9],
      registers: [opts.registry],
    });
  }

  setHooks(hooks: WebHooks): void {
    this.hooks = hooks;
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number }> {
    const { host, port } = splitHostPort(this.opts.listenAddress);
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.reading.set(req.socket, { req, res });
      res.once('finish', () => this.reading.delete(req.socket));
      this.serve(req, res).catch((err: unknown) => {
        this.opts.logger.error('HTTP handler failed', {
          err: err instanceof Error ? err.message : String(err),
          path: req.url,
        });
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end('Internal Server Error\n');
        } else res.destroy();
      });
    };
    const readTimeout = this.opts.readTimeout ?? 5 * 60_000;
    const options: ServerOptions = {
      // Go's ReadTimeout: the whole request, headers and body, from its first byte.
      requestTimeout: readTimeout,
      headersTimeout: readTimeout,
      // Node checks the deadlines on this tick; a coarse one would stretch a short timeout.
      connectionsCheckingInterval:
        readTimeout > 0 ? Math.max(10, Math.min(1000, readTimeout / 4)) : 30_000,
    };
    const server = this.opts.createServer
      ? this.opts.createServer(handler, options)
      : createHttpServer(options, handler);
    // Go's server without an IdleTimeout waits ReadTimeout for the next request on a connection.
    server.keepAliveTimeout = readTimeout;
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      // Past the read timeout with a request being served, its body read fails (as Go's does)
      // and the handler answers; otherwise the request never arrived and the connection just closes.
      const serving = this.reading.get(socket);
      if (
        err.code === 'ERR_HTTP_REQUEST_TIMEOUT' &&
        serving !== undefined &&
        !serving.req.complete
      ) {
        // Go closes the connection once the answer is out: the rest of the body is never read.
        serving.res.once('finish', () => socket.destroy());
        signalReadTimeout(serving.req);
        return;
      }
      clientError(err, socket);
    });
    this.server = server;
    // The HTTP server is fed connections by the listener rather than listening itself; its
    // deadline checks (requestTimeout, headersTimeout) start on 'listening', so it is told.
    server.emit('listening');
    const listener = new LimitedListener(server, this.opts.maxConnections ?? 512);
    await listener.listen(port, host === '' ? undefined : host);
    this.listener = listener;
    const addr = listener.address();
    return typeof addr === 'object' && addr !== null
      ? { host: addr.address, port: addr.port }
      : { host, port };
  }

  /** Connections being served and waiting (--web.max-connections). */
  connections(): { active: number; waiting: number } {
    return this.listener?.counts ?? { active: 0, waiting: 0 };
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === null) return;
    this.server = null;
    s.closeAllConnections?.();
    // Stops its deadline checks; it never listened itself, so "not running" is expected.
    s.close(() => {});
    await this.listener?.close();
    this.listener = null;
  }

  /** Where / leads: the graph page under the external URL's path, as a browser behind a proxy reaches it. */
  private homePage(): string {
    return posix.join(this.opts.externalURL.pathname, '/graph');
  }

  private handlerName(path: string): string {
    if (path.startsWith('/api/v1/'))
      return this.opts.apiHandlerName
        ? this.opts.apiHandlerName(path.slice('/api/v1'.length))
        : '/api/v1/*path';
    if (path.startsWith('/-/') || path === '/metrics' || path === '/federate') return path;
    if (path.startsWith('/assets/')) return '/assets/*filepath';
    if (UI_ROUTES.some((r) => path === r || path.startsWith(r + '/')))
      return path.split('/').slice(0, 2).join('/');
    return path === '/' ? '/' : 'other';
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const prefix = this.opts.routePrefix;
    let path = url.pathname;
    if (prefix !== '') {
      if (path === prefix || path === prefix + '/') {
        redirect(res, this.homePage());
        return;
      }
      if (!path.startsWith(prefix + '/')) {
        if (path === '/') {
          redirect(res, this.homePage());
          return;
        }
        notFound(res);
        return;
      }
      path = path.slice(prefix.length);
    }
    const handler = this.handlerName(path);
    let size = 0;
    const origWrite = res.write.bind(res);
    const origEnd = res.end.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk)
        size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Buffer).length;
      return (origWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function')
        size += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Buffer).length;
      return (origEnd as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
    }) as typeof res.end;
    res.on('finish', () => {
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      this.requests.inc({ handler, code: String(res.statusCode) });
      this.duration.observe({ handler }, secs);
      this.responseSize.observe({ handler }, size);
    });
    await this.route(req, res, path);
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const hooks = this.hooks;
    const method = req.method ?? 'GET';
    // Until storage and config are loaded, the API and federation answer as Prometheus's do;
    // the WAL replay status stays open, it is what the UI's starting page polls.
    if (
      (path === '/federate' ||
        (path.startsWith('/api/v1/') && path !== '/api/v1/status/walreplay')) &&
      !hooks?.isReady()
    ) {
      return text(res, 503, 'Service Unavailable');
    }
    if (
      hooks?.alertmanager !== undefined &&
      (path === '/alertmanager' || path.startsWith('/alertmanager/'))
    ) {
      return hooks.alertmanager(req, res, path.slice('/alertmanager'.length) || '/');
    }
    switch (path) {
      case '/-/healthy':
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res);
        return text(res, 200, 'Prometheus Server is Healthy.\n');
      case '/-/ready':
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res);
        return hooks?.isReady()
          ? text(res, 200, 'Prometheus Server is Ready.\n')
          : text(res, 503, 'Service Unavailable');
      case '/-/reload':
        if (method !== 'POST' && method !== 'PUT') return text(res, 405, LIFECYCLE_METHODS);
        if (!this.opts.enableLifecycle) return text(res, 403, 'Lifecycle API is not enabled.');
        try {
          await hooks!.reload();
          res.statusCode = 200;
          res.end();
        } catch (e) {
          text(res, 500, `failed to reload config: ${(e as Error).message}\n`);
        }
        return;
      case '/-/quit':
        if (method !== 'POST' && method !== 'PUT') return text(res, 405, LIFECYCLE_METHODS);
        if (!this.opts.enableLifecycle) return text(res, 403, 'Lifecycle API is not enabled.');
        text(res, 200, 'Requesting termination... Goodbye!');
        setImmediate(() => hooks!.quit());
        return;
      case '/metrics': {
        // promhttp's own instrumentation of the metrics handler, as Prometheus's /metrics has it.
        this.metricsInFlight.inc();
        try {
          const body = await this.opts.registry.metrics();
          res.setHeader('Content-Type', this.opts.registry.contentType);
          this.metricsRequests.inc({ code: '200' });
          return send(req, res, 200, body);
        } catch (e) {
          this.metricsRequests.inc({ code: '500' });
          throw e;
        } finally {
          this.metricsInFlight.dec();
        }
      }
      case '/federate':
        // A GET-only route in Prometheus's router: OPTIONS tells so, any other method is refused.
        if (method === 'OPTIONS') {
          res.writeHead(200, { Allow: 'GET, OPTIONS' }).end();
          return;
        }
        if (method !== 'GET') {
          res.setHeader('Allow', 'GET, OPTIONS');
          res.setHeader('X-Content-Type-Options', 'nosniff');
          return methodNotAllowed(res);
        }
        if (hooks?.federate) return hooks.federate(req, res, path);
        return notFound(res);
      case '/':
        return redirect(res, this.homePage());
      case '/favicon.ico':
        return this.serveAsset(req, res, '/favicon.ico');
    }
    if (path.startsWith('/api/v1/')) {
      if (path === '/api/v1/write') {
        if (hooks?.write) return hooks.write(req, res, path);
        return text(
          res,
          404,
          'remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n',
        );
      }
      if (path === '/api/v1/read' && hooks?.read) return hooks.read(req, res, path);
      if (hooks?.api) return hooks.api(req, res, path.slice('/api/v1'.length));
      return notFound(res);
    }
    if (path.startsWith('/assets/')) return this.serveAsset(req, res, path);
    if (UI_ROUTES.some((r) => path === r || path.startsWith(r + '/')))
      return this.serveIndex(req, res);
    if (path === '/classic' || path.startsWith('/classic/')) return redirect(res, this.homePage());
    notFound(res);
  }

  private serveIndex(req: IncomingMessage, res: ServerResponse): void {
    if (this.indexCache === null) {
      const file = join(this.opts.uiDir, 'index.html');
      if (!existsSync(file)) {
        text(res, 503, 'The web UI is not built: run `npm run build:ui`.\n');
        return;
      }
      this.indexCache = readFileSync(file, 'utf8')
        .replaceAll('PATH_PREFIX_PLACEHOLDER', this.opts.routePrefix)
        // The page is served at every UI route (/graph/, /targets/x): its assets are named from
        // the route prefix, not relative to whichever URL the page was opened at.
        .replaceAll('="./assets/', `="${this.opts.routePrefix.replace(/\/$/, '')}/assets/`)
        .replaceAll('TITLE_PLACEHOLDER', escapeHtml(this.opts.pageTitle));
    }
    res.setHeader('Content-Type', MIME['.html']!);
    res.setHeader('Cache-Control', 'no-cache');
    send(req, res, 200, this.indexCache);
  }

  private serveAsset(req: IncomingMessage, res: ServerResponse, path: string): void {
    const root = resolve(this.opts.uiDir);
    const file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(root + '/') || !existsSync(file) || !statSync(file).isFile())
      return notFound(res);
    res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
    if (path.startsWith('/assets/'))
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    send(req, res, 200, readFileSync(file));
  }
}

/**
 * A request that could not be read. Go's server closes a connection whose request did not arrive
 * within ReadTimeout without a word, and answers a malformed one with a plain 400.
 */
function clientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    socket.end(
      'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large',
    );
    return;
  }
  socket.end(
    'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
  );
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string | Buffer,
): void {
  sendBody(req, res, status, {}, body);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(body);
}

function notFound(res: ServerResponse): void {
  text(res, 404, '404 page not found\n');
}

function methodNotAllowed(res: ServerResponse): void {
  text(res, 405, 'Method Not Allowed\n');
}

function redirect(res: ServerResponse, to: string): void {
  res.statusCode = 302;
  res.setHeader('Location', to);
  res.end();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "host:port", "[::1]:9090", ":9090" → parts (Go's net.SplitHostPort). */
export function splitHostPort(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(addr);
  if (m === null) throw new Error(`address ${addr}: missing port in address`);
  return { host: m[1] ?? m[2] ?? '', port: Number(m[3]) };
}
