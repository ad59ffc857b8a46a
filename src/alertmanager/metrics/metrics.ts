// Alertmanager's own metrics, under its names, on the registry the Alertmanager is given.
import { client, type Registry } from '../../util/metrics.js';

export const AM_INTEGRATIONS = [
  'email',
  'pagerduty',
  'wechat',
  'pushover',
  'slack',
  'opsgenie',
  'webhook',
  'victorops',
  'sns',
  'telegram',
];

export class AMMetrics {
  readonly notifications: client.Counter<'integration'>;
  readonly notificationsFailed: client.Counter<'integration'>;
  readonly requests: client.Counter<'integration'>;
  readonly requestsFailed: client.Counter<'integration'>;
  readonly latency: client.Histogram<'integration'>;
  readonly received: client.Counter<'status' | 'version'>;
  readonly invalid: client.Counter<'version'>;
  readonly reloadSuccess: client.Gauge;
  readonly reloadTimestamp: client.Gauge;
  readonly configHash: client.Gauge;
  readonly aggregationGroups: client.Gauge;

  constructor(
    readonly registry: Registry,
    collect: {
      alertsByState: () => Record<string, number>;
      silencesByState: () => Record<string, number>;
    },
  ) {
    const r = [registry];
    const byIntegration = (name: string, help: string) =>
      new client.Counter({ name, help, labelNames: ['integration'], registers: r });
    this.notifications = byIntegration(
      'alertmanager_notifications_total',
      'The total number of attempted notifications.',
    );
    this.notificationsFailed = byIntegration(
      'alertmanager_notifications_failed_total',
      'The total number of failed notifications.',
    );
    this.requests = byIntegration(
      'alertmanager_notification_requests_total',
      'The total number of attempted notification requests.',
    );
    this.requestsFailed = byIntegration(
      'alertmanager_notification_requests_failed_total',
      'The total number of failed notification requests.',
    );
    this.latency = new client.Histogram({
      name: 'alertmanager_notification_latency_seconds',
      help: 'The latency of notifications in seconds.',
      labelNames: ['integration'],
      buckets: [1, 5, 10, 15, 20],
      registers: r,
    });
    for (const i of AM_INTEGRATIONS) {
      for (const c of [
        this.notifications,
        this.notificationsFailed,
        this.requests,
        this.requestsFailed,
      ])
        c.inc({ integration: i }, 0);
      this.latency.zero({ integration: i });
    }
    this.received = new client.Counter({
      name: 'alertmanager_alerts_received_total',
      help: 'The total number of received alerts.',
      labelNames: ['status', 'version'],
      registers: r,
    });
    this.invalid = new client.Counter({
      name: 'alertmanager_alerts_invalid_total',
      help: 'The total number of received alerts that were invalid.',
      labelNames: ['version'],
      registers: r,
    });
    for (const status of ['firing', 'resolved']) this.received.inc({ status, version: 'v2' }, 0);
    this.invalid.inc({ version: 'v2' }, 0);
    this.reloadSuccess = new client.Gauge({
      name: 'alertmanager_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers: r,
    });
    this.reloadTimestamp = new client.Gauge({
      name: 'alertmanager_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers: r,
    });
    this.configHash = new client.Gauge({
      name: 'alertmanager_config_hash',
      help: 'Hash of the currently loaded alertmanager configuration.',
      registers: r,
    });
    this.aggregationGroups = new client.Gauge({
      name: 'alertmanager_dispatcher_aggregation_groups',
      help: 'Number of active aggregation groups',
      registers: r,
    });
    new client.Gauge({
      name: 'alertmanager_alerts',
      help: 'How many alerts by state.',
      labelNames: ['state'],
      registers: r,
      collect() {
        const by = collect.alertsByState();
        for (const state of ['active', 'suppressed', 'unprocessed'])
          this.set({ state }, by[state] ?? 0);
      },
    });
    new client.Gauge({
      name: 'alertmanager_silences',
      help: 'How many silences by state.',
      labelNames: ['state'],
      registers: r,
      collect() {
        const by = collect.silencesByState();
        for (const state of ['active', 'pending', 'expired']) this.set({ state }, by[state] ?? 0);
      },
    });
    new client.Gauge({
      name: 'alertmanager_cluster_enabled',
      help: 'Indicates whether the clustering is enabled or not.',
      registers: r,
    }).set(0);
  }
}
