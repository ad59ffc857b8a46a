// Test helpers for the Alertmanager integrations: 0.25's `global:` defaults, Alertmanager's
// label-set fingerprint, a recording HTTP sink, the real Alertmanager on a free port, and a way
// to drive one integration without the dispatcher.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type {
  AlertmanagerGlobal,
  Integration,
  IntegrationType,
  NotifyAlert,
  NotifyContext,
} from '../../src/alertmanager/notify/integration.js';
import { loadNotificationTemplates } from '../../src/alertmanager/template/index.js';
import { PEERS, freePort, peer, startProcess, tempDir, waitReady } from '../support/peers.js';

/** Alertmanager 0.25's global defaults (config.DefaultGlobalConfig). */
export function amGlobal(over: Partial<AlertmanagerGlobal> = {}): AlertmanagerGlobal {
  return {
    resolveTimeout: 5 * 60_000,
    httpConfig: undefined,
    smtpHello: 'localhost',
    smtpRequireTls: true,
    pagerdutyUrl: 'https://events.pagerduty.com/v2/enqueue',
    opsgenieApiUrl: 'https://api.opsgenie.com/',
    wechatApiUrl: 'https://qyapi.weixin.qq.com/cgi-bin/',
    victoropsApiUrl: 'https://alert.victorops.com/integrations/generic/20131114/alert/',
    telegramApiUrl: 'https://api.telegram.org',
    webexApiUrl: 'https://webexapis.com/v1/messages',
    ...over,
  };
}

/** model.LabelSet.Fingerprint: FNV-1a 64 over the sorted names and values, each followed by 0xff. */
export function fingerprint(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const add = (b: number) => {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const k of Object.keys(labels).sort()) {
    for (const b of Buffer.from(k)) add(b);
    add(0xff);
    for (const b of Buffer.from(labels[k]!)) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, '0');
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server that records every request and answers with `status()` (200 unless set). */
export async function startSink(
  t: TestContext,
  status: (r: Recorded) => number = () => 200,
  reply = '{}',
): Promise<{
  url: string;
  requests: Recorded[];
  waitFor: (n: number, ms?: number) => Promise<Recorded[]>;
}> {
  const requests: Recorded[] = [];
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      res.writeHead(status(r), { 'Content-Type': 'application/json' });
      res.end(reply);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  const waitFor = async (n: number, ms = 20_000): Promise<Recorded[]> => {
    const deadline = Date.now() + ms;
    while (requests.length < n && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    if (requests.length < n)
      throw new Error(`sink got ${requests.length} of ${n} requests in ${ms} ms`);
    return requests;
  };
  return { url, requests, waitFor };
}

export const EXTERNAL_URL = 'http://am.example:9093';

/** The real Alertmanager 0.25 with the given config, or null (test skipped) when it is not installed. */
export async function startRealAlertmanager(
  t: TestContext,
  configYaml: string,
  files: Record<string, string> = {},
): Promise<{ url: string; dir: string } | null> {
  if (!peer('alertmanager', t)) return null;
  const { dir, cleanup } = tempDir('real-am-');
  writeFileSync(join(dir, 'alertmanager.yml'), configYaml);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const proc = startProcess(PEERS.alertmanager, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${EXTERNAL_URL}`,
    '--cluster.listen-address=',
  ]);
  t.after(async () => {
    await proc.stop();
    cleanup();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, 20_000, proc);
  return { url, dir };
}

export interface TestAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

export async function postAlerts(amURL: string, alerts: TestAlert[]): Promise<void> {
  const r = await fetch(`${amURL}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (r.status !== 200) throw new Error(`POST alerts: ${r.status} ${await r.text()}`);
}

/** The alerts as the dispatcher would hand them over. */
export function notifyAlerts(alerts: TestAlert[]): NotifyAlert[] {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: new Date(a.startsAt),
    endsAt: a.endsAt ? new Date(a.endsAt) : new Date(Date.now() + 300_000),
    generatorURL: a.generatorURL ?? '',
    fingerprint: fingerprint(a.labels),
  }));
}

export function notifyContext(
  receiver: string,
  groupLabels: Record<string, string>,
  groupKey = '{}:{}',
): NotifyContext {
  return {
    receiver,
    groupKey,
    groupLabels,
    externalURL: EXTERNAL_URL,
    now: new Date(),
    repeatInterval: 4 * 3600_000,
    signal: new AbortController().signal,
  };
}

export interface LogLine {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}

export interface DriveOptions {
  global?: AlertmanagerGlobal;
  templateGlobs?: string[];
  baseDir?: string;
  logs?: LogLine[];
}

/** Parses one config entry into an integration, with the templates of the globs. */
export async function build<C>(
  type: IntegrationType<C>,
  raw: Record<string, unknown>,
  opts: DriveOptions = {},
): Promise<Integration> {
  const templates = await loadNotificationTemplates(opts.templateGlobs ?? [], opts.baseDir ?? '.');
  const cfg = type.parse(raw, opts.global ?? amGlobal());
  return type.create(cfg, 0, {
    templates,
    log: (level, msg, fields) => opts.logs?.push({ level, msg, fields }),
  });
}

/** Parses one config entry and sends one notification through it. */
export async function drive<C>(
  type: IntegrationType<C>,
  raw: Record<string, unknown>,
  ctx: NotifyContext,
  alerts: NotifyAlert[],
  opts: DriveOptions = {},
): Promise<void> {
  await (await build(type, raw, opts)).notify(ctx, alerts);
}
