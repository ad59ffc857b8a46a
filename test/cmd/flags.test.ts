import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import {
  parseFlags,
  parseBytes,
  formatBytes,
  flagDisplayValues,
  FlagError,
  SERVER_FLAGS,
} from '../../src/cmd/flags.ts';
import { serverOptions } from '../../src/cmd/options.ts';

import { SEED } from '../support/paths.ts';
const DAY = 24 * 3600 * 1000;

/** The CMD array of the seed's Dockerfile, as Docker would pass it. */
function dockerfileArgs(): string[] {
  const text = readFileSync(`${SEED}/Dockerfile`, 'utf8');
  const m = /CMD\s*\[([\s\S]*?)\]/.exec(text);
  assert.ok(m, 'Dockerfile has a CMD');
  return [...m[1]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]!);
}

/** The command: list of the seed's compose file. */
function composeArgs(): string[] {
  const text = readFileSync(`${SEED}/docker-compose.yml`, 'utf8');
  const block = text.slice(text.indexOf('command:'), text.indexOf('networks:'));
  return [...block.matchAll(/-\s*'([^']*)'/g)].map((x) => x[1]!);
}

test('the seed Dockerfile CMD parses unchanged, with Prometheus derivations', () => {
  const args = dockerfileArgs();
  assert.equal(args.length, 6);
  const f = parseFlags(args);
  const o = serverOptions(f);
  assert.equal(o.configFile, '/etc/prometheus/prometheus.yml');
  assert.equal(o.tsdb.path, '/prometheus');
  assert.equal(o.tsdb.retentionDuration, 15 * DAY);
  assert.equal(o.tsdb.maxBytes, 10 * 1024 ** 3);
  assert.equal(o.tsdb.maxBlockDuration, 1.5 * DAY, 'max block = 10% of retention');
  assert.equal(o.enableLifecycle, true);
  assert.equal(o.enableAdminAPI, true);
});

test('the seed compose command parses unchanged (console flags accepted)', () => {
  const args = composeArgs();
  assert.equal(args.length, 7);
  const f = parseFlags(args);
  assert.equal(f.raw['web.console.templates'], '/usr/share/prometheus/consoles');
  assert.equal(f.raw['web.console.libraries'], '/usr/share/prometheus/console_libraries');
  assert.equal(serverOptions(f).enableAdminAPI, false);
});

test('defaults are Prometheus 2.48 defaults', () => {
  const o = serverOptions(parseFlags([]));
  assert.equal(o.configFile, 'prometheus.yml');
  assert.equal(o.tsdb.path, 'data/');
  assert.equal(o.listenAddress, '0.0.0.0:9090');
  assert.equal(o.tsdb.retentionDuration, 15 * DAY);
  assert.equal(o.tsdb.maxBytes, 0);
  assert.equal(o.tsdb.minBlockDuration, 2 * 3600 * 1000);
  assert.equal(o.query.timeout, 120_000);
  assert.equal(o.query.maxSamples, 50_000_000);
  assert.equal(o.query.maxConcurrency, 20);
  assert.equal(o.query.lookbackDelta, 300_000);
  assert.equal(o.rules.outageTolerance, 3600_000);
  assert.equal(o.rules.forGracePeriod, 600_000);
  assert.equal(o.rules.resendDelay, 60_000);
  assert.equal(o.notificationQueueCapacity, 10000);
  assert.equal(o.routePrefix, '');
  assert.equal(o.log.level, 'info');
  assert.equal(o.log.format, 'logfmt');
});

test('retention: size alone disables the time default; max block duration capped at 31d', () => {
  const sizeOnly = serverOptions(parseFlags(['--storage.tsdb.retention.size=512MB']));
  assert.equal(sizeOnly.tsdb.retentionDuration, 0);
  assert.equal(sizeOnly.tsdb.maxBytes, 512 * 1024 ** 2);
  assert.equal(sizeOnly.tsdb.maxBlockDuration, 31 * DAY);
  const long = serverOptions(parseFlags(['--storage.tsdb.retention.time=1y']));
  assert.equal(long.tsdb.maxBlockDuration, 31 * DAY);
  const deprecated = serverOptions(parseFlags(['--storage.tsdb.retention=3d']));
  assert.equal(deprecated.tsdb.retentionDuration, 3 * DAY);
  const both = serverOptions(
    parseFlags(['--storage.tsdb.retention=3d', '--storage.tsdb.retention.time=5d']),
  );
  assert.equal(both.tsdb.retentionDuration, 5 * DAY);
});

test('external URL and route prefix', () => {
  const o = serverOptions(parseFlags(['--web.external-url=https://example.com/prom/']));
  assert.equal(o.routePrefix, '/prom');
  assert.equal(o.externalURL.href, 'https://example.com/prom/');
  const p = serverOptions(
    parseFlags(['--web.external-url=https://example.com/prom/', '--web.route-prefix=/']),
  );
  assert.equal(p.routePrefix, '');
  const q = serverOptions(parseFlags(['--web.route-prefix=inner']));
  assert.equal(q.routePrefix, '/inner');
  // Derived as Prometheus derives it: this machine's hostname and the listen port, whatever host the address names.
  for (const addr of ['127.0.0.1:9999', '0.0.0.0:9999', ':9999', '[::1]:9999']) {
    assert.equal(
      serverOptions(parseFlags([`--web.listen-address=${addr}`])).externalURL.href,
      `http://${hostname().toLowerCase()}:9999/`,
    );
  }
});

test('space-separated values, --no- booleans and repeated list flags', () => {
  const f = parseFlags([
    '--config.file',
    'x.yml',
    '--web.enable-lifecycle',
    '--no-web.enable-lifecycle',
    '--enable-feature=a,b',
    '--enable-feature=c',
  ]);
  assert.equal(f.raw['config.file'], 'x.yml');
  assert.equal(f.raw['web.enable-lifecycle'], 'false');
  assert.equal(f.raw['enable-feature'], 'a,b,c');
});

test('unknown flags and bad values are one-line errors naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [
      ['--storage.tsdb.retention.time=15x'],
      /^invalid value "15x" for flag --storage\.tsdb\.retention\.time: not a valid duration string: "15x"$/,
    ],
    [['--no-such-flag'], /^unknown long flag '--no-such-flag'$/],
    [
      ['--storage.tsdb.retention.size=10'],
      /--storage\.tsdb\.retention\.size: units: unknown unit "" in "10"/,
    ],
    [['--query.max-samples=lots'], /--query\.max-samples/],
    [['--log.level=verbose'], /enum value must be one of debug,info,warn,error, got 'verbose'/],
    [['--config.file'], /expected argument for flag '--config\.file'/],
    // kingpin reads the next `--…` word as a flag, so the value is missing (not "--storage…").
    [
      ['--query.timeout', '--storage.tsdb.path=/x'],
      /^expected argument for flag '--query\.timeout'$/,
    ],
    [['--web.external-url=::nope'], /--web\.external-url/],
  ];
  for (const [args, re] of cases) {
    assert.throws(
      () => parseFlags(args),
      (e: unknown) => e instanceof FlagError && re.test(e.message) && !e.message.includes('\n'),
      args.join(' '),
    );
  }
});

test('every flag the issue names exists', () => {
  const names = new Set(SERVER_FLAGS.map((f) => f.name));
  for (const n of [
    'config.file',
    'web.listen-address',
    'web.external-url',
    'web.route-prefix',
    'web.enable-lifecycle',
    'web.enable-admin-api',
    'web.enable-remote-write-receiver',
    'web.config.file',
    'web.console.templates',
    'web.console.libraries',
    'storage.tsdb.path',
    'storage.tsdb.retention.time',
    'storage.tsdb.retention.size',
    'storage.tsdb.min-block-duration',
    'storage.tsdb.max-block-duration',
    'storage.tsdb.no-lockfile',
    'query.timeout',
    'query.max-samples',
    'query.max-concurrency',
    'query.lookback-delta',
    'rules.alert.for-outage-tolerance',
    'rules.alert.for-grace-period',
    'rules.alert.resend-delay',
    'log.level',
    'log.format',
  ]) {
    assert.ok(names.has(n), n);
  }
});

test('byte sizes are powers of two', () => {
  assert.equal(parseBytes('1KB'), 1024);
  assert.equal(parseBytes('10GB'), 10 * 1024 ** 3);
  assert.equal(parseBytes('2EB'), 2 * 1024 ** 6);
  assert.throws(() => parseBytes('10XB'));
});

test('status/flags values are the parsed values printed back as Prometheus prints them', () => {
  const shown = flagDisplayValues(parseFlags(dockerfileArgs()), { 'web.route-prefix': '/' });
  assert.equal(shown['storage.tsdb.retention.time'], '15d');
  assert.equal(shown['storage.tsdb.retention.size'], '10GiB');
  assert.equal(shown['storage.tsdb.retention'], '0s', 'unset durations are 0s');
  assert.equal(shown['storage.tsdb.wal-segment-size'], '0B', 'unset sizes are 0B');
  assert.equal(shown['storage.remote.read-sample-limit'], '50000000');
  assert.equal(shown['storage.tsdb.allow-overlapping-blocks'], 'true');
  assert.equal(shown['alertmanager.timeout'], '', 'a duration Prometheus keeps as text');
  assert.equal(shown['web.route-prefix'], '/');
  // Prometheus's hidden tuning flags are accepted and shown.
  assert.equal(shown['storage.tsdb.max-block-chunk-segment-size'], '0B');
  assert.equal(shown['storage.tsdb.samples-per-chunk'], '120');
  assert.equal(shown['storage.tsdb.wal-compression-type'], 'snappy');
  assert.doesNotThrow(() =>
    parseFlags([
      '--storage.tsdb.wal-compression-type=zstd',
      '--storage.tsdb.samples-per-chunk=240',
      '--storage.tsdb.max-block-chunk-segment-size=512MB',
    ]),
  );
  assert.equal(flagDisplayValues(parseFlags(['--query.timeout=90s']))['query.timeout'], '1m30s');
  // Keys in Go's map order (sorted), as encoding/json writes them.
  const keys = Object.keys(shown);
  assert.deepEqual(keys, [...keys].sort());
  assert.equal(formatBytes(1536 * 1024 ** 2), '1GiB512MiB');
  assert.equal(formatBytes(1025), '1KiB1B');
});
