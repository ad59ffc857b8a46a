// Turns parsed flags into the typed options every component is built from, with Prometheus's
// derivations (retention defaults, max block duration, external URL and route prefix).
import { hostname } from 'node:os';
import { parseDuration } from '../model/duration/index.js';
import type { LogFormat, LogLevel } from '../util/log.js';
import { parseBytes, type ParsedFlags } from './flags.js';
import { splitHostPort } from '../web/web.js';

export interface ServerOptions {
  configFile: string;
  listenAddress: string;
  webConfigFile: string;
  externalURL: URL;
  routePrefix: string; // '' or '/x' (no trailing slash)
  /** --alertmanager.config.file: the embedded Alertmanager's config ('' = none). */
  alertmanagerConfigFile: string;
  enableLifecycle: boolean;
  enableAdminAPI: boolean;
  enableRemoteWriteReceiver: boolean;
  pageTitle: string;
  corsOrigin: string;
  tsdb: {
    path: string;
    retentionDuration: number; // ms, 0 = none
    /** Neither retention time nor size was given: the 15d default applies (Prometheus says so at start). */
    defaultRetention: boolean;
    maxBytes: number; // 0 = none
    minBlockDuration: number;
    maxBlockDuration: number;
    noLockfile: boolean;
    walSegmentSize: number; // 0 = default
    walCompression: boolean;
  };
  rules: { outageTolerance: number; forGracePeriod: number; resendDelay: number };
  notificationQueueCapacity: number;
  alertmanagerTimeout: number; // 0 = per-config timeout
  query: { lookbackDelta: number; timeout: number; maxConcurrency: number; maxSamples: number };
  discoveryReloadInterval: number;
  remoteFlushDeadline: number;
  remoteReadSampleLimit: number;
  remoteReadConcurrentLimit: number; // 0 = none
  remoteReadMaxBytesInFrame: number;
  /** --web.max-connections: connections held open at once; the next wait to be accepted. */
  webMaxConnections: number;
  /** --web.read-timeout in ms: the whole request (headers and body) must arrive within it; 0 = none. */
  webReadTimeout: number;
  features: Set<string>;
  log: { level: LogLevel; format: LogFormat };
}

const DEFAULT_RETENTION = 15 * 24 * 3600 * 1000;
const MAX_BLOCK_CAP = 31 * 24 * 3600 * 1000;

const dur = (f: ParsedFlags, name: string): number =>
  f.raw[name] === '' ? 0 : parseDuration(f.raw[name]!);

export function serverOptions(f: ParsedFlags): ServerOptions {
  const raw = f.raw;
  // Retention: retention.time overrides the deprecated retention; with neither and no size, 15d.
  let retention = f.set.has('storage.tsdb.retention.time')
    ? dur(f, 'storage.tsdb.retention.time')
    : dur(f, 'storage.tsdb.retention');
  const maxBytes = raw['storage.tsdb.retention.size']
    ? parseBytes(raw['storage.tsdb.retention.size'])
    : 0;
  const defaultRetention = retention === 0 && maxBytes === 0;
  if (defaultRetention) retention = DEFAULT_RETENTION;
  let maxBlock = dur(f, 'storage.tsdb.max-block-duration');
  if (maxBlock === 0)
    maxBlock =
      retention !== 0 && retention / 10 < MAX_BLOCK_CAP
        ? Math.floor(retention / 10)
        : MAX_BLOCK_CAP;

  const listen = raw['web.listen-address']!;
  const { port } = splitHostPort(listen);
  let external: URL;
  if (raw['web.external-url']) external = new URL(raw['web.external-url']);
  else {
    // As Prometheus: this machine's hostname, whatever host the listen address names.
    external = new URL(`http://${hostname()}:${port}/`);
  }
  let prefix = raw['web.route-prefix'] !== '' ? raw['web.route-prefix']! : external.pathname;
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  prefix = prefix.replace(/\/+$/, '');

  const noLockfile =
    raw['storage.tsdb.no-lockfile'] === 'true' ||
    (f.set.has('storage.tsdb.use-lockfile') && raw['storage.tsdb.use-lockfile'] === 'false');
  return {
    configFile: raw['config.file']!,
    listenAddress: listen,
    webConfigFile: raw['web.config.file']!,
    externalURL: external,
    routePrefix: prefix,
    alertmanagerConfigFile: raw['alertmanager.config.file']!,
    enableLifecycle: raw['web.enable-lifecycle'] === 'true',
    enableAdminAPI: raw['web.enable-admin-api'] === 'true',
    enableRemoteWriteReceiver:
      raw['web.enable-remote-write-receiver'] === 'true' ||
      raw['enable-feature']!.split(',').includes('remote-write-receiver'),
    pageTitle: raw['web.page-title']!,
    corsOrigin: raw['web.cors.origin']!,
    tsdb: {
      path: raw['storage.tsdb.path']!,
      retentionDuration: retention,
      defaultRetention,
      maxBytes,
      minBlockDuration: dur(f, 'storage.tsdb.min-block-duration'),
      maxBlockDuration: maxBlock,
      noLockfile,
      walSegmentSize: raw['storage.tsdb.wal-segment-size']
        ? parseBytes(raw['storage.tsdb.wal-segment-size'])
        : 0,
      walCompression: raw['storage.tsdb.wal-compression'] !== 'false',
    },
    rules: {
      outageTolerance: dur(f, 'rules.alert.for-outage-tolerance'),
      forGracePeriod: dur(f, 'rules.alert.for-grace-period'),
      resendDelay: dur(f, 'rules.alert.resend-delay'),
    },
    notificationQueueCapacity: Number(raw['alertmanager.notification-queue-capacity']),
    alertmanagerTimeout: dur(f, 'alertmanager.timeout'),
    query: {
      lookbackDelta: dur(f, 'query.lookback-delta'),
      timeout: dur(f, 'query.timeout'),
      maxConcurrency: Number(raw['query.max-concurrency']),
      maxSamples: Number(raw['query.max-samples']),
    },
    discoveryReloadInterval: dur(f, 'scrape.discovery-reload-interval'),
    remoteFlushDeadline: dur(f, 'storage.remote.flush-deadline'),
    remoteReadSampleLimit: Number(raw['storage.remote.read-sample-limit']),
    remoteReadConcurrentLimit: Number(raw['storage.remote.read-concurrent-limit']),
    remoteReadMaxBytesInFrame: Number(raw['storage.remote.read-max-bytes-in-frame']),
    webMaxConnections: Number(raw['web.max-connections']),
    webReadTimeout: dur(f, 'web.read-timeout'),
    features: new Set(raw['enable-feature']!.split(',').filter((x) => x !== '')),
    log: { level: raw['log.level'] as LogLevel, format: raw['log.format'] as LogFormat },
  };
}
