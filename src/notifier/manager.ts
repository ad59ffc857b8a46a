// The notifier: a bounded queue of alerts sent in batches to every discovered Alertmanager
// (API v2, POST <scheme>://<address><path_prefix>/api/v2/alerts). External labels are attached
// and alert_relabel_configs applied on the way in; when the queue is full the oldest alerts go.
import { posix } from 'node:path';
import { Labels, LabelsBuilder } from '../model/labels/index.js';
import { relabel } from '../model/relabel/index.js';
import type {
  AlertmanagerConfig,
  Config,
  RelabelConfig,
  ServiceDiscoveryConfigs,
  TargetGroup,
} from '../config/index.js';
import { doRequest } from '../httpclient/index.js';
import { nopLogger, type Logger } from '../util/log.js';
import { client, type Registry } from '../util/metrics.js';
import type { Alert } from './alert.js';
import type { AlertmanagerRetriever } from './alertmanager_info.js';

const MAX_BATCH = 64;

interface AlertmanagerSet {
  cfg: AlertmanagerConfig;
  /** The last discovered groups, kept so a config change re-derives the URLs without waiting for discovery. */
  groups: TargetGroup[];
  active: string[];
  dropped: string[];
}

export interface NotifierOptions {
  queueCapacity?: number;
  logger?: Logger;
  registry?: Registry;
  externalURL?: string;
}

function alertsPath(cfg: AlertmanagerConfig): string {
  return posix.join('/', cfg.path_prefix ?? '/', `/api/${cfg.api_version ?? 'v2'}`, '/alerts');
}

export class NotifierManager implements AlertmanagerRetriever {
  private queue: Alert[] = [];
  private readonly capacity: number;
  private readonly logger: Logger;
  private sets = new Map<string, AlertmanagerSet>();
  private externalLabels: Labels = Labels.EMPTY;
  private relabelConfigs: RelabelConfig[] = [];
  private sending: Promise<void> | null = null;
  /** An Alertmanager in this process (the embedded one), sent every batch as the others are. */
  private local: { url: string; post: (body: string) => void } | null = null;
  private stopped = false;
  private readonly m: {
    latency: client.Summary<'alertmanager'>;
    errors: client.Counter<'alertmanager'>;
    sent: client.Counter<'alertmanager'>;
    dropped: client.Counter;
    queueLength: client.Gauge;
    discovered: client.Gauge;
  };

  constructor(opts: NotifierOptions = {}) {
    this.capacity = opts.queueCapacity && opts.queueCapacity > 0 ? opts.queueCapacity : 10000;
    this.logger = opts.logger ?? nopLogger;
    const registers = opts.registry ? [opts.registry] : [];
    this.m = {
      latency: new client.Summary({
        name: 'prometheus_notifications_latency_seconds',
        help: 'Latency quantiles for sending alert notifications.',
        labelNames: ['alertmanager'],
        percentiles: [0.5, 0.9, 0.99],
        maxAgeSeconds: 600,
        ageBuckets: 5,
        registers,
      }),
      errors: new client.Counter({
        name: 'prometheus_notifications_errors_total',
        help: 'Total number of errors sending alert notifications.',
        labelNames: ['alertmanager'],
        registers,
      }),
      sent: new client.Counter({
        name: 'prometheus_notifications_sent_total',
        help: 'Total number of alerts sent.',
        labelNames: ['alertmanager'],
        registers,
      }),
      dropped: new client.Counter({
        name: 'prometheus_notifications_dropped_total',
        help: 'Total number of alerts dropped due to errors when sending to Alertmanager.',
        registers,
      }),
      queueLength: new client.Gauge({
        name: 'prometheus_notifications_queue_length',
        help: 'The number of alert notifications in the queue.',
        registers,
      }),
      discovered: new client.Gauge({
        name: 'prometheus_notifications_alertmanagers_discovered',
        help: 'The number of alertmanagers discovered and active.',
        registers,
      }),
    };
    new client.Gauge({
      name: 'prometheus_notifications_queue_capacity',
      help: 'The capacity of the alert notifications queue.',
      registers,
    }).set(this.capacity);
  }

  applyConfig(cfg: Config): void {
    this.externalLabels = cfg.global.external_labels;
    this.relabelConfigs = cfg.alerting.alert_relabel_configs ?? [];
    const next = new Map<string, AlertmanagerSet>();
    cfg.alerting.alertmanagers.forEach((am, i) => {
      const key = `config-${i}`;
      const set: AlertmanagerSet = {
        cfg: am,
        groups: this.sets.get(key)?.groups ?? [],
        active: [],
        dropped: [],
      };
      this.resolve(set);
      next.set(key, set);
    });
    this.sets = next;
    this.updateDiscovered();
  }

  /** What the 'notify' discovery manager runs: one entry per alertmanagers block. */
  sdConfigs(cfg: Config): Map<string, ServiceDiscoveryConfigs> {
    return new Map(cfg.alerting.alertmanagers.map((am, i) => [`config-${i}`, am] as const));
  }

  /** Discovery update: the Alertmanagers of each set. */
  sync(tsets: Map<string, TargetGroup[]>): void {
    for (const [key, groups] of tsets) {
      const set = this.sets.get(key);
      if (!set) continue;
      set.groups = groups;
      this.resolve(set);
    }
    this.updateDiscovered();
  }

  /** The set's Alertmanager URLs from its discovered groups, through its relabel_configs. */
  private resolve(set: AlertmanagerSet): void {
    const active = new Set<string>();
    const dropped: string[] = [];
    const url = (l: Labels) =>
      `${l.get('__scheme__')}://${l.get('__address__')}${l.get('__alerts_path__')}`;
    for (const g of set.groups) {
      for (const t of g.targets) {
        const lb = new LabelsBuilder(Labels.fromObject(t));
        lb.set('__scheme__', set.cfg.scheme || 'http');
        lb.set('__alerts_path__', alertsPath(set.cfg));
        for (const [k, v] of Object.entries(g.labels)) if (!(k in t)) lb.set(k, v);
        const pre = lb.labels();
        const ls = relabel(pre, set.cfg.relabel_configs ?? []);
        if (ls === null) {
          dropped.push(url(pre));
          continue;
        }
        if (ls.get('__address__').includes('/')) {
          this.logger.error('Invalid Alertmanager address', { address: ls.get('__address__') });
          continue;
        }
        const u = url(ls);
        active.add(u);
        // As Prometheus: each discovered Alertmanager's counters exist from 0.
        this.m.sent.inc({ alertmanager: u }, 0);
        this.m.errors.inc({ alertmanager: u }, 0);
      }
    }
    set.active = [...active];
    set.dropped = dropped;
  }

  private updateDiscovered(): void {
    let n = 0;
    for (const s of this.sets.values()) n += s.active.length;
    this.m.discovered.set(n);
  }

  /** Queues alerts for sending (external labels and alert relabeling applied here). */
  send(alerts: Alert[]): void {
    if (this.stopped) return;
    for (const a of alerts) {
      let ls = a.labels;
      if (!this.externalLabels.isEmpty()) {
        const lb = new LabelsBuilder(ls);
        this.externalLabels.forEach((n, v) => {
          if (ls.get(n) === '') lb.set(n, v);
        });
        ls = lb.labels();
      }
      const relabeled = relabel(ls, this.relabelConfigs);
      if (relabeled === null || relabeled.isEmpty()) continue;
      this.queue.push({ ...a, labels: relabeled });
    }
    if (this.queue.length > this.capacity) {
      const drop = this.queue.length - this.capacity;
      this.queue.splice(0, drop);
      this.m.dropped.inc(drop);
      this.logger.warn('Alert notification queue full, dropping alerts', { num_dropped: drop });
    }
    this.m.queueLength.set(this.queue.length);
    this.kick();
  }

  private kick(): void {
    if (this.sending || this.queue.length === 0) return;
    this.sending = this.drain().finally(() => {
      this.sending = null;
      if (this.queue.length > 0 && !this.stopped) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.m.queueLength.set(this.queue.length);
      const body = JSON.stringify(
        batch.map((a) => ({
          labels: a.labels.toObject(),
          annotations: a.annotations.toObject(),
          startsAt: a.startsAt.toISOString(),
          ...(a.endsAt ? { endsAt: a.endsAt.toISOString() } : {}),
          generatorURL: a.generatorURL,
        })),
      );
      const targets: { url: string; cfg: AlertmanagerConfig }[] = [];
      for (const s of this.sets.values())
        for (const url of s.active) targets.push({ url, cfg: s.cfg });
      if (targets.length === 0 && this.local === null) {
        // Nowhere to send them: lost, and counted so as Prometheus counts them.
        this.m.dropped.inc(batch.length);
        continue;
      }
      const results = await Promise.all([
        ...targets.map((t) => this.post(t.url, t.cfg, body, batch.length)),
        ...(this.local === null ? [] : [this.postLocal(this.local, body, batch.length)]),
      ]);
      if (!results.some((ok) => ok)) {
        this.m.dropped.inc(batch.length);
        this.logger.error('Error sending alerts', {
          count: batch.length,
          err: 'all Alertmanagers failed',
        });
      }
    }
  }

  private async post(
    url: string,
    cfg: AlertmanagerConfig,
    body: string,
    count: number,
  ): Promise<boolean> {
    const started = performance.now();
    try {
      const res = await doRequest(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Prometheus/2.48.0' },
        timeoutMs: cfg.timeout || 10_000,
        client: cfg,
      });
      if (res.status < 200 || res.status >= 300)
        throw new Error(`bad response status ${res.status}`);
      this.m.sent.inc({ alertmanager: url }, count);
      return true;
    } catch (e) {
      this.m.errors.inc({ alertmanager: url }, count);
      this.logger.error('Error sending alert', { alertmanager: url, count, err: e as Error });
      return false;
    } finally {
      this.m.latency.observe({ alertmanager: url }, (performance.now() - started) / 1000);
    }
  }

  /** Also sends to an Alertmanager running in this process (prometheus-ts --alertmanager.config.file). */
  setLocalAlertmanager(local: { url: string; post: (body: string) => void } | null): void {
    this.local = local;
  }

  private async postLocal(
    local: { url: string; post: (body: string) => void },
    body: string,
    count: number,
  ): Promise<boolean> {
    try {
      local.post(body);
      this.m.sent.inc({ alertmanager: local.url }, count);
      return true;
    } catch (e) {
      this.m.errors.inc({ alertmanager: local.url }, count);
      this.logger.error('Error sending alert', { alertmanager: local.url, count, err: e as Error });
      return false;
    }
  }

  activeAlertmanagers(): string[] {
    return [
      ...[...this.sets.values()].flatMap((s) => s.active),
      ...(this.local === null ? [] : [this.local.url]),
    ];
  }

  droppedAlertmanagers(): string[] {
    return [...this.sets.values()].flatMap((s) => s.dropped);
  }

  /** Sends what is queued (within a short deadline), then stops. */
  async stop(): Promise<void> {
    const deadline = new Promise<void>((r) => setTimeout(r, 5000).unref());
    if (this.sending) await Promise.race([this.sending, deadline]);
    this.stopped = true;
  }
}
