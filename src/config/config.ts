// Loading prometheus.yml: strict decoding, Prometheus 2.48's defaults, and its validation, with
// errors that name file and line. The result is the `Config` of types.ts with every default filled.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument, type Node } from 'yaml';
import { Labels, isValidLabelName } from '../model/labels/index.js';
import { glob } from '../util/glob.js';
import {
  bool,
  byteSize,
  ConfigError,
  INLINE_HTTP,
  INLINE_SD,
  parseConfigURL,
  schema,
  DecodeError,
  duration,
  int,
  labelSet,
  list,
  raw,
  str,
  stringMap,
  strings,
  struct,
  uint,
  withLine,
  type DecodeCtx,
  type Decoded,
  type Decoder,
  type StructSpec,
} from '../configcodec/index.js';
import { httpClientSpec, toHTTPClient } from '../httpclient/index.js';
import { relabelList, relabelSchema } from '../model/relabel/index.js';
import { mechanisms, unsupportedKeys } from '../discovery/index.js';

export { ConfigError };
import type {
  AlertmanagerConfig,
  Config,
  GlobalConfig,
  QueueConfig,
  RelabelConfig,
  RemoteReadConfig,
  RemoteWriteConfig,
  ScrapeConfig,
  ServiceDiscoveryConfigs,
} from './types.js';

// ---- service discovery: every registered mechanism, and Prometheus's others refused ----------

function sdFields(): Record<string, Decoder<unknown>> {
  const out: Record<string, Decoder<unknown>> = {};
  for (const m of mechanisms()) out[m.key] = list(struct(m.spec), `[]*${m.spec.goType}`);
  for (const k of unsupportedKeys()) out[k] = list(raw, '[]interface {}');
  return out;
}

function toSD(v: Record<string, unknown>): ServiceDiscoveryConfigs {
  const out: Record<string, unknown> = {};
  for (const m of mechanisms())
    out[m.key] = ((v[m.key] as Decoded[]) ?? []).map(withLine((d) => m.fromDecoded(d)));
  const unsupported: Record<string, unknown[]> = {};
  for (const k of unsupportedKeys()) if (v[k]) unsupported[k] = v[k] as unknown[];
  out.unsupported_sd_configs = unsupported;
  return out as unknown as ServiceDiscoveryConfigs;
}

// ---- scrape configs ----------------------------------------------------------------------------

/** config.ScrapeConfig, in Go's field order (yaml.v2 writes it so). */
export const scrapeSchema = schema('config.ScrapeConfig', [
  ['job_name', str, 'str', false],
  ['honor_labels', bool, 'bool', true],
  ['honor_timestamps', bool, 'bool', false],
  ['track_timestamps_staleness', bool, 'bool', false],
  ['params', stringMap(strings, 'url.Values'), 'params', true],
  ['scrape_interval', duration, 'dur', true],
  ['scrape_timeout', duration, 'dur', true],
  ['scrape_classic_histograms', bool, 'bool', true],
  ['metrics_path', str, 'str', true],
  ['scheme', str, 'str', true],
  ['body_size_limit', byteSize, 'bytes', true],
  ['sample_limit', uint, 'int', true],
  ['target_limit', uint, 'int', true],
  ['label_limit', uint, 'int', true],
  ['label_name_length_limit', uint, 'int', true],
  ['label_value_length_limit', uint, 'int', true],
  ['native_histogram_bucket_limit', uint, 'int', true],
  ['keep_dropped_targets', uint, 'int', true],
  ['enable_compression', bool, null, true],
  { inline: httpClientSpec, key: INLINE_HTTP },
  ['relabel_configs', relabelList, { of: relabelSchema.marshal }, true],
  ['metric_relabel_configs', relabelList, { of: relabelSchema.marshal }, true],
  { spread: sdFields(), key: INLINE_SD },
]);
const scrapeSpec = scrapeSchema.spec;

function toScrape(d: Decoded, g: GlobalConfig): ScrapeConfig {
  const v = d.values;
  const job = (v.job_name as string) ?? '';
  if (job === '') throw new ConfigError('job_name is empty');
  const interval = (v.scrape_interval as number) || g.scrape_interval;
  let timeout = v.scrape_timeout as number | undefined;
  if (!timeout) timeout = g.scrape_timeout > interval ? interval : g.scrape_timeout;
  if (timeout > interval)
    throw new ConfigError(
      `scrape timeout greater than scrape interval for scrape config with job name "${job}"`,
    );
  const scheme = (v.scheme as string) || 'http';
  // Prometheus accepts any scheme here; a target with one it can't scrape fails when its labels are populated.
  const metricsPath = (v.metrics_path as string) || '/metrics';
  const http = toHTTPClient(v);
  const sd = toSD(v);
  return {
    ...http,
    ...sd,
    job_name: job,
    honor_labels: (v.honor_labels as boolean) ?? false,
    honor_timestamps: v.honor_timestamps === undefined ? true : (v.honor_timestamps as boolean),
    track_timestamps_staleness: (v.track_timestamps_staleness as boolean) ?? false,
    params: (v.params as Record<string, string[]>) ?? {},
    scrape_interval: interval,
    scrape_timeout: timeout,
    scrape_classic_histograms: (v.scrape_classic_histograms as boolean) ?? false,
    metrics_path: metricsPath,
    scheme,
    body_size_limit:
      v.body_size_limit === undefined ? g.body_size_limit : (v.body_size_limit as number),
    sample_limit: v.sample_limit === undefined ? g.sample_limit : (v.sample_limit as number),
    target_limit: v.target_limit === undefined ? g.target_limit : (v.target_limit as number),
    label_limit: v.label_limit === undefined ? g.label_limit : (v.label_limit as number),
    label_name_length_limit:
      v.label_name_length_limit === undefined
        ? g.label_name_length_limit
        : (v.label_name_length_limit as number),
    label_value_length_limit:
      v.label_value_length_limit === undefined
        ? g.label_value_length_limit
        : (v.label_value_length_limit as number),
    native_histogram_bucket_limit: (v.native_histogram_bucket_limit as number) ?? 0,
    keep_dropped_targets:
      v.keep_dropped_targets === undefined
        ? g.keep_dropped_targets
        : (v.keep_dropped_targets as number),
    enable_compression:
      v.enable_compression === undefined ? true : (v.enable_compression as boolean),
    relabel_configs: (v.relabel_configs as RelabelConfig[]) ?? [],
    metric_relabel_configs: (v.metric_relabel_configs as RelabelConfig[]) ?? [],
  };
}

// ---- global, alerting, remote, storage ---------------------------------------------------------

/** config.GlobalConfig, in Go's field order. */
export const globalSchema = schema('config.GlobalConfig', [
  ['scrape_interval', duration, 'dur', true],
  ['scrape_timeout', duration, 'dur', true],
  ['evaluation_interval', duration, 'dur', true],
  ['query_log_file', str, 'str', true],
  ['external_labels', labelSet, 'labels', true],
  ['body_size_limit', byteSize, 'bytes', true],
  ['sample_limit', uint, 'int', true],
  ['target_limit', uint, 'int', true],
  ['label_limit', uint, 'int', true],
  ['label_name_length_limit', uint, 'int', true],
  ['label_value_length_limit', uint, 'int', true],
  ['keep_dropped_targets', uint, 'int', true],
]);
const globalSpec = globalSchema.spec;

function toGlobal(d: Decoded | undefined): GlobalConfig {
  const v = d?.values ?? {};
  const interval = (v.scrape_interval as number) || 60_000;
  let timeout = v.scrape_timeout as number | undefined;
  if (!timeout) timeout = Math.min(10_000, interval);
  // Prometheus names no line for these; the line of the key at fault is added, as elsewhere.
  const at = (key: string, message: string) => {
    const line = d?.lines[key] ?? d?.line ?? 0;
    return line ? new DecodeError(line, `line ${line}: ${message}`) : new ConfigError(message);
  };
  if (timeout > interval)
    throw at(
      v.scrape_timeout ? 'scrape_timeout' : 'scrape_interval',
      'global scrape timeout greater than scrape interval',
    );
  const ext = (v.external_labels as Record<string, string>) ?? {};
  for (const [n, val] of Object.entries(ext)) {
    if (!isValidLabelName(n)) throw at('external_labels', `"${n}" is not a valid label name`);
    if (val === '') throw at('external_labels', `empty label value for label ${n}`);
    if (n === '__name__') throw at('external_labels', `"__name__" is not a valid label name`);
  }
  return {
    scrape_interval: interval,
    scrape_timeout: timeout,
    evaluation_interval: (v.evaluation_interval as number) || 60_000,
    external_labels: Labels.fromObject(ext),
    query_log_file: (v.query_log_file as string) ?? '',
    body_size_limit: (v.body_size_limit as number) ?? 0,
    sample_limit: (v.sample_limit as number) ?? 0,
    target_limit: (v.target_limit as number) ?? 0,
    label_limit: (v.label_limit as number) ?? 0,
    label_name_length_limit: (v.label_name_length_limit as number) ?? 0,
    label_value_length_limit: (v.label_value_length_limit as number) ?? 0,
    keep_dropped_targets: (v.keep_dropped_targets as number) ?? 0,
  };
}

export const alertmanagerSchema = schema('config.AlertmanagerConfig', [
  { inline: httpClientSpec, key: INLINE_HTTP },
  ['scheme', str, 'str', true],
  ['path_prefix', str, 'str', true],
  ['timeout', duration, 'dur', true],
  ['api_version', str, 'str', false],
  ['relabel_configs', relabelList, { of: relabelSchema.marshal }, true],
  { spread: sdFields(), key: INLINE_SD },
]);
const alertmanagerSpec = alertmanagerSchema.spec;
const alertingSchema = schema('config.AlertingConfig', [
  ['alert_relabel_configs', relabelList, { of: relabelSchema.marshal }, true],
  [
    'alertmanagers',
    list(struct(alertmanagerSpec), '[]*config.AlertmanagerConfig'),
    { of: alertmanagerSchema.marshal },
    true,
  ],
]);
const alertingSpec = alertingSchema.spec;

function toAlertmanager(d: Decoded): AlertmanagerConfig {
  const v = d.values;
  const api = ((v.api_version as string) || 'v2') as AlertmanagerConfig['api_version'];
  if (api !== 'v1' && api !== 'v2')
    throw new ConfigError(`expected Alertmanager api version to be one of [v1 v2] but got ${api}`);
  if (api === 'v1') throw new ConfigError('v1 is deprecated and no longer supported; use v2');
  const scheme = (v.scheme as string) || 'http';
  return {
    ...toHTTPClient(v),
    ...toSD(v),
    scheme,
    path_prefix: (v.path_prefix as string) ?? '',
    timeout: (v.timeout as number) || 10_000,
    api_version: api,
    relabel_configs: (v.relabel_configs as RelabelConfig[]) ?? [],
  };
}

const queueSchema = schema('config.QueueConfig', [
  ['capacity', int, 'int', true],
  ['max_shards', int, 'int', true],
  ['min_shards', int, 'int', true],
  ['max_samples_per_send', int, 'int', true],
  ['batch_send_deadline', duration, 'dur', true],
  ['min_backoff', duration, 'dur', true],
  ['max_backoff', duration, 'dur', true],
  ['retry_on_http_429', bool, 'bool', true],
  ['sample_age_limit', duration, null, true],
]);
const metadataSchema = schema('config.MetadataConfig', [
  ['send', bool, 'bool', false],
  ['send_interval', duration, 'dur', false],
  ['max_samples_per_send', int, 'int', true],
]);
/** config.RemoteWriteConfig, in Go's field order. */
export const remoteWriteSchema = schema('config.RemoteWriteConfig', [
  ['url', str, 'url', false],
  ['remote_timeout', duration, 'dur', true],
  ['headers', stringMap(str), 'strmap', true],
  ['write_relabel_configs', relabelList, { of: relabelSchema.marshal }, true],
  ['name', str, 'str', true],
  ['send_exemplars', bool, 'bool', true],
  ['send_native_histograms', bool, 'bool', true],
  { inline: httpClientSpec, key: INLINE_HTTP },
  ['queue_config', struct(queueSchema.spec), queueSchema.marshal, true],
  ['metadata_config', struct(metadataSchema.spec), metadataSchema.marshal, true],
  ['sigv4', raw, 'raw', true],
  ['azuread', raw, 'raw', true],
]);
const remoteWriteSpec = remoteWriteSchema.spec;
export const remoteReadSchema = schema('config.RemoteReadConfig', [
  ['url', str, 'url', false],
  ['remote_timeout', duration, 'dur', true],
  ['headers', stringMap(str), 'strmap', true],
  ['read_recent', bool, 'bool', true],
  ['name', str, 'str', true],
  { inline: httpClientSpec, key: INLINE_HTTP },
  ['required_matchers', stringMap(str), 'strmap', true],
  ['filter_external_labels', bool, 'bool', true],
]);
const remoteReadSpec = remoteReadSchema.spec;

const RESERVED_HEADERS = [
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-prometheus-scrape-timeout-seconds',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
];

function checkURL(url: string): void {
  if (url === '') throw new ConfigError('url for remote_write is empty');
  const u = parseConfigURL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ConfigError(`invalid URL scheme`);
  if (u.host === '') throw new ConfigError('empty host');
}

function checkHeaders(h: Record<string, string>): void {
  for (const k of Object.keys(h))
    if (RESERVED_HEADERS.includes(k.toLowerCase()))
      throw new ConfigError(`${k} is a reserved header. It must not be changed`);
}

function toRemoteWrite(d: Decoded): RemoteWriteConfig {
  const v = d.values;
  const url = (v.url as string) ?? '';
  checkURL(url);
  const headers = (v.headers as Record<string, string>) ?? {};
  checkHeaders(headers);
  const q = (v.queue_config as Decoded | undefined)?.values ?? {};
  const md = (v.metadata_config as Decoded | undefined)?.values ?? {};
  const queue: QueueConfig = {
    capacity: (q.capacity as number) ?? 10000,
    max_shards: (q.max_shards as number) ?? 50,
    min_shards: (q.min_shards as number) ?? 1,
    max_samples_per_send: (q.max_samples_per_send as number) ?? 2000,
    batch_send_deadline: (q.batch_send_deadline as number) ?? 5000,
    min_backoff: (q.min_backoff as number) ?? 30,
    max_backoff: (q.max_backoff as number) ?? 5000,
    retry_on_http_429: (q.retry_on_http_429 as boolean) ?? false,
  };
  return {
    ...toHTTPClient(v),
    url,
    remote_timeout: (v.remote_timeout as number) ?? 30_000,
    headers,
    write_relabel_configs: (v.write_relabel_configs as RelabelConfig[]) ?? [],
    name: (v.name as string) ?? '',
    send_exemplars: (v.send_exemplars as boolean) ?? false,
    send_native_histograms: (v.send_native_histograms as boolean) ?? false,
    queue_config: queue,
    metadata_config: {
      send: md.send === undefined ? true : (md.send as boolean),
      send_interval: (md.send_interval as number) ?? 60_000,
      max_samples_per_send: (md.max_samples_per_send as number) ?? 2000,
    },
  };
}

function toRemoteRead(d: Decoded): RemoteReadConfig {
  const v = d.values;
  const url = (v.url as string) ?? '';
  if (url === '') throw new ConfigError('url for remote_read is empty');
  checkURL(url);
  const headers = (v.headers as Record<string, string>) ?? {};
  checkHeaders(headers);
  return {
    ...toHTTPClient(v),
    url,
    remote_timeout: (v.remote_timeout as number) ?? 60_000,
    headers,
    read_recent: (v.read_recent as boolean) ?? false,
    name: (v.name as string) ?? '',
    required_matchers: (v.required_matchers as Record<string, string>) ?? {},
    filter_external_labels:
      v.filter_external_labels === undefined ? true : (v.filter_external_labels as boolean),
  };
}

const tsdbSchema = schema('config.TSDBConfig', [
  ['out_of_order_time_window', duration, 'dur', true],
]);
const exemplarsSchema = schema('config.ExemplarsConfig', [['max_exemplars', int, 'int', true]]);
const storageSchema = schema('config.StorageConfig', [
  ['tsdb', struct(tsdbSchema.spec), tsdbSchema.marshal, true],
  ['exemplars', struct(exemplarsSchema.spec), exemplarsSchema.marshal, true],
]);
const storageSpec = storageSchema.spec;

/** prometheus.yml's top level, in the order Prometheus writes it back. */
export const configSchema = schema('config.plain', [
  ['global', struct(globalSpec), globalSchema.marshal, false],
  ['alerting', struct(alertingSpec), alertingSchema.marshal, true],
  ['rule_files', strings, 'list', true],
  ['scrape_config_files', strings, 'list', true],
  [
    'scrape_configs',
    list(struct(scrapeSpec), '[]*config.ScrapeConfig'),
    { of: scrapeSchema.marshal },
    true,
  ],
  ['storage', struct(storageSpec), storageSchema.marshal, true],
  ['tracing', raw, 'raw', true],
  [
    'remote_write',
    list(struct(remoteWriteSpec), '[]*config.RemoteWriteConfig'),
    { of: remoteWriteSchema.marshal },
    true,
  ],
  [
    'remote_read',
    list(struct(remoteReadSpec), '[]*config.RemoteReadConfig'),
    { of: remoteReadSchema.marshal },
    true,
  ],
]);
/** prometheus.yml's top-level struct (also walked for the docs' field tables). */
export const configSpec = configSchema.spec;

// ---- entry points ------------------------------------------------------------------------------

function checkGlob(p: string): void {
  // filepath.Match syntax check: unbalanced '[' is the error Prometheus reports.
  let depth = 0;
  for (const c of p) {
    if (c === '[') depth++;
    else if (c === ']' && depth > 0) depth--;
  }
  if (depth !== 0) throw new ConfigError(`invalid rule file path "${p}"`);
}

/** Relative paths of the discovery configs joined to dir (Prometheus's SetDirectory). */
function joinFileSDPaths<T extends ServiceDiscoveryConfigs>(sd: T, dir: string): T {
  const configs = sd as unknown as Record<string, unknown[]>;
  for (const m of mechanisms())
    if (m.resolvePaths) for (const c of configs[m.key] ?? []) m.resolvePaths(c, dir);
  return sd;
}

const scrapeConfigsSpec: StructSpec = {
  goType: 'config.ScrapeConfigs',
  fields: { scrape_configs: list(struct(scrapeSpec), '[]*config.ScrapeConfig') },
};

/**
 * The main file's scrape configs and those of every file scrape_config_files matches, read now
 * (Prometheus's GetScrapeConfigs, which the scrape manager calls at each (re)load). Errors name the
 * file as Prometheus does: `"/abs/path": …`.
 */
export function getScrapeConfigs(cfg: Config): ScrapeConfig[] {
  const out = [...cfg.scrape_configs];
  const firstIn = new Map<string, string>(out.map((sc) => [sc.job_name, 'main config file']));
  for (const pattern of cfg.scrape_config_files) {
    for (const file of glob(pattern)) {
      const abs = resolve(file);
      const fail = (msg: string) => new ConfigError(`"${abs}": ${msg}`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw fail((e as Error).message);
      }
      const lc = new LineCounter();
      const doc = parseDocument(text, {
        lineCounter: lc,
        prettyErrors: false,
        uniqueKeys: false,
        merge: true,
      });
      if (doc.errors.length > 0)
        throw fail(
          `yaml: line ${lc.linePos(doc.errors[0]!.pos[0]).line}: ${doc.errors[0]!.message.split('\n')[0]}`,
        );
      let top: Decoded;
      try {
        top = struct(scrapeConfigsSpec)((doc.contents as Node | null) ?? null, { lc });
      } catch (e) {
        if (e instanceof DecodeError)
          throw fail(e.unmarshal ? 'yaml: unmarshal errors:\n  ' + e.message : e.message);
        throw e;
      }
      for (const d of (top.values.scrape_configs as Decoded[]) ?? []) {
        let sc: ScrapeConfig;
        try {
          sc = joinFileSDPaths(withLine((x) => toScrape(x, cfg.global))(d), dirname(file));
        } catch (e) {
          throw fail((e as Error).message);
        }
        const first = firstIn.get(sc.job_name);
        if (first !== undefined)
          throw fail(
            `found multiple scrape configs with job name "${sc.job_name}", first found in ${first}`,
          );
        firstIn.set(sc.job_name, `"${abs}"`);
        out.push(sc);
      }
    }
  }
  return out;
}

/** Parses and validates a prometheus.yml text. Errors: ConfigError naming the file (and line). */
export function loadConfig(text: string, filename: string): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lc,
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
  });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const { line } = lc.linePos(e.pos[0]);
    throw new ConfigError(
      `parsing YAML file ${filename}: yaml: line ${line}: ${e.message.split('\n')[0]}`,
    );
  }
  const ctx: DecodeCtx = { lc };
  const prefix = `parsing YAML file ${filename}`;
  let top: Decoded;
  try {
    top = struct(configSpec)((doc.contents as Node | null) ?? null, ctx);
  } catch (e) {
    if (e instanceof DecodeError) {
      throw new ConfigError(
        `${prefix}: ${e.unmarshal ? 'yaml: unmarshal errors:\n  ' + e.message : e.message}`,
      );
    }
    throw e;
  }
  try {
    const v = top.values;
    const global = toGlobal(v.global as Decoded | undefined);
    // Prometheus's SetDirectory: relative paths (rule files, file SD) are joined to the config file's
    // directory as filepath.Dir spells it (so "prometheus.yml" leaves "t.json", "/etc/p.yml" makes "/etc/t.json").
    const sdDir = dirname(filename);
    const joinFileSD = <T extends ServiceDiscoveryConfigs>(sd: T): T => joinFileSDPaths(sd, sdDir);
    const ruleFiles = ((v.rule_files as string[]) ?? []).map((p) => {
      checkGlob(p);
      return isAbsolute(p) ? p : join(sdDir, p);
    });
    const scrapeConfigs: ScrapeConfig[] = [];
    const jobs = new Set<string>();
    for (const d of (v.scrape_configs as Decoded[]) ?? []) {
      const sc = joinFileSD(withLine((x) => toScrape(x, global))(d));
      if (jobs.has(sc.job_name))
        throw new ConfigError(
          `${d.line ? `line ${d.line}: ` : ''}found multiple scrape configs with job name "${sc.job_name}"`,
        );
      jobs.add(sc.job_name);
      scrapeConfigs.push(sc);
    }
    const alerting = (v.alerting as Decoded | undefined)?.values ?? {};
    const remoteWrite = ((v.remote_write as Decoded[]) ?? []).map(withLine(toRemoteWrite));
    const rwNames = new Set<string>();
    for (const rw of remoteWrite) {
      if (rw.name === '') continue;
      if (rwNames.has(rw.name))
        throw new ConfigError(`found multiple remote write configs with job name "${rw.name}"`);
      rwNames.add(rw.name);
    }
    const storage = (v.storage as Decoded | undefined)?.values ?? {};
    const tsdb = (storage.tsdb as Decoded | undefined)?.values ?? {};
    const exemplars = (storage.exemplars as Decoded | undefined)?.values ?? {};
    return {
      global,
      alerting: {
        alert_relabel_configs: (alerting.alert_relabel_configs as RelabelConfig[]) ?? [],
        alertmanagers: ((alerting.alertmanagers as Decoded[]) ?? [])
          .map(withLine(toAlertmanager))
          .map(joinFileSD),
      },
      rule_files: ruleFiles,
      scrape_config_files: ((v.scrape_config_files as string[]) ?? []).map((p) =>
        isAbsolute(p) ? p : join(sdDir, p),
      ),
      scrape_configs: scrapeConfigs,
      remote_write: remoteWrite,
      remote_read: ((v.remote_read as Decoded[]) ?? []).map(withLine(toRemoteRead)),
      storage: {
        tsdb: { out_of_order_time_window: (tsdb.out_of_order_time_window as number) ?? 0 },
        exemplars: { max_exemplars: (exemplars.max_exemplars as number) ?? 100000 },
      },
      ...(v.tracing ? { tracing: v.tracing as Record<string, unknown> } : {}),
      sourceFile: resolve(filename),
      original: text,
    };
  } catch (e) {
    if (e instanceof DecodeError) throw new ConfigError(`${prefix}: ${e.message}`);
    if (e instanceof ConfigError) throw new ConfigError(`${prefix}: ${e.message}`);
    throw e;
  }
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
    );
  }
  return loadConfig(text, path);
}
