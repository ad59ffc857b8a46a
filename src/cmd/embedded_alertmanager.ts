// prometheus-ts --alertmanager.config.file: the Alertmanager run inside the server's process,
// under /alertmanager/ of its listener, with its state in <storage.tsdb.path>/alertmanager/ and
// every alert of the notifier handed to it directly.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Alertmanager } from '../alertmanager/index.js';
import type { NotifierManager } from '../notifier/index.js';
import type { Logger } from '../util/log.js';
import { newRegistry } from '../util/metrics.js';
import type { ServerOptions } from './options.js';

export interface EmbeddedAlertmanager {
  readonly am: Alertmanager;
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}

/** Alertmanager's defaults for what its flags would set. */
const RETENTION = 120 * 3600_000;
const ALERTS_GC_INTERVAL = 30 * 60_000;

export async function startEmbeddedAlertmanager(
  opts: ServerOptions,
  notifier: NotifierManager,
  logger: Logger,
): Promise<EmbeddedAlertmanager> {
  const externalURL = new URL(opts.externalURL.toString().replace(/\/?$/, '/') + 'alertmanager');
  const am = await Alertmanager.start({
    configFile: opts.alertmanagerConfigFile,
    storagePath: join(opts.tsdb.path, 'alertmanager'),
    retention: RETENTION,
    alertsGCInterval: ALERTS_GC_INTERVAL,
    externalURL,
    logger,
    // Its own registry: /alertmanager/metrics shows the alertmanager_* metrics as a standalone one would.
    registry: newRegistry(),
  });
  notifier.setLocalAlertmanager({
    url: `${externalURL.toString()}/api/v2/alerts`,
    post: (body) => am.receive(body),
  });
  return {
    am,
    handle: (req, res, path) =>
      am.handle(req, res, path, new URL(req.url ?? '/', 'http://localhost').searchParams),
  };
}
