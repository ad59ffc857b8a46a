// The loaded config written back as YAML, as /api/v1/status/config shows it: Go's yaml.v2 output
// of Prometheus's structs — fields in their declaration order, omitempty fields left out when
// zero, service discovery blocks last (sorted by name), sequences flush with their key,
// source_labels in flow style; defaults filled in, durations in Prometheus's notation, regexes
// as written, secrets masked.
import { Document, isPair, isScalar, isSeq, visit } from 'yaml';
import { AnchoredRegexp, Labels } from '../model/labels/index.js';
import { formatDuration } from '../model/duration/index.js';
import type { Config } from './types.js';

const DURATION_KEYS = new Set([
  'scrape_interval',
  'scrape_timeout',
  'evaluation_interval',
  'refresh_interval',
  'timeout',
  'remote_timeout',
  'batch_send_deadline',
  'min_backoff',
  'max_backoff',
  'send_interval',
  'out_of_order_time_window',
]);
const SECRET_KEYS = new Set(['password', 'credentials', 'bearer_token', 'client_secret', 'token', 'key']);
const INTERNAL_KEYS = new Set(['sourceFile', 'original', 'unsupported_sd_configs']);
const SD_KEYS = new Set(['static_configs', 'file_sd_configs', 'consul_sd_configs', 'http_sd_configs', 'dns_sd_configs']);
/** Fields tagged omitempty whose zero value (0 or false) Go leaves out. */
const OMIT_ZERO = new Set([
  'honor_labels',
  'scrape_classic_histograms',
  'body_size_limit',
  'sample_limit',
  'target_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'native_histogram_bucket_limit',
  'keep_dropped_targets',
  'modulus',
  'send_exemplars',
  'send_native_histograms',
  'retry_on_http_429',
  'read_recent',
  'out_of_order_time_window',
]);
const DEFAULT_MAX_EXEMPLARS = 100000;
/** Empty lists Go still writes (no omitempty). */
const KEEP_EMPTY = new Set(['targets']);

// The HTTP client settings every client block inlines, in common/config's order.
const HTTP_CLIENT = ['basic_auth', 'authorization', 'oauth2', 'bearer_token', 'bearer_token_file', 'tls_config', 'follow_redirects', 'enable_http2', 'proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'];
const RELABEL = ['source_labels', 'separator', 'regex', 'modulus', 'target_label', 'replacement', 'action'];

/** Field order of each struct, found by the key it sits under ('' is the top level). */
const ORDER: Record<string, string[]> = {
  '': ['global', 'alerting', 'rule_files', 'scrape_config_files', 'scrape_configs', 'storage', 'tracing', 'remote_write', 'remote_read'],
  global: ['scrape_interval', 'scrape_timeout', 'evaluation_interval', 'query_log_file', 'external_labels', 'body_size_limit', 'sample_limit', 'target_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'keep_dropped_targets'],
  alerting: ['alert_relabel_configs', 'alertmanagers'],
  alertmanagers: [...HTTP_CLIENT, 'sigv4', 'scheme', 'path_prefix', 'timeout', 'api_version', 'relabel_configs'],
  scrape_configs: ['job_name', 'honor_labels', 'honor_timestamps', 'track_timestamps_staleness', 'params', 'scrape_interval', 'scrape_timeout', 'scrape_classic_histograms', 'metrics_path', 'scheme', 'enable_compression', 'body_size_limit', 'sample_limit', 'target_limit', 'label_limit', 'label_name_length_limit', 'label_value_length_limit', 'native_histogram_bucket_limit', 'keep_dropped_targets', ...HTTP_CLIENT, 'relabel_configs', 'metric_relabel_configs'],
  relabel_configs: RELABEL,
  metric_relabel_configs: RELABEL,
  alert_relabel_configs: RELABEL,
  write_relabel_configs: RELABEL,
  remote_write: ['url', 'remote_timeout', 'headers', 'write_relabel_configs', 'name', 'send_exemplars', 'send_native_histograms', ...HTTP_CLIENT, 'queue_config', 'metadata_config', 'sigv4', 'azuread'],
  remote_read: ['url', 'remote_timeout', 'headers', 'read_recent', 'name', ...HTTP_CLIENT, 'required_matchers', 'filter_external_labels'],
  storage: ['tsdb', 'exemplars'],
};

function isZero(v: unknown): boolean {
  return v === 0 || v === false;
}

/** Keys in Go's order: the struct's declared fields, then the rest as they come, SD blocks last by name. */
function ordered(parent: string, o: Record<string, unknown>): Record<string, unknown> {
  const order = ORDER[parent];
  if (!order) return o;
  const keys = Object.keys(o);
  const rank = (k: string) => (SD_KEYS.has(k) || k.endsWith('_sd_configs') ? order.length + 1 : order.includes(k) ? order.indexOf(k) : order.length);
  const sorted = keys
    .map((k, i) => ({ k, i }))
    .sort((a, b) => rank(a.k) - rank(b.k) || (rank(a.k) > order.length ? (a.k < b.k ? -1 : 1) : a.i - b.i));
  const out: Record<string, unknown> = {};
  for (const { k } of sorted) out[k] = o[k];
  return out;
}

function convert(key: string, v: unknown): unknown {
  if (v instanceof AnchoredRegexp) return v.source;
  if (v instanceof Labels) return v.isEmpty() ? undefined : v.toObject();
  if (typeof v === 'number' && DURATION_KEYS.has(key)) return OMIT_ZERO.has(key) && v === 0 ? undefined : formatDuration(v);
  if (typeof v === 'string' && SECRET_KEYS.has(key)) return v === '' ? undefined : '<secret>';
  if (OMIT_ZERO.has(key) && isZero(v)) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 0 && !KEEP_EMPTY.has(key)) return undefined;
    // Elements are converted as members of their list: the list's key names their struct.
    return v.map((x) => convert(key, x));
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (INTERNAL_KEYS.has(k)) continue;
      const c = convert(k, x);
      if (c === undefined || c === '') continue;
      if (c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      // A struct of zero values under omitempty (tls_config with insecure_skip_verify: false).
      if (k === 'tls_config' && Object.values(c as Record<string, unknown>).every(isZero)) continue;
      // Prometheus has no exemplars block unless the file gives one; ours holds the default.
      if (k === 'exemplars' && (c as { max_exemplars?: number }).max_exemplars === DEFAULT_MAX_EXEMPLARS) continue;
      out[k] = c;
    }
    const raw = (v as { unsupported_sd_configs?: Record<string, unknown[]> }).unsupported_sd_configs;
    if (raw) for (const [k, x] of Object.entries(raw)) if (x.length) out[k] = x;
    return ordered(key, out);
  }
  return v;
}

export function marshalConfig(cfg: Config): string {
  const doc = new Document(convert('', cfg));
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === 'source_labels' && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: false, flowCollectionPadding: false });
}
