// One Alertmanager: the config, the alert store, silences, notification log, inhibitor and
// dispatcher, its metrics, and its HTTP endpoints (relative to its route prefix). Used alone by
// `alertmanager-ts` and embedded by `prometheus-ts --alertmanager.config.file`.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import type { Logger } from '../util/log.js';
import type { Registry } from '../util/metrics.js';
import { ApiV2 } from './api/index.js';
import { loadAlertmanagerConfigFile, type AlertmanagerConfig } from './config/index.js';
import { Dispatcher, Pipeline, Route } from './dispatch/index.js';
import { Inhibitor } from './inhibit/index.js';
import { AMMetrics } from './metrics/index.js';
import { resolvedAt } from './model/index.js';
import { NotificationLog } from './nflog/index.js';
import type { Integration } from './notify/index.js';
import { silenceState, Silences } from './silence/index.js';
import { maskedConfigText } from './status_config.js';
import { AlertStore } from './store/index.js';
import { loadNotificationTemplates } from './template/index.js';

export interface AlertmanagerOptions {
  configFile: string;
  /** Directory of the `silences` and `nflog` snapshots. */
  storagePath: string;
  /** --data.retention: how long silences and notification log entries are kept. */
  retention: number;
  /** --alerts.gc-interval. */
  alertsGCInterval: number;
  /** --data.maintenance-interval: garbage collection and snapshots of silences and the notification log. */
  maintenanceInterval?: number;
  externalURL: URL;
  logger: Logger;
  registry: Registry;
}

/** How often silences and the notification log are garbage-collected and snapshotted by default. */
const MAINTENANCE_INTERVAL = 15 * 60_000;

export const AM_VERSION = {
  version: '0.25.0',
  revision: 'prometheus-ts',
  branch: 'main',
  buildUser: 'prometheus-ts',
  buildDate: '',
  goVersion: `node${process.versions.node}`,
};

interface Runtime {
  config: AlertmanagerConfig;
  route: Route;
  inhibitor: Inhibitor;
  dispatcher: Dispatcher;
}

export class Alertmanager {
  readonly store = new AlertStore();
  readonly silences: Silences;
  readonly nflog: NotificationLog;
  readonly metrics: AMMetrics;
  private runtime: Runtime | null = null;
  private readonly api: ApiV2;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly startedAt = Date.now();

  private constructor(private readonly opts: AlertmanagerOptions) {
    mkdirSync(opts.storagePath, { recursive: true });
    this.silences = new Silences({
      retention: opts.retention,
      snapshotPath: join(opts.storagePath, 'silences'),
      logger: opts.logger.with({ component: 'silences' }),
    });
    this.nflog = new NotificationLog({
      retention: opts.retention,
      snapshotPath: join(opts.storagePath, 'nflog'),
      logger: opts.logger.with({ component: 'nflog' }),
    });
    this.metrics = new AMMetrics(opts.registry, {
      alertsByState: () => this.alertsByState(),
      silencesByState: () => this.silencesByState(),
    });
    this.api = new ApiV2({
      config: () => this.rt().config,
      route: () => this.rt().route,
      dispatcher: () => this.rt().dispatcher,
      inhibitor: () => this.rt().inhibitor,
      store: this.store,
      silences: this.silences,
      metrics: this.metrics,
      startedAt: this.startedAt,
      version: AM_VERSION,
      configText: () => maskedConfigText(this.rt().config.original),
    });
  }

  /** Loads the config and starts; a bad config fails here. */
  static async start(opts: AlertmanagerOptions): Promise<Alertmanager> {
    const am = new Alertmanager(opts);
    try {
      await am.reload();
    } catch (e) {
      am.close();
      throw e;
    }
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      am.timers.push(t);
    };
    every(opts.alertsGCInterval, () => {
      const gone = am.store.gc();
      am.runtime?.inhibitor.forget(gone);
    });
    every(opts.maintenanceInterval ?? MAINTENANCE_INTERVAL, () => {
      am.silences.gc();
      am.nflog.gc();
      am.silences.snapshot();
      am.nflog.snapshot();
    });
    return am;
  }

  private rt(): Runtime {
    if (this.runtime === null) throw new Error('alertmanager not started');
    return this.runtime;
  }

  get config(): AlertmanagerConfig {
    return this.rt().config;
  }

  /** Reloads alertmanager.yml; on error the running config stays and the error is thrown. */
  async reload(): Promise<void> {
    (await this.prepareReload())();
  }

  /**
   * Loads and checks alertmanager.yml without applying it; the returned function applies it.
   * Lets an embedding server reload both configs all or nothing.
   */
  async prepareReload(): Promise<() => void> {
    const log = this.opts.logger;
    let runtime: Runtime;
    try {
      const config = loadAlertmanagerConfigFile(this.opts.configFile);
      const templates = await loadNotificationTemplates(
        config.templates,
        dirname(config.sourceFile),
      );
      const receivers = new Map<string, Integration[]>();
      for (const r of config.receivers) {
        receivers.set(
          r.name,
          r.integrations.map((ic) =>
            ic.type.create(ic.config, ic.index, {
              templates,
              log: (level, msg, fields) =>
                log
                  .with({ receiver: r.name, integration: `${ic.type.name}[${ic.index}]` })
                  [level](msg, fields),
            }),
          ),
        );
      }
      const route = new Route(config.route);
      const inhibitor = new Inhibitor(config.inhibitRules, this.store);
      const pipeline = new Pipeline({
        inhibitor,
        silences: this.silences,
        nflog: this.nflog,
        timeIntervals: config.timeIntervals,
        receivers,
        metrics: this.metrics,
        logger: log,
        externalURL: this.opts.externalURL.toString().replace(/\/$/, ''),
      });
      const dispatcher = new Dispatcher(
        route,
        this.store,
        (ctx, alerts) => pipeline.run(ctx, alerts),
        (n) => this.metrics.aggregationGroups.set(n),
      );
      runtime = { config, route, inhibitor, dispatcher };
    } catch (e) {
      this.metrics.reloadSuccess.set(0);
      log.error('Loading configuration file failed', {
        file: this.opts.configFile,
        err: (e as Error).message,
      });
      throw e;
    }
    return () => {
      const old = this.runtime;
      if (old !== null) {
        old.dispatcher.stop();
        old.inhibitor.stop();
      }
      this.runtime = runtime;
      runtime.dispatcher.start();
      this.metrics.reloadSuccess.set(1);
      this.metrics.reloadTimestamp.set(Math.floor(Date.now() / 1000));
      this.metrics.configHash.set(
        Number.parseInt(
          createHash('sha256').update(runtime.config.original).digest('hex').slice(0, 12),
          16,
        ),
      );
      log.info('Completed loading of configuration file', { file: this.opts.configFile });
    };
  }

  /** Alerts posted in-process (the embedding server's notifier), as a POST /api/v2/alerts body; throws on a refused alert. */
  receive(body: string): void {
    const errors = this.api.ingest(body);
    if (errors.length > 0) throw new Error(errors.join('; '));
  }

  private alertsByState(): Record<string, number> {
    const out: Record<string, number> = { active: 0, suppressed: 0, unprocessed: 0 };
    if (this.runtime === null) return out;
    const now = Date.now();
    for (const a of this.store.list()) {
      if (resolvedAt(a, now)) continue;
      out[this.api.alertStatus(a.labels).state]!++;
    }
    return out;
  }

  private silencesByState(): Record<string, number> {
    const out: Record<string, number> = { active: 0, pending: 0, expired: 0 };
    const now = Date.now();
    for (const s of this.silences.list()) out[silenceState(s, now)]!++;
    return out;
  }

  /** Serves a request; `path` is relative to the route prefix. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const text = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    if (path.startsWith('/api/v2/'))
      return this.api.handle(req, res, path.slice('/api/v2'.length), query);
    if (path.startsWith('/api/v1/'))
      return text(410, 'The Alertmanager API v1 was removed; prometheus-ts serves /api/v2 only.\n');
    switch (path) {
      case '/-/healthy':
      case '/-/ready':
        if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method Not Allowed\n');
        return text(200, 'OK');
      case '/-/reload':
        if (method !== 'POST') return text(405, 'Method Not Allowed\n');
        try {
          await this.reload();
        } catch (e) {
          return text(500, `failed to reload config: ${(e as Error).message}\n`);
        }
        return text(200, '');
      case '/metrics': {
        const body = await this.opts.registry.metrics();
        res.writeHead(200, { 'Content-Type': this.opts.registry.contentType });
        res.end(body);
        return;
      }
      default:
        return text(404, '404 page not found\n');
    }
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    if (this.runtime !== null) {
      this.runtime.dispatcher.stop();
      this.runtime.inhibitor.stop();
    }
    this.silences.close();
    this.nflog.close();
  }
}
