// Service discovery's own metrics, named as Prometheus names them.
import { client, type Registry } from '../../util/metrics.js';

export class DiscoveryMetrics {
  readonly discoveredTargets: client.Gauge<'config' | 'name'>;
  readonly receivedUpdates: client.Counter<'name'>;
  readonly updates: client.Counter<'name'>;
  readonly delayedUpdates: client.Counter<'name'>;
  readonly failedConfigs: client.Gauge<'name'>;
  readonly consulRpcFailures: client.Counter;
  readonly consulRpcDuration: client.Summary<'endpoint' | 'call'>;
  readonly refreshFailures: client.Counter<'mechanism'>;
  readonly refreshDuration: client.Summary<'mechanism'>;
  readonly fileReadErrors: client.Counter;
  readonly fileWatcherErrors: client.Counter;
  readonly fileScanDuration: client.Summary;
  readonly httpFailures: client.Counter;
  readonly dnsLookups: client.Counter;
  readonly dnsLookupFailures: client.Counter;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    const get = <T>(name: string, make: () => T): T =>
      (registry?.getSingleMetric(name) as T | undefined) ?? make();
    this.discoveredTargets = get(
      'prometheus_sd_discovered_targets',
      () =>
        new client.Gauge({
          name: 'prometheus_sd_discovered_targets',
          help: 'Current number of discovered targets.',
          labelNames: ['config', 'name'],
          registers,
        }),
    );
    this.receivedUpdates = get(
      'prometheus_sd_received_updates_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_received_updates_total',
          help: 'Total number of update events received from the SD providers.',
          labelNames: ['name'],
          registers,
        }),
    );
    this.updates = get(
      'prometheus_sd_updates_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_updates_total',
          help: 'Total number of update events sent to the SD consumers.',
          labelNames: ['name'],
          registers,
        }),
    );
    this.delayedUpdates = get(
      'prometheus_sd_updates_delayed_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_updates_delayed_total',
          help: "Total number of update events that couldn't be sent immediately.",
          labelNames: ['name'],
          registers,
        }),
    );
    this.failedConfigs = get(
      'prometheus_sd_failed_configs',
      () =>
        new client.Gauge({
          name: 'prometheus_sd_failed_configs',
          help: 'Current number of service discovery configurations that failed to load.',
          labelNames: ['name'],
          registers,
        }),
    );
    this.consulRpcFailures = get(
      'prometheus_sd_consul_rpc_failures_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_consul_rpc_failures_total',
          help: 'The number of Consul RPC call failures.',
          registers,
        }),
    );
    this.consulRpcDuration = get(
      'prometheus_sd_consul_rpc_duration_seconds',
      () =>
        new client.Summary({
          name: 'prometheus_sd_consul_rpc_duration_seconds',
          help: 'The duration of a Consul RPC call in seconds.',
          labelNames: ['endpoint', 'call'],
          percentiles: [0.5, 0.9, 0.99],
          registers,
        }),
    );
    this.refreshFailures = get(
      'prometheus_sd_refresh_failures_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_refresh_failures_total',
          help: 'Number of refresh failures for the given SD mechanism.',
          labelNames: ['mechanism'],
          registers,
        }),
    );
    this.refreshDuration = get(
      'prometheus_sd_refresh_duration_seconds',
      () =>
        new client.Summary({
          name: 'prometheus_sd_refresh_duration_seconds',
          help: 'The duration of a refresh in seconds for the given SD mechanism.',
          labelNames: ['mechanism'],
          percentiles: [0.5, 0.9, 0.99],
          registers,
        }),
    );
    this.fileReadErrors = get(
      'prometheus_sd_file_read_errors_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_file_read_errors_total',
          help: 'The number of File-SD read errors.',
          registers,
        }),
    );
    this.fileWatcherErrors = get(
      'prometheus_sd_file_watcher_errors_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_file_watcher_errors_total',
          help: 'The number of File-SD errors caused by filesystem watch failures.',
          registers,
        }),
    );
    this.fileScanDuration = get(
      'prometheus_sd_file_scan_duration_seconds',
      () =>
        new client.Summary({
          name: 'prometheus_sd_file_scan_duration_seconds',
          help: 'The duration of the File-SD scan in seconds.',
          percentiles: [0.5, 0.9, 0.99],
          registers,
        }),
    );
    this.httpFailures = get(
      'prometheus_sd_http_failures_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_http_failures_total',
          help: 'Number of HTTP service discovery refresh failures.',
          registers,
        }),
    );
    this.dnsLookups = get(
      'prometheus_sd_dns_lookups_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_dns_lookups_total',
          help: 'The number of DNS-SD lookups.',
          registers,
        }),
    );
    this.dnsLookupFailures = get(
      'prometheus_sd_dns_lookup_failures_total',
      () =>
        new client.Counter({
          name: 'prometheus_sd_dns_lookup_failures_total',
          help: 'The number of DNS-SD lookup failures.',
          registers,
        }),
    );
  }
}
