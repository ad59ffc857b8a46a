// The loaded config written back as YAML, as /api/v1/status/config shows it: defaults filled in,
// durations in Prometheus's notation, regexes as written, secrets masked, unused sections left out.
import { stringify } from 'yaml';
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
  'out_of_order_time_window',
]);
const SECRET_KEYS = new Set(['password', 'credentials', 'bearer_token', 'client_secret', 'token', 'key']);
const INTERNAL_KEYS = new Set(['sourceFile', 'original', 'unsupported_sd_configs']);
const SD_KEYS = new Set(['static_configs', 'file_sd_configs', 'consul_sd_configs', 'http_sd_configs', 'dns_sd_configs']);

function convert(key: string, v: unknown): unknown {
  if (v instanceof AnchoredRegexp) return v.source;
  if (v instanceof Labels) return v.isEmpty() ? undefined : v.toObject();
  if (typeof v === 'number' && DURATION_KEYS.has(key)) return formatDuration(v);
  if (typeof v === 'string' && SECRET_KEYS.has(key)) return v === '' ? undefined : '<secret>';
  if (Array.isArray(v)) {
    if (v.length === 0 && (SD_KEYS.has(key) || key.endsWith('_configs') || key === 'rule_files' || key === 'scrape_config_files')) return undefined;
    return v.map((x) => convert('', x));
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (INTERNAL_KEYS.has(k)) continue;
      const c = convert(k, x);
      if (c === undefined || c === '') continue;
      if (c !== null && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0) continue;
      out[k] = c;
    }
    const raw = (v as { unsupported_sd_configs?: Record<string, unknown[]> }).unsupported_sd_configs;
    if (raw) for (const [k, x] of Object.entries(raw)) if (x.length) out[k] = x;
    return out;
  }
  return v;
}

export function marshalConfig(cfg: Config): string {
  return stringify(convert('', cfg), { lineWidth: 0 });
}
