// prometheus-ts: the server. Parses Prometheus's flags, opens the TSDB, wires the data flow
// (discovery → scrape → storage → query → rules → notify) and the HTTP front door, and applies
// configuration on start, SIGHUP and /-/reload — all or nothing, so a bad reload keeps the old.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags, usage, manPage, FlagError, formatBytes, flagDisplayValues } from './flags.js';
import { serverOptions, type ServerOptions } from './options.js';
import { BUILD_INFO, versionText } from '../util/version.js';
import { newLogger, nopLogger, type Logger } from '../util/log.js';
import { client, defaultRegistry, registerProcessMetrics } from '../util/metrics.js';
import { Labels } from '../model/labels/index.js';
import { formatDuration } from '../model/duration/index.js';
import type { Config } from '../config/index.js';
import { expandExternalLabels, getScrapeConfigs, loadConfigFile } from '../config/index.js';
import { logFeatures } from './features.js';
import { fdLimits, fsType, hostDetails, vmLimits } from './host.js';
import { DiscoveryManager } from '../discovery/index.js';
import { ScrapeManager } from '../scrape/index.js';
import { createDB, type DB } from '../tsdb/index.js';
import { Engine } from '../promql/index.js';
import { RuleManager, backtest } from '../rules/index.js';
import { NotifierManager } from '../notifier/index.js';
import { APIv1, goTime, handlerName } from '../web/api/v1/index.js';
import { federateHandler } from '../web/federate.js';
import { loadWebConfig, createServerFor } from '../web/webconfig/index.js';
import { WebHandler } from '../web/web.js';
import { RemoteStorage, readHandler, writeHandler } from '../storage/remote/index.js';
import { relabel } from '../model/relabel/index.js';
import { expandRuleFiles } from './rule_files.js';
import { startEmbeddedAlertmanager, type EmbeddedAlertmanager } from './embedded_alertmanager.js';
import { globalEvaluationInterval, lintConfig, lintRuleFile } from '../lint/index.js';
import { glob } from '../util/glob.js';
import { formatGoDuration } from '../model/value/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

class Server {
  private config: Config | null = null;
  private ready = false;
  private stopping = false;
  private readonly reloadSuccess: client.Gauge;
  private readonly reloadTimestamp: client.Gauge;
  private readonly readyGauge: client.Gauge;
  private reloadChain: Promise<void> = Promise.resolve();
  /** The last reload's outcome and the time of the last good one, for status/runtimeinfo. */
  private lastReloadOk = false;
  private lastConfigTime: Date | null = null;

  private db!: DB;
  /** Whether start() got past loading the config (so that stopping has something to say). */
  private started = false;
  private engine!: Engine;
  private scrape!: ScrapeManager;
  private discoveryScrape!: DiscoveryManager;
  private discoveryNotify!: DiscoveryManager;
  private notifier!: NotifierManager;
  private rules!: RuleManager;
  private web!: WebHandler;
  private remote!: RemoteStorage;
  private alertmanager: EmbeddedAlertmanager | null = null;

  constructor(
    private readonly opts: ServerOptions,
    private readonly flagValues: Record<string, string>,
    private readonly logger: Logger,
    private readonly onQuit: () => void,
  ) {
    const registers = [defaultRegistry];
    this.reloadSuccess = new client.Gauge({
      name: 'prometheus_config_last_reload_successful',
      help: 'Whether the last configuration reload attempt was successful.',
      registers,
    });
    this.reloadTimestamp = new client.Gauge({
      name: 'prometheus_config_last_reload_success_timestamp_seconds',
      help: 'Timestamp of the last successful configuration reload.',
      registers,
    });
    this.readyGauge = new client.Gauge({
      name: 'prometheus_ready',
      help: 'Whether Prometheus startup was fully completed and the server is ready for normal operation.',
      registers,
    });
    new client.Gauge({
      name: 'prometheus_build_info',
      help: "A metric with a constant '1' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.",
      labelNames: ['branch', 'goarch', 'goos', 'goversion', 'revision', 'tags', 'version'],
      registers,
    }).set(
      {
        branch: BUILD_INFO.branch,
        goarch: BUILD_INFO.goarch,
        goos: BUILD_INFO.goos,
        goversion: BUILD_INFO.goVersion,
        revision: BUILD_INFO.revision,
        tags: 'netgo,builtinassets',
        version: BUILD_INFO.version,
      },
      1,
    );
  }

  /** The config file, with external labels expanded from the environment when that feature is on. */
  private loadConfig(): Config {
    const cfg = loadConfigFile(this.opts.configFile);
    this.logLints(cfg);
    if (this.opts.features.has('expand-external-labels')) {
      cfg.global.external_labels = expandExternalLabels(
        cfg.global.external_labels,
        process.env,
        (name) => this.logger.warn('Empty environment variable', { name }),
      );
    }
    return cfg;
  }

  /**
   * Configs and rules that load but certainly do not do what they say (src/lint), logged as
   * warnings at every (re)load; `promtool-ts check config` prints the same findings.
   */
  private logLints(cfg: Config): void {
    try {
      const text = readFileSync(this.opts.configFile, 'utf8');
      const included = [...new Set(cfg.scrape_config_files.flatMap((p) => glob(p)))].map(
        (file) => ({ file, text: readFileSync(file, 'utf8') }),
      );
      const findings = lintConfig(this.opts.configFile, text, included);
      const evaluationInterval = globalEvaluationInterval(text);
      for (const rf of new Set(cfg.rule_files.flatMap((p) => glob(p))))
        findings.push(...lintRuleFile(rf, readFileSync(rf, 'utf8'), { evaluationInterval }));
      for (const f of findings)
        this.logger.warn('Configuration lint', {
          file: `${f.file}:${f.line}:${f.column}`,
          problem: f.message,
          fix: f.fix,
        });
    } catch (e) {
      // The loader reports unreadable files; a lint never stops a load.
      this.logger.debug('Configuration lint failed', { err: e as Error });
    }
  }

  async start(): Promise<void> {
    const { opts, logger } = this;
    if (opts.tsdb.defaultRetention)
      logger.info('No time or size retention was set so using the default time retention', {
        duration: formatDuration(opts.tsdb.retentionDuration),
      });
    logger.info('Starting Prometheus Server', {
      mode: 'server',
      version: `(version=${BUILD_INFO.version}, branch=${BUILD_INFO.branch}, revision=${BUILD_INFO.revision})`,
    });
    logger.info('', {
      build_context: `(go=${BUILD_INFO.goVersion}, platform=${BUILD_INFO.goos}/${BUILD_INFO.goarch}, user=${BUILD_INFO.buildUser}, date=${BUILD_INFO.buildDate})`,
    });
    logger.info('', { host_details: hostDetails() });
    logger.info('', { fd_limits: fdLimits() });
    logger.info('', { vm_limits: vmLimits() });
    logFeatures(opts.features, logger);
    // The config is read before anything else so that a broken one fails fast, as Prometheus does.
    let cfg: Config;
    try {
      cfg = this.loadConfig();
      await expandRuleFiles(cfg);
    } catch (e) {
      logger.error(`Error loading config (--config.file=${opts.configFile})`, {
        file: resolve(opts.configFile),
        err: e as Error,
      });
      throw new ExitError(2);
    }

    this.started = true;
    const registry = defaultRegistry;
    // The storage is built now and opened once the web server listens, as Prometheus does: while
    // the WAL replays, /-/healthy answers, /-/ready and the API say 503, and
    // /api/v1/status/walreplay tells the progress.
    const dbDeps = { logger: logger.with({ component: 'tsdb' }), registry };
    try {
      mkdirSync(opts.tsdb.path, { recursive: true });
      this.db = createDB(
        opts.tsdb.path,
        {
          retentionDuration: opts.tsdb.retentionDuration,
          maxBytes: opts.tsdb.maxBytes,
          minBlockDuration: opts.tsdb.minBlockDuration,
          maxBlockDuration: opts.tsdb.maxBlockDuration,
          noLockfile: opts.tsdb.noLockfile,
          walCompression: opts.tsdb.walCompression,
          enableNativeHistograms: opts.features.has('native-histograms'),
          ...(opts.tsdb.walSegmentSize > 0 ? { walSegmentSize: opts.tsdb.walSegmentSize } : {}),
        },
        dbDeps,
      );
    } catch (e) {
      logger.error('Opening storage failed', { err: e as Error });
      throw new ExitError(1);
    }

    this.engine = new Engine({
      timeout: opts.query.timeout,
      maxSamples: opts.query.maxSamples,
      lookbackDelta: opts.query.lookbackDelta,
      maxConcurrency: opts.query.maxConcurrency,
      logger: logger.with({ component: 'query engine' }),
      registry,
    });
    this.scrape = new ScrapeManager({
      appendable: this.db,
      logger: logger.with({ component: 'scrape manager' }),
      registry,
      features: {
        extraMetrics: opts.features.has('extra-scrape-metrics'),
        noDefaultPort: opts.features.has('no-default-scrape-port'),
        nativeHistograms: opts.features.has('native-histograms'),
      },
    });
    // Remote write tails the WAL, so it sends whatever is stored: scrapes, rules, received writes;
    // and the scraped targets' metric metadata.
    const scrape = this.scrape;
    const metadata = () =>
      [...scrape.targetsActive().values()].flatMap((ts) => ts.flatMap((t) => t.metadata()));
    this.remote = new RemoteStorage({
      source: this.db,
      relabel,
      logger: logger.with({ component: 'remote' }),
      registry,
      flushDeadlineMs: opts.remoteFlushDeadline,
      metadata,
    });
    this.discoveryScrape = new DiscoveryManager({
      name: 'scrape',
      logger: logger.with({ component: 'discovery manager scrape' }),
      registry,
      updateThrottleMs: opts.discoveryReloadInterval,
    });
    this.discoveryNotify = new DiscoveryManager({
      name: 'notify',
      logger: logger.with({ component: 'discovery manager notify' }),
      registry,
      updateThrottleMs: opts.discoveryReloadInterval,
    });
    this.notifier = new NotifierManager({
      queueCapacity: opts.notificationQueueCapacity,
      logger: logger.with({ component: 'notifier' }),
      registry,
      externalURL: opts.externalURL.toString(),
    });
    this.rules = new RuleManager({
      queryable: this.db,
      appendable: this.db,
      engine: this.engine,
      notify: (alerts) => this.notifier.send(alerts),
      externalLabels: cfg.global.external_labels,
      externalURL: opts.externalURL.toString(),
      logger: logger.with({ component: 'rule manager' }),
      registry,
      outageTolerance: opts.rules.outageTolerance,
      forGracePeriod: opts.rules.forGracePeriod,
      resendDelay: opts.rules.resendDelay,
    });
    this.discoveryScrape.onUpdate((tsets) => this.scrape.sync(tsets));
    this.discoveryNotify.onUpdate((tsets) => this.notifier.sync(tsets));

    const api = new APIv1({
      queryable: this.db,
      engine: this.engine,
      db: this.db,
      targets: this.scrape,
      rules: this.rules,
      alertmanagers: this.notifier,
      config: () => this.config!,
      flags: () => this.flagValues,
      runtimeInfo: () => this.runtimeInfo(),
      buildInfo: {
        version: BUILD_INFO.version,
        revision: BUILD_INFO.revision,
        branch: BUILD_INFO.branch,
        buildUser: BUILD_INFO.buildUser,
        buildDate: BUILD_INFO.buildDate,
        goVersion: BUILD_INFO.goVersion,
      },
      enableAdmin: opts.enableAdminAPI,
      enableRemoteWriteReceiver: opts.enableRemoteWriteReceiver,
      corsOrigin: opts.corsOrigin,
      lookbackDelta: opts.query.lookbackDelta,
      dataDir: opts.tsdb.path,
      externalURL: opts.externalURL,
      listenAddress: opts.listenAddress,
      isReady: () => this.ready,
      backtest: async (start, end) => {
        const cfg = this.config!;
        return backtest({
          ruleFiles: await expandRuleFiles(cfg),
          start,
          end,
          evaluationInterval: cfg.global.evaluation_interval,
          source: this.db,
          externalLabels: cfg.global.external_labels,
          externalURL: this.opts.externalURL.toString(),
          lookbackDelta: opts.query.lookbackDelta,
        });
      },
      logger: logger.with({ component: 'api' }),
      registry,
    });
    const federate = federateHandler({
      queryable: this.db,
      config: () => this.config!,
      lookbackDelta: opts.query.lookbackDelta,
      logger,
      registry,
    });

    const webConfig = opts.webConfigFile ? loadWebConfig(opts.webConfigFile) : null;
    this.web = new WebHandler({
      listenAddress: opts.listenAddress,
      routePrefix: opts.routePrefix,
      externalURL: opts.externalURL,
      enableLifecycle: opts.enableLifecycle,
      uiDir: join(ROOT, 'dist/ui'),
      pageTitle: opts.pageTitle,
      logger: logger.with({ component: 'web' }),
      registry,
      apiHandlerName: handlerName,
      maxConnections: opts.webMaxConnections,
      readTimeout: opts.webReadTimeout,
      ...(webConfig ? { createServer: (h, o) => createServerFor(webConfig, h, o) } : {}),
    });
    this.web.setHooks({
      reload: () => this.reload(),
      quit: () => this.onQuit(),
      isReady: () => this.ready,
      api: (req, res, path) => api.handle(req, res, path),
      federate: (req, res) => federate(req, res),
      read: readHandler({
        queryable: this.db,
        externalLabels: () => this.config?.global.external_labels ?? Labels.EMPTY,
        sampleLimit: opts.remoteReadSampleLimit,
        concurrentLimit: opts.remoteReadConcurrentLimit,
        maxBytesInFrame: opts.remoteReadMaxBytesInFrame,
        logger,
        registry,
      }),
      ...(opts.enableRemoteWriteReceiver
        ? { write: writeHandler(this.db, logger.with({ component: 'web' })) }
        : {}),
      alertmanager: (req, res, path) =>
        this.alertmanager === null
          ? notFoundHandler(res)
          : this.alertmanager.handle(req, res, path),
    });
    if (opts.alertmanagerConfigFile !== '') {
      try {
        this.alertmanager = await startEmbeddedAlertmanager(
          opts,
          this.notifier,
          logger.with({ component: 'alertmanager' }),
        );
      } catch (e) {
        logger.error(
          `Error loading config (--alertmanager.config.file=${opts.alertmanagerConfigFile})`,
          { err: e as Error },
        );
        throw new ExitError(2);
      }
    }
    const addr = await this.web.listen();
    const address = `${addr.host}:${addr.port}`;
    const webLog = logger.with({ component: 'web' });
    webLog.info('Start listening for connections', { address });
    logger.info('Starting TSDB ...');

    try {
      await this.db.init(dbDeps);
    } catch (e) {
      logger.error('Opening storage failed', { err: e as Error });
      throw new ExitError(1); // shutdown() closes what init() took
    }
    // Where Prometheus's exporter-toolkit says it (its serve goroutine logs once the TSDB opened).
    webLog.info('Listening on', { address });
    if (webConfig?.tls_server_config === undefined)
      webLog.info('TLS is disabled.', { http2: false, address });
    else webLog.info('TLS is enabled.', { http2: false, address });
    logger.info('', { fs_type: fsType(opts.tsdb.path) });
    logger.info('TSDB started');

    logger.info('Loading configuration file', { filename: opts.configFile });
    const timings = await this.applyConfig(cfg);
    logger.info('Completed loading of configuration file', {
      filename: opts.configFile,
      ...timings,
    });
    this.ready = true;
    this.readyGauge.set(1);
    logger.info('Server is ready to receive web requests.');
    logger.with({ component: 'rule manager' }).info('Starting rule manager...');
  }

  private runtimeInfo(): Record<string, unknown> {
    return {
      startTime: goTime(new Date(Date.now() - process.uptime() * 1000)),
      CWD: process.cwd(),
      reloadConfigSuccess: this.lastReloadOk,
      // Whole seconds, as Prometheus reads it back from its timestamp gauge.
      lastConfigTime: goTime(
        this.lastConfigTime && new Date(Math.floor(this.lastConfigTime.getTime() / 1000) * 1000),
      ),
      corruptionCount: 0,
      goroutineCount: 0,
      GOMAXPROCS: 1,
      GOMEMLIMIT: process.memoryUsage().heapTotal,
      GOGC: '',
      GODEBUG: '',
      storageRetention: describeRetention(this.opts),
    };
  }

  /** Loads the config file and applies it everywhere; a failure anywhere leaves the old config running. */
  reload(): Promise<void> {
    const next = this.reloadChain.then(async () => {
      this.logger.info('Loading configuration file', { filename: this.opts.configFile });
      const file = JSON.stringify(this.opts.configFile);
      try {
        let cfg: Config;
        try {
          cfg = this.loadConfig();
          await expandRuleFiles(cfg);
        } catch (e) {
          throw new Error(
            `couldn't load configuration (--config.file=${file}): ${(e as Error).message}`,
          );
        }
        // The embedded Alertmanager's config is checked first, so a bad one leaves both as they were.
        let applyAlertmanager: () => void = () => {};
        try {
          if (this.alertmanager !== null)
            applyAlertmanager = await this.alertmanager.am.prepareReload();
        } catch (e) {
          throw new Error(
            `couldn't load configuration (--alertmanager.config.file=${JSON.stringify(this.opts.alertmanagerConfigFile)}): ${(e as Error).message}`,
          );
        }
        let timings: Record<string, string>;
        try {
          timings = await this.applyConfig(cfg);
          applyAlertmanager();
        } catch (e) {
          this.logger.error('Failed to apply configuration', { err: e as Error });
          throw new Error(
            `one or more errors occurred while applying the new configuration (--config.file=${file})`,
          );
        }
        this.logger.info('Completed loading of configuration file', {
          filename: this.opts.configFile,
          ...timings,
        });
      } catch (e) {
        this.reloadSuccess.set(0);
        this.lastReloadOk = false;
        this.logger.error('Error reloading config', { err: e as Error });
        throw e;
      }
    });
    this.reloadChain = next.catch(() => {});
    return next;
  }

  /**
   * Applies the config everywhere; returns how long each part took, named as Prometheus's
   * "Completed loading of configuration file" line names them.
   */
  private async applyConfig(cfg: Config): Promise<Record<string, string>> {
    const started = performance.now();
    const timings: Record<string, string> = {};
    const timed = async (name: string, fn: () => unknown): Promise<void> => {
      const t0 = performance.now();
      await fn();
      timings[name] = formatGoDuration(performance.now() - t0);
    };
    // What can still fail after the config parsed is checked first: scrape_config_files and rules.
    const scrapeConfigs = getScrapeConfigs(cfg);
    const ruleFiles = await expandRuleFiles(cfg);
    await timed('rules', () =>
      this.rules.update(
        cfg.global.evaluation_interval,
        ruleFiles,
        cfg.global.external_labels,
        this.opts.externalURL.toString(),
      ),
    );
    this.config = cfg;
    await timed('db_storage', () => {});
    await timed('remote_storage', () => this.remote.applyConfig(cfg));
    await timed('web_handler', () => {});
    await timed('query_engine', async () => {
      this.engine.setDefaultEvaluationInterval(cfg.global.evaluation_interval);
      // A relative query log path is relative to the config file's directory, as Prometheus's.
      const qlog = cfg.global.query_log_file;
      await this.engine.setQueryLogFile(
        qlog === '' ? '' : resolve(dirname(this.opts.configFile), qlog),
      );
    });
    await timed('scrape', () => this.scrape.applyConfig({ ...cfg, scrape_configs: scrapeConfigs }));
    const scrapeSD = new Map(scrapeConfigs.map((sc) => [sc.job_name, sc] as const));
    await timed('scrape_sd', () => this.discoveryScrape.applyConfig(scrapeSD));
    await timed('notify', () => this.notifier.applyConfig(cfg));
    await timed('notify_sd', () => this.discoveryNotify.applyConfig(this.notifier.sdConfigs(cfg)));
    timings['tracing'] = formatGoDuration(0);
    this.reloadSuccess.set(1);
    this.lastReloadOk = true;
    this.lastConfigTime = new Date();
    this.reloadTimestamp.set(Math.floor(this.lastConfigTime.getTime() / 1000));
    const order = [
      'db_storage',
      'remote_storage',
      'web_handler',
      'query_engine',
      'scrape',
      'scrape_sd',
      'notify',
      'notify_sd',
      'rules',
      'tracing',
    ];
    return {
      totalDuration: formatGoDuration(performance.now() - started),
      ...Object.fromEntries(order.map((k) => [k, timings[k]!])),
    };
  }

  async shutdown(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // Nothing had started when the config failed to load: Prometheus then prints only the error.
    const quiet = !this.started;
    const log = quiet ? nopLogger : this.logger;
    if (reason === 'quit')
      log.warn('Received termination request via web service, exiting gracefully...');
    else if (reason !== 'startup failure') log.warn('Received SIGTERM, exiting gracefully...');
    this.ready = false;
    this.readyGauge.set(0);
    // Prometheus's words for the parts it stops, in its order; the rest stop without a line.
    const step = async (
      fn: () => Promise<void> | undefined,
      before?: [Logger, string],
      after?: [Logger, string],
    ) => {
      if (before) before[0].info(before[1]);
      try {
        await fn();
        if (after) after[0].info(after[1]);
      } catch (e) {
        this.logger.error('Stopping failed', { err: e as Error });
      }
    };
    const ruleLog = log.with({ component: 'rule manager' });
    await step(
      () => this.discoveryScrape?.stop(),
      [log, 'Stopping scrape discovery manager...'],
      [log, 'Scrape discovery manager stopped'],
    );
    await step(
      () => this.discoveryNotify?.stop(),
      [log, 'Stopping notify discovery manager...'],
      [log, 'Notify discovery manager stopped'],
    );
    await step(
      () => this.rules?.stop(),
      [ruleLog, 'Stopping rule manager...'],
      [ruleLog, 'Rule manager stopped'],
    );
    await step(
      () => this.scrape?.stop(),
      [log, 'Stopping scrape manager...'],
      [log, 'Scrape manager stopped'],
    );
    await step(() => this.remote?.close());
    await step(
      () => this.notifier?.stop(),
      [log.with({ component: 'notifier' }), 'Stopping notification manager...'],
      [log, 'Notifier manager stopped'],
    );
    await step(() => this.web?.close());
    await step(async () => this.alertmanager?.am.close());
    await step(() => this.db?.close());
    await step(() => this.engine?.setQueryLogFile(''));
    if (quiet) return;
    this.logger.info('See you next time!');
  }
}

function notFoundHandler(res: import('node:http').ServerResponse): Promise<void> {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('404 page not found\n');
  return Promise.resolve();
}

function describeRetention(o: ServerOptions): string {
  const parts: string[] = [];
  if (o.tsdb.retentionDuration) parts.push(formatDuration(o.tsdb.retentionDuration));
  if (o.tsdb.maxBytes) parts.push(formatBytes(o.tsdb.maxBytes));
  return parts.join(' or ');
}

class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    if (e instanceof FlagError) {
      process.stderr.write(`prometheus: error: ${e.message}, try --help\n`);
      return e.exitCode;
    }
    throw e;
  }
  if (flags.helpMan) {
    process.stdout.write(
      manPage('prometheus', 'The Prometheus monitoring server', versionText()) + '\n',
    );
    return 0;
  }
  if (flags.help) {
    process.stdout.write(usage('prometheus', 'The Prometheus monitoring server') + '\n');
    return 0;
  }
  if (flags.version) {
    process.stdout.write(versionText() + '\n');
    return 0;
  }
  let opts: ServerOptions;
  try {
    opts = serverOptions(flags);
  } catch (e) {
    // Values that parse but make no sense together (a listen address without a port): 2, as Prometheus.
    process.stderr.write(`prometheus: error: ${(e as Error).message}, try --help\n`);
    return 2;
  }
  const logger = newLogger({ level: opts.log.level, format: opts.log.format });
  registerProcessMetrics();
  let exiting = false;
  // Prometheus writes the route prefix and max block duration it derives back into its flags.
  const shownFlags = flagDisplayValues(flags, {
    'web.route-prefix': opts.routePrefix || '/',
    'storage.tsdb.max-block-duration': formatDuration(opts.tsdb.maxBlockDuration),
  });
  const server: Server = new Server(opts, shownFlags, logger, () => void exit('quit', 0));
  const exit = async (reason: string, code: number) => {
    if (exiting) return;
    exiting = true;
    await server.shutdown(reason);
    process.exit(code);
  };
  process.on('SIGTERM', () => void exit('SIGTERM', 0));
  process.on('SIGINT', () => void exit('SIGINT', 0));
  process.on('SIGHUP', () => {
    server.reload().catch(() => {});
  });
  try {
    await server.start();
  } catch (e) {
    await server.shutdown('startup failure');
    if (e instanceof ExitError) return e.code;
    logger.error('Startup failed', { err: e as Error });
    return 1;
  }
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`prometheus: error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
