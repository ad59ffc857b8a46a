// Command-line flags, named, defaulted and parsed as Prometheus 2.48's (kingpin): `--name=value`
// or `--name value`, booleans as `--name` / `--no-name`, a one-line error naming the flag for an
// unknown flag or a bad value. Values are kept as the user wrote them (for /api/v1/status/flags)
// and parsed into typed options.
import { formatDuration, parseDuration } from '../model/duration/index.js';

export type FlagKind =
  'string' | 'bool' | 'duration' | 'bytes' | 'int' | 'float' | 'url' | 'enum' | 'list';

export interface FlagDef {
  name: string;
  kind: FlagKind;
  default: string;
  help: string;
  enumValues?: string[];
  /** Shown as the placeholder in --help when there is no default (kingpin's PlaceHolder). */
  placeholder?: string;
  hidden?: boolean;
  /** Prometheus holds this duration as text, so status/flags shows it as written ('' unset). */
  asText?: boolean;
}

/** A command-line error; a bad value exits 2 as Prometheus's does, a wrong flag 1 as kingpin's. */
export class FlagError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const BYTE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  EB: 1024 ** 6,
};

/** Prometheus's units.Base2Bytes as used by --storage.tsdb.retention.size: a unit is required. */
export function parseBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]*)$/.exec(s.trim());
  if (m === null) throw new FlagError(`units: invalid ${JSON.stringify(s)}`);
  const unit = m[2]!.toUpperCase();
  if (!(unit in BYTE_UNITS))
    throw new FlagError(`units: unknown unit ${JSON.stringify(m[2])} in ${JSON.stringify(s)}`);
  return Math.floor(Number(m[1]) * BYTE_UNITS[unit]!);
}

/** units.Base2Bytes's String(): each power of 1024 that is present, largest first ("10GiB", "1GiB512MiB", "0B"). */
export function formatBytes(n: number): string {
  const suffixes = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (n === 0) return '0B';
  let out = '';
  for (let i = 0; i < suffixes.length && n > 0; i++) {
    const r = n % 1024;
    if (r !== 0) out = `${r}${suffixes[i]}` + out;
    n = Math.floor(n / 1024);
  }
  return out;
}

const d = (name: string, def: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  kind: 'duration',
  default: def,
  help,
  ...extra,
});
const s = (name: string, def: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  kind: 'string',
  default: def,
  help,
  ...extra,
});
const b = (name: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  kind: 'bool',
  default: 'false',
  help,
  ...extra,
});
const n = (name: string, def: string, help: string, extra: Partial<FlagDef> = {}): FlagDef => ({
  name,
  kind: 'int',
  default: def,
  help,
  ...extra,
});

export const SERVER_FLAGS: FlagDef[] = [
  s('config.file', 'prometheus.yml', 'Prometheus configuration file path.'),
  s('web.listen-address', '0.0.0.0:9090', 'Address to listen on for UI, API, and telemetry.'),
  s(
    'web.config.file',
    '',
    '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.',
  ),
  d(
    'web.read-timeout',
    '5m',
    'Maximum duration before timing out read of the request, and closing idle connections.',
  ),
  n('web.max-connections', '512', 'Maximum number of simultaneous connections.'),
  {
    name: 'web.external-url',
    kind: 'url',
    default: '',
    placeholder: '<URL>',
    help: 'The URL under which Prometheus is externally reachable (for example, if Prometheus is served via a reverse proxy). Used for generating relative and absolute links back to Prometheus itself. If the URL has a path portion, it will be used to prefix all HTTP endpoints served by Prometheus. If omitted, relevant URL components will be derived automatically.',
  },
  s(
    'web.route-prefix',
    '',
    'Prefix for the internal routes of web endpoints. Defaults to path of --web.external-url.',
    { placeholder: '<path>' },
  ),
  s('web.user-assets', '', 'Path to static asset directory, available at /user.', {
    placeholder: '<path>',
  }),
  b('web.enable-lifecycle', 'Enable shutdown and reload via HTTP request.'),
  b('web.enable-admin-api', 'Enable API endpoints for admin control actions.'),
  b('web.enable-remote-write-receiver', 'Enable API endpoint accepting remote write requests.'),
  s(
    'web.console.templates',
    'consoles',
    'Path to the console template directory, available at /consoles.',
  ),
  s('web.console.libraries', 'console_libraries', 'Path to the console library directory.'),
  s(
    'web.page-title',
    'Prometheus Time Series Collection and Processing Server',
    'Document title of Prometheus instance.',
  ),
  s(
    'web.cors.origin',
    '.*',
    "Regex for CORS origin. It is fully anchored. Example: 'https?://(domain1|domain2)\\.com'",
  ),
  s('storage.tsdb.path', 'data/', 'Base path for metrics storage. Use with server mode only.'),
  d(
    'storage.tsdb.retention',
    '',
    '[DEPRECATED] How long to retain samples in storage. This flag has been deprecated, use "storage.tsdb.retention.time" instead. Use with server mode only.',
    { placeholder: 'STORAGE.TSDB.RETENTION' },
  ),
  d(
    'storage.tsdb.retention.time',
    '',
    'How long to retain samples in storage. When this flag is set it overrides "storage.tsdb.retention". If neither this flag nor "storage.tsdb.retention" nor "storage.tsdb.retention.size" is set, the retention time defaults to 15d. Units Supported: y, w, d, h, m, s, ms. Use with server mode only.',
    { placeholder: 'STORAGE.TSDB.RETENTION.TIME' },
  ),
  {
    name: 'storage.tsdb.retention.size',
    kind: 'bytes',
    default: '',
    placeholder: 'STORAGE.TSDB.RETENTION.SIZE',
    help: 'Maximum number of bytes that can be stored for blocks. A unit is required, supported units: B, KB, MB, GB, TB, PB, EB. Ex: "512MB". Based on powers-of-2, so 1KB is 1024B. Use with server mode only.',
  },
  d(
    'storage.tsdb.min-block-duration',
    '2h',
    'Minimum duration of a data block before being persisted. For use in testing.',
    { hidden: true },
  ),
  d(
    'storage.tsdb.max-block-duration',
    '',
    'Maximum duration compacted blocks may span. For use in testing. (Defaults to 10% of the retention period.)',
    { hidden: true, placeholder: '<duration>' },
  ),
  b(
    'storage.tsdb.no-lockfile',
    'Do not create lockfile in data directory. Use with server mode only.',
  ),
  b(
    'storage.tsdb.use-lockfile',
    'Create a lockfile in data directory (Debian spelling of the inverse of --storage.tsdb.no-lockfile).',
    { hidden: true },
  ),
  {
    name: 'storage.tsdb.wal-segment-size',
    kind: 'bytes',
    default: '',
    help: 'Size at which to split the tsdb WAL segment files. Example: 100MB',
    hidden: true,
  },
  b('storage.tsdb.wal-compression', 'Compress the tsdb WAL.', { default: 'true' }),
  // Prometheus's hidden tuning flags, accepted so command lines that set them still start; this
  // TSDB keeps snappy, 120 samples per chunk and its own chunk segment size.
  {
    name: 'storage.tsdb.wal-compression-type',
    kind: 'enum',
    default: 'snappy',
    enumValues: ['snappy', 'zstd'],
    help: 'Compression algorithm for the tsdb WAL.',
    hidden: true,
  },
  n('storage.tsdb.samples-per-chunk', '120', 'Target number of samples per chunk.', {
    hidden: true,
  }),
  {
    name: 'storage.tsdb.max-block-chunk-segment-size',
    kind: 'bytes',
    default: '',
    placeholder: '<bytes>',
    help: 'The maximum size for a single chunk segment in a block. Example: 512MB',
    hidden: true,
  },
  n(
    'storage.tsdb.head-chunks-write-queue-size',
    '0',
    'Size of the queue through which head chunks are written to the disk to be m-mapped, 0 disables the queue completely. Experimental. Use with server mode only.',
  ),
  b(
    'storage.tsdb.allow-overlapping-blocks',
    '[DEPRECATED] This flag has no effect. Overlapping blocks are enabled by default now.',
    { default: 'true', hidden: true },
  ),
  d(
    'storage.remote.flush-deadline',
    '1m',
    'How long to wait flushing sample on shutdown or config reload.',
    { placeholder: '<duration>' },
  ),
  {
    name: 'storage.remote.read-sample-limit',
    kind: 'float',
    default: '5e7',
    help: 'Maximum overall number of samples to return via the remote read interface, in a single query. 0 means no limit. This limit is ignored for streamed response types. Use with server mode only.',
  },
  n(
    'storage.remote.read-concurrent-limit',
    '10',
    'Maximum number of concurrent remote read calls. 0 means no limit. Use with server mode only.',
  ),
  n(
    'storage.remote.read-max-bytes-in-frame',
    '1048576',
    'Maximum number of bytes in a single frame for streaming remote read response types before marshalling. Note that client might have limit on frame size as well. 1MB as recommended by protobuf by default. Use with server mode only.',
  ),
  d(
    'rules.alert.for-outage-tolerance',
    '1h',
    'Max time to tolerate prometheus outage for restoring "for" state of alert. Use with server mode only.',
  ),
  d(
    'rules.alert.for-grace-period',
    '10m',
    'Minimum duration between alert and restored "for" state. This is maintained only for alerts with configured "for" time greater than grace period. Use with server mode only.',
  ),
  d(
    'rules.alert.resend-delay',
    '1m',
    'Minimum amount of time to wait before resending an alert to Alertmanager. Use with server mode only.',
  ),
  b(
    'scrape.adjust-timestamps',
    'Adjust scrape timestamps by up to `scrape.timestamp-tolerance` to align them to the intended schedule. See https://github.com/prometheus/prometheus/issues/7846 for more context. Experimental. This flag will be removed in a future release.',
    { default: 'true', hidden: true },
  ),
  d(
    'scrape.timestamp-tolerance',
    '2ms',
    'Timestamp tolerance. See https://github.com/prometheus/prometheus/issues/7846 for more context. Experimental. This flag will be removed in a future release.',
    { hidden: true },
  ),
  d(
    'scrape.discovery-reload-interval',
    '5s',
    'Interval used by scrape manager to throttle target groups updates.',
    { hidden: true },
  ),
  s(
    'alertmanager.config.file',
    '',
    'prometheus-ts: run an Alertmanager (0.25) in this process with this alertmanager.yml, served under /alertmanager/ and sent every alert besides alerting.alertmanagers. Its silences and notification log are kept under <storage.tsdb.path>/alertmanager/.',
    { placeholder: '<path>' },
  ),
  n(
    'alertmanager.notification-queue-capacity',
    '10000',
    'The capacity of the queue for pending Alertmanager notifications. Use with server mode only.',
  ),
  d(
    'alertmanager.timeout',
    '',
    'Timeout for sending alerts to Alertmanager. Use with server mode only.',
    { hidden: true, asText: true },
  ),
  d(
    'query.lookback-delta',
    '5m',
    'The maximum lookback duration for retrieving metrics during expression evaluations and federation. Use with server mode only.',
  ),
  d(
    'query.timeout',
    '2m',
    'Maximum time a query may take before being aborted. Use with server mode only.',
  ),
  n(
    'query.max-concurrency',
    '20',
    'Maximum number of queries executed concurrently. Use with server mode only.',
  ),
  n(
    'query.max-samples',
    '50000000',
    'Maximum number of samples a single query can load into memory. Note that queries will fail if they try to load more samples than this into memory, so this also limits the number of samples a query can return. Use with server mode only.',
  ),
  {
    name: 'enable-feature',
    kind: 'list',
    default: '',
    help: 'Comma separated feature names to enable. Valid options: agent, exemplar-storage, expand-external-labels, memory-snapshot-on-shutdown, promql-at-modifier, promql-negative-offset, promql-per-step-stats, promql-experimental-functions, remote-write-receiver (DEPRECATED), extra-scrape-metrics, new-service-discovery-manager, auto-gomaxprocs, no-default-scrape-port, native-histograms, otlp-write-receiver. See https://prometheus.io/docs/prometheus/latest/feature_flags/ for more details.',
  },
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

export interface ParsedFlags {
  /** Every flag's value as text, for /api/v1/status/flags (kingpin's String()). */
  raw: Record<string, string>;
  /** Flags the user set explicitly. */
  set: Set<string>;
  help: boolean;
  /** --help-man: the usage as a troff man page, as kingpin prints it. */
  helpMan: boolean;
  version: boolean;
}

function validate(def: FlagDef, value: string): void {
  const bad = (why: string) =>
    new FlagError(`invalid value ${JSON.stringify(value)} for flag --${def.name}: ${why}`, 2);
  switch (def.kind) {
    case 'duration':
      try {
        parseDuration(value);
      } catch (e) {
        throw bad((e as Error).message);
      }
      return;
    case 'bytes':
      try {
        parseBytes(value);
      } catch (e) {
        throw bad((e as Error).message);
      }
      return;
    case 'int':
      if (!/^[+-]?\d+$/.test(value))
        throw bad(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
      return;
    case 'float':
      if (value.trim() === '' || Number.isNaN(Number(value)))
        throw bad(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
      return;
    case 'bool':
      if (!['true', 'false', '1', '0'].includes(value))
        throw bad(`strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
      return;
    case 'enum':
      if (!def.enumValues!.includes(value))
        throw bad(`enum value must be one of ${def.enumValues!.join(',')}, got '${value}'`);
      return;
    case 'url':
      try {
        new URL(value);
      } catch {
        throw bad(`parse ${JSON.stringify(value)}: invalid URI for request`);
      }
      return;
    default:
      return;
  }
}

/** Parses argv as kingpin would; throws FlagError with the one-line message to print. */
export function parseFlags(argv: string[], defs: FlagDef[] = SERVER_FLAGS): ParsedFlags {
  const byName = new Map(defs.map((f) => [f.name, f]));
  const raw: Record<string, string> = {};
  for (const f of defs) raw[f.name] = f.default;
  const set = new Set<string>();
  const lists = new Map<string, string[]>();
  let help = false;
  let helpMan = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // kingpin's --help-long differs from --help only for commands, which the server has none of.
    if (arg === '-h' || arg === '--help' || arg === '--help-long' || arg === '--help-man') {
      help = true;
      if (arg === '--help-man') helpMan = true;
      continue;
    }
    if (arg === '--version') {
      version = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1)
        throw new FlagError(`unknown short flag '${arg.slice(0, 2)}'`);
      throw new FlagError(`unexpected ${arg}`);
    }
    const eq = arg.indexOf('=');
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let def = byName.get(name);
    if (def === undefined && name.startsWith('no-')) {
      const positive = byName.get(name.slice(3));
      if (positive?.kind === 'bool' && value === undefined) {
        def = positive;
        name = positive.name;
        value = 'false';
      }
    }
    if (def === undefined) throw new FlagError(`unknown long flag '--${name}'`);
    if (value === undefined) {
      if (def.kind === 'bool') value = 'true';
      else {
        // kingpin reads a following `-…` word as the next flag, not as this one's value.
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('-') && next.length > 1))
          throw new FlagError(`expected argument for flag '--${name}'`);
        value = argv[++i]!;
      }
    }
    validate(def, value);
    if (def.kind === 'list') {
      const l = lists.get(name) ?? [];
      l.push(value);
      lists.set(name, l);
      raw[name] = l.join(',');
    } else {
      raw[name] = value;
    }
    set.add(name);
  }
  return { raw, set, help, helpMan, version };
}

/**
 * Every flag's value as Prometheus's /api/v1/status/flags shows it: the parsed value printed
 * back (durations as 1d12h or 0s, sizes as 10GiB or 0B, numbers without exponents), with
 * `derived` values — those Prometheus computes and writes back into its flags — over them.
 */
export function flagDisplayValues(
  f: ParsedFlags,
  derived: Record<string, string> = {},
  defs: FlagDef[] = SERVER_FLAGS,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const def of [...defs].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const v = f.raw[def.name] ?? '';
    switch (def.asText ? 'string' : def.kind) {
      case 'duration':
        out[def.name] = v === '' ? '0s' : formatDuration(parseDuration(v));
        break;
      case 'bytes':
        out[def.name] = formatBytes(v === '' ? 0 : parseBytes(v));
        break;
      case 'int':
      case 'float':
        out[def.name] = String(Number(v));
        break;
      default:
        out[def.name] = v;
    }
    if (def.name in derived) out[def.name] = derived[def.name]!;
  }
  return out;
}

/** A flag as kingpin shows it in help: `--name`, then `=default` or `=<placeholder>` unless boolean. */
function flagHead(f: FlagDef): string {
  let head = `--${f.name}`;
  if (f.kind !== 'bool')
    head +=
      f.default !== ''
        ? `=${f.kind === 'string' || f.kind === 'enum' ? JSON.stringify(f.default) : f.default}`
        : `=${f.placeholder ?? f.name.toUpperCase()}`;
  return head;
}

/** kingpin-style usage text. */
export function usage(
  program: string,
  description: string,
  defs: FlagDef[] = SERVER_FLAGS,
): string {
  const lines = [`usage: ${program} [<flags>]`, '', description, '', 'Flags:'];
  lines.push(
    '  -h, --help                     Show context-sensitive help (also try --help-long and --help-man).',
  );
  lines.push('      --version                  Show application version.');
  for (const f of defs) {
    if (f.hidden) continue;
    lines.push(`      ${flagHead(f).padEnd(26)} ${f.help}`);
  }
  return lines.join('\n');
}

/** The usage as a troff man page, laid out as kingpin's --help-man template lays it out. */
export function manPage(
  program: string,
  description: string,
  version: string,
  defs: FlagDef[] = SERVER_FLAGS,
): string {
  const esc = (t: string) => t.replace(/\\/g, '\\\\');
  const lines = [
    `.TH ${program} 1 ${version}`,
    '.SH "NAME"',
    program,
    '.SH "SYNOPSIS"',
    '.TP',
    `\\fB${program} [<flags>]\\fR`,
    '',
    '.SH "DESCRIPTION"',
    description,
    '.SH "OPTIONS"',
  ];
  lines.push(
    '.TP',
    '\\fB-h, --help\\fR',
    'Show context-sensitive help (also try --help-long and --help-man).',
  );
  lines.push('.TP', '\\fB--version\\fR', 'Show application version.');
  for (const f of defs) {
    if (f.hidden) continue;
    lines.push('.TP', `\\fB${esc(flagHead(f))}\\fR`, esc(f.help));
  }
  return lines.join('\n');
}
