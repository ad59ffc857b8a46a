// The prometheus.yml model. Field names are the YAML names, unchanged, so a reader of the YAML
// finds each one; durations are milliseconds (number); sizes are bytes. Loading (config.ts)
// fills every default exactly as Prometheus 2.48 does, so consumers never apply defaults.
import type { Labels } from '../model/labels/index.js';

export type Duration = number; // ms

export interface Config {
  global: GlobalConfig;
  alerting: AlertingConfig;
  rule_files: string[];
  scrape_config_files: string[];
  scrape_configs: ScrapeConfig[];
  remote_write: RemoteWriteConfig[];
  remote_read: RemoteReadConfig[];
  storage: StorageConfig;
  tracing?: Record<string, unknown>;
  /** The file it was loaded from (absolute), for relative paths and error messages. */
  sourceFile: string;
  /** The YAML text as loaded, for /api/v1/status/config (Prometheus re-marshals; see config.ts). */
  original: string;
}

export interface GlobalConfig {
  scrape_interval: Duration; // 1m
  scrape_timeout: Duration; // 10s
  evaluation_interval: Duration; // 1m
  external_labels: Labels;
  query_log_file: string;
  body_size_limit: number;
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  keep_dropped_targets: number;
}

export type {
  Authorization,
  BasicAuth,
  HTTPClientConfig,
  OAuth2,
  TLSConfig,
} from '../httpclient/index.js';
import type { HTTPClientConfig } from '../httpclient/index.js';

// ---- Relabeling ----------------------------------------------------------------------------------

export type { RelabelAction, RelabelConfig } from '../model/relabel/index.js';
import type { RelabelConfig } from '../model/relabel/index.js';

// ---- Service discovery: each mechanism's config lives with it (src/discovery/<name>/config.ts) --

export type {
  ConsulSDConfig,
  DNSSDConfig,
  FileSDConfig,
  HTTPSDConfig,
  ServiceDiscoveryConfigs,
  StaticConfig,
  TargetGroup,
} from '../discovery/index.js';
import type { ServiceDiscoveryConfigs } from '../discovery/index.js';

// ---- Scraping ------------------------------------------------------------------------------------

export interface ScrapeConfig extends HTTPClientConfig, ServiceDiscoveryConfigs {
  job_name: string;
  honor_labels: boolean;
  honor_timestamps: boolean;
  track_timestamps_staleness: boolean;
  params: Record<string, string[]>;
  scrape_interval: Duration;
  scrape_timeout: Duration;
  scrape_classic_histograms: boolean;
  metrics_path: string; // /metrics
  scheme: string; // http
  body_size_limit: number; // bytes, 0 = none
  sample_limit: number;
  target_limit: number;
  label_limit: number;
  label_name_length_limit: number;
  label_value_length_limit: number;
  native_histogram_bucket_limit: number;
  keep_dropped_targets: number;
  enable_compression: boolean;
  relabel_configs: RelabelConfig[];
  metric_relabel_configs: RelabelConfig[];
}

// ---- Alerting ------------------------------------------------------------------------------------

export interface AlertingConfig {
  alert_relabel_configs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

export interface AlertmanagerConfig extends HTTPClientConfig, ServiceDiscoveryConfigs {
  scheme: string; // http
  path_prefix: string; // /
  timeout: Duration; // 10s
  api_version: 'v1' | 'v2'; // v2
  relabel_configs: RelabelConfig[];
}

// ---- Remote write / read -------------------------------------------------------------------------

export interface QueueConfig {
  capacity: number; // 10000
  max_shards: number; // 50
  min_shards: number; // 1
  max_samples_per_send: number; // 2000
  batch_send_deadline: Duration; // 5s
  min_backoff: Duration; // 30ms
  max_backoff: Duration; // 5s
  retry_on_http_429: boolean;
}

export interface RemoteWriteConfig extends HTTPClientConfig {
  url: string;
  remote_timeout: Duration; // 30s
  headers: Record<string, string>;
  write_relabel_configs: RelabelConfig[];
  name: string;
  send_exemplars: boolean;
  send_native_histograms: boolean;
  queue_config: QueueConfig;
  metadata_config: { send: boolean; send_interval: Duration; max_samples_per_send: number };
}

export interface RemoteReadConfig extends HTTPClientConfig {
  url: string;
  remote_timeout: Duration; // 1m
  headers: Record<string, string>;
  read_recent: boolean;
  name: string;
  required_matchers: Record<string, string>;
  filter_external_labels: boolean;
}

export interface StorageConfig {
  tsdb: { out_of_order_time_window: Duration };
  exemplars: { max_exemplars: number };
}
