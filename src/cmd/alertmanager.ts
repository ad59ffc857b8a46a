// alertmanager-ts: Alertmanager 0.25 in TypeScript. Alertmanager's flags with its names and
// defaults; clustering is not offered, so a cluster flag other than an empty listen address is
// refused. Serves the API, lifecycle endpoints and metrics under the route prefix, reloads on
// SIGHUP and /-/reload (a bad config keeps the running one).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseDuration } from '../model/duration/index.js';
import { Alertmanager, AM_VERSION } from '../alertmanager/index.js';
import { newLogger, type LogFormat, type LogLevel } from '../util/log.js';
import { client, newRegistry } from '../util/metrics.js';
import { createServerFor, loadWebConfig } from '../web/webconfig/index.js';
import { splitHostPort } from '../web/web.js';
import { FlagError, parseFlags, usage, type FlagDef } from './flags.js';
import { alertmanagerUI } from './alertmanager_ui.js';

const s = (name: string, def: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  kind: 'string',
  default: def,
  help,
  ...extra,
});
const d = (name: string, def: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  kind: 'duration',
  default: def,
  help,
  ...extra,
});

const CLUSTER_FLAGS: FlagDef[] = [
  s(
    'cluster.listen-address',
    '',
    'Listen address for cluster. Set to empty string to disable HA mode. (prometheus-ts: clustering is not supported; only the empty value is accepted.)',
  ),
  s('cluster.advertise-address', '', 'Explicit address to advertise in cluster.'),
  { name: 'cluster.peer', kind: 'list', default: '', help: 'Initial peers (may be repeated).' },
  d('cluster.peer-timeout', '15s', 'Time to wait between peers to send notifications.'),
  d('cluster.gossip-interval', '200ms', 'Interval between sending gossip messages.'),
  d('cluster.pushpull-interval', '1m0s', 'Interval for gossip state syncs.'),
  d(
    'cluster.tcp-timeout',
    '10s',
    'Timeout for establishing a stream connection with a remote node for a full state sync, and for stream read and write operations.',
  ),
  d(
    'cluster.probe-timeout',
    '500ms',
    'Timeout to wait for an ack from a probed node before assuming it is unhealthy.',
  ),
  d('cluster.probe-interval', '1s', 'Interval between random node probes.'),
  d(
    'cluster.settle-timeout',
    '1m0s',
    'Maximum time to wait for cluster connections to settle before evaluating notifications.',
  ),
  d('cluster.reconnect-interval', '10s', 'Interval between attempting to reconnect to lost peers.'),
  d(
    'cluster.reconnect-timeout',
    '6h0m0s',
    'Length of time to attempt to reconnect to a lost peer.',
  ),
  s(
    'cluster.tls-config',
    '',
    '[EXPERIMENTAL] Path to config yaml file that can enable mutual TLS within the gossip protocol.',
  ),
  {
    name: 'cluster.allow-insecure-public-advertise-address-discovery',
    kind: 'bool',
    default: 'false',
    help: '[EXPERIMENTAL] Allow alertmanager to discover and listen on a public IP address.',
  },
];

export const AM_FLAGS: FlagDef[] = [
  s('config.file', 'alertmanager.yml', 'Alertmanager configuration file name.'),
  s('storage.path', 'data/', 'Base path for data storage.'),
  d('data.retention', '120h', 'How long to keep data for.'),
  d(
    'data.maintenance-interval',
    '15m',
    'Interval between garbage collection and snapshotting to disk of the silences and the notification logs.',
  ),
  d('alerts.gc-interval', '30m', 'Interval between alert GC.'),
  {
    name: 'web.systemd-socket',
    kind: 'bool',
    default: 'false',
    help: 'Use systemd socket activation listeners instead of port listeners (Linux only). (prometheus-ts: not supported.)',
  },
  s('web.listen-address', ':9093', 'Addresses on which to expose metrics and web interface.'),
  s(
    'web.config.file',
    '',
    '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.',
  ),
  s(
    'web.external-url',
    '',
    'The URL under which Alertmanager is externally reachable (for example, if Alertmanager is served via a reverse proxy). Used for generating relative and absolute links back to Alertmanager itself. If the URL has a path portion, it will be used to prefix all HTTP endpoints served by Alertmanager. If omitted, relevant URL components will be derived automatically.',
  ),
  s(
    'web.route-prefix',
    '',
    'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.',
  ),
  {
    name: 'web.get-concurrency',
    kind: 'int',
    default: '0',
    help: 'Maximum number of GET requests processed concurrently. If negative or zero, the limit is GOMAXPROC or 8, whichever is larger.',
  },
  d('web.timeout', '0s', 'Timeout for HTTP requests. If negative or zero, no timeout is set.'),
  ...CLUSTER_FLAGS,
  {
    name: 'log.level',
    kind: 'enum',
    default: 'info',
    enumValues: ['debug', 'info', 'warn', 'error'],
    help: 'Only log messages with the given severity or above. One of: [debug, info, warn, error]',
  },
  {
    name: 'log.format',
    kind: 'enum',
    default: 'logfmt',
    enumValues: ['logfmt', 'json'],
    help: 'Output format of log messages. One of: [logfmt, json]',
  },
];

export function versionText(): string {
  return [
    `alertmanager, version ${AM_VERSION.version} (branch: ${AM_VERSION.branch}, revision: ${AM_VERSION.revision})`,
    `  build user:       ${AM_VERSION.buildUser}`,
    `  build date:       ${AM_VERSION.buildDate}`,
    `  go version:       ${AM_VERSION.goVersion}`,
    `  platform:         ${process.platform}/${process.arch}`,
  ].join('\n');
}

/** Alertmanager's external URL (path without trailing slash) and route prefix ('' for the root). */
export function amURLs(
  listen: string,
  external: string,
  routePrefix: string,
): { externalURL: URL; routePrefix: string } {
  const u = new URL(
    external === '' ? `http://${hostname()}:${splitHostPort(listen).port}/` : external,
  );
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error(
      `"${u}": invalid "${u.protocol.slice(0, -1)}" scheme, only 'http' and 'https' are supported`,
    );
  u.pathname = u.pathname.replace(/\/+$/, '');
  const prefix = '/' + (routePrefix === '' ? u.pathname : routePrefix).replace(/^\/+|\/+$/g, '');
  return { externalURL: u, routePrefix: prefix === '/' ? '' : prefix };
}

function clusterRefusal(set: Set<string>, raw: Record<string, string>): string | null {
  for (const f of CLUSTER_FLAGS) {
    if (!set.has(f.name)) continue;
    if (f.name === 'cluster.listen-address' && raw[f.name] === '') continue;
    return `--${f.name}: clustering (memberlist gossip) is not supported by prometheus-ts; run with --cluster.listen-address= (empty)`;
  }
  return null;
}

async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv, AM_FLAGS);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`alertmanager: error: ${e.message}, try --help\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (flags.help) {
    process.stdout.write(usage('alertmanager', 'Alertmanager (prometheus-ts)', AM_FLAGS) + '\n');
    return 0;
  }
  if (flags.version) {
    process.stdout.write(versionText() + '\n');
    return 0;
  }
  const raw = flags.raw;
  const refusal =
    clusterRefusal(flags.set, raw) ??
    (raw['web.systemd-socket'] === 'true'
      ? '--web.systemd-socket: socket activation is not supported by prometheus-ts'
      : null);
  if (refusal !== null) {
    process.stderr.write(`alertmanager: error: ${refusal}\n`);
    return 1;
  }
  const logger = newLogger({
    level: raw['log.level'] as LogLevel,
    format: raw['log.format'] as LogFormat,
  });
  let urls;
  try {
    urls = amURLs(raw['web.listen-address']!, raw['web.external-url']!, raw['web.route-prefix']!);
  } catch (e) {
    logger.error('failed to determine external URL', { err: (e as Error).message });
    return 1;
  }
  const registry = newRegistry();
  client.collectDefaultMetrics({ register: registry });
  new client.Gauge({
    name: 'alertmanager_build_info',
    help: "A metric with a constant '1' value labeled by version, revision, branch, and goversion from which alertmanager was built.",
    labelNames: ['branch', 'goversion', 'revision', 'version'],
    registers: [registry],
  }).set(
    {
      branch: AM_VERSION.branch,
      goversion: AM_VERSION.goVersion,
      revision: AM_VERSION.revision,
      version: AM_VERSION.version,
    },
    1,
  );
  logger.info('Starting Alertmanager', { version: versionText().split('\n')[0] });
  const storagePath = raw['storage.path']!;
  mkdirSync(storagePath, { recursive: true });
  let am: Alertmanager;
  try {
    am = await Alertmanager.start({
      configFile: raw['config.file']!,
      storagePath,
      retention: parseDuration(raw['data.retention']!),
      alertsGCInterval: parseDuration(raw['alerts.gc-interval']!),
      maintenanceInterval: parseDuration(raw['data.maintenance-interval']!),
      externalURL: urls.externalURL,
      logger,
      registry,
    });
  } catch (e) {
    logger.error('Loading configuration file failed', {
      file: raw['config.file'],
      err: (e as Error).message,
    });
    return 1;
  }
  const prefix = urls.routePrefix;
  const ui = alertmanagerUI(prefix);
  const maxGets = Number(raw['web.get-concurrency']) > 0 ? Number(raw['web.get-concurrency']) : 8;
  let gets = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = url.pathname;
    if (prefix !== '') {
      if (path === '/' || path === prefix) {
        res.writeHead(302, { Location: prefix + '/' });
        res.end();
        return;
      }
      if (!path.startsWith(prefix + '/')) {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
        return;
      }
      path = path.slice(prefix.length);
    }
    if (ui(req, res, path)) return;
    const isGet = req.method === 'GET';
    if (isGet && gets >= maxGets) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Limit of concurrent GET requests reached (${maxGets}), try again later.\n`);
      return;
    }
    if (isGet) gets++;
    am.handle(req, res, path, url.searchParams)
      .catch((err: unknown) => {
        logger.error('HTTP handler failed', {
          path,
          err: err instanceof Error ? err.message : String(err),
        });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      })
      .finally(() => {
        if (isGet) gets--;
      });
  };
  const webConfigFile = raw['web.config.file']!;
  const server =
    webConfigFile !== ''
      ? createServerFor(loadWebConfig(webConfigFile), handler)
      : createServer(handler);
  const timeout = parseDuration(raw['web.timeout']!);
  if (timeout > 0) server.requestTimeout = timeout;
  const { host, port } = splitHostPort(raw['web.listen-address']!);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host === '' ? undefined : host, () => resolve());
    });
  } catch (e) {
    logger.error('Listen error', { err: (e as Error).message });
    am.close();
    return 1;
  }
  logger.info('Listening', { address: raw['web.listen-address'] });
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('Received signal, exiting gracefully...', { signal: sig });
    am.close();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    am.reload().catch(() => {});
  });
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `alertmanager: error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
